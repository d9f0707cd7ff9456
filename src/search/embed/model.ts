/**
 * The built-in embedding model and its file.
 *
 * A model is a vocabulary of stems, each with an idf weight and a term vector (int8, one scale per
 * row), the mean document vector (removed from every vector before normalizing), and an
 * expansion table: for a stem or a phrase of stems (WordNet lemmas, acronyms defined in the
 * corpus), the vocabulary terms related to it and how strongly. Queries use the table; documents
 * do not.
 *
 * File layout (little-endian): "DPEMBED1", u32 header length, the header as JSON (format, dims,
 * params, stats, counts, hash), zero padding to 4 bytes, then the sections, each padded to 4:
 * terms (u32 byte length + UTF-8, one per line), idf f32[terms], scales f32[terms],
 * vectors i8[terms × dims], mean f32[dims], expansion keys (u32 byte length + UTF-8 lines),
 * offsets u32[keys + 1], targets u32[entries], weights f32[entries].
 *
 * The hash is the SHA-256 of the parameters and every section, not of the statistics (training
 * time differs between two identical trainings): same corpus and options, same hash.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../../errors.js';

export const MODEL_FORMAT = 1;
const MAGIC = 'DPEMBED1';

/** Settings that change vectors: part of the hash. */
export interface BuiltinParams {
  /** how much the expansions of a known query word count, relative to the word itself */
  expansionWeight: number;
  /** how much the expansions of a query word the corpus never used count */
  unknownWeight: number;
  /** remove the mean document vector before normalizing */
  center: boolean;
}

/** How the model was trained: informational, not hashed. */
export interface TrainStats {
  docs: number;
  tokens: number;
  /** distinct stems seen before the vocabulary cut */
  stems: number;
  terms: number;
  expansionKeys: number;
  acronyms: number;
  /** rank of the corpus matrix found by the SVD (≤ dims) */
  rank: number;
  trainMs: number;
  seed: number;
  /** when it was trained (ISO) */
  trainedAt: string;
  /** training options, as given, for the record */
  options: Record<string, unknown>;
}

export interface Expansions {
  /** a stem, or stems joined by single spaces (a phrase) */
  keys: string[];
  /** entries of key i are [offsets[i], offsets[i + 1]) */
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float32Array;
}

export interface BuiltinModel {
  format: number;
  dims: number;
  params: BuiltinParams;
  stats: TrainStats;
  /** the vocabulary: stems, index = term id */
  terms: string[];
  idf: Float32Array;
  /** term t's vector is vectors[t * dims …] × scales[t] */
  scales: Float32Array;
  vectors: Int8Array;
  mean: Float32Array;
  expansions: Expansions;
  /** SHA-256 (hex) of the parameters and contents */
  hash: string;
}

/** The model as the bytes of its file. */
export function encodeModel(model: Omit<BuiltinModel, 'hash'>): { bytes: Buffer; hash: string } {
  const { body, hash } = encodeBody(model);
  const header = Buffer.from(
    JSON.stringify({
      format: model.format,
      dims: model.dims,
      params: model.params,
      stats: model.stats,
      counts: { terms: model.terms.length, keys: model.expansions.keys.length, entries: model.expansions.targets.length },
      hash,
    }),
    'utf8',
  );
  const head = Buffer.alloc(pad4(8 + 4 + header.length));
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  return { bytes: Buffer.concat([head, body]), hash };
}

/** The hash a model would have (what `encodeModel` computes), without the header. */
export function modelHash(model: Omit<BuiltinModel, 'hash'>): string {
  return encodeBody(model).hash;
}

function encodeBody(model: Omit<BuiltinModel, 'hash'>): { body: Buffer; hash: string } {
  const n = model.terms.length;
  const e = model.expansions;
  if (model.idf.length !== n || model.scales.length !== n || model.vectors.length !== n * model.dims || model.mean.length !== model.dims) {
    throw new Error('inconsistent model: section sizes do not match the vocabulary and dims');
  }
  const parts: Buffer[] = [];
  const text = (lines: string[]): void => {
    const b = Buffer.from(lines.join('\n'), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(len, padded(b));
  };
  const typed = (a: ArrayBufferView): void => {
    parts.push(padded(Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  };
  text(model.terms);
  typed(model.idf);
  typed(model.scales);
  typed(model.vectors);
  typed(model.mean);
  text(e.keys);
  typed(e.offsets);
  typed(e.targets);
  typed(e.weights);
  const body = Buffer.concat(parts);
  const hash = createHash('sha256')
    .update(JSON.stringify({ format: model.format, dims: model.dims, params: model.params }))
    .update(body)
    .digest('hex');
  return { body, hash };
}

/** Reads a model from the bytes of its file; a damaged or foreign file is a UserError. `verify: false` skips the checksum (bytes already checked). */
export function decodeModel(bytes: Buffer, source = 'the model file', opts: { verify?: boolean; share?: boolean } = {}): BuiltinModel {
  const bad = (why: string): UserError =>
    new UserError('embeddings_model_invalid', `${source} is not a usable built-in embedding model (${why}); delete it to train a new one.`, 500);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw bad('unknown format');
  const headerLen = bytes.readUInt32LE(8);
  if (12 + headerLen > bytes.length) throw bad('truncated header');
  let header: {
    format: number;
    dims: number;
    params: BuiltinParams;
    stats: TrainStats;
    counts: { terms: number; keys: number; entries: number };
    hash: string;
  };
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLen));
  } catch {
    throw bad('unreadable header');
  }
  if (header.format !== MODEL_FORMAT) throw bad(`format ${header.format}, this version reads format ${MODEL_FORMAT}`);
  const { dims, counts } = header;
  let pos = pad4(12 + headerLen);
  const need = (len: number): void => {
    if (pos + len > bytes.length) throw bad('truncated');
  };
  // copies, so the typed arrays are aligned and independent of the file buffer; with `share`,
  // views of it where aligned (embedding workers share one copy of the bytes, 35 MB on a
  // 100,000-term model, instead of each holding its own)
  const readText = (): string[] => {
    need(4);
    const len = bytes.readUInt32LE(pos);
    pos += 4;
    need(len);
    const s = bytes.toString('utf8', pos, pos + len);
    pos += pad4(len);
    return s === '' ? [] : s.split('\n');
  };
  const read = <T>(Ctor: { new (buf: ArrayBuffer, offset?: number, length?: number): T; BYTES_PER_ELEMENT: number }, count: number): T => {
    const len = count * Ctor.BYTES_PER_ELEMENT;
    need(len);
    const at = bytes.byteOffset + pos;
    if (opts.share && at % Ctor.BYTES_PER_ELEMENT === 0) {
      pos += pad4(len);
      return new Ctor(bytes.buffer as ArrayBuffer, at, count);
    }
    const copy = new ArrayBuffer(len);
    new Uint8Array(copy).set(bytes.subarray(pos, pos + len));
    pos += pad4(len);
    return new Ctor(copy);
  };
  const terms = readText();
  if (terms.length !== counts.terms) throw bad('vocabulary size mismatch');
  const idf = read(Float32Array, counts.terms);
  const scales = read(Float32Array, counts.terms);
  const vectors = read(Int8Array, counts.terms * dims);
  const mean = read(Float32Array, dims);
  const keys = readText();
  if (keys.length !== counts.keys) throw bad('expansion table size mismatch');
  const offsets = read(Uint32Array, counts.keys + 1);
  const targets = read(Uint32Array, counts.entries);
  const weights = read(Float32Array, counts.entries);
  const model: BuiltinModel = {
    format: header.format,
    dims,
    params: header.params,
    stats: header.stats,
    terms,
    idf,
    scales,
    vectors,
    mean,
    expansions: { keys, offsets, targets, weights },
    hash: header.hash,
  };
  if (pos !== bytes.length) throw bad('unexpected bytes after the last section');
  if (opts.verify !== false && modelHash(model) !== header.hash) throw bad('checksum mismatch: the file is damaged');
  return model;
}

/** Writes the model file atomically (a temporary file renamed over the target). */
export async function saveModel(model: BuiltinModel, path: string): Promise<void> {
  const { bytes } = encodeModel(model);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads a model file; a missing file is a UserError with code embeddings_model_missing. */
export async function loadModel(path: string): Promise<BuiltinModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError('embeddings_model_missing', `The built-in embedding model ${path} does not exist yet: it is trained from the catalog.`, 500);
    }
    throw err;
  }
  return decodeModel(bytes, path);
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function padded(b: Buffer): Buffer {
  const len = pad4(b.length);
  if (len === b.length) return b;
  const out = Buffer.alloc(len);
  b.copy(out);
  return out;
}
