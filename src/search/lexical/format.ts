/**
 * Constants of the lexical engine's scoring and storage, and the byte-level helpers (varints,
 * bit packing) its segments are written with.
 *
 * Scoring: BM25F over three fields. For a document d and term t,
 *   w = Σ_f weight_f · tf_f / (1 − b + b · len_f / avglen_f)       (f = title, authors, abstract)
 *   impact = w / (k1 + w)                                           (k1 = 1.2, b = 0.75)
 * quantized to a byte q = round(255 · impact) clamped to 1…255. At query time
 *   score(d) = Σ_t idf(t) · q(d, t) / 255,    idf = ln(1 + (N − df + 0.5) / (df + 0.5))
 * with N and df global (all segments). idf is rounded to 1/65536 so that a score is an exact
 * integer sum (IDF_SCALE · 255 units): the order in which a query adds its terms can never change a
 * comparison, which dynamic pruning relies on.
 *
 * Postings do not store q but the term's field frequencies (tf_title, tf_authors, tf_abstract),
 * coded in ~1–2 bits (a handful of tuples cover 99% of postings: (0,0,1) alone is ~80%); q is
 * computed from them and the doc's field lengths (kept per seq by the index) when a doc is
 * scored, through lookup tables for the common tuples. The blocks' and terms' largest q are
 * stored (computed by the same function), so pruning bounds need no computation. This stores an
 * 8-bit impact in a quarter of the space (~250 MB less at 2.7M papers) and stays exact.
 */

export const K1 = 1.2;
export const B = 0.75;
/** BM25F field weights: title, authors, abstract */
export const FIELD_WEIGHTS = [3, 2, 1] as const;
export const FIELD_TITLE = 0;
export const FIELD_AUTHORS = 1;
export const FIELD_ABSTRACT = 2;
/**
 * Average field lengths (indexed tokens: stopwords removed) used when an index starts from fewer
 * than MIN_DOCS_FOR_STATS documents: measured on arXiv-like metadata (the synthetic corpus
 * generator mirrors the real length distributions).
 */
export const DEFAULT_AVG_LEN: readonly [number, number, number] = [6.7, 14.2, 106];
export const MIN_DOCS_FOR_STATS = 1000;

/**
 * Impact tiers: a text term with at least SPLIT_MIN_DF postings in a segment is stored as two
 * lists, its highest-impact postings (about the top HI_SHARE: mostly title and author matches)
 * under `term + HI_SUFFIX` and the rest under `term`. Queries read both as one term, except that
 * top-k ranking treats them as two lists with their own bounds: once the heap's threshold is
 * above the low tier's bound, a common term's low tier is only probed, never walked (the tiers of
 * impact-ordered indexes). HI_SUFFIX sorts right after the term and before any longer term.
 */
export const HI_SUFFIX = '\u0001';
export const SPLIT_MIN_DF = 1024;
export const HI_SHARE = 0.08;

/** The impact at which a list's high tier starts (256: no split). */
export function hiThreshold(qs: Uint8Array, from: number, count: number): number {
  const hist = new Int32Array(256);
  for (let i = from; i < from + count; i++) hist[qs[i]!]!++;
  const limit = Math.floor(count * HI_SHARE);
  let above = 0;
  let t = 256;
  while (t > 1 && above + hist[t - 1]! <= limit) above += hist[--t]!;
  return above === 0 ? 256 : t;
}

/** Postings per block: the unit of skipping and of block-max bounds. */
export const BLOCK = 128;
export const BLOCK_SHIFT = 7;
/** a doc id past every real one ("no more postings"); catalog seqs must stay below it */
export const DONE = 0x7fffffff;
export const IDF_SCALE = 65536;
/** score units per 1.0 of BM25 score */
export const SCORE_UNIT = IDF_SCALE * 255;
/** bit width marking a block whose gaps are stored as raw 32-bit words */
export const RAW_WIDTH = 32;
/** widest packed gap; wider blocks are stored raw (32-bit ops stay exact up to 31 bits of buffer) */
export const MAX_PACKED_WIDTH = 24;

/** Field frequencies packed in an int: abstract in bits 0–7 (≤ 255), title 8–11, authors 12–15 (≤ 15). */
export function packTf(title: number, authors: number, abstract: number): number {
  return Math.min(abstract, 255) | (Math.min(title, 15) << 8) | (Math.min(authors, 15) << 12);
}

/**
 * The packed tuples with short codes, most frequent first: tuple k is coded as k one-bits and a
 * zero ((0,0,1) → "0", (0,1,0) → "10", …); TF_ESCAPE one-bits escape to a varint of the tuple.
 * On arXiv-like text this averages ~1.4 bits per posting.
 */
export const TF_CODES = [packTf(0, 0, 1), packTf(0, 1, 0), packTf(1, 0, 0), packTf(0, 0, 2), packTf(0, 0, 3)];
export const TF_ESCAPE = TF_CODES.length;
/** packed tuple (< 65536) → its code, TF_ESCAPE when it has none */
export const TF_CODE_OF = new Uint8Array(65536).fill(TF_ESCAPE);
TF_CODES.forEach((p, i) => (TF_CODE_OF[p] = i));

/** Quantized impacts of packed field frequencies given field lengths; frozen average lengths. */
export class Impacts {
  private readonly normT: Float64Array;
  private readonly normA: Float64Array;
  private readonly normB: Float64Array;
  /** q of (0,0,1) by abstract length, (0,1,0) by authors length, (1,0,0) by title length */
  private readonly qB1: Uint8Array;
  private readonly qA1: Uint8Array;
  private readonly qT1: Uint8Array;

  constructor(readonly avgLen: readonly [number, number, number]) {
    const norms = (avg: number, weight: number) => {
      const a = new Float64Array(MAX_LEN + 1);
      const m = Math.max(avg, 1e-6);
      for (let l = 0; l <= MAX_LEN; l++) a[l] = weight / (1 - B + (B * l) / m);
      return a;
    };
    this.normT = norms(avgLen[0], FIELD_WEIGHTS[0]);
    this.normA = norms(avgLen[1], FIELD_WEIGHTS[1]);
    this.normB = norms(avgLen[2], FIELD_WEIGHTS[2]);
    const table = (norm: Float64Array) => {
      const t = new Uint8Array(MAX_LEN + 1);
      for (let l = 0; l <= MAX_LEN; l++) t[l] = quantize(norm[l]!);
      return t;
    };
    this.qT1 = table(this.normT);
    this.qA1 = table(this.normA);
    this.qB1 = table(this.normB);
  }

  /** q of packed frequencies `p` for a doc with field lengths lT, lA, lB (each ≤ MAX_LEN). */
  q(p: number, lT: number, lA: number, lB: number): number {
    if (p === TF_B1) return this.qB1[lB]!;
    if (p === TF_A1) return this.qA1[lA]!;
    if (p === TF_T1) return this.qT1[lT]!;
    return quantize(((p >>> 8) & 15) * this.normT[lT]! + ((p >>> 12) & 15) * this.normA[lA]! + (p & 255) * this.normB[lB]!);
  }
}

/** field lengths are counted up to this (longer fields saturate) */
export const MAX_LEN = 65535;
const TF_B1 = 1;
const TF_A1 = 1 << 12;
const TF_T1 = 1 << 8;

/** Quantized impact of a weighted term frequency. */
export function quantize(w: number): number {
  if (!(w > 0)) return 1;
  const q = Math.round((255 * w) / (K1 + w));
  return q < 1 ? 1 : q > 255 ? 255 : q;
}

export function idf(n: number, df: number): number {
  const d = Math.min(Math.max(df, 0), n);
  return Math.log(1 + (n - d + 0.5) / (d + 0.5));
}

/** The integer weight of a term: idf in 1/IDF_SCALE units (at least 1). */
export function idfWeight(n: number, df: number): number {
  return Math.max(1, Math.round(idf(n, df) * IDF_SCALE));
}

/** A growable byte buffer. */
export class ByteWriter {
  buf: Uint8Array;
  length = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, initial));
  }

  ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  /** unsigned LEB128, v < 2^32 */
  varint(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.length;
    v >>>= 0;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.length = p;
  }

  bytes(src: Uint8Array, from = 0, to = src.length): void {
    this.ensure(to - from);
    this.buf.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.length;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.length = p + 4;
  }

  /**
   * Writes the gaps docs[i] − docs[i−1] − 1 for i in from+1 … from+n−1 (n ≥ 1): a width byte, then
   * the gaps bit-packed at that width (LSB first), or as raw u32 when wider than MAX_PACKED_WIDTH.
   */
  gaps(docs: Int32Array, from: number, n: number): void {
    let or = 0;
    for (let i = from + 1; i < from + n; i++) or |= docs[i]! - docs[i - 1]! - 1;
    const width = or === 0 ? 0 : 32 - Math.clz32(or);
    if (width > MAX_PACKED_WIDTH) {
      this.u8(RAW_WIDTH);
      for (let i = from + 1; i < from + n; i++) this.u32(docs[i]! - docs[i - 1]! - 1);
      return;
    }
    this.u8(width);
    if (width === 0) return;
    this.ensure(((n - 1) * width + 7) >> 3);
    const b = this.buf;
    let p = this.length;
    let acc = 0;
    let bits = 0;
    for (let i = from + 1; i < from + n; i++) {
      acc |= (docs[i]! - docs[i - 1]! - 1) << bits;
      bits += width;
      while (bits >= 8) {
        b[p++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) b[p++] = acc & 0xff;
    this.length = p;
  }

  /** 8-byte alignment padding */
  align8(): void {
    while (this.length & 7) this.u8(0);
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Decodes a block's docs written by ByteWriter.gaps: `out[0]` must already hold the first doc;
 * fills out[1 … n−1]. Returns the position after the packed gaps.
 */
export function unpackGaps(buf: Uint8Array, pos: number, n: number, out: Int32Array): number {
  const width = buf[pos++]!;
  let prev = out[0]!;
  if (width === 0) {
    for (let i = 1; i < n; i++) out[i] = ++prev;
    return pos;
  }
  if (width === RAW_WIDTH) {
    for (let i = 1; i < n; i++) {
      const g = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
      pos += 4;
      prev = prev + g + 1;
      out[i] = prev;
    }
    return pos;
  }
  const mask = (1 << width) - 1;
  let acc = 0;
  let bits = 0;
  for (let i = 1; i < n; i++) {
    while (bits < width) {
      acc |= buf[pos++]! << bits;
      bits += 8;
    }
    prev = prev + (acc & mask) + 1;
    out[i] = prev;
    acc >>>= width;
    bits -= width;
  }
  return pos;
}

/** Reads an unsigned LEB128 at `pos`; returns value and advances through the `at` holder. */
export function readVarint(buf: Uint8Array, at: { pos: number }): number {
  let p = at.pos;
  let b = buf[p++]!;
  let v = b & 0x7f;
  let shift = 7;
  while (b & 0x80) {
    b = buf[p++]!;
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
  }
  at.pos = p;
  return v;
}

/** Growable typed arrays. */
export class TypedList<T extends Int32Array | Float64Array> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    initial = 1024,
  ) {
    this.data = make(Math.max(4, initial));
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  grow(need: number): void {
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = this.make(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** the pushed values (a view, valid until the next push) */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
  /** drops the values and the memory */
  clear(): void {
    this.data = this.make(4);
    this.length = 0;
  }
}

export class IntList extends TypedList<Int32Array> {
  constructor(initial = 1024) {
    super((n) => new Int32Array(n), initial);
  }
}

/** Grows a typed array to at least `need` elements (doubling), keeping its contents. */
export function growInt32(a: Int32Array, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (a.length >= need) return a as Int32Array<ArrayBuffer>;
  let cap = Math.max(16, a.length * 2);
  while (cap < need) cap *= 2;
  const next = new Int32Array(cap);
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

export function growUint8(a: Uint8Array, need: number): Uint8Array<ArrayBuffer> {
  if (a.length >= need) return a as Uint8Array<ArrayBuffer>;
  let cap = Math.max(16, a.length * 2);
  while (cap < need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(a);
  return next;
}

export function growUint16(a: Uint16Array, need: number): Uint16Array<ArrayBuffer> {
  if (a.length >= need) return a as Uint16Array<ArrayBuffer>;
  let cap = Math.max(16, a.length * 2);
  while (cap < need) cap *= 2;
  const next = new Uint16Array(cap);
  next.set(a);
  return next;
}
