/**
 * The in-memory vector index: an inverted file (IVF) of int8 vectors, scanned with a
 * WebAssembly SIMD kernel. Chosen by measurement (bench/vectors.ts, docs in index.ts): at 2.7
 * million 256-dimension vectors it holds ~0.7 GB where an HNSW graph over the same int8 vectors
 * needs ~1.2 GB, answers in a few milliseconds, and inserts, replaces and deletes in
 * microseconds.
 *
 * - Vectors: unit-normalized, then scaled so the largest component is ±127 and rounded (one
 *   byte per dimension, padded to a multiple of 16), with 1/‖q‖ kept beside each, so that the
 *   score of a stored vector is the cosine similarity of the quantized vectors.
 * - Lists: k-means (spherical) centroids partition the vectors; each list keeps its vectors
 *   contiguous (codes, factors, seqs) with a little slack for inserts. A search scores every
 *   centroid, scans the `nprobe` best lists and keeps the k best; below TRAIN_MIN vectors there
 *   is one list and the search is exact.
 * - Centroids are trained hierarchically (√nlist groups, then lists inside each group), which
 *   makes training and assigning a vector ~20× cheaper than against all centroids.
 * - Seqs map to (list, position) through two Int32Arrays indexed by seq (the catalog's seqs are
 *   dense integers that are never reused).
 */
import { closeSync } from 'node:fs';
import { DotKernel } from './kernel.js';
import { readFully } from './file.js';
import type { Scored } from '../types.js';
import { mulberry32 } from '../../random.js';

/** Below this many vectors the index is one list, searched exactly. */
export const TRAIN_MIN = 20_000;
/** Retrain automatically when the index has grown this many times over the size it was trained at. */
const RETRAIN_GROWTH = 4;
/** Room for inserts left in a list after training or loading. */
export const SLACK = (count: number) => Math.max(4, count >> 5);
/** A search scans at least this many vectors (small indexes can afford it; it steadies recall there). */
const MIN_SCAN = 8192;
/** Vectors per kernel call. */
const CHUNK = 4096;
/** Groups whose lists a new vector is compared with. */
const ASSIGN_GROUPS = 3;

/** Vectors a training samples for `nlist` lists: ~48 a list, at least 10,000. */
export function sampleSizeFor(nlist: number): number {
  return Math.max(nlist * 48, 10_000);
}

export function strideFor(dims: number): number {
  return Math.ceil(dims / 16) * 16;
}

/** The number of lists for n vectors: a power of two near 2·√n (4,096 at 2.7 million). */
export function listsFor(n: number): number {
  if (n < TRAIN_MIN) return 1;
  const target = 2 * Math.sqrt(n);
  return Math.min(65536, Math.max(16, 2 ** Math.round(Math.log2(target))));
}

/**
 * The default number of lists a search scans: 1/32 of them, at least 16 (128 of 4,096 at 2.7
 * million: ~2 ms). On the benchmark's clustered data 1/256 already reaches the int8 ceiling
 * (recall@10 0.99); real embeddings are less clustered, and the scan is cheap, so the default
 * keeps a wide margin. Tune with `nprobe` against an evaluation on real vectors.
 */
export function probesFor(nlist: number): number {
  return Math.min(nlist, Math.max(16, Math.round(nlist / 32)));
}

/**
 * Quantizes `v` (dims floats) into `out[offset ... offset + stride)`; returns 1/‖q‖, or throws for
 * a vector with no direction or a non-finite component.
 */
export function quantize(v: ArrayLike<number>, dims: number, stride: number, out: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < dims; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) throw new RangeError('vector has a non-finite component');
    const a = x < 0 ? -x : x;
    if (a > max) max = a;
  }
  if (max === 0) throw new RangeError('vector is all zeros');
  const scale = 127 / max;
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const q = Math.round(v[i]! * scale);
    out[offset + i] = q;
    norm += q * q;
  }
  out.fill(0, offset + dims, offset + stride);
  return 1 / Math.sqrt(norm);
}

/**
 * One inverted list: parallel arrays of seqs and factors with capacity ≥ count, and the codes.
 * After a save or a load, the codes of the first `base` entries live in the index file (at
 * `fileOffset`, read per search, so the page cache holds them rather than the heap); `codes`
 * holds the entries added since, [base, count). An entry removed from the file part cannot move
 * there, so it becomes a tombstone (seq -1, factor 0) until the next save drops it.
 */
export class List {
  count = 0;
  /** entries [0, base) have their codes in the file */
  base = 0;
  /** byte offset of entry 0's code in the index file */
  fileOffset = 0;
  /** tombstones among [0, base) */
  dead = 0;
  seqs: Int32Array;
  factors: Float32Array;
  /** codes of entries [base, count), at (pos - base) · stride */
  codes: Int8Array;

  constructor(
    readonly stride: number,
    capacity = 0,
  ) {
    this.seqs = new Int32Array(capacity);
    this.factors = new Float32Array(capacity);
    this.codes = new Int8Array(capacity * stride);
  }

  /** A list of `count` entries whose codes are in the file (set fileOffset), with room for `slack` more in memory. */
  static inFile(stride: number, count: number, slack: number): List {
    const list = new List(stride, 0);
    list.seqs = new Int32Array(count + slack);
    list.factors = new Float32Array(count + slack);
    list.codes = new Int8Array(slack * stride);
    list.count = list.base = count;
    return list;
  }

  get capacity(): number {
    return this.seqs.length;
  }

  /** Live entries. */
  get live(): number {
    return this.count - this.dead;
  }

  /** Copies of the live entries' seqs and factors (tombstones left out), with room for `slack` more. */
  liveEntries(slack = 0): { seqs: Int32Array; factors: Float32Array } {
    const seqs = new Int32Array(this.live + slack);
    const factors = new Float32Array(this.live + slack);
    if (this.dead === 0) {
      seqs.set(this.seqs.subarray(0, this.count));
      factors.set(this.factors.subarray(0, this.count));
      return { seqs, factors };
    }
    let j = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.seqs[i]! < 0) continue;
      seqs[j] = this.seqs[i]!;
      factors[j++] = this.factors[i]!;
    }
    return { seqs, factors };
  }

  /** Reallocates to exactly `capacity` (≥ count). */
  resize(capacity: number): void {
    const seqs = new Int32Array(capacity);
    seqs.set(this.seqs.subarray(0, this.count));
    const factors = new Float32Array(capacity);
    factors.set(this.factors.subarray(0, this.count));
    const codes = new Int8Array((capacity - this.base) * this.stride);
    codes.set(this.codes.subarray(0, (this.count - this.base) * this.stride));
    this.seqs = seqs;
    this.factors = factors;
    this.codes = codes;
  }

  /** Appends; grows by 1/8 (at least 16) so that slack stays a small share of the memory. */
  push(seq: number, factor: number, code: Int8Array, codeOffset: number): number {
    if (this.count === this.capacity) this.resize(this.capacity + Math.max(16, this.capacity >> 3));
    const pos = this.count++;
    this.seqs[pos] = seq;
    this.factors[pos] = factor;
    this.codes.set(code.subarray(codeOffset, codeOffset + this.stride), (pos - this.base) * this.stride);
    return pos;
  }

  /** Removes the entry at `pos` by moving the last one there (or, in the file part, leaving a tombstone); returns the moved seq, or -1. */
  removeAt(pos: number): number {
    if (pos < this.base) {
      this.seqs[pos] = -1;
      this.factors[pos] = 0;
      this.dead++;
      return -1;
    }
    const last = --this.count;
    let moved = -1;
    if (pos !== last) {
      moved = this.seqs[last]!;
      this.seqs[pos] = moved;
      this.factors[pos] = this.factors[last]!;
      const s = this.stride;
      this.codes.copyWithin((pos - this.base) * s, (last - this.base) * s, (last - this.base + 1) * s);
    }
    // Give memory back once a list is mostly empty.
    if (this.capacity > 64 && this.count < this.capacity >> 2) this.resize(this.count + Math.max(16, this.count >> 3));
    return moved;
  }

  /**
   * After a save wrote this list's live entries to the file at `fileOffset`: drops the
   * tombstones and the in-memory codes (keeping `slack` free places), so every entry is in the
   * file. Returns whether positions changed (there were tombstones).
   */
  settle(fileOffset: number, slack: number): boolean {
    const hadDead = this.dead > 0;
    const live = this.live;
    ({ seqs: this.seqs, factors: this.factors } = this.liveEntries(slack));
    this.count = this.base = live;
    this.dead = 0;
    this.fileOffset = fileOffset;
    this.codes = new Int8Array(slack * this.stride);
    return hadDead;
  }
}

/** The k best (score, seq) pairs: a min-heap on score. */
class TopK {
  readonly scores: Float64Array;
  readonly seqs: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.seqs = new Int32Array(k);
  }
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }
  push(score: number, seq: number): void {
    const s = this.scores;
    const q = this.seqs;
    let i: number;
    if (this.size < this.k) {
      i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (s[parent]! <= score) break;
        s[i] = s[parent]!;
        q[i] = q[parent]!;
        i = parent;
      }
    } else {
      i = 0;
      const n = this.size;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && s[c + 1]! < s[c]!) c++;
        if (s[c]! >= score) break;
        s[i] = s[c]!;
        q[i] = q[c]!;
        i = c;
      }
    }
    s[i] = score;
    q[i] = seq;
  }
  /** Best first, scores multiplied by `scale`. */
  sorted(scale: number): Scored[] {
    const out: Scored[] = [];
    for (let i = 0; i < this.size; i++) out.push({ seq: this.seqs[i]!, score: this.scores[i]! * scale });
    return out.sort((a, b) => b.score - a.score || a.seq - b.seq);
  }
}

/** Centroids as the kernel scores them: int8 codes (unit vectors quantized) and 1/‖q‖. */
export interface Centroids {
  /** lists: nlist × stride, ordered by group */
  codes: Int8Array;
  factors: Float32Array;
  /** groups: G × stride */
  groupCodes: Int8Array;
  groupFactors: Float32Array;
  /** lists of group g: [groupStart[g], groupStart[g + 1]) */
  groupStart: Int32Array;
}

export interface SearchOptions {
  /** only seqs passing this (called for candidates good enough to enter the top k) */
  accept?: (seq: number) => boolean;
  /** lists to scan; default `probesFor(lists)` */
  nprobe?: number;
}

export interface IvfOptions {
  dims: number;
  /** retrain when the index has grown 4× (and at TRAIN_MIN); default true */
  autoTrain?: boolean;
  /** seed of the training sample (tests, benchmarks) */
  seed?: number;
}

export class IvfIndex {
  readonly dims: number;
  readonly stride: number;
  autoTrain: boolean;
  /** the default lists a search scans (0: probesFor) */
  nprobe = 0;
  private lists: List[];
  private centroids: Centroids | null = null;
  /** size when the centroids were trained (0: untrained) */
  trainedSize = 0;
  private listOf = new Int32Array(0);
  private posOf = new Int32Array(0);
  private count = 0;
  private readonly kernel: DotKernel;
  private readonly scratch: Int8Array;
  private seed: number;
  /** the index file holding the lists' file parts (List.base), or -1 */
  private fd = -1;

  constructor(opts: IvfOptions) {
    if (!Number.isInteger(opts.dims) || opts.dims <= 0 || opts.dims > 4096) throw new RangeError(`dims must be an integer in [1, 4096], got ${opts.dims}`);
    this.dims = opts.dims;
    this.stride = strideFor(opts.dims);
    this.autoTrain = opts.autoTrain ?? true;
    this.seed = opts.seed ?? 1;
    this.lists = [new List(this.stride)];
    this.kernel = new DotKernel(this.stride, CHUNK);
    this.scratch = new Int8Array(this.stride);
  }

  get size(): number {
    return this.count;
  }

  get listCount(): number {
    return this.lists.length;
  }

  /** Bytes held in memory by vectors added since the last save, factors, seqs, slack and the seq map (what the index adds to RSS, near enough; the codes in the index file are in the page cache). */
  get memoryBytes(): number {
    let b = this.listOf.byteLength + this.posOf.byteLength;
    for (const l of this.lists) b += l.capacity * 8 + l.codes.byteLength;
    if (this.centroids) b += this.centroids.codes.byteLength * 2 + this.centroids.groupCodes.byteLength;
    return b;
  }

  /** Bytes of codes held in memory, not yet in the index file (what the next save moves out of the heap). */
  get unsavedCodeBytes(): number {
    let n = 0;
    for (const l of this.lists) n += l.count - l.base;
    return n * this.stride;
  }

  has(seq: number): boolean {
    return seq >= 0 && seq < this.listOf.length && this.listOf[seq]! >= 0;
  }

  private checkSeq(seq: number): void {
    if (!Number.isInteger(seq) || seq < 0 || seq > 0x7fffffff) throw new RangeError(`seq must be a non-negative 31-bit integer, got ${seq}`);
  }

  private ensureSeq(seq: number): void {
    if (seq < this.listOf.length) return;
    const size = Math.max(seq + 1, Math.ceil(this.listOf.length * 1.5), 1024);
    const listOf = new Int32Array(size).fill(-1);
    listOf.set(this.listOf);
    const posOf = new Int32Array(size);
    posOf.set(this.posOf);
    this.listOf = listOf;
    this.posOf = posOf;
  }

  /** Adds or replaces the vector of `seq`. */
  upsert(seq: number, vector: ArrayLike<number>): void {
    this.checkSeq(seq);
    if (vector.length !== this.dims) throw new RangeError(`vector has ${vector.length} dimensions, the index ${this.dims}`);
    const factor = quantize(vector, this.dims, this.stride, this.scratch, 0);
    this.remove(seq);
    this.place(seq, factor, this.scratch, 0);
    if (this.autoTrain && this.count >= TRAIN_MIN && this.count >= RETRAIN_GROWTH * this.trainedSize) this.train();
  }

  /** Adds an already quantized vector (no replace check). */
  private place(seq: number, factor: number, code: Int8Array, offset: number): void {
    this.ensureSeq(seq);
    const list = this.centroids ? this.assign(code, offset) : 0;
    this.listOf[seq] = list;
    this.posOf[seq] = this.lists[list]!.push(seq, factor, code, offset);
    this.count++;
  }

  /** Removes the vector of `seq`, if any. */
  remove(seq: number): boolean {
    if (!this.has(seq)) return false;
    const list = this.lists[this.listOf[seq]!]!;
    const moved = list.removeAt(this.posOf[seq]!);
    if (moved >= 0) this.posOf[moved] = this.posOf[seq]!;
    this.listOf[seq] = -1;
    this.count--;
    return true;
  }

  /** The stored vector (dequantized, unit length), or null. */
  vectorOf(seq: number): Float32Array | null {
    if (!this.has(seq)) return null;
    const list = this.lists[this.listOf[seq]!]!;
    const pos = this.posOf[seq]!;
    const f = list.factors[pos]!;
    const code = new Int8Array(this.stride);
    this.readCodes(list, pos, 1, code);
    const out = new Float32Array(this.dims);
    for (let i = 0; i < this.dims; i++) out[i] = code[i]! * f;
    return out;
  }

  /** @internal Copies the codes of entries [from, from + n) of `list` into `into` at byte `at`, from the file or from memory. */
  readCodes(list: List, from: number, n: number, into: Int8Array, at = 0): void {
    const s = this.stride;
    const fromFile = Math.max(0, Math.min(n, list.base - from));
    if (fromFile > 0) readFully(this.fd, new Uint8Array(into.buffer, into.byteOffset + at, fromFile * s), list.fileOffset + from * s);
    if (fromFile < n) {
      const start = (from + fromFile - list.base) * s;
      into.set(list.codes.subarray(start, start + (n - fromFile) * s), at + fromFile * s);
    }
  }

  /** The list a quantized vector belongs in: best groups first, then the best list inside them. */
  private assign(code: Int8Array, offset: number): number {
    const c = this.centroids!;
    const kernel = this.kernel;
    kernel.setQuery(code, offset);
    const groups = c.groupFactors.length;
    const nlist = c.factors.length;
    // Centroids sit resident as [lists | groups].
    const gs = kernel.runResident(nlist, groups);
    const top = new TopK(Math.min(ASSIGN_GROUPS, groups));
    for (let g = 0; g < groups; g++) {
      const s = gs[g]! * c.groupFactors[g]!;
      if (s > top.threshold) top.push(s, g);
    }
    let best = 0;
    let bestScore = -Infinity;
    for (let t = 0; t < top.size; t++) {
      const g = top.seqs[t]!;
      const from = c.groupStart[g]!;
      const n = c.groupStart[g + 1]! - from;
      const ls = kernel.runResident(from, n);
      for (let i = 0; i < n; i++) {
        const s = ls[i]! * c.factors[from + i]!;
        if (s > bestScore) {
          bestScore = s;
          best = from + i;
        }
      }
    }
    return best;
  }

  /**
   * The k nearest by cosine similarity, best first. Scans the `nprobe` lists whose centroids are
   * nearest; with `accept`, candidates failing it are skipped and, while fewer than k passed,
   * further lists are scanned in centroid order (up to all: a very selective filter costs up to
   * an exact scan).
   */
  search(vector: ArrayLike<number>, k: number, opts: SearchOptions = {}): Scored[] {
    if (vector.length !== this.dims) throw new RangeError(`query has ${vector.length} dimensions, the index ${this.dims}`);
    if (!(k > 0) || this.count === 0) return [];
    k = Math.min(Math.floor(k), this.count);
    const q = new Int8Array(this.stride);
    const fq = quantize(vector, this.dims, this.stride, q, 0);
    const kernel = this.kernel;
    kernel.setQuery(q);
    const top = new TopK(k);
    const accept = opts.accept;
    const nlist = this.lists.length;
    if (!this.centroids) {
      this.scanList(this.lists[0]!, top, accept);
      return top.sorted(fq);
    }
    const c = this.centroids;
    const cs = kernel.runResident(0, nlist);
    const scores = new Float64Array(nlist);
    for (let i = 0; i < nlist; i++) scores[i] = cs[i]! * c.factors[i]!;
    const nprobe = Math.min(nlist, Math.max(1, opts.nprobe ?? (this.nprobe || probesFor(nlist))));
    // The nprobe best lists, then (only when needed) the rest in order.
    const best = new TopK(nprobe);
    for (let i = 0; i < nlist; i++) if (scores[i]! > best.threshold) best.push(scores[i]!, i);
    const order = best.sorted(1).map((s) => s.seq);
    let scanned = 0;
    for (const l of order) scanned += this.scanList(this.lists[l]!, top, accept);
    if (top.size < k || scanned < MIN_SCAN) {
      const probed = new Set(order);
      const rest = Array.from({ length: nlist }, (_, i) => i)
        .filter((i) => !probed.has(i))
        .sort((a, b) => scores[b]! - scores[a]!);
      for (const l of rest) {
        if (top.size >= k && scanned >= MIN_SCAN) break;
        scanned += this.scanList(this.lists[l]!, top, accept);
      }
    }
    return top.sorted(fq);
  }

  /** Scans one list into `top` (its file part read from the index file); returns the vectors scanned. */
  private scanList(list: List, top: TopK, accept: ((seq: number) => boolean) | undefined): number {
    const kernel = this.kernel;
    const base = list.base;
    for (let from = 0; from < list.count; ) {
      // A block never straddles the file part and the memory part.
      const n = Math.min(CHUNK, from < base ? base - from : list.count - from);
      const dots = from < base ? kernel.runFile(this.fd, list.fileOffset + from * this.stride, n) : kernel.run(list.codes, from - base, n);
      const factors = list.factors;
      const seqs = list.seqs;
      let threshold = top.threshold;
      for (let i = 0; i < n; i++) {
        const s = dots[i]! * factors[from + i]!;
        if (s > threshold) {
          const seq = seqs[from + i]!;
          if (seq < 0 || (accept && !accept(seq))) continue;
          top.push(s, seq);
          threshold = top.threshold;
        }
      }
      from += n;
    }
    return list.live;
  }

  /** Whether the index has grown enough since training that `train()` would help. */
  get needsTraining(): boolean {
    return this.count >= TRAIN_MIN && this.count >= RETRAIN_GROWTH * this.trainedSize;
  }

  /** Whether an index of `size` vectors would be retrained (what `trainFor` ahead of a big embedding avoids). */
  wouldRetrainAt(size: number): boolean {
    return size >= TRAIN_MIN && size >= RETRAIN_GROWTH * Math.max(this.count, this.trainedSize);
  }

  /**
   * (Re)clusters the vectors into `listsFor(size)` lists and moves every vector to its list.
   * Synchronous: ~2 s per million vectors at 256 dimensions (bench/vectors.ts); upsert calls it
   * on its own at TRAIN_MIN and each 4× growth, a bulk load may call it once at the end. Old lists
   * are freed one by one as their vectors move, so memory peaks near 1.2× rather than 2×.
   */
  train(nlist = listsFor(this.count)): void {
    if (this.count < 2 || nlist <= 1) {
      this.trainedSize = this.count;
      return;
    }
    const random = mulberry32(this.seed++);
    nlist = Math.min(nlist, Math.floor(this.count / 4));
    // A sample: ~48 vectors per list, at most the whole index.
    const sample = this.sample(Math.min(this.count, sampleSizeFor(nlist)), random);
    this.setCentroids(this.centroidsOf(sample, nlist, random));
    this.redistribute();
    this.trainedSize = this.count;
  }

  /**
   * Trains the lists for an index that will hold `size` vectors, on `sample` (int8 codes as
   * `quantize` makes them, and their factors): vectors spread over what the index will hold,
   * e.g. papers picked evenly from the catalog before embedding all of it. Vectors already in the
   * index move to their new lists. Meant for a big first embedding: the vectors then go straight
   * into their final lists, and no retraining (which holds every code in memory at once) happens
   * until the index outgrows `size` four times.
   */
  trainFor(sample: { codes: Int8Array; factors: Float32Array }, size: number): void {
    const n = sample.factors.length;
    if (sample.codes.length !== n * this.stride) throw new RangeError('trainFor: one code of stride bytes per factor');
    const nlist = Math.min(listsFor(size), Math.floor(n / 4));
    if (nlist <= 1) return;
    this.setCentroids(this.centroidsOf(sample, nlist, mulberry32(this.seed++)));
    this.redistribute();
    this.trainedSize = Math.max(size, this.count);
  }

  /** Hierarchical spherical k-means centroids for `nlist` lists from a sample. */
  private centroidsOf(sample: { codes: Int8Array; factors: Float32Array }, nlist: number, random: () => number): Centroids {
    const sampleSize = sample.factors.length;
    const groups = Math.max(1, Math.round(Math.sqrt(nlist)));
    const stride = this.stride;
    // Groups: k-means over the sample.
    const g = kmeans(sample.codes, sample.factors, sampleSize, groups, this.dims, stride, 8, random);
    // Lists inside each group, as many as its share of the sample.
    const members: number[][] = Array.from({ length: groups }, () => []);
    for (let i = 0; i < sampleSize; i++) members[g.assignment[i]!]!.push(i);
    const groupStart = new Int32Array(groups + 1);
    const parts: { codes: Int8Array; factors: Float32Array }[] = [];
    let total = 0;
    for (let gi = 0; gi < groups; gi++) {
      const m = members[gi]!;
      groupStart[gi] = total;
      if (m.length === 0) continue;
      const k = Math.max(1, Math.min(m.length, Math.round((nlist * m.length) / sampleSize)));
      const codes = new Int8Array(m.length * stride);
      const factors = new Float32Array(m.length);
      m.forEach((idx, j) => {
        codes.set(sample.codes.subarray(idx * stride, (idx + 1) * stride), j * stride);
        factors[j] = sample.factors[idx]!;
      });
      const r = k === 1 ? centroidOf(codes, factors, m.length, this.dims, stride) : kmeans(codes, factors, m.length, k, this.dims, stride, 8, random);
      parts.push({ codes: r.codes, factors: r.factors });
      total += r.factors.length;
    }
    groupStart[groups] = total;
    const codes = new Int8Array(total * stride);
    const factors = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      codes.set(p.codes, at * stride);
      factors.set(p.factors, at);
      at += p.factors.length;
    }
    return { codes, factors, groupCodes: g.codes, groupFactors: g.factors, groupStart };
  }

  /** Moves every vector to its list under the current centroids (in memory until the next save), freeing each old list once emptied. */
  private redistribute(): void {
    const stride = this.stride;
    const total = this.centroids!.factors.length;
    const old = this.lists;
    this.lists = Array.from({ length: total }, () => new List(stride));
    const block = new Int8Array(CHUNK * stride);
    const code = new Int8Array(stride);
    for (let li = 0; li < old.length; li++) {
      const list = old[li]!;
      for (let from = 0; from < list.count; from += CHUNK) {
        const n = Math.min(CHUNK, list.count - from);
        this.readCodes(list, from, n, block);
        for (let i = 0; i < n; i++) {
          const seq = list.seqs[from + i]!;
          if (seq < 0) continue;
          code.set(block.subarray(i * stride, (i + 1) * stride));
          const dest = this.assign(code, 0);
          this.listOf[seq] = dest;
          this.posOf[seq] = this.lists[dest]!.push(seq, list.factors[from + i]!, code, 0);
        }
      }
      old[li] = new List(stride);
    }
    this.closeFile();
    // Trim the growth slack to a little room for inserts.
    for (const l of this.lists) if (l.capacity > l.count + SLACK(l.count)) l.resize(l.count + SLACK(l.count));
  }

  /** Installs centroids (training, loading). */
  setCentroids(c: Centroids): void {
    const nlist = c.factors.length;
    const groups = c.groupFactors.length;
    const resident = new Int8Array((nlist + groups) * this.stride);
    resident.set(c.codes, 0);
    resident.set(c.groupCodes, nlist * this.stride);
    this.kernel.setResident(resident, nlist + groups);
    this.centroids = c;
  }

  /**
   * n vectors picked at random, by seq (so the sample, and the training, depend only on which
   * vectors the index holds, not on where they sit: a saved index trains as an unsaved one).
   */
  private sample(n: number, random: () => number): { codes: Int8Array; factors: Float32Array } {
    const stride = this.stride;
    n = Math.min(n, this.count);
    const picks = pickDistinct(this.count, n, random).sort((a, b) => a - b);
    const codes = new Int8Array(n * stride);
    const factors = new Float32Array(n);
    let rank = -1;
    let i = 0;
    for (let seq = 0; seq < this.listOf.length && i < n; seq++) {
      if (this.listOf[seq]! < 0) continue;
      if (++rank !== picks[i]) continue;
      const list = this.lists[this.listOf[seq]!]!;
      const p = this.posOf[seq]!;
      this.readCodes(list, p, 1, codes, i * stride);
      factors[i++] = list.factors[p]!;
    }
    return { codes, factors };
  }

  // Persistence (store.ts) reads and replaces the structure wholesale.

  /** @internal */
  snapshot(): { lists: readonly List[]; centroids: Centroids | null } {
    return { lists: this.lists, centroids: this.centroids };
  }

  /**
   * @internal A save has just written every live entry to the file `fd` (each list's codes at
   * `offsets[i]`): the lists now read their codes from there, their in-memory codes and
   * tombstones are dropped. The index owns `fd` from here on.
   */
  attachFile(fd: number, offsets: readonly number[]): void {
    if (offsets.length !== this.lists.length) throw new Error('attachFile: one offset per list');
    for (let li = 0; li < this.lists.length; li++) {
      const list = this.lists[li]!;
      if (list.settle(offsets[li]!, SLACK(list.live))) for (let p = 0; p < list.count; p++) this.posOf[list.seqs[p]!] = p;
    }
    // Every list now reads from the new file: the old one is no longer needed.
    if (this.fd >= 0 && this.fd !== fd) closeSync(this.fd);
    this.fd = fd;
  }

  /** Closes the index file (only once no list reads from it). */
  private closeFile(): void {
    if (this.fd < 0) return;
    if (this.lists.some((l) => l.base > 0)) throw new Error('closeFile: lists still read from the file');
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Releases the index file and every vector: the index is empty afterwards. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.lists = [new List(this.stride)];
    this.centroids = null;
    this.count = 0;
    this.listOf = new Int32Array(0);
    this.posOf = new Int32Array(0);
  }

  /** @internal Installs loaded lists (whose codes are in the file `fd`, which the index owns from here on, or -1); returns a seq found twice, or -1. */
  restore(lists: List[], centroids: Centroids | null, trainedSize: number, fd = -1): number {
    if (this.lists.some((l) => l.base > 0)) throw new Error('restore: the index already reads from a file');
    this.closeFile();
    this.fd = fd;
    if (centroids) this.setCentroids(centroids);
    else this.centroids = null;
    this.lists = lists.length ? lists : [new List(this.stride)];
    this.trainedSize = trainedSize;
    let maxSeq = -1;
    let count = 0;
    for (const l of this.lists) {
      count += l.count;
      for (let i = 0; i < l.count; i++) if (l.seqs[i]! > maxSeq) maxSeq = l.seqs[i]!;
    }
    this.listOf = new Int32Array(0);
    this.posOf = new Int32Array(0);
    this.ensureSeq(maxSeq);
    for (let li = 0; li < this.lists.length; li++) {
      const l = this.lists[li]!;
      for (let i = 0; i < l.count; i++) {
        const seq = l.seqs[i]!;
        if (seq < 0 || this.listOf[seq]! >= 0) return seq;
        this.listOf[seq] = li;
        this.posOf[seq] = i;
      }
    }
    this.count = count;
    return -1;
  }
}

/** n distinct integers from [0, total). */
function pickDistinct(total: number, n: number, random: () => number): number[] {
  if (n >= total) return Array.from({ length: total }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(Math.floor(random() * total));
  return [...chosen];
}

/** The normalized mean of some quantized vectors, quantized. */
function centroidOf(codes: Int8Array, factors: Float32Array, n: number, dims: number, stride: number): { codes: Int8Array; factors: Float32Array } {
  const sum = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    const f = factors[i]!;
    const base = i * stride;
    for (let d = 0; d < dims; d++) sum[d] = sum[d]! + codes[base + d]! * f;
  }
  const out = new Int8Array(stride);
  const factor = quantize(sum, dims, stride, out, 0);
  return { codes: out, factors: Float32Array.of(factor) };
}

/**
 * Spherical k-means over quantized vectors: k centroids (quantized, unit), the assignment of
 * each vector. Empty clusters are reseeded with a random vector.
 */
function kmeans(
  codes: Int8Array,
  factors: Float32Array,
  n: number,
  k: number,
  dims: number,
  stride: number,
  iterations: number,
  random: () => number,
): { codes: Int8Array; factors: Float32Array; assignment: Int32Array } {
  const cCodes = new Int8Array(k * stride);
  const cFactors = new Float32Array(k);
  pickDistinct(n, k, random).forEach((idx, j) => {
    cCodes.set(codes.subarray(idx * stride, (idx + 1) * stride), j * stride);
    cFactors[j] = factors[idx]!;
  });
  const assignment = new Int32Array(n);
  const sums = new Float64Array(k * dims);
  const counts = new Int32Array(k);
  // A kernel of its own: the index's keeps its resident centroids.
  const local = new DotKernel(stride, 16);
  for (let it = 0; it <= iterations; it++) {
    local.setResident(cCodes, k);
    for (let i = 0; i < n; i++) {
      local.setQuery(codes, i * stride);
      const s = local.runResident(0, k);
      let best = 0;
      let bestScore = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = s[j]! * cFactors[j]!;
        if (v > bestScore) {
          bestScore = v;
          best = j;
        }
      }
      assignment[i] = best;
    }
    if (it === iterations) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = assignment[i]!;
      counts[j] = counts[j]! + 1;
      const f = factors[i]!;
      const base = i * stride;
      const sb = j * dims;
      for (let d = 0; d < dims; d++) sums[sb + d] = sums[sb + d]! + codes[base + d]! * f;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        const idx = Math.floor(random() * n);
        cCodes.set(codes.subarray(idx * stride, (idx + 1) * stride), j * stride);
        cFactors[j] = factors[idx]!;
        continue;
      }
      cFactors[j] = quantize(sums.subarray(j * dims, (j + 1) * dims), dims, stride, cCodes, j * stride);
    }
  }
  return { codes: cCodes, factors: cFactors, assignment };
}
