/**
 * Answering a parsed query with the loaded indexes: the lexical engine (BM25F), the embedding
 * provider with its vector index, and their fusion. Pure with respect to storage: the caller
 * (service.ts) keeps the indexes current and turns seqs into papers; the relevance evaluation
 * and the search benchmark call the same functions, so what they measure is what users get.
 *
 * How a query runs
 * - Words score lexically in 'any' mode (more of the words rank higher; not a strict AND), the
 *   words of "phrases" are required, -words excluded, author:/cat:/since:/until: filter.
 * - Semantic: the words and phrases, embedded as a query, against the vector index, with the same
 *   filters applied inside the vector search (a bitmap made from the lexical engine's postings).
 * - Hybrid: both lists to a depth of at least 100 and twice the last rank asked for, fused by
 *   weighted reciprocal rank with the light recency and upvote boosts of fusion.ts.
 * - Phrases and excluded phrases are checked on the text of the candidates (`checkPhrases`),
 *   since the index keeps no positions.
 * - sort:newest and sort:upvotes list the lexical matches having every word, in that order.
 * - Filters alone (no words) list the newest papers passing them.
 */
import type { ParsedQuery, QuerySort } from './query.js';
import type { LexicalIndex, LexicalQuery } from './lexical/index.js';
import type { EmbeddingProvider, Scored, VectorIndex } from './types.js';
import { DEFAULT_FUSION, fuse, type FusionWeights } from './fusion.js';
import { dayNumber } from './changes.js';
import { isZeroVector } from './embed/embedder.js';

export type SearchMode = 'hybrid' | 'lexical' | 'semantic';
export const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'lexical', 'semantic'];

/** The semantic half: a provider and the vectors it made. */
export interface SemanticEngine {
  provider: EmbeddingProvider;
  vectors: VectorIndex;
}

export interface SearchEngines {
  lexical: LexicalIndex;
  /** null while the embeddings are unavailable (no model yet, provider down): lexical only */
  semantic: SemanticEngine | null;
  weights?: FusionWeights;
}

export interface SearchRequest {
  query: ParsedQuery;
  /** the page's sort control; the query's sort: wins when typed */
  sort?: QuerySort | null;
  /** the page's date controls (YYYY-MM-DD), intersected with the query's since:/until: */
  since?: string | null;
  until?: string | null;
  offset: number;
  limit: number;
  mode?: SearchMode;
  /** days since 1970-01-01 (the recency boost); injected for tests */
  today: number;
  /**
   * Keeps the seqs whose title or abstract contains every phrase and none of the excluded
   * phrases (the catalog's text). Required when the query has phrases.
   */
  checkPhrases?: (seqs: number[], phrases: string[][], excluded: string[][]) => Promise<Set<number>>;
}

export interface SearchOutcome {
  /** the page asked for, best first */
  hits: Scored[];
  /** matches found: exact when `exact`, else a lower bound ("about") */
  total: number;
  exact: boolean;
  /** analyzed terms that matched (stems), for highlighting */
  terms: string[];
  /** which lists contributed */
  used: { lexical: boolean; semantic: boolean };
  sort: QuerySort;
}

/** Matches counted at most: beyond, the count says "more than". */
export const COUNT_CAP = 10_000;
/** Deepest a fused list goes (the page and the API never ask past it). */
export const MAX_DEPTH = 1000;

/** The lexical query of a parsed query and the page's controls. */
export function lexicalQuery(q: ParsedQuery, since?: string | null, until?: string | null): LexicalQuery {
  const lq: LexicalQuery = { terms: q.words, mode: 'any' };
  const require = q.phrases.flat();
  if (require.length > 0) lq.require = require;
  if (q.excludedWords.length > 0) lq.exclude = q.excludedWords;
  if (q.authors.length > 0) lq.authors = q.authors;
  if (q.categories.length > 0) lq.categories = q.categories;
  const from = latest(q.since, since ?? null);
  const to = earliest(q.until, until ?? null);
  if (from) lq.dayFrom = dayNumber(from);
  if (to) lq.dayTo = dayNumber(to);
  return lq;
}

const latest = (a: string | null, b: string | null): string | null => (a && b ? (a > b ? a : b) : (a ?? b));
const earliest = (a: string | null, b: string | null): string | null => (a && b ? (a < b ? a : b) : (a ?? b));

/** The text embedded for a query: its words and phrases. */
export function semanticText(q: ParsedQuery): string {
  return [...q.words, ...q.phrases.map((p) => p.join(' '))].join(' ').trim();
}

/** Runs a search. Never throws for anything a user can type (the parser has cleaned it). */
export async function runSearch(engines: SearchEngines, req: SearchRequest): Promise<SearchOutcome> {
  const q = req.query;
  const lex = engines.lexical;
  const lq = lexicalQuery(q, req.since, req.until);
  const sort: QuerySort = q.sort ?? req.sort ?? 'relevance';
  const offset = Math.max(0, Math.floor(req.offset));
  const limit = Math.max(0, Math.floor(req.limit));
  const want = Math.min(MAX_DEPTH, offset + limit);
  const terms = lex.matchedTerms(lq);
  const hasPhrases = q.phrases.length > 0 || q.excludedPhrases.length > 0;
  const text = semanticText(q);
  const mode: SearchMode = req.mode ?? 'hybrid';
  const none = (exact = true): SearchOutcome => ({ hits: [], total: 0, exact, terms, used: { lexical: false, semantic: false }, sort });

  if (q.arxivId || limit === 0) return none();

  const filtered = lq.authors !== undefined || lq.categories !== undefined || lq.dayFrom !== undefined || lq.dayTo !== undefined;
  // Nothing to look for: no searchable word (symbols, stopwords) and no filter.
  if (terms.length === 0 && (text !== '' ? sort !== 'relevance' : !filtered)) return none();

  // Sorted listings and filter-only queries: lexical, every word required.
  if (sort !== 'relevance' || text === '') {
    const sq: LexicalQuery = { ...lq, mode: 'all', sort: sort === 'relevance' ? 'newest' : sort };
    if (!hasPhrases) {
      const hits = lex.search(sq, want).slice(offset, offset + limit);
      const { count, exact } = lex.count(sq, COUNT_CAP);
      return { hits, total: count, exact, terms, used: { lexical: true, semantic: false }, sort };
    }
    // phrases: verify candidates, keep the order
    const found = await phraseFiltered(req, lex, sq, Math.max(100, 2 * want), want);
    const total = found.complete ? found.kept.length : estimate(found, lex.count(sq, COUNT_CAP).count);
    return { hits: found.kept.slice(offset, offset + limit), total, exact: found.complete, terms, used: { lexical: true, semantic: false }, sort };
  }

  const depth = Math.min(MAX_DEPTH, Math.max(100, 2 * want));
  const useLexical = mode !== 'semantic';
  let semantic: Scored[] = [];
  let semanticUsed = false;
  const sem = engines.semantic;
  if (mode !== 'lexical' && sem) {
    const [vector] = await sem.provider.embed([text], 'query');
    if (vector && !isZeroVector(vector)) {
      semanticUsed = true;
      semantic = semanticSearch(sem.vectors, vector, depth, lex.filterBitmap(lq));
    }
  }
  // fusing needs a deep list; alone, the page is enough (far cheaper for very common words)
  const lexDepth = semanticUsed ? depth : want;
  let lexical: Scored[] = [];
  let lexList: Scored[] = [];
  let lexComplete = true;
  let lexEstimate = 0;
  let semList = semantic;
  if (hasPhrases) {
    if (useLexical) {
      const found = await phraseFiltered(req, lex, lq, Math.max(100, lexDepth), want);
      lexical = lexList = found.kept;
      lexComplete = found.complete;
      if (!found.complete) lexEstimate = estimate(found, lex.count(lq, COUNT_CAP).count);
    }
    const ok = await verify(req, semantic.map((h) => h.seq));
    semList = semantic.filter((h) => ok.has(h.seq));
  } else if (useLexical) {
    lexical = lexList = lex.search(lq, lexDepth);
  }

  let ranked: Scored[];
  if (!semanticUsed || semList.length === 0) ranked = lexList;
  else if (!useLexical) ranked = semList;
  else {
    const w = engines.weights ?? DEFAULT_FUSION;
    ranked = fuse({ lexical: lexList, semantic: semList }, { day: (s) => Math.max(0, lex.dayOf(s)), upvotes: (s) => lex.upvotesOf(s) }, req.today, w);
  }

  // The count: lexical matches (bounded), or what the lists hold when that is more.
  let total: number;
  let exact: boolean;
  if (hasPhrases || !useLexical) {
    total = Math.max(ranked.length, lexEstimate);
    exact = !semanticUsed && lexComplete;
  } else {
    const c = lex.count(lq, COUNT_CAP);
    const semanticOnly = semanticUsed ? ranked.filter((h) => !lexicalHas(lexical, h.seq)).length : 0;
    total = c.count + semanticOnly;
    exact = c.exact && !semanticUsed;
  }
  return { hits: ranked.slice(offset, offset + limit), total: Math.max(total, Math.min(ranked.length, want)), exact, terms, used: { lexical: useLexical && lexList.length > 0, semantic: semanticUsed }, sort };
}

/**
 * Phrase words this common (postings of the rarest) make a search cost nearly the same at any
 * depth up to MAX_DEPTH (measured at 2.7 million papers: "language models", 527 k and 1.8 M
 * postings, 31 ms for 100 candidates, 44 ms for 1,000; the threshold settles early and the
 * common lists are walked either way), so such a phrase is searched once at full depth instead of
 * risking a second pass.
 */
export const PHRASE_DEEP_POSTINGS = 200_000;

/**
 * The candidates of `search` whose text has the query's phrases, best first: a first pass of
 * `first` candidates (MAX_DEPTH for very common words), deepened to MAX_DEPTH only when fewer
 * than `need` pass. `complete`: the candidates ran out before the depth asked.
 */
async function phraseFiltered(req: SearchRequest, lex: LexicalIndex, lq: LexicalQuery, first: number, need: number): Promise<{ kept: Scored[]; complete: boolean; examined: number }> {
  let k = lex.rarestPostings(lq.require ?? []) >= PHRASE_DEEP_POSTINGS ? MAX_DEPTH : Math.min(first, MAX_DEPTH);
  for (;;) {
    const candidates = lex.search(lq, k);
    const ok = await verify(req, candidates.map((h) => h.seq));
    const kept = candidates.filter((h) => ok.has(h.seq));
    const complete = candidates.length < k;
    if (kept.length >= need || complete || k >= MAX_DEPTH) return { kept, complete, examined: candidates.length };
    k = MAX_DEPTH;
  }
}

/** Matches with the phrases among `count` papers having their words, from the share verified. */
function estimate(found: { kept: Scored[]; examined: number }, count: number): number {
  return Math.max(found.kept.length, Math.round((found.kept.length / Math.max(1, found.examined)) * count));
}

function lexicalHas(list: Scored[], seq: number): boolean {
  for (const h of list) if (h.seq === seq) return true;
  return false;
}

async function verify(req: SearchRequest, seqs: number[]): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  if (!req.checkPhrases) throw new Error('runSearch: a query with phrases needs checkPhrases');
  return req.checkPhrases(seqs, req.query.phrases, req.query.excludedPhrases);
}

/** Below this many papers passing the filters, their vectors are scored one by one (an author's papers: microseconds) instead of probing the index. */
export const EXACT_FILTER_MAX = 20_000;

/** The k nearest papers passing the filter bitmap (null: no filter). */
export function semanticSearch(vectors: VectorIndex, vector: Float32Array, k: number, bits: Uint8Array | null): Scored[] {
  if (!bits) return vectors.search(vector, k);
  const seqs: number[] = [];
  for (let i = 0; i < bits.length && seqs.length <= EXACT_FILTER_MAX; i++) {
    const b = bits[i]!;
    if (b === 0) continue;
    for (let j = 0; j < 8; j++) if (b & (1 << j)) seqs.push(i * 8 + j);
  }
  if (seqs.length > EXACT_FILTER_MAX) return vectors.search(vector, k, (seq) => seq >>> 3 < bits.length && (bits[seq >>> 3]! & (1 << (seq & 7))) !== 0);
  const out: Scored[] = [];
  for (const seq of seqs) {
    const v = vectors.vectorOf(seq);
    if (!v) continue;
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * vector[i]!;
    out.push({ seq, score: dot });
  }
  return out.sort((a, b) => b.score - a.score || b.seq - a.seq).slice(0, k);
}

/**
 * Papers like `seq`: the nearest vectors, the paper itself excluded; without a vector (no
 * embeddings yet), a lexical search with the paper's title words.
 */
export function similarTo(engines: SearchEngines, seq: number, k: number, fallback?: { title: string }): Scored[] {
  const sem = engines.semantic;
  const vector = sem?.vectors.vectorOf(seq) ?? null;
  if (sem && vector) return sem.vectors.search(vector, k + 1, (s) => s !== seq).filter((h) => h.seq !== seq).slice(0, k);
  if (!fallback) return [];
  return engines.lexical.search({ terms: [fallback.title], accept: (s) => s !== seq }, k);
}
