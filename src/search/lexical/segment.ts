/**
 * Immutable segments: the postings and sorted dictionary of a set of documents, their seqs, and
 * the seqs deleted when the segment was written (tombstones: they hide older segments' copies).
 *
 * A segment file (little-endian, sections 8-aligned so typed arrays can view them in place):
 *
 *   header    "DPLX" u32 version, u32 docCount, u32 tombCount, u32 main offset, u32 main bytes,
 *             u32 × 2 reserved
 *   docs      i32[docCount]     the seqs in this segment, ascending
 *   tombs     i32[tombCount]    ascending
 *   days      i32[docCount]     per doc: day, upvotes, field lengths (title, authors, abstract)
 *   upvotes   i32[docCount]     as of when the file was written (a commit, or a write-only
 *   lens      u16[3·docCount]   index's merge); only read on open, to rebuild the index's
 *                               per-seq arrays (not kept in memory)
 *   main      the part kept in memory: a header, then the sections below, each found by its
 *             offset in the header (new files put the postings right after the header, files
 *             written before 2026-11-28 put them last; readers take both):
 *     header  u32 × 16: termCount dictBlocks dirBlocks dictBytes postBytes, then the offsets of
 *             dictStr dictPost dictDir dirLast dirOff dirMax dirCount dict postings
 *     dictStr   u32[dictBlocks]   offset of each dictionary block in `dict`
 *     dictPost  u32[dictBlocks]   postings offset of each block's first term
 *     dictDir   u32[dictBlocks]   block-directory index of each block's first term
 *     dirLast   i32[dirBlocks]    per postings block of the multi-block terms: last doc,
 *     dirOff    u32[dirBlocks]    offset in `postings`,
 *     dirMax    u8[dirBlocks]     largest impact q,
 *     dirCount  u8[dirBlocks]     number of docs (1 … BLOCK; a merge may leave a partial block
 *                                 where it appended another segment's blocks unchanged)
 *     dict      front-coded terms, DICT_BLOCK per block, in JS string (UTF-16 code unit) order;
 *               entry: varint prefix (UTF-16 units shared with the previous term), varint suffix
 *               bytes, suffix (UTF-8), varint df, varint blocks, u8 max impact, varint bytes
 *     postings  per term, its blocks: varint (first doc − previous block's last − 1), the other
 *               gaps bit-packed (u8 width, then width bits each, LSB first; width 32: raw u32),
 *               then for text terms (not the filter terms "c:…", "a:…") the field frequencies:
 *               a prefix code, LSB first (tuple k of TF_CODES: k one-bits and a zero; TF_ESCAPE
 *               one-bits: an escape), padded to a byte, then a varint tuple per escape
 *
 * A term with one block has no directory entries: it holds at most BLOCK docs, its bound is its
 * largest impact.
 */
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { crc32 } from 'node:zlib';
import { BLOCK, ByteWriter, HI_SUFFIX, IntList, MAX_PACKED_WIDTH, RAW_WIDTH, SPLIT_MIN_DF, TF_CODES, TF_CODE_OF, TF_ESCAPE, growUint8, hiThreshold, unpackGaps } from './format.js';
import { AUTHOR_PREFIX, CATEGORY_PREFIX } from './analyzer.js';

export const MAGIC = 0x584c5044; // "DPLX"
export const FORMAT_VERSION = 1;
export const DICT_BLOCK = 16;
const FILE_HEADER = 32;
export const MAIN_HEADER_WORDS = 16;
/**
 * Where the postings begin in a new segment's main part: right after its header. The writer
 * reserves the header's bytes in front of the postings and appends the other sections after
 * them in the same buffer, so a segment is not copied once more at the end (a merge's output is
 * hundreds of MB at 2.7 million papers, and that copy was the bulk import's peak memory).
 */
const POST_AT = MAIN_HEADER_WORDS * 4;

/** Whether a term's postings carry field frequencies (text terms) or only doc ids (filter terms). */
export function hasImpacts(term: string): boolean {
  return !(term.startsWith(CATEGORY_PREFIX) || term.startsWith(AUTHOR_PREFIX));
}

/** Where a term's postings are in a segment. */
export interface TermEntry {
  df: number;
  /** number of blocks */
  nb: number;
  maxQ: number;
  /** byte offset of the list in the postings section */
  off: number;
  len: number;
  /** index of its first block in the directory (when nb > 1) */
  dirStart: number;
  hasQ: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function decodeUtf8(buf: Uint8Array, from: number, to: number): string {
  // short ASCII strings (nearly all terms) without a native call
  if (to - from <= 32) {
    let s = '';
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return decoder.decode(buf.subarray(from, to));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(from, to));
}

function putVarint(b: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}

export const align8 = (n: number) => (n + 7) & ~7;

/**
 * Writes a segment's main part: terms in ascending order, each one's postings pushed in doc order
 * (or whole blocks of another segment appended unchanged).
 */
export class SegmentWriter {
  private readonly dict = new ByteWriter(1 << 16);
  private readonly post: ByteWriter;
  private readonly dictStr = new IntList(1024);
  private readonly dictPost = new IntList(1024);
  private readonly dictDir = new IntList(1024);
  private readonly dirLast = new IntList(1024);
  private readonly dirOff = new IntList(1024);
  private dirMax = new Uint8Array(1024);
  private dirCount = new Uint8Array(1024);
  private termCount = 0;
  /** previous term of the dictionary block (front coding), previous term overall (order check) */
  private prev = '';
  private last = '';
  // the term being written
  private hasQ = false;
  private readonly pDocs = new Int32Array(BLOCK);
  private readonly pTfs = new Int32Array(BLOCK);
  private readonly pQs = new Uint8Array(BLOCK);
  private pN = 0;
  /** the largest impact of the current block's postings pushed by pushBoundedRun (their qs are 0) */
  private pMaxQ = 0;
  private tStart = 0;
  private tNb = 0;
  private tDf = 0;
  private tMaxQ = 0;
  private tPrevLast = -1;
  private readonly tDirLast = new IntList(64);
  private readonly tDirOff = new IntList(64);
  private readonly tDirMax = new IntList(64);
  private readonly tDirCount = new IntList(64);

  /** bytes of the main part already written to the file (a file-backed writer), before `post`'s */
  private base = 0;
  private out: SegmentFileOut | null = null;

  /**
   * `estimate`: bytes of the whole main part (postings and dictionary), to size its buffer. With
   * `target`, the segment is written to that file as it is built, and finish() returns it
   * released; the buffer then holds at most a few MB of postings at a time.
   */
  constructor(estimate = 1 << 20, target: SegmentFileTarget | null = null) {
    if (target) {
      this.post = new ByteWriter(Math.min(POST_AT + estimate, 2 * SPILL_BYTES));
      const fd = openSync(target.path, 'w+'); // read back for its checksum
      this.out = { fd, path: target.path, meta: target.meta };
      try {
        writeAllAt(fd, target.meta, 0);
      } catch (err) {
        this.abort();
        throw err;
      }
    } else this.post = new ByteWriter(POST_AT + estimate);
    this.post.length = POST_AT;
  }

  /** the position in the main part of the next byte written */
  private get at(): number {
    return this.base + this.post.length;
  }

  beginTerm(hasQ: boolean): void {
    this.hasQ = hasQ;
    this.pN = 0;
    this.pMaxQ = 0;
    this.tStart = this.at;
    this.tNb = 0;
    this.tDf = 0;
    this.tMaxQ = 0;
    this.tPrevLast = -1;
    this.tDirLast.length = 0;
    this.tDirOff.length = 0;
    this.tDirMax.length = 0;
    this.tDirCount.length = 0;
  }

  /** Appends a posting (docs ascending): packed field frequencies and their impact for text terms. */
  push(doc: number, tf: number, q: number): void {
    const i = this.pN;
    this.pDocs[i] = doc;
    this.pTfs[i] = tf;
    this.pQs[i] = q;
    if (++this.pN === BLOCK) this.flushBlock();
  }

  /** Appends postings from arrays. */
  pushRun(docs: Int32Array, tfs: Int32Array | Uint16Array | null, qs: Uint8Array | null, from: number, count: number): void {
    for (let i = from; i < from + count; i++) {
      const k = this.pN;
      this.pDocs[k] = docs[i]!;
      if (tfs) {
        this.pTfs[k] = tfs[i]!;
        this.pQs[k] = qs![i]!;
      }
      if (++this.pN === BLOCK) this.flushBlock();
    }
  }

  /** How many more postings the block being filled takes. */
  get room(): number {
    return BLOCK - this.pN;
  }

  /**
   * Appends postings of a text term that all go into the block being filled (count ≤ room) and
   * whose largest impact is known (a merge input's one-block list: its bound), so that their
   * impacts need not be computed.
   */
  pushBoundedRun(docs: Int32Array, tfs: Int32Array, from: number, count: number, maxQ: number): void {
    if (maxQ > this.pMaxQ) this.pMaxQ = maxQ;
    for (let i = from; i < from + count; i++) {
      const k = this.pN;
      this.pDocs[k] = docs[i]!;
      this.pTfs[k] = tfs[i]!;
      this.pQs[k] = 0;
      if (++this.pN === BLOCK) this.flushBlock();
    }
  }

  private flushBlock(): void {
    const n = this.pN;
    if (n === 0) return;
    const docs = this.pDocs;
    const pw = this.post;
    // worst case: varint 5 + width 1 + raw gaps + tf codes 96 + escapes 3 each
    pw.ensure(n * 8 + 16);
    const b = pw.buf;
    let p = pw.length;
    const start = p;
    p = putVarint(b, p, docs[0]! - this.tPrevLast - 1);
    let or = 0;
    for (let i = 1; i < n; i++) or |= docs[i]! - docs[i - 1]! - 1;
    const width = or === 0 ? 0 : 32 - Math.clz32(or);
    if (width > MAX_PACKED_WIDTH) {
      b[p++] = RAW_WIDTH;
      for (let i = 1; i < n; i++) {
        const g = docs[i]! - docs[i - 1]! - 1;
        b[p] = g & 0xff;
        b[p + 1] = (g >>> 8) & 0xff;
        b[p + 2] = (g >>> 16) & 0xff;
        b[p + 3] = (g >>> 24) & 0xff;
        p += 4;
      }
    } else {
      b[p++] = width;
      if (width > 0) {
        let acc = 0;
        let bits = 0;
        for (let i = 1; i < n; i++) {
          acc |= (docs[i]! - docs[i - 1]! - 1) << bits;
          bits += width;
          while (bits >= 8) {
            b[p++] = acc & 0xff;
            acc >>>= 8;
            bits -= 8;
          }
        }
        if (bits > 0) b[p++] = acc & 0xff;
      }
    }
    let bmax = this.pMaxQ;
    if (this.hasQ) {
      const tfs = this.pTfs;
      const qs = this.pQs;
      let acc = 0;
      let bits = 0;
      let escapes = 0;
      for (let i = 0; i < n; i++) {
        if (qs[i]! > bmax) bmax = qs[i]!;
        const code = TF_CODE_OF[tfs[i]!]!;
        // `code` one-bits, then a zero unless it is the escape
        if (code === TF_ESCAPE) {
          acc |= ((1 << TF_ESCAPE) - 1) << bits;
          bits += TF_ESCAPE;
          escapes++;
        } else {
          acc |= ((1 << code) - 1) << bits;
          bits += code + 1;
        }
        while (bits >= 8) {
          b[p++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
      if (bits > 0) b[p++] = acc & 0xff;
      if (escapes > 0) for (let i = 0; i < n; i++) if (TF_CODE_OF[tfs[i]!] === TF_ESCAPE) p = putVarint(b, p, tfs[i]!);
    }
    pw.length = p;
    this.tDirLast.push(docs[n - 1]!);
    this.tDirOff.push(this.base + start - POST_AT);
    this.tDirMax.push(bmax);
    this.tDirCount.push(n);
    if (bmax > this.tMaxQ) this.tMaxQ = bmax;
    this.tPrevLast = docs[n - 1]!;
    this.tDf += n;
    this.tNb++;
    this.pN = 0;
    this.pMaxQ = 0;
  }

  /** Appends a whole list of another segment (its docs above every doc pushed so far) block by block, unchanged. */
  copyBlocks(seg: PostingsView, e: TermEntry): void {
    this.flushBlock();
    const src = seg.post;
    const pw = this.post;
    let prevLast = -1;
    for (let bi = 0; bi < e.nb; bi++) {
      const k = e.dirStart + bi;
      const from = seg.postBase + (e.nb === 1 ? e.off : seg.dirOff[k]!);
      const to = seg.postBase + (bi + 1 < e.nb ? seg.dirOff[k + 1]! : e.off + e.len);
      // the first doc's gap is relative to the previous block, which changes
      let p = from;
      let c = src[p++]!;
      let v = c & 0x7f;
      let shift = 7;
      while (c & 0x80) {
        c = src[p++]!;
        v += (c & 0x7f) * 2 ** shift;
        shift += 7;
      }
      const first = prevLast + 1 + v;
      const last = e.nb === 1 ? -1 : seg.dirLast[k]!;
      pw.ensure(5 + (to - p));
      const start = pw.length;
      pw.length = putVarint(pw.buf, start, first - this.tPrevLast - 1);
      pw.bytes(src, p, to);
      const n = e.nb === 1 ? e.df : seg.dirCount[k]!;
      const lastDoc = e.nb === 1 ? lastDocOfSingle(seg, e) : last;
      const bmax = e.nb === 1 ? e.maxQ : seg.dirMax[k]!;
      this.tDirLast.push(lastDoc);
      this.tDirOff.push(this.base + start - POST_AT);
      this.tDirMax.push(bmax);
      this.tDirCount.push(n);
      if (bmax > this.tMaxQ) this.tMaxQ = bmax;
      this.tPrevLast = lastDoc;
      prevLast = lastDoc;
      this.tDf += n;
      this.tNb++;
    }
  }

  /** Ends the term begun last (nothing is written for a term without postings). */
  endTerm(term: string): void {
    this.flushBlock();
    if (this.tDf === 0) {
      // (a file-backed writer writes out only between terms: the term's bytes are all in `post`)
      this.post.length = this.tStart - this.base;
      return;
    }
    if (this.termCount > 0 && !(this.last < term)) throw new Error(`terms out of order: ${JSON.stringify(this.last)} then ${JSON.stringify(term)}`);
    if (this.at - POST_AT > 0xffffffff) throw new Error('lexical segment too large (postings over 4 GB)');
    if (this.termCount % DICT_BLOCK === 0) {
      this.dictStr.push(this.dict.length);
      this.dictPost.push(this.tStart - POST_AT);
      this.dictDir.push(this.dirLast.length);
      this.prev = '';
    }
    if (this.tNb > 1) {
      for (let i = 0; i < this.tNb; i++) {
        const k = this.dirLast.length;
        this.dirLast.push(this.tDirLast.data[i]!);
        this.dirOff.push(this.tDirOff.data[i]!);
        if (k >= this.dirMax.length) {
          this.dirMax = growUint8(this.dirMax, k + 1);
          this.dirCount = growUint8(this.dirCount, k + 1);
        }
        this.dirMax[k] = this.tDirMax.data[i]!;
        this.dirCount[k] = this.tDirCount.data[i]!;
      }
    }
    let prefix = 0;
    const prev = this.prev;
    const lim = Math.min(prev.length, term.length);
    while (prefix < lim && prev.charCodeAt(prefix) === term.charCodeAt(prefix)) prefix++;
    // never split a surrogate pair
    if (prefix > 0) {
      const c = term.charCodeAt(prefix - 1);
      if (c >= 0xd800 && c <= 0xdbff) prefix--;
    }
    const d = this.dict;
    const tl = term.length;
    d.ensure(30 + (tl - prefix) * 3);
    const db = d.buf;
    let q = putVarint(db, d.length, prefix);
    let ascii = true;
    for (let i = prefix; i < tl; i++) if (term.charCodeAt(i) >= 0x80) ascii = false;
    if (ascii) {
      q = putVarint(db, q, tl - prefix);
      for (let i = prefix; i < tl; i++) db[q++] = term.charCodeAt(i);
    } else {
      const bytes = encoder.encode(term.slice(prefix));
      q = putVarint(db, q, bytes.length);
      db.set(bytes, q);
      q += bytes.length;
    }
    q = putVarint(db, q, this.tDf);
    q = putVarint(db, q, this.tNb);
    db[q++] = this.tMaxQ;
    q = putVarint(db, q, this.at - this.tStart);
    d.length = q;
    this.prev = term;
    this.last = term;
    this.termCount++;
    if (this.out && this.post.length >= SPILL_BYTES) {
      writeAllAt(this.out.fd, this.post.buf.subarray(0, this.post.length), this.out.meta.length + this.base);
      this.base += this.post.length;
      this.post.length = 0;
    }
  }

  /** A whole term at once (docs ascending), split into impact tiers when it is long enough. */
  addTerm(term: string, docs: Int32Array, tfs: Int32Array | Uint16Array | null, qs: Uint8Array | null, from: number, count: number): void {
    const t = tfs !== null && qs !== null && count >= SPLIT_MIN_DF ? hiThreshold(qs, from, count) : 256;
    if (t > 255) {
      this.beginTerm(tfs !== null);
      this.pushRun(docs, tfs, qs, from, count);
      this.endTerm(term);
      return;
    }
    for (const hi of [false, true]) {
      this.beginTerm(true);
      for (let i = from; i < from + count; i++) if (qs![i]! >= t === hi) this.push(docs[i]!, tfs![i]!, qs![i]!);
      this.endTerm(hi ? term + HI_SUFFIX : term);
    }
  }

  /** The segment: `docs` ascending, `tombs` ascending. A file-backed writer's is written, closed and released. */
  finish(id: number, docs: Int32Array, tombs: Int32Array): Segment {
    const parts: Uint8Array[] = [];
    const add = (a: Int32Array | Uint32Array | Uint8Array) => parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    add(new Uint32Array(this.dictStr.view()));
    add(new Uint32Array(this.dictPost.view()));
    add(new Uint32Array(this.dictDir.view()));
    add(this.dirLast.view());
    add(new Uint32Array(this.dirOff.view()));
    add(this.dirMax.subarray(0, this.dirLast.length));
    add(this.dirCount.subarray(0, this.dirLast.length));
    add(this.dict.result());
    // the postings are in place, after the header's reserved bytes; the other sections follow
    const end = this.at;
    let off = align8(end);
    const offsets: number[] = [POST_AT];
    for (const part of parts) {
      offsets.push(off);
      off = align8(off + part.byteLength);
    }
    // the offsets in the header's order: the eight sections of `parts`, then the postings
    const header = new Uint32Array(MAIN_HEADER_WORDS);
    header.set([this.termCount, this.dictStr.length, this.dirLast.length, this.dict.length, end - POST_AT, ...offsets.slice(1), POST_AT]);
    const pw = this.post;
    if (this.out) {
      const out = this.out;
      try {
        // the rest of the postings, then each section and the zeros that align the next one
        // (written from where they are, not copied together); the headers last
        const at = out.meta.length;
        const zeros = new Uint8Array(8);
        writeAllAt(out.fd, pw.buf.subarray(0, pw.length), at + this.base);
        writeAllAt(out.fd, zeros.subarray(0, offsets[1]! - end), at + end);
        parts.forEach((part, i) => {
          const from = offsets[i + 1]!;
          writeAllAt(out.fd, part, at + from);
          writeAllAt(out.fd, zeros.subarray(0, (offsets[i + 2] ?? off) - from - part.byteLength), at + from + part.byteLength);
        });
        writeAllAt(out.fd, new Uint8Array(header.buffer), at);
        out.meta.writeUInt32LE(off, FILE_MAIN_BYTES);
        writeAllAt(out.fd, out.meta.subarray(0, FILE_HEADER), 0);
        fsyncSync(out.fd);
        const fileBytes = out.meta.length + off;
        const crc = crcOfFile(out.fd, fileBytes, pw.buf);
        closeSync(out.fd);
        this.out = null;
        return Segment.ofFile(id, docs, tombs, basename(out.path), crc, fileBytes);
      } catch (err) {
        this.abort();
        throw err;
      }
    }
    let buf = pw.buf;
    if (buf.length < off) {
      // the estimate was short: grow to the exact size (not by doubling), one copy of the postings
      buf = new Uint8Array(off);
      buf.set(pw.buf.subarray(0, pw.length));
    }
    buf.fill(0, pw.length, off);
    parts.forEach((part, i) => buf.set(part, offsets[i + 1]!));
    buf.set(new Uint8Array(header.buffer), 0);
    // a buffer much larger than its segment (an estimate too high, or postings that outgrew it
    // and doubled it) is copied to fit rather than kept: an index that is queried holds its
    // segments for their lifetime
    const view = Buffer.from(buf.buffer, buf.byteOffset, off);
    let main = view;
    if (buf.length - off > off >> 3) {
      main = Buffer.alloc(off); // never from the shared pool: sections must stay 8-aligned
      main.set(view);
    }
    return new Segment(id, docs, tombs, main);
  }

  /** A file-backed writer's file is closed and removed (a failed merge); nothing for one in memory. */
  abort(): void {
    const out = this.out;
    if (!out) return;
    this.out = null;
    try {
      closeSync(out.fd);
    } finally {
      rmSync(out.path, { force: true });
    }
  }
}

/**
 * Where a file-backed SegmentWriter writes: the segment file's path, and the file's header and
 * per-doc part (segmentFileMeta), written first; its main-size word is filled in by finish().
 */
export interface SegmentFileTarget {
  path: string;
  meta: Buffer;
}

interface SegmentFileOut {
  fd: number;
  path: string;
  meta: Buffer;
}

/**
 * A file-backed writer writes its postings out when it holds this many bytes at the end of a term
 * (a term's list is kept whole, since a term found empty is taken back).
 */
const SPILL_BYTES = 1 << 20;
/** the file header's word (byte offset) holding the main part's size */
const FILE_MAIN_BYTES = 20;

/** Writes all of `data` at `position` (the counterpart of readExactly). */
export function writeAllAt(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, Math.min(data.length - done, 1 << 26), position + done);
}

/** crc32 of a file's first `bytes`, read through `scratch`. */
function crcOfFile(fd: number, bytes: number, scratch: Uint8Array): number {
  let c = 0;
  for (let at = 0; at < bytes; ) {
    const chunk = scratch.subarray(0, Math.min(scratch.length, bytes - at));
    readExactly(fd, chunk, at);
    c = crc32(chunk, c);
    at += chunk.length;
  }
  return c;
}

let emptyMainPart: Buffer | null = null;
/** The main part of a segment with no terms. */
function emptyMain(): Buffer {
  emptyMainPart ??= new SegmentWriter(16).finish(0, new Int32Array(0), new Int32Array(0)).main;
  return emptyMainPart;
}

/** The last doc of a one-block list (decoded). */
function lastDocOfSingle(seg: PostingsView, e: TermEntry): number {
  const docs = new Int32Array(BLOCK);
  decodeList(seg, e, docs, null, 0, null);
  return docs[e.df - 1]!;
}

/**
 * Where a term's postings are read from: the bytes of `post` from `postBase` on are the postings
 * section (TermEntry.off counts from there), with the block directory of multi-block terms. A
 * Segment in memory is its own view; a merge reads a committed segment's postings from its file
 * through a window (streamed.ts).
 */
export interface PostingsView {
  readonly id: number;
  readonly post: Uint8Array;
  readonly postBase: number;
  readonly dirLast: Int32Array;
  readonly dirOff: Uint32Array;
  readonly dirMax: Uint8Array;
  readonly dirCount: Uint8Array;
}

/** A segment's dictionary and postings, parsed. Immutable, except `live` (docs it still owns) kept by the index. */
export class Segment implements PostingsView {
  readonly termCount: number;
  readonly dictStr: Uint32Array;
  readonly dictPost: Uint32Array;
  readonly dictDir: Uint32Array;
  readonly dirLast: Int32Array;
  readonly dirOff: Uint32Array;
  readonly dirMax: Uint8Array;
  readonly dirCount: Uint8Array;
  readonly dictBase: number;
  readonly dictEnd: number;
  readonly postBase: number;
  /** bytes of the postings section */
  readonly postBytes: number;
  /** docs whose current version is this segment's (maintained by the index) */
  live = 0;
  /** written to disk under `file` */
  persisted = false;
  file = '';
  crc = 0;
  /** size of its file (when persisted) */
  fileBytes = 0;
  /** only its docs and tombstones are in memory (a write-only index's committed segment): read the file to use it */
  released = false;
  private firstTerms: string[] | null = null;

  /** `docs`: the seqs (ascending); `tombs`: deleted seqs (ascending); `main`: the dictionary and postings part. */
  constructor(
    readonly id: number,
    readonly docs: Int32Array,
    readonly tombs: Int32Array,
    readonly main: Buffer,
  ) {
    if (main.byteOffset & 7) throw new Error('lexical segment: unaligned buffer');
    if (main.length < MAIN_HEADER_WORDS * 4) throw new Error('lexical segment: truncated');
    const dv = new DataView(main.buffer, main.byteOffset, main.byteLength);
    const h = (i: number) => dv.getUint32(i * 4, true);
    this.termCount = h(0);
    const dictBlocks = h(1);
    const dirBlocks = h(2);
    const dictBytes = h(3);
    const postBytes = h(4);
    const off = (i: number) => h(5 + i);
    if (off(8) + postBytes > main.length) throw new Error('lexical segment: truncated');
    const ab = main.buffer;
    const base = main.byteOffset;
    this.dictStr = new Uint32Array(ab, base + off(0), dictBlocks);
    this.dictPost = new Uint32Array(ab, base + off(1), dictBlocks);
    this.dictDir = new Uint32Array(ab, base + off(2), dictBlocks);
    this.dirLast = new Int32Array(ab, base + off(3), dirBlocks);
    this.dirOff = new Uint32Array(ab, base + off(4), dirBlocks);
    this.dirMax = new Uint8Array(ab, base + off(5), dirBlocks);
    this.dirCount = new Uint8Array(ab, base + off(6), dirBlocks);
    this.dictBase = off(7);
    this.dictEnd = off(7) + dictBytes;
    this.postBase = off(8);
    this.postBytes = postBytes;
  }

  get docCount(): number {
    return this.docs.length;
  }

  /** the buffer holding the postings: `main` */
  get post(): Uint8Array {
    return this.main;
  }

  /**
   * The same persisted segment without its dictionary and postings in memory (docs, tombstones
   * and file identity kept): what a write-only index holds of what it has committed.
   */
  release(): Segment {
    if (!this.persisted) throw new Error('lexical segment: only a persisted segment can be released');
    const s = Segment.ofFile(this.id, this.docs, this.tombs, this.file, this.crc, this.fileBytes);
    s.live = this.live;
    return s;
  }

  /** A persisted segment held as its docs, tombstones and file identity only. */
  static ofFile(id: number, docs: Int32Array, tombs: Int32Array, file: string, crc: number, fileBytes: number): Segment {
    const s = new Segment(id, docs, tombs, emptyMain());
    s.persisted = true;
    s.file = file;
    s.crc = crc;
    s.fileBytes = fileBytes;
    s.released = true;
    return s;
  }

  /** bytes held in memory */
  get bytes(): number {
    return this.main.length + this.docs.byteLength + this.tombs.byteLength;
  }

  private blockFirstTerms(): string[] {
    if (this.firstTerms) return this.firstTerms;
    const out = new Array<string>(this.dictStr.length);
    const b = this.main;
    for (let i = 0; i < out.length; i++) {
      let p = this.dictBase + this.dictStr[i]!;
      // prefix varint (always 0 for a block's first term)
      while (b[p++]! & 0x80);
      let len = 0;
      let shift = 0;
      let c: number;
      do {
        c = b[p++]!;
        len |= (c & 0x7f) << shift;
        shift += 7;
      } while (c & 0x80);
      out[i] = decodeUtf8(b, p, p + len);
    }
    this.firstTerms = out;
    return out;
  }

  /** The postings location of a term, or null when the segment does not have it. */
  lookup(term: string): TermEntry | null {
    const firsts = this.blockFirstTerms();
    if (firsts.length === 0 || term < firsts[0]!) return null;
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]! <= term) lo = mid;
      else hi = mid - 1;
    }
    const r = new DictReader(this, lo);
    const last = Math.min(this.termCount, (lo + 1) * DICT_BLOCK);
    for (let i = lo * DICT_BLOCK; i < last; i++) {
      r.next();
      if (r.term === term) return r.entry();
      if (r.term > term) return null;
    }
    return null;
  }

  /** The file: a header, the per-doc arrays (values by seq from the index), then `main`. */
  fileParts(days: Int32Array, upvotes: Int32Array, lens: Uint16Array): Uint8Array[] {
    return [segmentFileMeta(this.docs, this.tombs, this.main.length, days, upvotes, lens), this.main];
  }
}

/**
 * A segment file's header and per-doc part: `docs` and `tombs` (seqs, ascending), the size of the
 * main part that follows, and each doc's day, upvotes and field lengths from the index's arrays
 * by seq.
 */
export function segmentFileMeta(docs: Int32Array, tombs: Int32Array, mainBytes: number, days: Int32Array, upvotes: Int32Array, lens: Uint16Array): Buffer {
  const n = docs.length;
  const t = tombs.length;
  const metaBytes = align8(FILE_HEADER + 4 * n + 4 * t + 4 * n + 4 * n + 6 * n);
  const meta = Buffer.alloc(metaBytes);
  const ab = meta.buffer;
  const base = meta.byteOffset;
  const dv = new DataView(ab, base, metaBytes);
  [MAGIC, FORMAT_VERSION, n, t, metaBytes, mainBytes, 0, 0].forEach((v, i) => dv.setUint32(i * 4, v, true));
  let off = FILE_HEADER;
  new Int32Array(ab, base + off, n).set(docs);
  off += 4 * n;
  new Int32Array(ab, base + off, t).set(tombs);
  off += 4 * t;
  const d = new Int32Array(ab, base + off, n);
  off += 4 * n;
  const u = new Int32Array(ab, base + off, n);
  off += 4 * n;
  const l = new Uint16Array(ab, base + off, 3 * n);
  for (let i = 0; i < n; i++) {
    const seq = docs[i]!;
    d[i] = days[seq]!;
    u[i] = upvotes[seq]!;
    l[3 * i] = lens[3 * seq]!;
    l[3 * i + 1] = lens[3 * seq + 1]!;
    l[3 * i + 2] = lens[3 * seq + 2]!;
  }
  return meta;
}

/** A segment read from a file, with its per-doc arrays (for replay), and the file's crc32. */
export interface LoadedSegment {
  seg: Segment;
  days: Int32Array;
  upvotes: Int32Array;
  lens: Uint16Array;
  crc: number;
  bytes: number;
}

export function readExactly(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error('lexical segment: truncated');
    done += n;
  }
}

/** A segment file's header and per-doc part (`meta`), its docs and tombstones, and the size of the main part after them. */
export interface SegmentMeta {
  meta: Buffer;
  docs: Int32Array;
  tombs: Int32Array;
  /** bytes of the main part, which follows `meta` in the file */
  mainBytes: number;
}

/** Reads and checks a segment file's header and its per-doc part (docs and tombstones copied out). */
export function readSegmentMeta(fd: number): SegmentMeta {
  const head = Buffer.alloc(FILE_HEADER);
  readExactly(fd, head, 0);
  const dv = new DataView(head.buffer, head.byteOffset, FILE_HEADER);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('lexical segment: bad magic');
  if (dv.getUint32(4, true) !== FORMAT_VERSION) throw new Error('lexical segment: unsupported version');
  const n = dv.getUint32(8, true);
  const t = dv.getUint32(12, true);
  const metaBytes = dv.getUint32(16, true);
  const mainBytes = dv.getUint32(20, true);
  if (metaBytes !== align8(FILE_HEADER + 18 * n + 4 * t)) throw new Error('lexical segment: bad header');
  const meta = Buffer.alloc(metaBytes);
  readExactly(fd, meta, 0);
  const docs = new Int32Array(meta.buffer, meta.byteOffset + FILE_HEADER, n).slice();
  const tombs = new Int32Array(meta.buffer, meta.byteOffset + FILE_HEADER + 4 * n, t).slice();
  return { meta, docs, tombs, mainBytes };
}

/** Reads a segment file: the main part into its own buffer (kept), the per-doc arrays apart. */
export function readSegment(path: string, id: number): LoadedSegment {
  const fd = openSync(path, 'r');
  try {
    const { meta, docs, tombs, mainBytes } = readSegmentMeta(fd);
    const metaBytes = meta.length;
    const n = docs.length;
    const main = Buffer.alloc(mainBytes);
    readExactly(fd, main, metaBytes);
    const ab = meta.buffer;
    const base = meta.byteOffset;
    let off = FILE_HEADER + 4 * n + 4 * tombs.length;
    const days = new Int32Array(ab, base + off, n);
    off += 4 * n;
    const upvotes = new Int32Array(ab, base + off, n);
    off += 4 * n;
    const lens = new Uint16Array(ab, base + off, 3 * n);
    return { seg: new Segment(id, docs, tombs, main), days, upvotes, lens, crc: crc32(main, crc32(meta)), bytes: metaBytes + mainBytes };
  } finally {
    closeSync(fd);
  }
}

/** Reads a segment's dictionary in order, from a block on. */
export class DictReader {
  term = '';
  df = 0;
  nb = 0;
  maxQ = 0;
  off = 0;
  len = 0;
  dirStart = 0;
  /** terms read so far (index of the next one) */
  index: number;
  private pos: number;
  private postPos = 0;
  private dirPos = 0;

  constructor(readonly seg: Segment, block = 0) {
    this.index = block * DICT_BLOCK;
    this.pos = block < seg.dictStr.length ? seg.dictBase + seg.dictStr[block]! : seg.dictEnd;
  }

  private varint(): number {
    const b = this.seg.main;
    let p = this.pos;
    let c = b[p++]!;
    let v = c & 0x7f;
    let shift = 7;
    while (c & 0x80) {
      c = b[p++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    this.pos = p;
    return v;
  }

  /** Moves to the next term; false at the end. */
  next(): boolean {
    const seg = this.seg;
    if (this.index >= seg.termCount) return false;
    if (this.index % DICT_BLOCK === 0) {
      const blk = this.index / DICT_BLOCK;
      this.pos = seg.dictBase + seg.dictStr[blk]!;
      this.postPos = seg.dictPost[blk]!;
      this.dirPos = seg.dictDir[blk]!;
    } else {
      this.postPos += this.len;
      if (this.nb > 1) this.dirPos += this.nb;
    }
    const prefix = this.varint();
    const slen = this.varint();
    const suffix = decodeUtf8(seg.main, this.pos, this.pos + slen);
    this.pos += slen;
    this.term = prefix === 0 ? suffix : this.term.slice(0, prefix) + suffix;
    this.df = this.varint();
    this.nb = this.varint();
    this.maxQ = seg.main[this.pos++]!;
    this.len = this.varint();
    this.off = this.postPos;
    this.dirStart = this.dirPos;
    this.index++;
    return true;
  }

  entry(): TermEntry {
    return { df: this.df, nb: this.nb, maxQ: this.maxQ, off: this.off, len: this.len, dirStart: this.dirStart, hasQ: hasImpacts(this.term) };
  }
}

/**
 * Decodes a block's field frequencies at `p` into `out` (packed tuples); returns the position
 * after them.
 */
export function decodeTfs(b: Uint8Array, p: number, n: number, out: Int32Array): number {
  // a bit buffer of up to 32 bits; a code is the run of one-bits at its bottom (ctz of the complement)
  let acc = 0;
  let bits = 0;
  let escapes = 0;
  for (let i = 0; i < n; i++) {
    if (bits < TF_ESCAPE + 1) {
      // refill to at least 24 bits (bits ≤ 5 here, so the shifts stay below 32)
      acc |= (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) << bits;
      p += 3;
      bits += 24;
    }
    const inv = ~acc;
    let c = 31 - Math.clz32(inv & -inv);
    if (c >= TF_ESCAPE) {
      c = TF_ESCAPE;
      acc >>>= TF_ESCAPE;
      bits -= TF_ESCAPE;
      out[i] = -1;
      escapes++;
    } else {
      acc >>>= c + 1;
      bits -= c + 1;
      out[i] = TF_CODES[c]!;
    }
  }
  // the refills may have read ahead: back to the byte after the last bit used
  p -= bits >> 3;
  for (let i = 0; escapes > 0; i++) {
    if (out[i] !== -1) continue;
    let c = b[p++]!;
    let v = c & 0x7f;
    let shift = 7;
    while (c & 0x80) {
      c = b[p++]!;
      v |= (c & 0x7f) << shift;
      shift += 7;
    }
    out[i] = v;
    escapes--;
  }
  return p;
}

const scratchBlock = new Int32Array(BLOCK);
const scratchTf = new Int32Array(BLOCK);

/**
 * Decodes a whole postings list into docs/tfs (from index `at`); with `owner`, keeps only the
 * postings of docs this segment still owns. Returns the number written.
 */
export function decodeList(seg: PostingsView, e: TermEntry, docs: Int32Array, tfs: Int32Array | null, at: number, owner: Int32Array | null): number {
  const b = seg.post;
  const block = scratchBlock;
  const tfBlock = scratchTf;
  let w = at;
  let prevLast = -1;
  let p = seg.postBase + e.off;
  for (let bi = 0; bi < e.nb; bi++) {
    const n = e.nb === 1 ? e.df : seg.dirCount[e.dirStart + bi]!;
    if (e.nb > 1) p = seg.postBase + seg.dirOff[e.dirStart + bi]!;
    let c = b[p++]!;
    let v = c & 0x7f;
    let shift = 7;
    while (c & 0x80) {
      c = b[p++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    block[0] = prevLast + 1 + v;
    p = unpackGaps(b, p, n, block);
    const wantTf = tfs !== null && e.hasQ;
    if (wantTf) p = decodeTfs(b, p, n, tfBlock);
    if (owner === null) {
      // a loop: most lists are a few postings, for which subarray + set (two views allocated,
      // a native call each) cost more than the copy
      for (let i = 0; i < n; i++) docs[w + i] = block[i]!;
      if (wantTf) for (let i = 0; i < n; i++) tfs[w + i] = tfBlock[i]!;
      w += n;
    } else {
      const id = seg.id;
      for (let i = 0; i < n; i++) {
        const d = block[i]!;
        if (owner[d] !== id) continue;
        docs[w] = d;
        if (wantTf) tfs[w] = tfBlock[i]!;
        w++;
      }
    }
    prevLast = block[n - 1]!;
  }
  return w - at;
}
