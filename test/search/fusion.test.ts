import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuse, boost, DEFAULT_FUSION } from '../../src/search/fusion.js';

const none = { day: () => 0, upvotes: () => 0 };

test('reciprocal rank fusion rewards papers both lists agree on', () => {
  const lexical = [{ seq: 1, score: 9 }, { seq: 2, score: 8 }, { seq: 3, score: 7 }];
  const semantic = [{ seq: 3, score: 0.9 }, { seq: 4, score: 0.8 }, { seq: 1, score: 0.7 }];
  const out = fuse({ lexical, semantic }, none, 20000, { ...DEFAULT_FUSION, lexical: 1, semantic: 1, k: 60 });
  // 1 and 3 both score 1/61 + 1/63 (ties: higher seq first), 4 has 1/62, 2 has 1/62 too (lower seq).
  assert.deepEqual(out.map((h) => h.seq), [3, 1, 4, 2]);
  assert.ok(Math.abs(out[0]!.score - (1 / 61 + 1 / 63)) < 1e-12);
});

test('weights: a zero weight ignores a list', () => {
  const out = fuse({ lexical: [{ seq: 1, score: 1 }], semantic: [{ seq: 2, score: 1 }] }, none, 20000, { ...DEFAULT_FUSION, semantic: 0 });
  assert.deepEqual(out.map((h) => h.seq), [1]);
});

test('boosts are small and bounded', () => {
  const today = 20000;
  const facts = { day: (s: number) => (s === 1 ? today : today - 365), upvotes: (s: number) => (s === 1 ? 0 : 1000) };
  assert.ok(Math.abs(boost(1, facts, today) - 1.1) < 1e-12, 'announced today: +10 %');
  assert.ok(Math.abs(boost(2, facts, today) - 1.05 * 1.1) < 1e-12, 'a year old: +5 %, 1000 upvotes: +10 % (saturated)');
  assert.equal(boost(3, none, today), 1, 'unknown day, no votes: no boost');
});
