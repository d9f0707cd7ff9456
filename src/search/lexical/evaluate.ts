/**
 * Query evaluation: top-k by relevance with dynamic pruning, and top-k by a per-doc key (newest,
 * most upvoted) over the documents matching every term.
 *
 * Relevance (OR, or AND with mode 'all') is a block-max MaxScore over windows of doc ids: a
 * window ends where the first of the query terms' current postings blocks ends, so inside it
 * every term's contribution is bounded by its block's largest impact (w · blockMax). Then:
 * - a window whose bounds sum to at most the heap's threshold θ is skipped without decoding a
 *   single block (what makes "model", 1.8M postings, cheap: most of its 14,000 blocks are never
 *   decoded). A term's two impact tiers (format.ts) are two lists, but a doc is in one of them:
 *   everywhere bounds add up, a term counts with the larger of its tiers' bounds;
 * - inside a window, terms are split MaxScore-style: the smallest-bound terms whose bounds sum
 *   to ≤ θ are "non-essential": only docs of the essential terms are candidates, and the others
 *   are probed (highest bound first) only while the candidate can still beat θ;
 * - across windows, once the globally non-essential terms are known, the next window starts at
 *   the next doc of an essential term (a rare term's docs are visited, not a common term's blocks).
 * A doc enters the heap only with a score strictly above θ, and docs come in ascending seq order,
 * so ties are broken by the lower (older) seq, exactly as the exhaustive ranking in the tests.
 * Scores are integers (see format.ts), so pruning decisions are exact.
 *
 * Filters (required terms, author and category terms, the day range) form a `gate` iterator
 * that candidates must pass; it is advanced monotonically and lets a selective filter drive the
 * search (a window starts at the gate's next doc). Exclusions and exact checks are `reject`.
 *
 * Sorted (newest, upvotes): windows of 65,536 seqs are visited from the highest down; the index
 * keeps each window's largest day and upvotes, so once k docs are held, a window that cannot beat
 * the k-th is skipped. Seqs grow with import order, so "newest" usually reads one window.
 */
import type { Scored } from '../types.js';
import { DONE, SCORE_UNIT } from './format.js';
import { WINDOW_SHIFT, type DocIter, type TermIter } from './cursor.js';

/** The k best (score, seq) pairs; ties go to the lower seq, or the higher with preferHigherSeq. */
export class TopK {
  readonly scores: Float64Array;
  readonly seqs: Int32Array;
  size = 0;

  constructor(readonly k: number, readonly preferHigherSeq = false) {
    this.scores = new Float64Array(Math.max(1, k));
    this.seqs = new Int32Array(Math.max(1, k));
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  /** the k-th best score (valid when full) */
  get min(): number {
    return this.scores[0]!;
  }

  /** whether (s1, q1) ranks below (s2, q2) */
  private worse(s1: number, q1: number, s2: number, q2: number): boolean {
    return s1 < s2 || (s1 === s2 && (this.preferHigherSeq ? q1 < q2 : q1 > q2));
  }

  push(score: number, seq: number): void {
    const k = this.k;
    if (k <= 0) return;
    const sc = this.scores;
    const sq = this.seqs;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, seq, sc[parent]!, sq[parent]!)) break;
        sc[i] = sc[parent]!;
        sq[i] = sq[parent]!;
        i = parent;
      }
      sc[i] = score;
      sq[i] = seq;
      return;
    }
    if (!this.worse(sc[0]!, sq[0]!, score, seq)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.worse(sc[r]!, sq[r]!, sc[l]!, sq[l]!)) c = r;
      if (!this.worse(sc[c]!, sq[c]!, score, seq)) break;
      sc[i] = sc[c]!;
      sq[i] = sq[c]!;
      i = c;
    }
    sc[i] = score;
    sq[i] = seq;
  }

  /** best first; scores divided by `unit` */
  results(unit = 1): Scored[] {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    idx.sort((a, b) => (this.worse(this.scores[a]!, this.seqs[a]!, this.scores[b]!, this.seqs[b]!) ? 1 : -1));
    return idx.map((i) => ({ seq: this.seqs[i]!, score: this.scores[i]! / unit }));
  }
}

export type Reject = (seq: number) => boolean;

/**
 * Top k by BM25F score. `terms`: the scoring terms (all required when `all`); `gate`: docs that
 * may match the filters; `reject`: exact final checks. Returns scores in BM25 units.
 */
/** Counters of one evaluation (for benchmarks and tuning). */
export interface EvalStats {
  windows: number;
  skipped: number;
  candidates: number;
  scored: number;
}

export function relevanceTopK(terms: TermIter[], all: boolean, gate: DocIter | null, reject: Reject | null, k: number, stats?: EvalStats): Scored[] {
  const heap = new TopK(k);
  const m = terms.length;
  if (m === 0 || k <= 0) return [];
  const byUpper = terms.slice().sort((a, b) => a.upper - b.upper);
  const byCost = terms.slice().sort((a, b) => a.cost - b.cost);
  const lead = byCost[0]!;
  // a doc is in one tier of a term: a term's bound is the larger of its tiers', not their sum
  let groups = 0;
  for (const t of terms) groups = Math.max(groups, t.group + 1);
  const gmax = new Float64Array(groups);
  for (const t of terms) if (t.upper > gmax[t.group]!) gmax[t.group] = t.upper;
  let totalUpper = 0;
  for (let g = 0; g < groups; g++) totalUpper += gmax[g]!;
  const gcur = new Float64Array(groups);
  const order = terms.slice();
  const prefix = new Float64Array(m + 1);
  let theta = 0;
  let ws = 0;

  const insert = (score: number, d: number): void => {
    if (reject !== null && reject(d)) return;
    heap.push(score, d);
    if (heap.full) theta = heap.min;
  };

  while (ws < DONE) {
    if (heap.full && totalUpper <= theta) break;
    if (all) {
      ws = lead.advance(ws);
      if (ws >= DONE) break;
    } else if (heap.full) {
      // globally non-essential terms cannot lift a doc above θ on their own
      let s = 0;
      let p = 0;
      gcur.fill(0);
      while (p < m) {
        const t = byUpper[p]!;
        const add = t.upper > gcur[t.group]! ? t.upper - gcur[t.group]! : 0;
        if (s + add > theta) break;
        s += add;
        if (t.upper > gcur[t.group]!) gcur[t.group] = t.upper;
        p++;
      }
      if (p > 0) {
        let mn = DONE;
        for (let i = p; i < m; i++) {
          const x = byUpper[i]!.advance(ws);
          if (x < mn) mn = x;
        }
        ws = mn;
        if (ws >= DONE) break;
      }
    }
    if (gate !== null) {
      const g = gate.advance(ws);
      if (g >= DONE) break;
      if (g > ws) {
        ws = g;
        continue;
      }
    }
    // the window [ws, end]: every term within one bound block
    let end = DONE - 1;
    gmax.fill(0);
    for (let i = 0; i < m; i++) {
      const t = terms[i]!;
      t.shallow(ws);
      if (t.wmax > gmax[t.group]!) gmax[t.group] = t.wmax;
      if (t.end < end) end = t.end;
    }
    let sum = 0;
    for (let g = 0; g < groups; g++) sum += gmax[g]!;
    if (sum === 0 && end >= DONE - 1) break;
    if (stats) stats.windows++;
    if (sum === 0 || (sum <= theta && heap.full)) {
      if (stats) stats.skipped++;
      ws = end + 1;
      continue;
    }

    if (all) {
      let d = lead.advance(ws);
      while (d <= end) {
        let aligned = true;
        for (let i = 1; i < m; i++) {
          const x = byCost[i]!.advance(d);
          if (x > d) {
            d = lead.advance(x);
            aligned = false;
            break;
          }
        }
        if (!aligned) continue;
        if (gate !== null) {
          const g = gate.advance(d);
          if (g > d) {
            d = lead.advance(g);
            continue;
          }
        }
        let score = 0;
        for (let i = 0; i < m; i++) score += terms[i]!.score();
        if (score > theta || !heap.full) {
          insert(score, d);
          if (heap.full && sum <= theta) break;
        }
        d = lead.next();
      }
    } else {
      // partition by window bounds, ascending
      for (let i = 1; i < m; i++) {
        const t = order[i]!;
        let j = i - 1;
        while (j >= 0 && order[j]!.wmax > t.wmax) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = t;
      }
      // the bound of order[0 … i]: per term, the larger of its tiers' bounds
      gcur.fill(0);
      for (let i = 0; i < m; i++) {
        const t = order[i]!;
        const g = gcur[t.group]!;
        prefix[i + 1] = prefix[i]! + (t.wmax > g ? t.wmax - g : 0);
        if (t.wmax > g) gcur[t.group] = t.wmax;
      }
      let p = 0;
      if (heap.full) while (p < m && prefix[p + 1]! <= theta) p++;
      let d = DONE;
      for (let i = p; i < m; i++) {
        const x = order[i]!.advance(ws);
        if (x < d) d = x;
      }
      while (d <= end) {
        if (gate !== null) {
          const g = gate.advance(d);
          if (g > d) {
            d = DONE;
            for (let i = p; i < m; i++) {
              const x = order[i]!.advance(g);
              if (x < d) d = x;
            }
            continue;
          }
        }
        let score = 0;
        for (let i = p; i < m; i++) {
          const t = order[i]!;
          if (t.doc === d) score += t.score();
        }
        if (stats) stats.candidates++;
        let i = p - 1;
        for (; i >= 0; i--) {
          if (score + prefix[i + 1]! <= theta) break;
          const t = order[i]!;
          if (t.advance(d) === d) score += t.score();
        }
        if (i < 0 && (score > theta || !heap.full)) {
          if (stats) stats.scored++;
          insert(score, d);
          if (heap.full) while (p < m && prefix[p + 1]! <= theta) p++;
        }
        let nd = DONE;
        for (let j = p; j < m; j++) {
          const t = order[j]!;
          const x = t.doc === d ? t.next() : t.doc;
          if (x < nd) nd = x;
        }
        d = nd;
      }
    }
    ws = end + 1;
  }
  return heap.results(SCORE_UNIT);
}

/** A window's iterators for a sorted search (fresh ones per window: iterators only move forward). */
export interface WindowIters {
  /** docs matching every required term and filter; null: every live doc */
  required: DocIter | null;
  reject: Reject | null;
}

export interface SortPlan {
  /** the sort key by seq (days or upvotes) */
  key: Int32Array;
  /** the largest key in each window of seqs */
  windowMax: Int32Array;
  /** highest seq in the index */
  maxSeq: number;
  /** owner of each seq (≥ 1: a live doc) for searches without terms */
  owner: Int32Array;
  /** a window that cannot hold a match (day range) */
  skipWindow: ((w: number) => boolean) | null;
  makeIters(): WindowIters;
}

/** Top k by key (descending; ties: higher seq first) among the docs matching. */
export function sortedTopK(plan: SortPlan, k: number): Scored[] {
  const heap = new TopK(k, true);
  if (k <= 0 || plan.maxSeq < 0) return [];
  const key = plan.key;
  for (let w = plan.maxSeq >>> WINDOW_SHIFT; w >= 0; w--) {
    if (heap.full && plan.windowMax[w]! <= heap.min) continue;
    if (plan.skipWindow !== null && plan.skipWindow(w)) continue;
    const lo = w << WINDOW_SHIFT;
    const hi = Math.min(plan.maxSeq, lo + (1 << WINDOW_SHIFT) - 1);
    const { required, reject } = plan.makeIters();
    if (required !== null) {
      let d = required.advance(lo);
      while (d <= hi) {
        const kv = key[d]!;
        if ((!heap.full || kv >= heap.min) && (reject === null || !reject(d))) heap.push(kv, d);
        d = required.advance(d + 1);
      }
    } else {
      const owner = plan.owner;
      for (let d = lo; d <= hi; d++) {
        if (owner[d]! <= 0) continue;
        const kv = key[d]!;
        if ((!heap.full || kv >= heap.min) && (reject === null || !reject(d))) heap.push(kv, d);
      }
    }
  }
  return heap.results();
}
