/**
 * Iterators over postings. A PartCursor walks one term's list in one segment, decoding a block
 * only when a doc inside it is needed, skipping the postings of docs whose current version lives
 * in another segment (or was deleted). A TermIter joins a term's lists across segments (a doc's
 * current version is in exactly one of them) and carries the term's weight and block-max bounds.
 *
 * All iterators share one protocol: `doc` is the current doc (−1 before the first move, DONE at
 * the end) and `advance(target)` moves to the first doc ≥ target that may match and returns it.
 * Filter iterators (DayWindowIter) may answer conservatively (a doc that might match); the final
 * checks are exact.
 */
import { BLOCK, DONE, unpackGaps, type Impacts } from './format.js';
import { decodeTfs, type Segment, type TermEntry } from './segment.js';

/** What scoring a posting needs: the index's impact function and field lengths by seq (3 per seq). */
export interface ScoreContext {
  impacts: Impacts;
  lens: Uint16Array;
  owner: Int32Array;
}

export interface DocIter {
  doc: number;
  advance(target: number): number;
}

const EMPTY = new Int32Array(0);

/**
 * One term's postings in one segment.
 *
 * Bounds (`shallow`): for a list of many blocks, the block directory (each block's last doc and
 * largest impact) bounds a range of docs without decoding; before the segment's first doc the
 * bound is 0. An `eager` cursor (a one-block list, or any list of a segment much smaller than the
 * largest) is instead advanced for real, and bounds exactly: nothing until its next doc. Small
 * segments written by incremental updates span wide seq ranges; block bounds there would be
 * loose over every window of the big segments.
 */
export class PartCursor implements DocIter {
  doc = -1;
  /** bound state after shallow(): largest impact in [target, bEnd], and bEnd */
  bMax = 0;
  bEnd = 0;
  /** block the bounds refer to (moved by shallow) */
  private bi = 0;
  /** decoded block, −1 for none */
  private cb = -1;
  private readonly docs = new Int32Array(BLOCK);
  private n = 0;
  private pos = 0;
  /** where the decoded block's field frequencies start, and the block they were decoded for */
  private tfOff = 0;
  private tfBlock = -1;
  private readonly tfs: Int32Array;
  private readonly buf: Uint8Array;
  private readonly owner: Int32Array;
  readonly nb: number;
  private readonly dirLast: Int32Array;
  private readonly dirMax: Uint8Array;
  private readonly dirStart: number;
  readonly maxQ: number;
  readonly df: number;
  private readonly hasQ: boolean;
  private readonly segId: number;
  private readonly segMin: number;
  private readonly segMax: number;
  /** whether some docs of the segment are stale (then every posting is checked against `owner`) */
  private readonly check: boolean;

  constructor(private readonly seg: Segment, private readonly e: TermEntry, private readonly ctx: ScoreContext, readonly eager: boolean) {
    this.buf = seg.main;
    this.owner = ctx.owner;
    this.tfs = e.hasQ ? new Int32Array(BLOCK) : (EMPTY as Int32Array);
    this.nb = e.nb;
    this.dirLast = seg.dirLast;
    this.dirMax = seg.dirMax;
    this.dirStart = e.dirStart;
    this.maxQ = e.maxQ;
    this.df = e.df;
    this.hasQ = e.hasQ;
    this.segId = seg.id;
    this.segMin = seg.docCount > 0 ? seg.docs[0]! : 0;
    this.segMax = seg.docCount > 0 ? seg.docs[seg.docCount - 1]! : -1;
    this.check = seg.live !== seg.docCount;
    if (this.nb === 1) this.eager = true;
  }

  /** Sets bMax/bEnd: a bound of the impacts of this list's docs in [target, bEnd] (target never decreases). */
  shallow(target: number): void {
    if (this.eager) {
      const d = this.advance(target);
      if (d === target) {
        this.bMax = this.q();
        this.bEnd = d;
      } else {
        this.bMax = 0;
        this.bEnd = d - 1;
      }
      return;
    }
    if (target > this.segMax) {
      this.bi = this.nb;
      this.bMax = 0;
      this.bEnd = DONE - 1;
      return;
    }
    if (target < this.segMin) {
      this.bMax = 0;
      this.bEnd = this.segMin - 1;
      return;
    }
    let bi = this.bi;
    const last = this.dirLast;
    const base = this.dirStart;
    const nb = this.nb;
    if (bi < nb && last[base + bi]! < target) {
      // gallop, then binary search: last[lo] < target ≤ last[hi]
      let step = 1;
      let lo = bi;
      let hi = bi + 1;
      while (hi < nb && last[base + hi]! < target) {
        lo = hi;
        step <<= 1;
        hi = bi + step;
      }
      if (hi >= nb) hi = nb - 1;
      if (last[base + hi]! < target) bi = nb;
      else {
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (last[base + mid]! < target) lo = mid;
          else hi = mid;
        }
        bi = hi;
      }
      this.bi = bi;
    }
    if (bi >= nb) {
      this.bMax = 0;
      this.bEnd = DONE - 1;
    } else {
      this.bMax = this.dirMax[base + bi]!;
      this.bEnd = last[base + bi]!;
    }
  }

  private decode(bi: number): void {
    const seg = this.seg;
    const b = this.buf;
    let p = seg.postBase + (this.nb === 1 ? this.e.off : seg.dirOff[this.dirStart + bi]!);
    const n = this.nb === 1 ? this.df : seg.dirCount[this.dirStart + bi]!;
    const prevLast = bi === 0 ? -1 : this.dirLast[this.dirStart + bi - 1]!;
    let c = b[p++]!;
    let v = c & 0x7f;
    let shift = 7;
    while (c & 0x80) {
      c = b[p++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    this.docs[0] = prevLast + 1 + v;
    this.tfOff = unpackGaps(b, p, n, this.docs);
    this.n = n;
    this.pos = 0;
    this.cb = bi;
  }

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    let p: number;
    if (this.nb === 1) {
      if (this.cb < 0) this.decode(0);
      p = this.pos;
    } else {
      // find the block: the first whose last doc ≥ target
      let bi = this.cb < 0 ? 0 : this.cb;
      const last = this.dirLast;
      const base = this.dirStart;
      const nb = this.nb;
      if (last[base + bi]! < target) {
        let step = 1;
        let lo = bi;
        let hi = bi + 1;
        while (hi < nb && last[base + hi]! < target) {
          lo = hi;
          step <<= 1;
          hi = bi + step;
        }
        if (hi >= nb) hi = nb - 1;
        if (last[base + hi]! < target) return (this.doc = DONE);
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (last[base + mid]! < target) lo = mid;
          else hi = mid;
        }
        bi = hi;
      }
      if (this.cb !== bi) this.decode(bi);
      p = this.pos;
    }
    const docs = this.docs;
    const n = this.n;
    while (p < n && docs[p]! < target) p++;
    if (p >= n) return (this.doc = DONE);
    this.pos = p;
    const d = docs[p]!;
    this.doc = d;
    if (this.check && this.owner[d] !== this.segId) return this.next();
    return d;
  }

  next(): number {
    for (;;) {
      let p = this.pos + 1;
      if (p >= this.n) {
        const nextBlock = this.cb + 1;
        if (nextBlock >= this.nb) return (this.doc = DONE);
        this.decode(nextBlock);
        p = 0;
      }
      this.pos = p;
      const d = this.docs[p]!;
      this.doc = d;
      if (!this.check || this.owner[d] === this.segId) return d;
    }
  }

  /** Packed field frequencies of the current doc (0 for filter terms). */
  tf(): number {
    if (!this.hasQ) return 0;
    if (this.tfBlock !== this.cb) {
      decodeTfs(this.buf, this.tfOff, this.n, this.tfs);
      this.tfBlock = this.cb;
    }
    return this.tfs[this.pos]!;
  }

  /** Impact q of the current doc (0 for filter terms). */
  q(): number {
    if (!this.hasQ) return 0;
    if (this.tfBlock !== this.cb) {
      decodeTfs(this.buf, this.tfOff, this.n, this.tfs);
      this.tfBlock = this.cb;
    }
    const l = 3 * this.docs[this.pos]!;
    const lens = this.ctx.lens;
    return this.ctx.impacts.q(this.tfs[this.pos]!, lens[l]!, lens[l + 1]!, lens[l + 2]!);
  }
}

/** A query term over every segment that has it, with its weight (integer idf). */
export class TermIter implements DocIter {
  doc = -1;
  private cur: PartCursor | null = null;
  /** largest impact over all parts */
  readonly maxQ: number;
  /** w · maxQ: the most this term can add to a score */
  readonly upper: number;
  /** bound block state after shallow(): w · largest impact and last doc covered */
  wmax = 0;
  end = 0;
  /** the query term it belongs to: the two impact tiers of a term share it (a doc is in one of them) */
  group = 0;

  constructor(readonly term: string, readonly parts: PartCursor[], readonly w: number, readonly df: number) {
    let m = 0;
    for (const p of parts) if (p.maxQ > m) m = p.maxQ;
    this.maxQ = m;
    this.upper = w * m;
  }

  /** Postings (over all segments, stale ones included): the cost of walking it. */
  get cost(): number {
    let c = 0;
    for (const p of this.parts) c += p.df;
    return c;
  }

  shallow(target: number): void {
    let m = 0;
    let end = DONE - 1;
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      p.shallow(target);
      if (p.bMax > m) m = p.bMax;
      if (p.bEnd < end) end = p.bEnd;
    }
    this.wmax = m * this.w;
    this.end = end;
  }

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    const parts = this.parts;
    if (parts.length === 1) {
      const p = parts[0]!;
      this.cur = p;
      return (this.doc = p.advance(target));
    }
    let m = DONE;
    let cur: PartCursor | null = null;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const d = p.advance(target);
      if (d < m) {
        m = d;
        cur = p;
      }
    }
    this.cur = cur;
    return (this.doc = m);
  }

  /** The next doc after the current one (parts may have been moved ahead by shallow()). */
  next(): number {
    const parts = this.parts;
    if (parts.length === 1) {
      const p = parts[0]!;
      return (this.doc = p.doc === this.doc ? p.next() : p.advance(this.doc + 1));
    }
    return this.advance(this.doc + 1);
  }

  q(): number {
    return this.cur!.q();
  }

  tf(): number {
    return this.cur!.tf();
  }

  /** w · impact of the current doc */
  score(): number {
    return this.w * this.cur!.q();
  }
}

/** Docs where a text term occurs in the authors field (the author filter). */
export class AuthorFieldIter implements DocIter {
  doc = -1;
  constructor(private readonly t: TermIter) {}

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    let d = this.t.advance(target);
    while (d < DONE && (this.t.tf() & 0xf000) === 0) d = this.t.next();
    return (this.doc = d);
  }
}

/** Docs in all of its iterators. */
export class AndIter implements DocIter {
  doc = -1;
  constructor(readonly its: DocIter[]) {}

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    const its = this.its;
    let d = target;
    let agreed = 0;
    let i = 0;
    while (agreed < its.length) {
      const x = its[i]!.advance(d);
      if (x >= DONE) return (this.doc = DONE);
      if (x === d) agreed++;
      else {
        d = x;
        agreed = 1;
      }
      i = i + 1 === its.length ? 0 : i + 1;
    }
    return (this.doc = d);
  }
}

/** Docs in any of its iterators. */
export class OrIter implements DocIter {
  doc = -1;
  constructor(readonly its: DocIter[]) {}

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    let m = DONE;
    for (const it of this.its) {
      const x = it.advance(target);
      if (x < m) m = x;
    }
    return (this.doc = m);
  }
}

/** Window of seqs the per-window bounds are kept for. */
export const WINDOW_SHIFT = 16;

/**
 * Conservative day-range filter: skips whole windows of 65,536 seqs whose days (kept as min/max
 * per window by the index) miss the range. The exact day check is the caller's.
 */
export class DayWindowIter implements DocIter {
  doc = -1;
  constructor(private readonly minDay: Int32Array, private readonly maxDay: Int32Array, private readonly windows: number, private readonly from: number, private readonly to: number) {}

  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    let w = target >>> WINDOW_SHIFT;
    while (w < this.windows && (this.maxDay[w]! < this.from || this.minDay[w]! > this.to)) w++;
    if (w >= this.windows) return (this.doc = DONE);
    const start = w << WINDOW_SHIFT;
    return (this.doc = start > target ? start : target);
  }
}
