/**
 * Dynamic pruning never loses a true top-k doc: on a 20,000-paper synthetic corpus, 200 random
 * queries (one to five words, OR and AND, with and without filters) return exactly what
 * exhaustive scoring returns, on one segment and on many. Sorted searches and filters are checked
 * against brute force over the documents themselves.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../bench/generate.js';
import { LexicalIndex, type LexicalQuery } from '../../../src/search/lexical/index.js';
import { analyze, authorTerms, categoryTerms, tokenize } from '../../../src/search/lexical/analyzer.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { scratchDir, syntheticDocs, wordsOf } from './helpers.js';

let docs: SearchDoc[];
let one: LexicalIndex;
let many: LexicalIndex;

before(async () => {
  docs = await syntheticDocs(20_000);
  one = LexicalIndex.open(scratchDir());
  one.apply(docs.map((d) => ({ seq: d.seq, doc: d })), 20_000);
  one.optimize();
  // the same docs in 7 segments of different sizes (no merging)
  many = LexicalIndex.open(scratchDir(), { flushDocs: 3000, autoMerge: false, avgLen: one.stats().avgLen! });
  many.apply(docs.map((d) => ({ seq: d.seq, doc: d })));
  many.flush(false);
});
after(() => {
  one?.close();
  many?.close();
});

const COMMON = ['model', 'learning', 'network', 'neural', 'data', 'method', 'quantum', 'system', 'results', 'field', 'graph', 'deep', 'we', 'the'];

function randomQuery(rng: Rng): { q: LexicalQuery; k: number } {
  const doc = docs[rng.int(docs.length)]!;
  const words = wordsOf(rng.chance(0.5) ? doc.title : doc.abstract);
  const n = 1 + rng.int(5);
  const terms: string[] = [];
  for (let i = 0; i < n; i++) terms.push(rng.chance(0.3) || words.length === 0 ? rng.pick(COMMON) : rng.pick(words));
  const q: LexicalQuery = { terms, mode: rng.chance(0.3) ? 'all' : 'any' };
  const other = docs[rng.int(docs.length)]!;
  if (rng.chance(0.15) && other.categories.length > 0) q.categories = [rng.chance(0.5) ? other.categories[0]! : other.categories[0]!.split('.')[0]!];
  if (rng.chance(0.1) && doc.authors.length > 0) q.authors = [rng.pick(doc.authors)];
  if (rng.chance(0.1)) q.exclude = [rng.pick(COMMON)];
  if (rng.chance(0.1)) {
    q.dayFrom = doc.day - rng.int(2000);
    q.dayTo = q.dayFrom + rng.int(3000);
  }
  if (rng.chance(0.05)) q.require = [rng.pick(words.length > 0 ? words : COMMON)];
  return { q, k: rng.pick([1, 5, 10, 20, 20, 20, 100]) };
}

test('200 random queries: pruned top-k equals exhaustive top-k, one segment and seven', () => {
  const rng = new Rng(11);
  let nonEmpty = 0;
  for (let i = 0; i < 200; i++) {
    const { q, k } = randomQuery(rng);
    const want = one.searchExhaustive(q, k);
    assert.deepEqual(one.search(q, k), want, `one segment: ${JSON.stringify(q)} k=${k}`);
    assert.deepEqual(many.search(q, k), many.searchExhaustive(q, k), `seven segments: ${JSON.stringify(q)} k=${k}`);
    if (want.length > 0) nonEmpty++;
  }
  assert.ok(nonEmpty > 150, `most queries match something (${nonEmpty})`);
});

test('very common terms, deep lists', () => {
  for (const terms of [['model'], ['learning'], ['model', 'learning'], ['neural', 'network'], ['model', 'data', 'method', 'results', 'system']]) {
    for (const k of [1, 20, 1000]) {
      assert.deepEqual(one.search({ terms }, k), one.searchExhaustive({ terms }, k), terms.join(' '));
      assert.deepEqual(many.search({ terms, mode: 'all' }, k), many.searchExhaustive({ terms, mode: 'all' }, k), terms.join(' '));
    }
  }
});

test('required words (phrase queries): the same top k as exhaustive scoring, with and without other words', () => {
  const rng = new Rng(23);
  for (let i = 0; i < 60; i++) {
    const require = [rng.pick(COMMON), rng.pick(COMMON), ...(rng.chance(0.3) ? [rng.pick(COMMON)] : [])];
    const terms = rng.chance(0.5) ? [] : [rng.pick(COMMON)];
    const q: LexicalQuery = { terms, require, mode: 'any' };
    if (rng.chance(0.2)) q.exclude = [rng.pick(COMMON)];
    for (const k of [1, 20, 100, 1000]) {
      assert.deepEqual(one.search(q, k), one.searchExhaustive(q, k), `one segment: ${JSON.stringify(q)} k=${k}`);
      assert.deepEqual(many.search(q, k), many.searchExhaustive(q, k), `seven segments: ${JSON.stringify(q)} k=${k}`);
    }
  }
});

interface DocTerms {
  text: Set<string>;
  authors: Set<string>;
  cats: Set<string>;
}
const termCache = new Map<number, DocTerms>();
function termsOf(d: SearchDoc): DocTerms {
  let t = termCache.get(d.seq);
  if (!t) {
    t = {
      text: new Set([...analyze(d.title), ...d.authors.flatMap((a) => analyze(a)), ...analyze(d.abstract)]),
      authors: new Set(authorTerms(d.authors)),
      cats: new Set(d.categories.flatMap((c) => categoryTerms(c))),
    };
    termCache.set(d.seq, t);
  }
  return t;
}

/** Brute force over the docs: those containing every term and passing the filters. */
function bruteMatches(q: LexicalQuery): SearchDoc[] {
  const terms = [...new Set((q.terms ?? []).flatMap((t) => analyze(t)))];
  const ex = [...new Set((q.exclude ?? []).flatMap((t) => analyze(t)))];
  return docs.filter((d) => {
    const t = termsOf(d);
    if (!terms.every((x) => t.text.has(x))) return false;
    if (ex.some((x) => t.text.has(x))) return false;
    for (const a of q.authors ?? []) if (!authorTerms(a as string).every((x) => t.authors.has(x))) return false;
    if (q.categories && q.categories.length > 0 && !q.categories.some((c) => t.cats.has(categoryTerms(c)[0]!))) return false;
    if (q.dayFrom !== undefined && d.day < q.dayFrom) return false;
    if (q.dayTo !== undefined && d.day > q.dayTo) return false;
    return true;
  });
}

test('newest and most upvoted: the docs with every term, by day / upvotes, then newer seq', () => {
  const rng = new Rng(5);
  const queries: LexicalQuery[] = [
    { terms: ['model'] },
    { terms: ['neural', 'network'] },
    { terms: ['learning'], categories: ['cs.LG'] },
    { terms: [], categories: ['hep-th'] },
    { terms: ['quantum'], exclude: ['field'] },
    { terms: ['model'], dayFrom: docs[5000]!.day, dayTo: docs[9000]!.day },
  ];
  for (let i = 0; i < 20; i++) {
    const d = docs[rng.int(docs.length)]!;
    queries.push({ terms: [rng.pick(wordsOf(d.title))] });
    if (d.authors.length > 0) queries.push({ terms: [], authors: [d.authors[0]!] });
  }
  for (const base of queries) {
    const matches = bruteMatches(base);
    for (const sort of ['newest', 'upvotes'] as const) {
      const key = (d: SearchDoc) => (sort === 'newest' ? d.day : d.upvotes);
      const want = matches
        .slice()
        .sort((a, b) => key(b) - key(a) || b.seq - a.seq)
        .slice(0, 25)
        .map((d) => ({ seq: d.seq, score: key(d) }));
      assert.deepEqual(one.search({ ...base, sort }, 25), want, `${sort} ${JSON.stringify(base)}`);
      assert.deepEqual(many.search({ ...base, sort }, 25), want, `${sort} ${JSON.stringify(base)} (7 segments)`);
    }
    assert.equal(one.countMatches(base), matches.length, `count ${JSON.stringify(base)}`);
  }
});

test('filters: authors, categories, exclusions, days restrict relevance results exactly', () => {
  const rng = new Rng(9);
  for (let i = 0; i < 40; i++) {
    const d = docs[rng.int(docs.length)]!;
    const q: LexicalQuery = { terms: [rng.pick(['model', 'learning', 'data', 'quantum'])], mode: 'all' };
    switch (i % 4) {
      case 0:
        q.authors = [d.authors[0] ?? 'nobody'];
        break;
      case 1:
        q.categories = [d.categories[0] ?? 'cs.LG'];
        break;
      case 2:
        q.exclude = ['network', 'the'];
        break;
      default:
        q.dayFrom = d.day;
        q.dayTo = d.day + 60;
    }
    const got = one.search(q, 10_000).map((x) => x.seq);
    const want = new Set(bruteMatches(q).map((x) => x.seq));
    assert.equal(got.length, Math.min(10_000, want.size), JSON.stringify(q));
    assert.ok(got.every((seq) => want.has(seq)), JSON.stringify(q));
    assert.equal(one.countMatches(q), want.size, JSON.stringify(q));
  }
  // an author given as tokens, several categories (any), an unknown category
  const d = docs.find((x) => x.authors.length > 0 && x.categories.length > 0)!;
  const tokens = tokenize(d.authors[0]!);
  assert.ok(one.search({ terms: [], authors: [tokens] }, 10_000).some((x) => x.seq === d.seq));
  assert.ok(one.search({ terms: [], categories: ['no-such.XX', d.categories[0]!] }, 10_000).some((x) => x.seq === d.seq));
  assert.deepEqual(one.search({ terms: ['model'], categories: ['no-such.XX'] }, 10), []);
  // a caller's own condition
  const even = one.search({ terms: ['model'], accept: (seq) => seq % 2 === 0 }, 50);
  assert.ok(even.length > 0 && even.every((x) => x.seq % 2 === 0));
  assert.deepEqual(even, one.searchExhaustive({ terms: ['model'], accept: (seq) => seq % 2 === 0 }, 50));
});
