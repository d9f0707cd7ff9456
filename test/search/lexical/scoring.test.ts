/**
 * BM25F on a corpus small enough to score by hand. Average field lengths are given (title 2,
 * authors 2, abstract 4), k1 = 1.2, b = 0.75, weights title 3, authors 2, abstract 1:
 *
 *   1  title "Quantum walks"      authors "Ada Lovelace"   abstract "quantum walks on graphs quantum"
 *   2  title "Classical graphs"   authors "Alan Turing"    abstract "graphs and walks"
 *   3  title "Deep learning"      authors "Ada Quantum"    abstract "learning deep networks"
 *
 * Indexed lengths (stopwords "on", "and" dropped): doc 1 (2, 2, 4), doc 2 (2, 2, 2), doc 3 (2, 2, 3).
 * Length norms n_f = 1 − b + b · len / avglen: a length equal to the average gives 1, abstract
 * length 2 gives 0.625.
 *
 *   "quantum"  df 2 (docs 1, 3)        idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6
 *     doc 1: title tf 1, abstract tf 2   w = 3·1/1 + 1·2/1 = 5     q = round(255 · 5/6.2)   = 206
 *     doc 3: authors tf 1                w = 2·1/1 = 2             q = round(255 · 2/3.2)   = 159
 *   "walks" → "walk"  df 2 (docs 1, 2)  idf = ln 1.6
 *     doc 1: title tf 1, abstract tf 1   w = 3 + 1 = 4             q = round(255 · 4/5.2)   = 196
 *     doc 2: abstract tf 1, len 2        w = 1/0.625 = 1.6         q = round(255 · 1.6/2.8) = 146
 *
 * score = Σ idf · q / 255, idf rounded to 1/65536.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LexicalIndex } from '../../../src/search/lexical/index.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { scratchDir } from './helpers.js';

const doc = (seq: number, title: string, authors: string[], abstract: string): SearchDoc => ({
  seq, id: `2501.0000${seq}`, title, authors, abstract, categories: ['quant-ph'], day: 20_000 + seq, upvotes: 0,
});
const corpus = [
  doc(1, 'Quantum walks', ['Ada Lovelace'], 'quantum walks on graphs quantum'),
  doc(2, 'Classical graphs', ['Alan Turing'], 'graphs and walks'),
  doc(3, 'Deep learning', ['Ada Quantum'], 'learning deep networks'),
];
const idf = Math.round(Math.log(1.6) * 65536) / 65536;
const score = (...qs: number[]) => qs.reduce((s, q) => s + (idf * 65536 * q), 0) / (65536 * 255);

function open(): LexicalIndex {
  const index = LexicalIndex.open(scratchDir(), { avgLen: [2, 2, 4] });
  index.apply(corpus.map((d) => ({ seq: d.seq, doc: d })), 3);
  return index;
}

test('single term: title and abstract beat authors', () => {
  const index = open();
  const r = index.search({ terms: ['quantum'] }, 10);
  assert.deepEqual(r.map((x) => x.seq), [1, 3]);
  assert.ok(Math.abs(r[0]!.score - score(206)) < 1e-12, `${r[0]!.score} vs ${score(206)}`);
  assert.ok(Math.abs(r[1]!.score - score(159)) < 1e-12);
  assert.deepEqual(index.stats().avgLen, [2, 2, 4]);
  index.close();
});

test('two terms: OR ranks by the sum, AND keeps the docs with both', () => {
  const index = open();
  const any = index.search({ terms: ['Quantum', 'walks'] }, 10);
  assert.deepEqual(any.map((x) => x.seq), [1, 3, 2]);
  assert.ok(Math.abs(any[0]!.score - score(206, 196)) < 1e-12);
  assert.ok(Math.abs(any[1]!.score - score(159)) < 1e-12);
  assert.ok(Math.abs(any[2]!.score - score(146)) < 1e-12);
  const all = index.search({ terms: ['quantum', 'walks'], mode: 'all' }, 10);
  assert.deepEqual(all, [any[0]]);
  assert.deepEqual(index.searchExhaustive({ terms: ['quantum', 'walks'] }, 10), any);
  // stopwords alone find nothing; unknown words are ignored in OR and fail AND
  assert.deepEqual(index.search({ terms: ['the', 'and'] }, 10), []);
  assert.deepEqual(index.search({ terms: ['quantum', 'zebra'] }, 10).map((x) => x.seq), [1, 3]);
  assert.deepEqual(index.search({ terms: ['quantum', 'zebra'], mode: 'all' }, 10), []);
  assert.deepEqual(index.matchedTerms({ terms: ['Quantum', 'walks', 'the'] }), ['quantum', 'walk']);
  index.close();
});

test('the average lengths are measured on a first bulk of docs, else defaults', () => {
  const index = LexicalIndex.open(scratchDir());
  index.apply(corpus.map((d) => ({ seq: d.seq, doc: d })));
  index.flush();
  // three docs are too few to measure: arXiv-like defaults
  assert.deepEqual(index.stats().avgLen, [6.7, 14.2, 106]);
  assert.deepEqual(index.stats().observedAvgLen, [2, 2, 3]);
  index.close();
});
