/**
 * Updates replace, deletes disappear, merges change nothing: an index fed a stream of inserts,
 * updates and deletes through small segments and tiered merges always ranks like exhaustive
 * scoring, and once merged into one segment exactly like an index built from the final docs.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../bench/generate.js';
import { LexicalIndex, type LexicalChange, type LexicalQuery } from '../../../src/search/lexical/index.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { scratchDir, syntheticDocs, wordsOf } from './helpers.js';

let corpus: SearchDoc[];
const AVG: [number, number, number] = [7, 14, 100];

before(async () => {
  corpus = await syntheticDocs(8000, 21);
});

function queries(rng: Rng, docs: SearchDoc[], n: number): LexicalQuery[] {
  const out: LexicalQuery[] = [{ terms: ['model'] }, { terms: ['learning', 'network'] }, { terms: ['model', 'data'], mode: 'all' }];
  while (out.length < n) {
    const d = docs[rng.int(docs.length)]!;
    const words = wordsOf(d.title);
    if (words.length === 0) continue;
    out.push({ terms: [rng.pick(words), rng.pick(words), rng.pick(['model', 'field', 'quantum'])], mode: rng.chance(0.3) ? 'all' : 'any' });
  }
  return out;
}

test('a stream of changes through small segments and merges ranks like exhaustive scoring', () => {
  const rng = new Rng(1);
  const index = LexicalIndex.open(scratchDir(), { flushDocs: 400, mergeFactor: 3, avgLen: AVG });
  /** the current version of every seq */
  const current = new Map<number, SearchDoc>();
  let nextSeq = 1;
  let changeSeq = 0;
  const texts = corpus.slice();
  const check = () => {
    for (const q of queries(rng, [...current.values()], 12)) assert.deepEqual(index.search(q, 20), index.searchExhaustive(q, 20), JSON.stringify(q));
  };
  for (let round = 0; round < 12; round++) {
    const changes: LexicalChange[] = [];
    for (let i = 0; i < 500; i++) {
      const r = rng.next();
      if (r < 0.6 || current.size < 50) {
        const doc = { ...texts[rng.int(texts.length)]!, seq: nextSeq++ };
        current.set(doc.seq, doc);
        changes.push({ seq: doc.seq, doc });
      } else if (r < 0.85) {
        // an update: another paper's text under an existing seq
        const seqs = [...current.keys()];
        const seq = seqs[rng.int(seqs.length)]!;
        const doc = { ...texts[rng.int(texts.length)]!, seq, upvotes: rng.int(50) };
        current.set(seq, doc);
        changes.push({ seq, doc });
      } else {
        const seqs = [...current.keys()];
        const seq = seqs[rng.int(seqs.length)]!;
        current.delete(seq);
        changes.push({ seq, deleted: true });
      }
    }
    index.apply(changes, (changeSeq += changes.length));
    check();
    assert.equal(index.size, current.size);
  }
  assert.ok(index.stats().segments.length > 1);
  // deleted seqs never come back, every live one is found by its own title
  for (let seq = 1; seq < nextSeq; seq++) assert.equal(index.has(seq), current.has(seq), `seq ${seq}`);
  for (const doc of [...current.values()].slice(0, 200)) {
    const hits = index.search({ terms: wordsOf(doc.title), mode: 'all' }, 10_000).map((x) => x.seq);
    assert.ok(hits.includes(doc.seq), `seq ${doc.seq} by its title`);
  }

  // one segment: exactly an index built from the final docs
  index.optimize();
  assert.equal(index.stats().segments.length, 1);
  const fresh = LexicalIndex.open(scratchDir(), { avgLen: AVG });
  fresh.apply([...current.values()].sort((a, b) => a.seq - b.seq).map((doc) => ({ seq: doc.seq, doc })));
  for (const q of queries(rng, [...current.values()], 40)) {
    assert.deepEqual(index.search(q, 20), fresh.search(q, 20), JSON.stringify(q));
    assert.deepEqual(index.search({ ...q, sort: 'newest' }, 20), fresh.search({ ...q, sort: 'newest' }, 20), `newest ${JSON.stringify(q)}`);
    assert.deepEqual(index.search({ ...q, sort: 'upvotes' }, 20), fresh.search({ ...q, sort: 'upvotes' }, 20), `upvotes ${JSON.stringify(q)}`);
  }
  assert.equal(index.changeSeq, changeSeq);
  index.close();
  fresh.close();
});

test('an update is found by its new text only, a delete by nothing', () => {
  const index = LexicalIndex.open(scratchDir(), { avgLen: AVG });
  const base = corpus.slice(0, 300).map((d) => ({ seq: d.seq, doc: d }));
  index.apply(base, 300);
  index.flush();
  const doc = corpus[10]!;
  index.apply([{ seq: doc.seq, doc: { ...doc, title: 'Zyxwvut frobnication', abstract: 'Entirely new text about qwertyuiop.' } }], 301);
  assert.deepEqual(index.search({ terms: ['zyxwvut'] }, 10).map((x) => x.seq), [doc.seq]);
  assert.deepEqual(index.search({ terms: ['qwertyuiop'] }, 10).map((x) => x.seq), [doc.seq]);
  const oldWord = wordsOf(doc.title).find((w) => index.countMatches({ terms: [w] }) === 1 && w.length > 3);
  if (oldWord) assert.deepEqual(index.search({ terms: [oldWord] }, 10), [], 'the old title is gone');
  index.apply([{ seq: doc.seq, deleted: true }], 302);
  assert.deepEqual(index.search({ terms: ['zyxwvut'] }, 10), []);
  assert.equal(index.has(doc.seq), false);
  assert.equal(index.size, 299);
  // updated twice before a flush, then deleted and re-added
  const other = corpus[20]!;
  index.apply([
    { seq: other.seq, doc: { ...other, title: 'First rewrite plonk' } },
    { seq: other.seq, doc: { ...other, title: 'Second rewrite plink' } },
  ]);
  assert.deepEqual(index.search({ terms: ['plonk'] }, 10), []);
  assert.deepEqual(index.search({ terms: ['plink'] }, 10).map((x) => x.seq), [other.seq]);
  index.apply([{ seq: other.seq, deleted: true }, { seq: other.seq, doc: { ...other, title: 'Back again plunk' } }]);
  assert.deepEqual(index.search({ terms: ['plunk'] }, 10).map((x) => x.seq), [other.seq]);
  assert.deepEqual(index.search({ terms: ['plink'] }, 10), []);
  // deleting what was never there changes nothing
  index.apply([{ seq: 999_999, deleted: true }, { seq: -5, deleted: true }]);
  assert.equal(index.size, 299);
  index.close();
});

for (const flushDocs of [900, 2500]) test(`merging segments of disjoint appends (block copies, impact tiers) equals one build: ${flushDocs} per segment`, async () => {
  const docs = await syntheticDocs(8000, 21);
  const a = LexicalIndex.open(scratchDir(), { avgLen: AVG, flushDocs, autoMerge: false });
  a.apply(docs.map((d) => ({ seq: d.seq, doc: d })));
  a.flush(false);
  const segs = a.stats().segments.length;
  assert.ok(segs >= 3);
  const b = LexicalIndex.open(scratchDir(), { avgLen: AVG });
  b.apply(docs.map((d) => ({ seq: d.seq, doc: d })));
  b.flush();
  const rng = new Rng(4);
  const qs = queries(rng, docs, 60);
  const before = qs.map((q) => a.search(q, 30));
  a.optimize();
  assert.equal(a.stats().segments.length, 1);
  qs.forEach((q, i) => {
    assert.deepEqual(a.search(q, 30), before[i], `unchanged by the merge: ${JSON.stringify(q)}`);
    assert.deepEqual(a.search(q, 30), b.search(q, 30), `like one build: ${JSON.stringify(q)}`);
    assert.deepEqual(a.search(q, 30), a.searchExhaustive(q, 30));
  });
  a.close();
  b.close();
});
