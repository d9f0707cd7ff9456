/**
 * Hybrid ranking: reciprocal rank fusion of the lexical and semantic lists, then light boosts
 * for recency and upvotes.
 *
 *   fused(d) = Σ_lists weight_list / (RRF_K + rank_list(d))            (rank from 1)
 *   final(d) = fused(d) · (1 + RECENCY · 0.5^(age_days / HALF_LIFE)) · (1 + UPVOTES · ln(1 + upvotes) / ln(1 + UPVOTES_SATURATION))
 *
 * RRF needs no score calibration between BM25 and cosine similarity, which live on different
 * scales. The boosts are small on purpose: at the defaults a brand-new paper gains at most 10 %
 * and a paper with 100 upvotes at most 10 %, enough to order near-ties, never enough to lift an
 * unrelated paper over a relevant one.
 *
 * The defaults were chosen by measurement (npm run eval:search, eval/README.md):
 * - k = 10, not the k = 60 of Cormack et al. (2009). The boosts multiply the fused score, and
 *   at k = 60 neighbouring ranks differ by under 2 %, so +10 % lifted a recent paper about six
 *   places (a brand-new paper at rank 7 beat the best match): on the known-item task the boosts
 *   alone cost the lexical list 0.07 MRR@10 at k = 60 and 0.002 at k = 10, where the top ranks
 *   differ by about 9 % and a boost does order near-ties only.
 * - lexical 4 : semantic 1. With the built-in embeddings the semantic list is the weaker one on
 *   every measured task (known-item MRR@10 0.917 against 0.951; both at chance on paraphrases),
 *   so equal weights made hybrid worse than lexical alone (0.938 at k = 10, 0.914 at k = 60
 *   with the boosts); 3 : 1 came within a paired −0.002 ± 0.001 (0.949); 4 : 1 ties lexical
 *   on known-item (0.951 / 0.958) and is at or above it on the labelled queries, so hybrid is
 *   never below the better list, while the semantic list still reorders close calls and fills in
 *   when the lexical list is short (a query sharing few words with the papers). A score-based
 *   fusion (weighted sum of normalized BM25 and cosine) measured no better. A stronger provider
 *   may deserve a larger semantic weight: measure before changing it.
 */
import type { Scored } from './types.js';

export interface FusionWeights {
  lexical: number;
  semantic: number;
  /** RRF's k */
  k: number;
  /** at most this fraction added for a paper announced today, halving every halfLifeDays */
  recency: number;
  halfLifeDays: number;
  /** at most this fraction added for upvotes, reached at upvotesSaturation */
  upvotes: number;
  upvotesSaturation: number;
}

export const DEFAULT_FUSION: FusionWeights = {
  lexical: 4,
  semantic: 1,
  k: 10,
  recency: 0.1,
  halfLifeDays: 365,
  upvotes: 0.1,
  upvotesSaturation: 100,
};

/** What the boosts need to know of a paper. */
export interface BoostFacts {
  /** days since 1970-01-01 of the paper's announcement; 0 when unknown (no boost) */
  day(seq: number): number;
  upvotes(seq: number): number;
}

/** Fuses ranked lists into one, best first. `today` is days since 1970-01-01 (injected, never read from the clock here). */
export function fuse(lists: { lexical: Scored[]; semantic: Scored[] }, facts: BoostFacts, today: number, w: FusionWeights = DEFAULT_FUSION): Scored[] {
  const scores = new Map<number, number>();
  const add = (list: Scored[], weight: number) => {
    if (weight <= 0) return;
    list.forEach((hit, i) => scores.set(hit.seq, (scores.get(hit.seq) ?? 0) + weight / (w.k + i + 1)));
  };
  add(lists.lexical, w.lexical);
  add(lists.semantic, w.semantic);
  const out: Scored[] = [];
  for (const [seq, fused] of scores) out.push({ seq, score: fused * boost(seq, facts, today, w) });
  return out.sort((a, b) => b.score - a.score || b.seq - a.seq);
}

/** The multiplicative recency and upvote boost of one paper (1 = none). */
export function boost(seq: number, facts: BoostFacts, today: number, w: FusionWeights = DEFAULT_FUSION): number {
  const day = facts.day(seq);
  const age = day > 0 ? Math.max(0, today - day) : Infinity;
  const recency = Number.isFinite(age) ? w.recency * Math.pow(0.5, age / w.halfLifeDays) : 0;
  const up = Math.max(0, facts.upvotes(seq));
  const votes = w.upvotes * Math.min(1, Math.log1p(up) / Math.log1p(w.upvotesSaturation));
  return (1 + recency) * (1 + votes);
}
