/** The lexical engine's analyzer: folding, tokens, stopwords, stems, filter terms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TOKEN_LENGTH, STOPWORDS, analyze, authorTerms, categoryTerms, fold, queryTerms, stem, termOf, tokenize } from '../../../src/search/lexical/analyzer.js';

test('folding: lowercase, accents and compatibility forms removed', () => {
  assert.equal(fold('Schrödinger ÉCOLE naïve'), 'schrodinger ecole naive');
  assert.equal(fold('ﬁne'), 'fine');
  assert.equal(fold('ℌilbert'), 'hilbert', 'a decomposition that yields a capital is lowercased');
  assert.equal(fold('İstanbul'), 'istanbul');
  assert.equal(fold('plain ascii'), 'plain ascii');
});

test('tokens are runs of letters and digits', () => {
  assert.deepEqual(tokenize("Graph-based 3D models: GPT-4's (RLHF) x_1"), ['graph', 'based', '3d', 'models', 'gpt', '4', 's', 'rlhf', 'x', '1']);
  assert.deepEqual(tokenize('日本語テキスト and 😀 emoji'), ['日本語テキスト', 'and', 'emoji']);
  assert.deepEqual(tokenize(''), []);
  assert.deepEqual(tokenize('  --  '), []);
  const long = tokenize('a'.repeat(200));
  assert.equal(long.length, 1);
  assert.equal(long[0]!.length, MAX_TOKEN_LENGTH, 'long tokens are cut');
  // a cut never splits a surrogate pair
  const astral = tokenize('𝐀'.repeat(100))[0]!;
  assert.ok(astral.length <= MAX_TOKEN_LENGTH);
  assert.ok(!/[\uD800-\uDBFF]$/.test(astral));
});

test('text terms: stopwords dropped, Porter stems', () => {
  assert.deepEqual(analyze('The learning of neural networks is running'), ['learn', 'neural', 'network', 'run']);
  assert.equal(termOf('the'), null);
  assert.equal(termOf('models'), 'model');
  assert.equal(stem('modeling'), stem('models'));
  assert.equal(stem('2019'), '2019', 'digits are not stemmed');
  assert.ok(STOPWORDS.has('we') && STOPWORDS.has('our') && !STOPWORDS.has('model'));
  assert.deepEqual(queryTerms(['Neural', 'networks', 'the', 'NEURAL', 'graph-based']), ['neural', 'network', 'graph', 'base']);
});

test('filter terms: categories with their archive; authors by their text terms, stopword tokens apart', () => {
  assert.deepEqual(authorTerms('Yann LeCun'), ['yann', 'lecun']);
  assert.deepEqual(authorTerms('Will An'), ['a:will', 'a:an']);
  assert.deepEqual(authorTerms('Jörg Müller'), ['jorg', 'muller']);
  assert.deepEqual(authorTerms(['James', 'Smith']), ['jame', 'smith']);
  assert.deepEqual(categoryTerms('cs.LG'), ['c:cs.lg', 'c:cs']);
  assert.deepEqual(categoryTerms('astro-ph.GA'), ['c:astro-ph.ga', 'c:astro-ph']);
  assert.deepEqual(categoryTerms('hep-th'), ['c:hep-th']);
  assert.deepEqual(categoryTerms(''), []);
  assert.deepEqual(categoryTerms('two words'), []);
});

test('garbage never throws', () => {
  const nasty = ['\uD800', '\uDFFF\uD800', '\u0000\u0001\u200B', 'a\u0301\u0301\u0301', '\uFEFF', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'x'.repeat(100_000), '🏳️‍🌈'];
  for (const s of nasty) {
    tokenize(s);
    analyze(s);
    authorTerms(s);
    categoryTerms(s);
    queryTerms([s, s]);
  }
  // non-strings from untyped callers
  assert.deepEqual(tokenize(undefined as unknown as string), []);
  assert.deepEqual(categoryTerms(42 as unknown as string), []);
  assert.deepEqual(queryTerms([null, 7, 'ok'] as unknown as string[]), ['ok']);
});
