/**
 * Ranking metrics at a cutoff k (10 in the reports), over one query's ranked list of ids and its
 * graded judgments (2 = the paper asked for / highly relevant, 1 = relevant, unlisted = 0).
 *
 * Conventions shared by both metrics:
 * - Positions are 1-based: the first result is at rank 1.
 * - Only the first k results count; a shorter list is fine (missing positions gain nothing).
 * - An id repeated in the ranked list counts only where it first appears; later copies gain 0
 *   (a ranker cannot score twice with one relevant paper).
 *
 * A task's score is the arithmetic mean over its queries (`mean`), every query weighing the same.
 */

/** The relevance grades of one query: arXiv id → 1 or 2. */
export type Judgments = ReadonlyMap<string, number>;

/**
 * Reciprocal rank at k: 1 / r, where r is the rank of the first result with grade ≥ 1 among the
 * first k results; 0 when none of them is relevant. Any relevant paper counts, whatever its grade.
 * MRR@k is its mean over queries.
 */
export function reciprocalRankAt(ranked: readonly string[], relevant: Judgments, k: number): number {
  const seen = new Set<string>();
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    const id = ranked[i]!;
    if (seen.has(id)) continue;
    seen.add(id);
    if ((relevant.get(id) ?? 0) > 0) return 1 / (i + 1);
  }
  return 0;
}

/**
 * Discounted cumulative gain of grades in rank order, at k (Burges et al. 2005, exponential gain):
 *   DCG@k = Σ_{i=1..min(k, n)} (2^{g_i} − 1) / log2(i + 1)
 * so a grade-2 paper gains 3, a grade-1 paper 1, and rank 1 is undiscounted (log2 2 = 1).
 */
export function dcgAt(grades: readonly number[], k: number): number {
  let dcg = 0;
  const n = Math.min(k, grades.length);
  for (let i = 0; i < n; i++) dcg += (2 ** grades[i]! - 1) / Math.log2(i + 2);
  return dcg;
}

/**
 * Normalized DCG at k: DCG@k of the ranking divided by the ideal DCG@k, the DCG@k of all the
 * query's judged grades sorted from highest to lowest (the best possible ranking). In [0, 1];
 * 1 when the k first results are the best k judged papers in grade order. A query without any
 * relevant paper has no ideal ranking: its nDCG is defined as 0 (the query sets never have one).
 */
export function ndcgAt(ranked: readonly string[], relevant: Judgments, k: number): number {
  const ideal = dcgAt(
    [...relevant.values()].filter((g) => g > 0).sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return 0;
  const seen = new Set<string>();
  const grades: number[] = [];
  for (const id of ranked.slice(0, k)) {
    grades.push(seen.has(id) ? 0 : (relevant.get(id) ?? 0));
    seen.add(id);
  }
  return dcgAt(grades, k) / ideal;
}

/** Arithmetic mean; 0 for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Chance level: the expected reciprocal rank at k of a uniformly random ranking of `n` papers of
 * which `relevant` are relevant (what the random ranker scores on average). The first relevant
 * paper is at rank i with probability Π_{j<i} (n − j + 1 − relevant) / (n − j + 1) · relevant / (n − i + 1).
 */
export function chanceReciprocalRankAt(n: number, relevant: number, k: number): number {
  if (relevant <= 0 || n <= 0) return 0;
  let noneBefore = 1;
  let expected = 0;
  for (let i = 1; i <= Math.min(k, n); i++) {
    const left = n - i + 1;
    expected += (noneBefore * Math.min(relevant, left)) / left / i;
    noneBefore *= Math.max(0, left - relevant) / left;
  }
  return expected;
}
