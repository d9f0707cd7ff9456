/** Unicode and garbage, in documents and in queries, never throw and stay searchable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../bench/generate.js';
import { LexicalIndex, type LexicalQuery } from '../../../src/search/lexical/index.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { analyze } from '../../../src/search/lexical/analyzer.js';
import { scratchDir } from './helpers.js';

const NASTY = [
  '', ' ', '\u0000', '\uD800', '\uDFFF\uD800x', 'a\u0301\u0301', '\uFEFF\u200B', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐦𝐚𝐭𝐡', '🏳️‍🌈 emoji 😀', 'Ωμέγα λόγος', '日本語の論文', 'русский текст',
  'ﬁ ﬂ ﬀ', 'İstanbul ΣΊΣΥΦΟΣ', 'x'.repeat(5000), '$\\alpha_{1}^{2}$ \\cite{x}', '<script>alert(1)</script>', '"quoted" -minus +plus AND OR NOT (paren)',
  'a:fake c:fake', 'Schrödinger Schrodinger SCHRÖDINGER',
];

function randomText(rng: Rng): string {
  let s = '';
  const n = rng.int(30);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.4) s += rng.pick(NASTY);
    else if (r < 0.7) s += String.fromCharCode(rng.int(0x10000));
    else s += rng.pick(['model', 'Quantum', 'graph', 'naïve', 'CAFÉ', '42', 'x1']);
    s += rng.chance(0.8) ? ' ' : '';
  }
  return s;
}

test('garbage documents and queries', () => {
  const rng = new Rng(99);
  const index = LexicalIndex.open(scratchDir(), { flushDocs: 50, mergeFactor: 3 });
  const docs: SearchDoc[] = [];
  for (let seq = 1; seq <= 400; seq++) {
    const doc: SearchDoc = {
      seq,
      id: `x${seq}`,
      title: randomText(rng),
      authors: Array.from({ length: rng.int(4) }, () => randomText(rng)),
      abstract: randomText(rng),
      categories: Array.from({ length: rng.int(3) }, () => rng.pick(['cs.LG', 'hep-th', randomText(rng), ''])),
      day: rng.chance(0.1) ? NaN : rng.int(30000),
      upvotes: rng.chance(0.1) ? Infinity : rng.int(10),
    };
    docs.push(doc);
    index.apply([{ seq, doc }]);
  }
  // untyped callers
  index.apply([{ seq: 401, doc: { seq: 401, id: 'y', title: 7, authors: 'nope', abstract: null, categories: [1, null], day: 'x', upvotes: undefined } as unknown as SearchDoc }]);
  assert.throws(() => index.apply([{ seq: 1.5, doc: { ...docs[0]!, seq: 1.5 } }]), RangeError);
  for (let i = 0; i < 300; i++) {
    const q: LexicalQuery = {
      terms: Array.from({ length: rng.int(6) }, () => randomText(rng)),
      mode: rng.pick(['any', 'all', 'bogus' as 'any']),
      exclude: rng.chance(0.3) ? [randomText(rng)] : undefined,
      authors: rng.chance(0.2) ? [randomText(rng)] : undefined,
      categories: rng.chance(0.2) ? [randomText(rng), 'cs.LG'] : undefined,
      dayFrom: rng.chance(0.1) ? rng.pick([NaN, -1, 1e12, 5000]) : undefined,
      dayTo: rng.chance(0.1) ? rng.pick([NaN, -1, 1e12, 20000]) : undefined,
      sort: rng.pick(['relevance', 'newest', 'upvotes', 'weird' as 'newest']),
    };
    const k = rng.pick([0, 1, 20, -3, NaN, 1e9]);
    const r = index.search(q, k);
    assert.ok(Array.isArray(r));
    index.matchedTerms(q);
    index.countMatches(q);
    // (relevance without any word lists the newest: the exhaustive oracle only ranks words)
    if ((!q.sort || q.sort === 'relevance') && index.matchedTerms(q).length > 0) assert.deepEqual(r, index.searchExhaustive(q, Number.isFinite(k) ? Math.max(0, Math.min(10_000, Math.floor(k))) : 0));
  }
  index.search({ terms: null, exclude: 5, authors: [null], categories: 'cs' } as unknown as LexicalQuery, 10);
  // folded forms find each other
  const s = index.search({ terms: ['schrodinger'] }, 500).map((x) => x.seq);
  const s2 = index.search({ terms: ['SCHRÖDINGER'] }, 500).map((x) => x.seq);
  assert.deepEqual(s, s2);
  assert.ok(s.length > 0);
  assert.ok(index.search({ terms: ['日本語の論文'] }, 10).length > 0);
  index.close();
});

test('the indexer tokenizes exactly like the analyzer (ASCII fast path, folding, long tokens)', () => {
  const rng = new Rng(3);
  const index = LexicalIndex.open(scratchDir(), { avgLen: [5, 5, 5] });
  const texts: string[] = [];
  for (let i = 0; i < 300; i++) {
    const words = Array.from({ length: 1 + rng.int(8) }, () =>
      rng.pick(['Model', 'naïve', 'CAFÉ', 'x²', 'ﬁne', 'e\u0301te', 'Σίσυφος', 'the', 'AN', 'graph-based', 'GPT4', 'a'.repeat(70), 'b'.repeat(70) + 'é', '3D', 'İz', 'ℌilbert', '日本']),
    );
    texts.push(words.join(rng.pick([' ', '-', ', ', '\u2014', '\u00a0'])));
  }
  texts.forEach((t, i) => index.apply([{ seq: i + 1, doc: { seq: i + 1, id: String(i), title: t, authors: [], abstract: '', categories: [], day: 0, upvotes: 0 } }]));
  texts.forEach((t, i) => {
    for (const term of analyze(t)) {
      assert.ok(index.search({ terms: [term], sort: 'newest' }, 10_000).some((x) => x.seq === i + 1), `${JSON.stringify(t)}: ${term}`);
    }
  });
  // and nothing else: a doc matches a word only if its text has the word's term
  for (const w of ['model', 'naive', 'cafe', 'x2', 'fine', 'ete', 'σισυφος', 'graph', 'gpt4', 'a'.repeat(64), 'b'.repeat(64), '3d', 'iz', 'hilbert', '日本']) {
    const want = texts.map((t, i) => (analyze(t).includes(analyze(w)[0]!) ? i + 1 : -1)).filter((x) => x > 0);
    const got = index.search({ terms: [w], sort: 'newest' }, 10_000).map((x) => x.seq).sort((a, b) => a - b);
    assert.deepEqual(got, want, w);
  }
  index.close();
});

test('the token table tells apart tokens that share their first 16 characters, or the low bytes of them', () => {
  // 15, 16 and 17 characters with common prefixes; two tokens with the same first 16 characters,
  // length and FNV-1a hash (480619871); past the 64-character cut; Cyrillic "а" is U+0430, whose
  // low byte is the digit 0, and Greek "α" U+03B1 has the low byte of "±"
  const words = [
    'abcdefghijklmnopauw1z', 'abcdefghijklmnop2bacx',
    'abcdefghijklmno', 'abcdefghijklmnop', 'abcdefghijklmnopq', 'abcdefghijklmnopr', 'ABCDEFGHIJKLMNOPR', 'abcdefghijklmnopqrstuvwxyz0123456789',
    'abcdefghijklmnopqrstuvwxyz0123456780', '01', 'а1', 'α1', 'ñ1', 'z'.repeat(64) + 'a', 'z'.repeat(64) + 'b', 'zzzz', 'zzzzz',
  ];
  const rng = new Rng(5);
  const index = LexicalIndex.open(scratchDir(), { avgLen: [5, 5, 5], flushDocs: 40 });
  const texts: string[] = [];
  for (let i = 0; i < 200; i++) texts.push(Array.from({ length: 1 + rng.int(4) }, () => rng.pick(words)).join(' '));
  texts.forEach((t, i) => index.apply([{ seq: i + 1, doc: { seq: i + 1, id: String(i), title: '', authors: [t], abstract: t, categories: [], day: 0, upvotes: 0 } }]));
  for (const w of words) {
    const term = analyze(w)[0]!;
    const want = texts.map((t, i) => (analyze(t).includes(term) ? i + 1 : -1)).filter((x) => x > 0);
    assert.ok(want.length > 0, w);
    const got = index.search({ terms: [w], sort: 'newest' }, 10_000).map((x) => x.seq).sort((a, b) => a - b);
    assert.deepEqual(got, want, w);
  }
  index.close();
});
