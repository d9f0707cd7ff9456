/**
 * Merging segments into one: the docs each input still owns (stale and deleted versions are
 * dropped), their postings merged term by term in dictionary order, the tombstones still needed.
 * Field frequencies are copied as they are; impacts need no recomputation: every segment of an
 * index scores with the same frozen average field lengths (see index.ts).
 *
 * When the inputs hold disjoint seq ranges and no stale docs (a bulk build's segments, appends),
 * a term's lists are concatenated: the blocks of a multi-block list are copied byte for byte (only
 * the first doc's gap is re-encoded; a partial last block stays partial), short lists are decoded
 * into the output's current block. That is nearly a memcpy of the postings. Otherwise lists are
 * decoded, filtered, merged by doc and encoded again.
 *
 * A term is handled with its high-impact tier (format.ts, HI_SUFFIX): inputs that split it keep
 * their partition; the postings of inputs that did not go to the high tier when above the low
 * tier's bound.
 */
import { BLOCK, HI_SUFFIX, SPLIT_MIN_DF, growInt32, growUint8, hiThreshold, type Impacts } from './format.js';
import { DictReader, Segment, SegmentWriter, decodeList, hasImpacts, type PostingsView, type SegmentFileTarget, type TermEntry } from './segment.js';

/**
 * A merge's input: its docs, tombstones and dictionary (`seg`), and its postings, which the
 * merge asks for term by term in dictionary order (a segment in memory has them all; a committed
 * one is read from its file as the merge goes: streamed.ts).
 */
export interface MergeInput {
  readonly seg: Segment;
  /** bytes of its postings section */
  readonly postBytes: number;
  /** a view through which the postings [from, to) (offsets in the postings section) are read */
  postings(from: number, to: number): PostingsView;
}

/** A segment in memory as a merge input. */
export function inMemory(seg: Segment): MergeInput {
  return { seg, postBytes: seg.postBytes, postings: () => seg };
}

/** Growable decoded postings. */
class Postings {
  docs = new Int32Array(BLOCK);
  tfs = new Int32Array(BLOCK);
  qs = new Uint8Array(BLOCK);
  n = 0;

  reserve(n: number): void {
    if (n > this.docs.length) {
      this.docs = growInt32(this.docs, n);
      this.tfs = growInt32(this.tfs, n);
      this.qs = growUint8(this.qs, n);
    }
  }
}

/**
 * The merged segment (id `id`). `owner` and `lens` (3 per seq) are the index's arrays by seq.
 * With `toFile`, the segment is written as it is built to the file it names for the output's
 * docs and tombstones (null: none, the segment is built in memory), and returned released (its
 * file is removed if the merge fails).
 */
export function mergeSegments(
  id: number,
  inputs: MergeInput[],
  owner: Int32Array,
  lens: Uint16Array,
  impacts: Impacts,
  toFile: ((docs: Int32Array, tombs: Int32Array) => SegmentFileTarget | null) | null = null,
): Segment {
  // inputs by first doc, so that disjoint ranges (bulk builds) concatenate
  const ins = inputs.slice().sort((a, b) => (a.seg.docs[0] ?? 0) - (b.seg.docs[0] ?? 0) || a.seg.id - b.seg.id);
  const segs = ins.map((x) => x.seg);
  // docs still owned by an input
  let total = 0;
  for (const s of segs) total += s.docCount;
  let docs = new Int32Array(total);
  let n = 0;
  let sorted = true;
  for (const s of segs) {
    for (let i = 0; i < s.docCount; i++) {
      const d = s.docs[i]!;
      if (owner[d] !== s.id) continue;
      if (n > 0 && docs[n - 1]! >= d) sorted = false;
      docs[n++] = d;
    }
  }
  docs = docs.slice(0, n);
  if (!sorted) docs.sort();
  // tombstones still hiding something: the seq is deleted now
  const tombSet = new Set<number>();
  for (const s of segs) for (let i = 0; i < s.tombs.length; i++) if (owner[s.tombs[i]!] === -1) tombSet.add(s.tombs[i]!);
  const tombs = Int32Array.from(tombSet).sort();

  // The output's size, for its buffer: the inputs' postings (lists concatenate) and a dictionary
  // that shares most terms (measured on 300,000 synthetic papers: four buffers of 65,536 and one
  // of 37,856, ~3.4 MB of dictionary sections each but the last, merged into 5.4 MB). A short
  // estimate costs a copy of the postings, a long one a copy of the whole segment
  // (SegmentWriter.finish).
  let postings = 0;
  let dicts = 0;
  let largest = 0;
  for (const x of ins) {
    postings += x.postBytes;
    const dict = x.seg.main.length - x.seg.postBytes;
    dicts += dict;
    largest = Math.max(largest, dict);
  }
  // (an output without docs has no postings: every input's were stale)
  const estimate = n === 0 ? 1 << 16 : Math.max(1 << 16, postings + (postings >> 6) + Math.min(dicts, 2 * largest));
  const k = segs.length;
  const readers = segs.map((s) => new DictReader(s));
  const has = readers.map((r) => r.next());
  const check = segs.map((s) => s.live !== s.docCount);
  // disjoint ascending seq ranges, nothing stale: lists concatenate
  let fast = !check.some(Boolean);
  for (let i = 1; i < k && fast; i++) {
    const a = segs[i - 1]!;
    const b = segs[i]!;
    if (a.docCount > 0 && b.docCount > 0 && a.docs[a.docCount - 1]! >= b.docs[0]!) fast = false;
  }
  const decoded = segs.map(() => new Postings());
  const all = new Postings();
  const tmp = new Postings();
  /** where each input's postings of the current term are read from */
  const views: PostingsView[] = segs.slice();
  const lo: Array<TermEntry | null> = new Array(k).fill(null);
  const hi: Array<TermEntry | null> = new Array(k).fill(null);

  /**
   * Decodes a list (live postings only, unless `fast`) into `into` from `at`, with field
   * frequencies when `withTf`, and their impacts when `withQ`.
   */
  const decode = (i: number, e: TermEntry, into: Postings, at: number, withTf: boolean, withQ = withTf): number => {
    into.reserve(at + e.df);
    const got = decodeList(views[i]!, e, into.docs, withTf ? into.tfs : null, at, check[i] ? owner : null);
    if (withQ) {
      for (let j = at; j < at + got; j++) {
        const l = 3 * into.docs[j]!;
        into.qs[j] = impacts.q(into.tfs[j]!, lens[l]!, lens[l + 1]!, lens[l + 2]!);
      }
    }
    return got;
  };

  /**
   * A tier's list of input i, as it is: blocks copied, or a short list decoded and pushed. A short
   * list that fits in the output's current block needs no impacts (its own bound is all the
   * block's bound needs): in the optimize of 300,000 synthetic papers, 2/3 of the impacts
   * computed (a random read of the doc's field lengths each) were for such lists; 12–27 % less
   * CPU (quiet to loaded machine).
   */
  const append = (i: number, e: TermEntry, withQ: boolean): void => {
    if (e.nb > 1) writer.copyBlocks(views[i]!, e);
    else if (withQ && e.df <= writer.room) {
      const got = decode(i, e, tmp, 0, true, false);
      writer.pushBoundedRun(tmp.docs, tmp.tfs, 0, got, e.maxQ);
    } else {
      const got = decode(i, e, tmp, 0, withQ);
      writer.pushRun(tmp.docs, withQ ? tmp.tfs : null, withQ ? tmp.qs : null, 0, got);
    }
  };

  const mergeFast = (base: string, withQ: boolean): void => {
    let df = 0;
    let anySplit = false;
    let loMax = 0;
    for (let i = 0; i < k; i++) {
      df += (lo[i]?.df ?? 0) + (hi[i]?.df ?? 0);
      if (hi[i]) {
        anySplit = true;
        if (lo[i]) loMax = Math.max(loMax, lo[i]!.maxQ);
      }
    }
    if (!withQ || (df < SPLIT_MIN_DF && !anySplit)) {
      writer.beginTerm(withQ);
      for (let i = 0; i < k; i++) if (lo[i]) append(i, lo[i]!, withQ);
      writer.endTerm(base);
      return;
    }
    // the unsplit inputs' postings, decoded; where they divide
    let t: number;
    for (let i = 0; i < k; i++) decoded[i]!.n = lo[i] && !hi[i] ? decode(i, lo[i]!, decoded[i]!, 0, true) : 0;
    if (anySplit) t = loMax + 1;
    else {
      all.n = 0;
      for (let i = 0; i < k; i++) {
        const p = decoded[i]!;
        all.reserve(all.n + p.n);
        all.qs.set(p.qs.subarray(0, p.n), all.n);
        all.n += p.n;
      }
      t = hiThreshold(all.qs, 0, all.n);
    }
    for (const tier of [false, true]) {
      writer.beginTerm(true);
      for (let i = 0; i < k; i++) {
        if (hi[i]) {
          const e = tier ? hi[i] : lo[i];
          if (e) append(i, e, true);
        } else if (lo[i]) {
          const p = decoded[i]!;
          for (let j = 0; j < p.n; j++) if (p.qs[j]! >= t === tier) writer.push(p.docs[j]!, p.tfs[j]!, p.qs[j]!);
        }
      }
      writer.endTerm(tier ? base + HI_SUFFIX : base);
    }
  };

  const mergeGeneral = (base: string, withQ: boolean): void => {
    // every live posting of both tiers, runs sorted by doc, merged pairwise
    let w = 0;
    const bounds: number[] = [];
    let ordered = true;
    for (let i = 0; i < k; i++) {
      for (const e of [lo[i], hi[i]]) {
        if (!e) continue;
        const got = decode(i, e, all, w, withQ);
        if (got === 0) continue;
        if (w > 0 && all.docs[w - 1]! >= all.docs[w]!) ordered = false;
        bounds.push(w);
        w += got;
      }
    }
    if (w === 0) return;
    let src = all;
    if (!ordered) {
      bounds.push(w);
      let dst = tmp;
      dst.reserve(w);
      let b = bounds;
      while (b.length > 2) {
        const next: number[] = [0];
        for (let r = 0; r + 1 < b.length; r += 2) {
          const a0 = b[r]!;
          const a1 = b[r + 1]!;
          const b1 = r + 2 < b.length ? b[r + 2]! : a1;
          let i = a0;
          let j = a1;
          let o = a0;
          while (i < a1 || j < b1) {
            const x = j >= b1 || (i < a1 && src.docs[i]! <= src.docs[j]!) ? i++ : j++;
            dst.docs[o] = src.docs[x]!;
            dst.tfs[o] = src.tfs[x]!;
            dst.qs[o++] = src.qs[x]!;
          }
          next.push(b1);
        }
        [src, dst] = [dst, src];
        b = next;
      }
    }
    writer.addTerm(base, src.docs, withQ ? src.tfs : null, withQ ? src.qs : null, 0, w);
  };

  // (made last: a file-backed writer's file is removed if anything after fails)
  const writer = new SegmentWriter(estimate, toFile?.(docs, tombs));
  try {
    for (;;) {
      let min: string | null = null;
      for (let i = 0; i < k; i++) if (has[i] && (min === null || readers[i]!.term < min)) min = readers[i]!.term;
      if (min === null) break;
      const base = min.endsWith(HI_SUFFIX) ? min.slice(0, -1) : min;
      const hiTerm = base + HI_SUFFIX;
      for (let i = 0; i < k; i++) {
        lo[i] = null;
        hi[i] = null;
        const r = readers[i]!;
        if (has[i] && r.term === base) {
          lo[i] = r.entry();
          has[i] = r.next();
        }
        if (has[i] && r.term === hiTerm) {
          hi[i] = r.entry();
          has[i] = r.next();
        }
        const a = lo[i] ?? hi[i];
        if (a) {
          const b = hi[i] ?? a;
          views[i] = ins[i]!.postings(Math.min(a.off, b.off), Math.max(a.off + a.len, b.off + b.len));
        }
      }
      const withQ = hasImpacts(base);
      if (fast) mergeFast(base, withQ);
      else mergeGeneral(base, withQ);
    }
  } catch (err) {
    writer.abort();
    throw err;
  }
  return writer.finish(id, docs, tombs);
}

