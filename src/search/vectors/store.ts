/**
 * The vector index file: one file, written whole to a temporary name, flushed, then renamed over
 * the old one (and the directory flushed), so a crash leaves either the old index or the new,
 * never a mix. A checksum over every byte and the declared length catch a truncated or damaged
 * file; the header's dims and provider id catch an index built by another embedding model.
 *
 * Layout (little-endian):
 *   "DPVECIDX" · u32 format · u32 header length H · header JSON (H bytes, space-padded to 4)
 *   centroids: nlist × stride i8 · nlist × f32 · groups × stride i8 · groups × f32 · (groups+1) × i32
 *   per list: u32 count · count × i32 seq · count × f32 factor · count × stride i8
 *   u32 checksum of everything before it · "DPVECEND"
 *
 * Writing is synchronous (one consistent snapshot without copying the vectors: ~0.3 s per GB to
 * the page cache), the flush to disk and the rename are not. Loading reads the seqs and factors
 * into memory and leaves the codes, nearly all of the file, where they are: the index keeps the
 * file open and reads each list's codes as a search scans it (from the page cache once warm).
 * The checksum is still verified over every byte at load, in blocks that are not kept.
 */
import { closeSync, existsSync, fsync, mkdirSync, openSync, renameSync, fstatSync, rmSync, writeSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { List, SLACK, type Centroids } from './ivf.js';
import { readFully } from './file.js';

const MAGIC = Buffer.from('DPVECIDX', 'latin1');
const END = Buffer.from('DPVECEND', 'latin1');
export const FORMAT_VERSION = 1;
export const INDEX_FILE = 'vectors.dpv';
const fsyncAsync = promisify(fsync);

/** What the header says about an index file. */
export interface VectorFileHeader {
  dims: number;
  stride: number;
  providerId: string;
  /** the catalog change_seq the vectors reflect */
  coveredChangeSeq: number;
  count: number;
  lists: number;
  groups: number;
  /** size the centroids were trained at (0: untrained) */
  trainedSize: number;
  /** total file length */
  fileBytes: number;
  savedAt: string;
}

/** Why an index file cannot be used as it is. */
export class VectorIndexFileError extends Error {
  constructor(
    readonly kind: 'corrupt' | 'mismatch',
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'VectorIndexFileError';
  }
}

/** 32-bit checksum over 4-byte words, four interleaved FNV-style lanes (fast in JavaScript). */
class Checksum {
  private a = 0x811c9dc5;
  private b = 0x01000193;
  private c = 0x9e3779b9;
  private d = 0x85ebca6b;
  private words = 0;
  update(bytes: ArrayBufferView): void {
    if (bytes.byteLength % 4 !== 0 || bytes.byteOffset % 4 !== 0) throw new Error('checksum input must be whole aligned words');
    const w = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    let { a, b, c, d } = this;
    const n = w.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      a = Math.imul(a ^ w[i]!, 0x01000193);
      b = Math.imul(b ^ w[i + 1]!, 0x01000193);
      c = Math.imul(c ^ w[i + 2]!, 0x01000193);
      d = Math.imul(d ^ w[i + 3]!, 0x01000193);
    }
    for (; i < n; i++) a = Math.imul(a ^ w[i]!, 0x01000193);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    this.words += n;
  }
  digest(): number {
    let h = Math.imul(this.a ^ this.words, 0x85ebca6b);
    h = Math.imul(h ^ this.b, 0xc2b2ae35);
    h = Math.imul(h ^ this.c, 0x27d4eb2f);
    h = Math.imul(h ^ this.d, 0x165667b1);
    return (h ^ (h >>> 16)) >>> 0;
  }
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function bytesOf(v: ArrayBufferView, length = v.byteLength): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, length);
}

function encodeHeader(h: VectorFileHeader): Uint8Array {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 4) * 4, 0x20);
  json.copy(padded);
  return new Uint8Array(padded.buffer, padded.byteOffset, padded.length);
}

export interface IndexState {
  dims: number;
  stride: number;
  providerId: string;
  coveredChangeSeq: number;
  trainedSize: number;
  lists: readonly List[];
  centroids: Centroids | null;
  /** copies the codes of entries [from, from + n) of a list into `into` (from the old file or memory) */
  readCodes(list: List, from: number, n: number, into: Int8Array): void;
}

/** Entries copied per block when a list's codes are read for writing or checking. */
const BLOCK = 4096;

function fileLength(s: IndexState, headerBytes: number): number {
  let n = 8 + 4 + 4 + headerBytes;
  const c = s.centroids;
  if (c) n += c.codes.byteLength + c.factors.byteLength + c.groupCodes.byteLength + c.groupFactors.byteLength + c.groupStart.byteLength;
  for (const l of s.lists) n += 4 + l.live * (8 + s.stride);
  return n + 4 + 8;
}

/**
 * Writes the state's live entries to `path` atomically. The in-memory state is read
 * synchronously, before the first await. `written`, when given, is called (synchronously, before
 * the first await) with the new file, open for reading, and the byte offset of each list's codes
 * in it: it takes ownership of that descriptor, which stays valid whatever happens to the path.
 */
export async function writeIndexFile(path: string, s: IndexState, written?: (fd: number, codeOffsets: number[]) => void): Promise<VectorFileHeader> {
  const count = s.lists.reduce((n, l) => n + l.live, 0);
  const header: VectorFileHeader = {
    dims: s.dims,
    stride: s.stride,
    providerId: s.providerId,
    coveredChangeSeq: s.coveredChangeSeq,
    count,
    lists: s.centroids ? s.centroids.factors.length : s.lists.length,
    groups: s.centroids ? s.centroids.groupFactors.length : 0,
    trainedSize: s.trainedSize,
    fileBytes: 0,
    savedAt: new Date().toISOString(),
  };
  // The header holds the file length, which depends on the header's own length: settle it.
  let encoded = encodeHeader(header);
  for (let i = 0; i < 3; i++) {
    header.fileBytes = fileLength(s, encoded.length);
    encoded = encodeHeader(header);
  }
  if (fileLength(s, encoded.length) !== header.fileBytes) throw new Error('vector index header length did not settle');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, written ? 'w+' : 'w', 0o644);
  let owned = true;
  try {
    const sum = new Checksum();
    let bytes = 0;
    const put = (b: Uint8Array) => {
      sum.update(b);
      let off = 0;
      while (off < b.byteLength) off += writeSync(fd, b, off, b.byteLength - off);
      bytes += b.byteLength;
    };
    put(new Uint8Array(MAGIC));
    put(u32(FORMAT_VERSION));
    put(u32(encoded.length));
    put(encoded);
    const c = s.centroids;
    if (c) for (const part of [c.codes, c.factors, c.groupCodes, c.groupFactors, c.groupStart]) put(bytesOf(part));
    const offsets: number[] = [];
    const block = new Int8Array(BLOCK * s.stride);
    for (const l of s.lists) {
      put(u32(l.live));
      const live = l.dead === 0 ? null : l.liveEntries();
      put(live ? bytesOf(live.seqs) : bytesOf(l.seqs, l.count * 4));
      put(live ? bytesOf(live.factors) : bytesOf(l.factors, l.count * 4));
      offsets.push(bytes);
      for (let from = 0; from < l.count; from += BLOCK) {
        const n = Math.min(BLOCK, l.count - from);
        s.readCodes(l, from, n, block);
        if (!live) {
          put(bytesOf(block, n * s.stride));
          continue;
        }
        // Squeeze the tombstones out of the block.
        let kept = 0;
        for (let i = 0; i < n; i++) {
          if (l.seqs[from + i]! < 0) continue;
          if (kept !== i) block.copyWithin(kept * s.stride, i * s.stride, (i + 1) * s.stride);
          kept++;
        }
        put(bytesOf(block, kept * s.stride));
      }
    }
    const digest = sum.digest();
    writeSync(fd, u32(digest));
    writeSync(fd, new Uint8Array(END));
    bytes += 12;
    if (bytes !== header.fileBytes) throw new Error(`vector index wrote ${bytes} bytes, expected ${header.fileBytes}`);
    if (written) {
      owned = false;
      written(fd, offsets);
    }
    await fsyncAsync(fd);
  } catch (err) {
    if (owned) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  if (owned) closeSync(fd);
  renameSync(tmp, path);
  await syncDir(path);
  return header;
}

async function syncDir(path: string): Promise<void> {
  const dir = join(path, '..');
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncAsync(fd);
  } catch {
    // Some filesystems do not flush directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads exactly `into.byteLength` bytes at the file position. */
class Reader {
  pos = 0;
  readonly sum = new Checksum();
  constructor(
    readonly fd: number,
    readonly path: string,
    readonly size: number,
  ) {}
  read(into: Uint8Array, checksum = true): void {
    if (this.pos + into.byteLength > this.size) throw new VectorIndexFileError('corrupt', this.path, `vector index ${this.path} is truncated`);
    try {
      readFully(this.fd, into, this.pos);
    } catch (err) {
      // an I/O error stays itself; a file that ends early is a damaged index
      if ((err as NodeJS.ErrnoException).code) throw err;
      throw new VectorIndexFileError('corrupt', this.path, `vector index ${this.path} is truncated`);
    }
    this.pos += into.byteLength;
    if (checksum) this.sum.update(into);
  }
  /** Checksums the next `length` bytes through `scratch`, keeping nothing. */
  pass(length: number, scratch: Uint8Array): void {
    for (let left = length; left > 0; ) {
      const n = Math.min(left, scratch.byteLength);
      this.read(scratch.subarray(0, n));
      left -= n;
    }
  }
  u32(): number {
    const b = new Uint8Array(4);
    this.read(b);
    return new DataView(b.buffer).getUint32(0, true);
  }
}

function readHeaderFrom(r: Reader): VectorFileHeader {
  const corrupt = (why: string) => new VectorIndexFileError('corrupt', r.path, `vector index ${r.path} is corrupt (${why}); rebuild it`);
  if (r.size < 28) throw corrupt('too short');
  const magic = new Uint8Array(8);
  r.read(magic);
  if (!Buffer.from(magic).equals(MAGIC)) throw corrupt('not a vector index file');
  const version = r.u32();
  if (version !== FORMAT_VERSION) throw new VectorIndexFileError('mismatch', r.path, `vector index ${r.path} has format ${version}, this version reads ${FORMAT_VERSION}; rebuild it`);
  const length = r.u32();
  if (length % 4 !== 0 || length > 1 << 20 || 16 + length > r.size) throw corrupt('bad header length');
  const json = new Uint8Array(length);
  r.read(json);
  let h: VectorFileHeader;
  try {
    h = JSON.parse(Buffer.from(json).toString('utf8')) as VectorFileHeader;
  } catch {
    throw corrupt('unreadable header');
  }
  const ints = [h.dims, h.stride, h.count, h.lists, h.groups, h.trainedSize, h.fileBytes, h.coveredChangeSeq];
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0) || typeof h.providerId !== 'string') throw corrupt('bad header fields');
  if (h.fileBytes !== r.size) throw corrupt(`${r.size} bytes where the header says ${h.fileBytes}`);
  return h;
}

/** The header of an index file (cheap: the vectors are not read), or null when there is none. */
export function readIndexHeader(path: string): VectorFileHeader | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    return readHeaderFrom(new Reader(fd, path, fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and verifies an index file; `expect` is checked before the vectors are read. The lists'
 * codes stay in the file (List.base = count, List.fileOffset): the caller owns the returned `fd`,
 * open on it, and reads them from there.
 */
export function readIndexFile(
  path: string,
  expect: { dims: number; providerId: string },
): { header: VectorFileHeader; lists: List[]; centroids: Centroids | null; fd: number } {
  const fd = openSync(path, 'r');
  let ok = false;
  try {
    const r = new Reader(fd, path, fstatSync(fd).size);
    const h = readHeaderFrom(r);
    if (h.dims !== expect.dims || h.providerId !== expect.providerId) {
      throw new VectorIndexFileError(
        'mismatch',
        path,
        `vector index ${path} holds ${h.dims}-dimension vectors of provider "${h.providerId}", ` +
          `but ${expect.dims}-dimension vectors of "${expect.providerId}" are configured; rebuild the index`,
      );
    }
    const corrupt = (why: string) => new VectorIndexFileError('corrupt', path, `vector index ${path} is corrupt (${why}); rebuild it`);
    const stride = h.stride;
    if (stride % 16 !== 0 || stride < h.dims || stride >= h.dims + 16) throw corrupt('bad stride');
    let centroids: Centroids | null = null;
    if (h.groups > 0) {
      if (h.lists < h.groups) throw corrupt('bad list count');
      centroids = {
        codes: new Int8Array(h.lists * stride),
        factors: new Float32Array(h.lists),
        groupCodes: new Int8Array(h.groups * stride),
        groupFactors: new Float32Array(h.groups),
        groupStart: new Int32Array(h.groups + 1),
      };
      for (const part of [centroids.codes, centroids.factors, centroids.groupCodes, centroids.groupFactors, centroids.groupStart]) r.read(bytesOf(part));
      const gs = centroids.groupStart;
      for (let g = 0; g < h.groups; g++) if (gs[g]! > gs[g + 1]!) throw corrupt('bad groups');
      if (gs[0] !== 0 || gs[h.groups] !== h.lists) throw corrupt('bad groups');
    } else if (h.lists !== 1) throw corrupt('bad list count');
    const lists: List[] = [];
    let total = 0;
    const scratch = new Uint8Array(BLOCK * stride);
    for (let i = 0; i < h.lists; i++) {
      const count = r.u32();
      total += count;
      if (total > h.count) throw corrupt('more vectors than the header says');
      // A little slack, so the first inserts after loading do not reallocate.
      const list = List.inFile(stride, count, SLACK(count));
      r.read(bytesOf(list.seqs, count * 4));
      r.read(bytesOf(list.factors, count * 4));
      list.fileOffset = r.pos;
      r.pass(count * stride, scratch);
      lists.push(list);
    }
    if (total !== h.count) throw corrupt('fewer vectors than the header says');
    const digest = r.sum.digest();
    const stored = r.u32();
    const end = new Uint8Array(8);
    r.read(end, false);
    if (stored !== digest) throw corrupt('checksum mismatch');
    if (!Buffer.from(end).equals(END) || r.pos !== r.size) throw corrupt('bad trailer');
    ok = true;
    return { header: h, lists, centroids, fd };
  } finally {
    if (!ok) closeSync(fd);
  }
}

/** Removes leftovers of saves that never finished (a crash between write and rename) by processes no longer running. */
export function removeStaleTemps(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^vectors\.dpv\.tmp-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    if (pid !== process.pid) {
      try {
        process.kill(pid, 0);
      } catch (err) {
        alive = (err as { code?: string }).code === 'EPERM';
      }
    }
    if (!alive) rmSync(join(dir, name), { force: true });
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
