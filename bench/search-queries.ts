/**
 * The search benchmark's query mix (bench/search.ts), drawn from the corpus with a seeded PRNG:
 *
 * - common: the most frequent words and pairs of the vocabulary ("learning", "model", "neural
 *   network", "deep learning", "language model", …);
 * - mid: single words matched by 0.05 %–1 % of the papers (1,350–27,000 of 2.7 million);
 * - rare: single words matched by at most 0.002 % of the papers (≤ 54 of 2.7 million);
 * - multi: 3–6 consecutive words of a random paper's title;
 * - phrase: "two words" of a random title (and "neural network", "language models"), quoted;
 * - filtered: words with cat:, author:, since:/until: or an exclusion, and filters alone;
 * - newest: words with sort:new (every word required, newest first).
 *
 * Frequencies are measured with the lexical index (`count`), so the classes mean the same at
 * every corpus size. PostgreSQL and FTS5 run the first five classes (they have no category,
 * author or date columns here); filters and sorts are measured on our engine only.
 */
import type { LexicalIndex } from '../src/search/lexical/index.js';
import { analyze } from '../src/search/lexical/analyzer.js';
import type { SearchDoc } from '../src/search/types.js';
import { Rng } from './generate.js';

export type QueryClass = 'common' | 'mid' | 'rare' | 'multi' | 'phrase' | 'filtered' | 'newest';
export const QUERY_CLASSES: readonly QueryClass[] = ['common', 'mid', 'rare', 'multi', 'phrase', 'filtered', 'newest'];
/** Classes the baselines (PostgreSQL, FTS5) run. */
export const BASELINE_CLASSES: readonly QueryClass[] = ['common', 'mid', 'rare', 'multi', 'phrase'];

export const CLASS_LABEL: Record<QueryClass, string> = {
  common: 'common terms',
  mid: 'mid-frequency word',
  rare: 'rare word',
  multi: '3–6 words (from titles)',
  phrase: '"phrase"',
  filtered: 'filtered (cat:/author:/since:/-word)',
  newest: 'sort:new',
};

export interface BenchQuery {
  cls: QueryClass;
  text: string;
}

export const COMMON_QUERIES = [
  'learning',
  'model',
  'neural network',
  'deep learning',
  'language model',
  'machine learning',
  'reinforcement learning',
  'large language models',
];

/** Words of a title usable in a query: letters first, then letters, digits or hyphens. */
function titleWords(title: string): string[] {
  return title
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length >= 2 && /^\p{L}[\p{L}\p{N}-]*$/u.test(w));
}

/** A word that is one index term (not a stopword, no hyphen). */
function contentWord(w: string): boolean {
  return /^\p{L}+$/u.test(w) && analyze(w).length === 1;
}

/** The mix: `sample` are random papers of the corpus (a few thousand), `n` the corpus size. */
export function buildQueryMix(lex: LexicalIndex, sample: SearchDoc[], n: number, seed: number): BenchQuery[] {
  const rng = new Rng(seed, 0x9e17);
  const out: BenchQuery[] = [];
  const add = (cls: QueryClass, text: string) => {
    if (!out.some((q) => q.cls === cls && q.text === text)) out.push({ cls, text });
  };
  const countOf = (w: string, cap: number) => lex.count({ terms: [w] }, cap).count;
  const taken = (cls: QueryClass) => out.filter((q) => q.cls === cls).length;

  for (const q of COMMON_QUERIES) add('common', q);

  // single words by frequency, from the titles and abstracts of the sample
  const midLo = Math.max(20, Math.round(n * 0.0005));
  const midHi = Math.max(midLo * 4, Math.round(n * 0.01));
  const rareHi = Math.max(3, Math.round(n * 0.00002));
  const seen = new Set<string>();
  const words: string[] = [];
  for (const d of sample) {
    for (const w of `${d.title} ${d.abstract}`.split(/\s+/)) {
      const x = w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '').toLowerCase();
      if (x.length >= 3 && !seen.has(x) && contentWord(x)) {
        seen.add(x);
        words.push(x);
      }
    }
  }
  // shuffled, so that the words do not all come from the first papers
  for (let i = words.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [words[i], words[j]] = [words[j]!, words[i]!];
  }
  const midWords: string[] = [];
  for (const w of words) {
    if (taken('mid') >= 40 && taken('rare') >= 40) break;
    const c = countOf(w, midHi + 1);
    if (c >= midLo && c <= midHi && taken('mid') < 40) {
      add('mid', w);
      midWords.push(w);
    } else if (c >= 1 && c <= rareHi && taken('rare') < 40) add('rare', w);
  }

  // 3–6 consecutive title words; two-word phrases of titles
  for (const d of sample) {
    const ws = titleWords(d.title);
    if (ws.length >= 3 && taken('multi') < 100) {
      const len = Math.min(ws.length, 3 + rng.int(4));
      const from = rng.int(ws.length - len + 1);
      add('multi', ws.slice(from, from + len).join(' '));
    }
    const pairs: string[] = [];
    for (let i = 0; i + 1 < ws.length; i++) if (contentWord(ws[i]!) && contentWord(ws[i + 1]!)) pairs.push(`"${ws[i]!.toLowerCase()} ${ws[i + 1]!.toLowerCase()}"`);
    if (pairs.length > 0 && taken('phrase') < 18) add('phrase', rng.pick(pairs));
    if (taken('multi') >= 100 && taken('phrase') >= 18) break;
  }
  add('phrase', '"neural network"');
  add('phrase', '"language models"');

  // filters
  const year = (d: SearchDoc) => new Date(d.day * 86_400_000).getUTCFullYear();
  const mid = (i: number) => midWords[i % Math.max(1, midWords.length)] ?? 'model';
  for (const f of ['learning cat:cs.LG', 'model cat:hep-th', 'neural network cat:cs.CV', 'quantum since:2025', 'model since:2026-01', 'learning until:2010', 'model -neural', 'cat:cs.LG', 'cat:math since:2026-06']) add('filtered', f);
  const withAuthors = sample.filter((d) => d.authors.length > 0 && titleWords(d.title).some(contentWord));
  for (let i = 0; i < 6 && i < withAuthors.length; i++) {
    const d = withAuthors[i]!;
    const name = d.authors[0]!.replace(/"/g, '');
    const word = titleWords(d.title).find(contentWord)!.toLowerCase();
    add('filtered', i % 3 === 2 ? `author:"${name}"` : `${word} author:"${name}"`);
  }
  for (let i = 0; i < 5 && i < sample.length; i++) {
    const d = sample[sample.length - 1 - i]!;
    if (d.categories[0]) add('filtered', `${mid(i)} cat:${d.categories[0]} since:${Math.max(2008, year(d) - 2)}`);
  }

  // sort:new
  for (const s of ['model sort:new', 'learning sort:new', 'neural network sort:new', 'quantum field sort:new']) add('newest', s);
  for (let i = 0; i < 8; i++) add('newest', `${mid(i + 10)} sort:new`);
  return out;
}

/** Nearest-rank quantile. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The runs of a timed pass: every class cycled to `perClass` runs, shuffled (seeded). */
export function schedule(queries: readonly BenchQuery[], classes: readonly QueryClass[], perClass: number, seed: number): BenchQuery[] {
  const rng = new Rng(seed, 0x5c4e);
  const runs: BenchQuery[] = [];
  for (const cls of classes) {
    const qs = queries.filter((q) => q.cls === cls);
    if (qs.length === 0) continue;
    for (let i = 0; i < perClass; i++) runs.push(qs[i % qs.length]!);
  }
  for (let i = runs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [runs[i], runs[j]] = [runs[j]!, runs[i]!];
  }
  return runs;
}

/** Latencies of one engine: per class, and per query text. */
export class Timings {
  readonly byClass = new Map<QueryClass, number[]>();
  readonly byQuery = new Map<string, number[]>();
  /** classes cut short by a time budget */
  readonly capped = new Set<QueryClass>();

  add(q: BenchQuery, ms: number): void {
    (this.byClass.get(q.cls) ?? this.byClass.set(q.cls, []).get(q.cls)!).push(ms);
    (this.byQuery.get(q.text) ?? this.byQuery.set(q.text, []).get(q.text)!).push(ms);
  }

  summary(queries: readonly BenchQuery[]): EngineSummary {
    const classes: EngineSummary['classes'] = {};
    for (const [cls, xs] of this.byClass) {
      const slow = queries
        .filter((q) => q.cls === cls && this.byQuery.has(q.text))
        .map((q) => ({ text: q.text, p50: quantile(this.byQuery.get(q.text)!, 0.5), runs: this.byQuery.get(q.text)!.length }))
        .sort((a, b) => b.p50 - a.p50)
        .slice(0, 3);
      classes[cls] = { runs: xs.length, distinct: queries.filter((q) => q.cls === cls).length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length, capped: this.capped.has(cls), slowest: slow };
    }
    const perQuery: Record<string, number> = {};
    for (const [text, xs] of this.byQuery) perQuery[text] = quantile(xs, 0.5);
    return { classes, perQuery };
  }
}

export interface ClassSummary {
  runs: number;
  distinct: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  capped: boolean;
  slowest: Array<{ text: string; p50: number; runs: number }>;
}

export interface EngineSummary {
  classes: Partial<Record<QueryClass, ClassSummary>>;
  /** p50 of each query text */
  perQuery: Record<string, number>;
}
