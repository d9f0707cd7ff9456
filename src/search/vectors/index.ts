/**
 * The paper vector index behind `VectorIndex`: an IVF index of int8 vectors scanned by a
 * WebAssembly SIMD kernel (ivf.ts), persisted as one checksummed file written atomically
 * (store.ts). Chosen by measurement over HNSW (usearch i8/f16, hnswlib), LanceDB IVF-PQ and
 * exact scans (bench/vectors.ts, results in bench/vectors-results.md): at 2.7 million
 * 256-dimension vectors it is a 0.71 GB file (usearch HNSW i8: 1.36 GB in memory, with recall
 * 0.85–0.90), answers k = 50 in a few ms (default nprobe 128) with recall@10 0.99, inserts in
 * ~25 µs and deletes in ~2 µs.
 *
 * Memory: the int8 codes (dims bytes a vector, 98 % of the index) stay in the file, which the
 * index keeps open and reads list by list as a search scans them (21 MB a query at 2.7 million,
 * from the page cache); the heap holds ~16 bytes a vector (seq, factor, and the seq → place map)
 * plus the vectors added since the last save. Held in the heap, the codes made the whole server
 * 1.6 GB at 2.7 million papers; in the file, the OS keeps them cached while memory allows and
 * the process stays small whatever the catalog's size.
 *
 * Keeping it in step with the catalog is the caller's job, the way the full-text indexer does it:
 * apply change log entries with upsert/remove, set `coveredChangeSeq` to the last one applied,
 * and `save()` now and then; the file records the vectors and that number together, so after a
 * crash the index reloads as of its last save and the caller replays from there (upsert
 * replaces, remove of an absent seq is a no-op, so replaying is harmless).
 *
 *   const index = await openVectorIndex(dir, { dims: 256, providerId: provider.id });
 *   index.upsert(seq, vector); index.remove(seq); index.coveredChangeSeq = last; await index.save();
 *   index.search(query, 50, (seq) => inCategory(seq));
 *
 * When the provider changes (another id or dims), opening fails with a VectorIndexError of kind
 * 'mismatch'; `openVectorIndex(dir, { ..., rebuild: true })` then starts empty with
 * coveredChangeSeq 0 (the old file stays until the first save replaces it), the caller
 * re-embeds every paper and calls `train()` once at the end.
 */
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { Scored, VectorIndex } from '../types.js';
import { IvfIndex, listsFor, quantize, sampleSizeFor } from './ivf.js';
import { INDEX_FILE, VectorIndexFileError, ensureDir, readIndexFile, readIndexHeader, removeStaleTemps, writeIndexFile, type VectorFileHeader } from './store.js';

export { TRAIN_MIN, listsFor, probesFor } from './ivf.js';
export type { VectorFileHeader } from './store.js';

/** An index file that cannot be used: damaged ('corrupt') or built for another provider or format ('mismatch'). Both are cured by a rebuild. */
export class VectorIndexError extends UserError {
  constructor(
    readonly kind: 'corrupt' | 'mismatch',
    readonly path: string,
    message: string,
  ) {
    super(kind === 'corrupt' ? 'vector_index_corrupt' : 'vector_index_mismatch', message, 503);
    this.name = 'VectorIndexError';
  }
}

export interface OpenVectorIndexOptions {
  dims: number;
  /** the embedding provider's id; an index built by another is refused */
  providerId: string;
  /** start empty (coveredChangeSeq 0) whatever is on disk; the file is replaced at the first save */
  rebuild?: boolean;
  /** retrain the lists on their own as the index grows (default true); see IvfIndex.train */
  autoTrain?: boolean;
  /** lists scanned per search (default: probesFor(lists), 1/32 of them) */
  nprobe?: number;
}

/** Search options beyond the VectorIndex interface. */
export interface VectorSearchOptions {
  accept?: (seq: number) => boolean;
  nprobe?: number;
}

export class PaperVectorIndex implements VectorIndex {
  readonly dims: number;
  readonly providerId: string;
  readonly path: string;
  /** the catalog change_seq the vectors reflect; saved with them */
  coveredChangeSeq = 0;
  private ivf: IvfIndex;
  private saving: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private dirty = false;

  constructor(path: string, opts: OpenVectorIndexOptions) {
    this.path = path;
    this.dims = opts.dims;
    this.providerId = opts.providerId;
    this.ivf = new IvfIndex({ dims: opts.dims, autoTrain: opts.autoTrain ?? true });
    if (opts.nprobe) this.ivf.nprobe = opts.nprobe;
  }

  get size(): number {
    return this.ivf.size;
  }

  /** Lists the vectors are split into (1 below TRAIN_MIN: exact search). */
  get lists(): number {
    return this.ivf.listCount;
  }

  /** Bytes of vectors and bookkeeping held in memory. */
  get memoryBytes(): number {
    return this.ivf.memoryBytes;
  }

  /** Bytes of vector codes in memory that the next save moves to the file (after training: all of them). */
  get unsavedCodeBytes(): number {
    return this.ivf.unsavedCodeBytes;
  }

  /** Whether changes were made since the last save. */
  get unsaved(): boolean {
    return this.dirty;
  }

  has(seq: number): boolean {
    return this.ivf.has(seq);
  }

  /** Adds or replaces the vector of a paper (any length: it is normalized). */
  upsert(seq: number, vector: Float32Array): void {
    this.ivf.upsert(seq, vector);
    this.dirty = true;
  }

  remove(seq: number): void {
    if (this.ivf.remove(seq)) this.dirty = true;
  }

  /**
   * The k nearest papers by cosine similarity (of the int8 vectors, within ~0.01 of the float
   * one), best first. `accept` filters inside the search: it is called only for candidates good
   * enough to enter the top k, and when fewer than k passed in the usual lists, more lists are
   * scanned in order of closeness, so a filter never starves the result (a filter passing very
   * few papers costs up to an exact scan, ~40 ms at 2.7 million).
   */
  search(vector: Float32Array, k: number, accept?: (seq: number) => boolean): Scored[] {
    return this.ivf.search(vector, k, accept ? { accept } : {});
  }

  /** `search` with every option. */
  searchWith(vector: Float32Array, k: number, opts: VectorSearchOptions): Scored[] {
    return this.ivf.search(vector, k, opts);
  }

  /** The stored vector (dequantized from int8, unit length), or null. */
  vectorOf(seq: number): Float32Array | null {
    return this.ivf.vectorOf(seq);
  }

  /** Whether the lists should be retrained (the index grew 4× since): call `train()` at a quiet moment. */
  get needsTraining(): boolean {
    return this.ivf.needsTraining;
  }

  /** Whether growing to `size` vectors would retrain the lists on the way (so `trainFor` first is worth it). */
  wouldRetrainAt(size: number): boolean {
    return this.ivf.wouldRetrainAt(size);
  }

  /** How many sample vectors `trainFor(…, size)` uses. */
  static sampleSizeFor(size: number): number {
    return sampleSizeFor(listsFor(size));
  }

  /**
   * Before embedding a large catalog: trains the lists for `size` vectors on a sample of them
   * (vectors of papers spread evenly over the catalog, up to `sampleSizeFor(size)` are used), so
   * the embedding puts each vector straight into its final list and saves move them to the file
   * as it goes, with no retraining (which holds every code in memory at once) on the way. Returns
   * the vectors used.
   */
  async trainFor(batches: AsyncIterable<readonly Float32Array[]> | Iterable<readonly Float32Array[]>, size: number): Promise<number> {
    const cap = PaperVectorIndex.sampleSizeFor(size);
    const stride = this.ivf.stride;
    const codes = new Int8Array(cap * stride);
    const factors = new Float32Array(cap);
    let n = 0;
    outer: for await (const batch of batches) {
      for (const v of batch) {
        if (n === cap) break outer;
        if (v.length !== this.dims) throw new RangeError(`vector has ${v.length} dimensions, the index ${this.dims}`);
        try {
          factors[n] = quantize(v, this.dims, stride, codes, n * stride);
          n++;
        } catch {
          // a paper with no direction (no known word) tells nothing about the clusters
        }
      }
    }
    this.ivf.trainFor({ codes: codes.subarray(0, n * stride), factors: factors.subarray(0, n) }, size);
    this.dirty = true;
    return n;
  }

  /** Re-clusters the lists for the current size (synchronous; ~2 s per million vectors). */
  train(lists?: number): void {
    this.ivf.train(lists);
    this.dirty = true;
  }

  /** Closes the index file once any save in flight has finished; the index is empty afterwards (unsaved changes are lost: save first). */
  async close(): Promise<void> {
    await this.saving;
    this.ivf.close();
  }

  /** Removes every vector and sets coveredChangeSeq to 0 (the start of a rebuild). */
  clear(): void {
    const nprobe = this.ivf.nprobe;
    // Its file is released once a save in flight (which owns a descriptor on it) has finished.
    const old = this.ivf;
    void this.saving.then(() => old.close());
    this.ivf = new IvfIndex({ dims: this.dims, autoTrain: this.ivf.autoTrain });
    this.ivf.nprobe = nprobe;
    this.coveredChangeSeq = 0;
    this.dirty = true;
  }

  /**
   * Writes the index and coveredChangeSeq to disk atomically. The vectors are written
   * synchronously, without being copied, when the call starts (or, when a save is still in
   * flight, as soon as it ends), so the file holds one consistent state and changes made while
   * the flush to disk is pending belong to the next save. Saves run one at a time. Blocks the
   * event loop for the writing (~0.3 s per GB into the page cache), not for the flush.
   */
  save(): Promise<void> {
    // With no save in flight the snapshot is taken now, inside this call; otherwise when the one before has finished.
    const run = this.pending ? this.saving.then(() => this.write()) : this.write();
    this.pending++;
    const settled = run.finally(() => this.pending--);
    this.saving = settled.catch(() => {});
    return settled;
  }

  private async write(): Promise<void> {
    const ivf = this.ivf;
    const snap = ivf.snapshot();
    this.dirty = false;
    try {
      await writeIndexFile(
        this.path,
        {
          dims: this.dims,
          stride: ivf.stride,
          providerId: this.providerId,
          coveredChangeSeq: this.coveredChangeSeq,
          trainedSize: ivf.trainedSize,
          lists: snap.lists,
          centroids: snap.centroids,
          readCodes: (list, from, n, into) => ivf.readCodes(list, from, n, into),
        },
        // From here on the lists read their codes from the new file; memory keeps only what comes after.
        (fd, offsets) => ivf.attachFile(fd, offsets),
      );
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /** @internal loading */
  load(): VectorFileHeader {
    let file;
    try {
      file = readIndexFile(this.path, { dims: this.dims, providerId: this.providerId });
    } catch (err) {
      if (err instanceof VectorIndexFileError) throw new VectorIndexError(err.kind, err.path, err.message);
      throw err;
    }
    const dup = this.ivf.restore(file.lists, file.centroids, file.header.trainedSize, file.fd);
    if (dup >= 0) {
      this.ivf.close();
      throw new VectorIndexError('corrupt', this.path, `vector index ${this.path} is corrupt (seq ${dup} stored twice); rebuild it`);
    }
    this.coveredChangeSeq = file.header.coveredChangeSeq;
    this.dirty = false;
    return file.header;
  }
}

/** The index file in `dir`. */
export function vectorIndexPath(dir: string): string {
  return join(dir, INDEX_FILE);
}

/**
 * The header of the index in `dir` (dims, provider, coveredChangeSeq, count) without loading the
 * vectors, or null when there is none; throws VectorIndexError for a damaged header.
 */
export function vectorIndexInfo(dir: string): VectorFileHeader | null {
  try {
    return readIndexHeader(vectorIndexPath(dir));
  } catch (err) {
    if (err instanceof VectorIndexFileError) throw new VectorIndexError(err.kind, err.path, err.message);
    throw err;
  }
}

/**
 * Opens the vector index kept in `dir` (created when missing): loads `dir/vectors.dpv` if there
 * is one, checking it against the configured dims and provider id. Throws VectorIndexError
 * ('mismatch' or 'corrupt') when the file cannot be used; open with `rebuild: true` then.
 */
export async function openVectorIndex(dir: string, opts: OpenVectorIndexOptions): Promise<PaperVectorIndex> {
  ensureDir(dir);
  removeStaleTemps(dir);
  const index = new PaperVectorIndex(vectorIndexPath(dir), opts);
  if (!opts.rebuild && readIndexHeaderSafe(index.path)) index.load();
  return index;
}

function readIndexHeaderSafe(path: string): boolean {
  try {
    return readIndexHeader(path) !== null;
  } catch {
    // Let load() report it with the full reason.
    return true;
  }
}

