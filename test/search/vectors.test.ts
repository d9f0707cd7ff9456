/** The paper vector index: search quality against an exact float search, updates, filters, persistence and its failure modes. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaperVectorIndex, TRAIN_MIN, VectorIndexError, listsFor, openVectorIndex, vectorIndexInfo, vectorIndexPath } from '../../src/search/vectors/index.js';
import { DotKernel } from '../../src/search/vectors/kernel.js';

const DIMS = 64;

/** Seeded PRNG and normal deviates. */
function random(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
}

/** Clustered vectors: cluster centres plus spread along a few directions per cluster and a little noise everywhere (as embeddings are). */
function clustered(count: number, dims: number, seed: number, clusters = 200): Float32Array[] {
  const r = random(seed);
  const centres = Array.from({ length: clusters }, () => unit(Float32Array.from({ length: dims }, r.normal)));
  const axes = Array.from({ length: clusters }, () => Array.from({ length: 6 }, () => Float32Array.from({ length: dims }, () => r.normal() / Math.sqrt(dims * 6))));
  return Array.from({ length: count }, () => {
    const c = Math.floor(r.uniform() * clusters);
    const v = Float32Array.from(centres[c]!, (x) => x + (0.3 * r.normal()) / Math.sqrt(dims));
    for (const axis of axes[c]!) {
      const z = 0.8 * r.normal();
      for (let i = 0; i < dims; i++) v[i] = v[i]! + z * axis[i]!;
    }
    return unit(v);
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function exactTop(vectors: Float32Array[], q: Float32Array, k: number): number[] {
  return vectors
    .map((v, seq) => ({ seq, s: dot(v, q) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.seq);
}

let root: string;
let n = 0;
const freshDir = () => join(root, `index-${n++}`);

before(() => {
  root = mkdtempSync(join(tmpdir(), 'dp-vectors-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the WebAssembly kernel computes exact int8 dot products', () => {
  const r = random(3);
  const stride = 48;
  const kernel = new DotKernel(stride, 8);
  const q = Int8Array.from({ length: stride }, () => Math.round(r.uniform() * 254 - 127));
  const block = Int8Array.from({ length: stride * 20 }, () => Math.round(r.uniform() * 254 - 127));
  kernel.setQuery(q);
  // More vectors than the scratch holds: the kernel makes room.
  const got = Array.from(kernel.run(block, 0, 20).subarray(0, 20));
  const want = Array.from({ length: 20 }, (_, i) => q.reduce((s, x, j) => s + x * block[i * stride + j]!, 0));
  assert.deepEqual(got, want);
  kernel.setResident(block, 20);
  assert.deepEqual(Array.from(kernel.runResident(5, 3).subarray(0, 3)), want.slice(5, 8));
});

test('a stored vector is its own nearest neighbour, exact below the training size and after training', async () => {
  const vectors = clustered(TRAIN_MIN + 500, DIMS, 1);
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  for (let i = 0; i < 1000; i++) index.upsert(i, vectors[i]!);
  assert.equal(index.lists, 1, 'small indexes are one list, searched exactly');
  for (const seq of [0, 17, 999]) {
    const [first] = index.search(vectors[seq]!, 5);
    assert.equal(first!.seq, seq);
    assert.ok(first!.score > 0.99 && first!.score <= 1.0001, `score ${first!.score}`);
  }
  for (let i = 1000; i < vectors.length; i++) index.upsert(i, vectors[i]!);
  assert.ok(index.lists > 1, 'crossing TRAIN_MIN trains the lists');
  assert.equal(index.size, vectors.length);
  let self = 0;
  for (let seq = 0; seq < vectors.length; seq += 97) if (index.search(vectors[seq]!, 1)[0]!.seq === seq) self++;
  assert.equal(self, Math.ceil(vectors.length / 97));
});

test('recall@10 against an exact float search is at least 0.95 on 20,000 clustered vectors', async () => {
  const vectors = clustered(20_000, DIMS, 2);
  const queries = clustered(100, DIMS, 99);
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  vectors.forEach((v, seq) => index.upsert(seq, v));
  assert.ok(index.lists > 1);
  let hits = 0;
  for (const q of queries) {
    const truth = new Set(exactTop(vectors, q, 10));
    const got = index.search(q, 10);
    assert.equal(got.length, 10);
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.score >= got[i]!.score, 'best first');
    for (const s of got) if (truth.has(s.seq)) hits++;
  }
  const recall = hits / (queries.length * 10);
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
});

test('trained ahead on a sample for its final size, the index fills without retraining and keeps its recall', async () => {
  const size = 80_000;
  const vectors = clustered(size, DIMS, 12);
  const queries = clustered(100, DIMS, 98);
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  index.upsert(0, vectors[0]!);
  assert.equal(index.wouldRetrainAt(size), true, 'growing from 1 to 80,000 vectors would retrain on the way');
  // The sample: every 4th vector, in batches as the embedder hands them over (more than needed: the rest is not read).
  const spread = vectors.filter((_, i) => i % 4 === 0);
  const batches = Array.from({ length: Math.ceil(spread.length / 512) }, (_, b) => spread.slice(b * 512, (b + 1) * 512));
  const used = await index.trainFor(batches, size);
  assert.equal(used, Math.min(spread.length, PaperVectorIndex.sampleSizeFor(size)));
  const lists = index.lists;
  assert.ok(lists > listsFor(size) * 0.9 && lists < listsFor(size) * 1.1, `${lists} lists for ${listsFor(size)}`);
  assert.equal(index.wouldRetrainAt(size), false);
  assert.equal(index.size, 1, 'the vector already in the index is kept');
  vectors.forEach((v, seq) => index.upsert(seq, v));
  assert.equal(index.lists, lists, 'no retraining while it filled');
  assert.equal(index.needsTraining, false);
  // Recall as good as an index that trained itself on the way (int8 at 64 dimensions caps both near 0.95 here).
  const selfTrained = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  vectors.forEach((v, seq) => selfTrained.upsert(seq, v));
  const recall = (i: PaperVectorIndex) => {
    let hits = 0;
    for (const q of queries) {
      const truth = new Set(exactTop(vectors, q, 10));
      for (const s of i.search(q, 10)) if (truth.has(s.seq)) hits++;
    }
    return hits / (queries.length * 10);
  };
  const ahead = recall(index);
  const self = recall(selfTrained);
  assert.ok(ahead >= 0.93 && ahead >= self - 0.01, `recall@10 ${ahead} trained ahead, ${self} self-trained`);
  // A sample of the wrong shape is refused.
  await assert.rejects(index.trainFor([[new Float32Array(DIMS + 1)]], size), /dimensions/);
});

test('removes disappear, upserts replace, and seqs stay mapped as entries move', async () => {
  const vectors = clustered(3000, DIMS, 4);
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  // Sparse, large seqs (the catalog's are never reused).
  const seqOf = (i: number) => 3_000_000 + i * 7;
  vectors.forEach((v, i) => index.upsert(seqOf(i), v));
  const removed = new Set<number>();
  for (let i = 0; i < 3000; i += 3) {
    index.remove(seqOf(i));
    removed.add(seqOf(i));
  }
  index.remove(123_456_789); // absent: a no-op
  assert.equal(index.size, 2000);
  for (let i = 0; i < 3000; i++) {
    const seq = seqOf(i);
    if (removed.has(seq)) {
      assert.equal(index.has(seq), false);
      assert.equal(index.vectorOf(seq), null);
      assert.ok(!index.search(vectors[i]!, 20).some((s) => s.seq === seq), 'a removed vector is never returned');
    } else {
      assert.ok(dot(index.vectorOf(seq)!, vectors[i]!) > 0.99, 'vectorOf returns the stored vector');
      if (i % 10 === 1) assert.equal(index.search(vectors[i]!, 1)[0]!.seq, seq);
    }
  }
  // Replace: the old vector no longer finds it, the new one does; the size does not change.
  const seq = seqOf(1);
  const other = vectors[2999]!;
  index.upsert(seq, other);
  assert.equal(index.size, 2000);
  assert.ok(dot(index.vectorOf(seq)!, other) > 0.99);
  const hits = index.search(other, 2).map((s) => s.seq);
  assert.ok(hits.includes(seq));
  const byOld = index.search(vectors[1]!, 5);
  assert.ok(!byOld.some((s) => s.seq === seq && s.score > 0.99), 'the old vector is gone');
  // A removed seq can be added again.
  index.upsert(seqOf(0), vectors[0]!);
  assert.equal(index.search(vectors[0]!, 1)[0]!.seq, seqOf(0));
});

test('a filter is applied inside the search and never starves the result', async () => {
  const vectors = clustered(TRAIN_MIN + 2000, DIMS, 5);
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  vectors.forEach((v, seq) => index.upsert(seq, v));
  assert.ok(index.lists > 1);
  const q = vectors[5]!;
  const third = index.search(q, 30, (seq) => seq % 3 === 0);
  assert.equal(third.length, 30);
  assert.ok(third.every((s) => s.seq % 3 === 0));
  // Five far-apart papers pass: all five are found, even though they are in lists far from the query.
  const few = new Set([1, 5003, 10007, 15013, 21001]);
  const got = index.search(q, 10, (seq) => few.has(seq));
  assert.deepEqual(got.map((s) => s.seq).sort((a, b) => a - b), [...few].sort((a, b) => a - b));
  // The filtered result is the exact filtered order.
  const exact = [...few].sort((a, b) => dot(vectors[b]!, q) - dot(vectors[a]!, q));
  assert.equal(got[0]!.seq, exact[0]);
  assert.deepEqual(index.search(q, 10, () => false), []);
});

test('save and open round trip: vectors, lists, coveredChangeSeq and results', async () => {
  const dir = freshDir();
  const vectors = clustered(TRAIN_MIN + 1000, DIMS, 6);
  const index = await openVectorIndex(dir, { dims: DIMS, providerId: 'test' });
  vectors.forEach((v, seq) => index.upsert(seq + 1, v));
  index.remove(10);
  index.coveredChangeSeq = 123_456;
  assert.equal(index.unsaved, true);
  await index.save();
  assert.equal(index.unsaved, false);
  assert.deepEqual(readdirSync(dir), ['vectors.dpv'], 'no temporary file is left');
  const info = vectorIndexInfo(dir)!;
  assert.equal(info.count, vectors.length - 1);
  assert.equal(info.coveredChangeSeq, 123_456);
  assert.equal(info.providerId, 'test');

  const again = await openVectorIndex(dir, { dims: DIMS, providerId: 'test' });
  assert.equal(again.size, index.size);
  assert.equal(again.lists, index.lists);
  assert.equal(again.coveredChangeSeq, 123_456);
  assert.equal(again.has(10), false);
  assert.deepEqual(again.vectorOf(500), index.vectorOf(500));
  for (const seq of [1, 777, 20_000]) assert.deepEqual(again.search(vectors[seq - 1]!, 10), index.search(vectors[seq - 1]!, 10));
  // It keeps working after loading: inserts go to the loaded lists.
  again.upsert(99_999, vectors[0]!);
  assert.ok(again.search(vectors[0]!, 2).some((s) => s.seq === 99_999));

  // An empty index round-trips too.
  const emptyDir = freshDir();
  const empty = await openVectorIndex(emptyDir, { dims: DIMS, providerId: 'test' });
  await empty.save();
  const reopened = await openVectorIndex(emptyDir, { dims: DIMS, providerId: 'test' });
  assert.equal(reopened.size, 0);
  assert.deepEqual(reopened.search(vectors[0]!, 5), []);
});

test('after a save the codes are read from the file: the same answers as an index kept in memory, through removals, replacements, retraining and reopening', async () => {
  const vectors = clustered(TRAIN_MIN + 4000, DIMS, 11);
  const queries = [3, 999, 7_777, 15_000, 23_000].map((i) => vectors[i]!);
  // The reference is never saved: its codes stay in memory. Both see the same operations.
  const reference = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  const dir = freshDir();
  const index = await openVectorIndex(dir, { dims: DIMS, providerId: 'test' });
  const both = (fn: (i: PaperVectorIndex) => void) => [reference, index].forEach(fn);
  const same = (why: string) => {
    assert.equal(index.size, reference.size, `${why}: size`);
    for (const q of queries) {
      assert.deepEqual(index.search(q, 20), reference.search(q, 20), `${why}: search`);
      // A filter that passes few papers makes the search go on through more lists.
      assert.deepEqual(index.searchWith(q, 5, { accept: (seq) => seq % 97 === 0 }), reference.searchWith(q, 5, { accept: (seq) => seq % 97 === 0 }), `${why}: filtered search`);
    }
    for (const seq of [1, 500, 9_999, 24_003]) assert.deepEqual(index.vectorOf(seq), reference.vectorOf(seq), `${why}: vectorOf(${seq})`);
  };
  vectors.forEach((v, seq) => both((i) => i.upsert(seq, v)));
  const inMemory = index.memoryBytes;
  await index.save();
  assert.ok(index.memoryBytes < inMemory / 3, `after the save the heap holds no codes (${index.memoryBytes} bytes, was ${inMemory})`);
  same('saved');

  // Changes to papers whose codes are in the file: removals leave tombstones, replacements go to memory.
  for (let seq = 0; seq < vectors.length; seq += 7) both((i) => i.remove(seq));
  for (let seq = 1; seq < vectors.length; seq += 11) both((i) => i.upsert(seq, vectors[(seq * 31) % vectors.length]!));
  both((i) => i.upsert(100_000, vectors[3]!));
  assert.equal(index.has(7), false);
  same('changed after the save');

  // The next save drops the tombstones and moves the new codes to the file.
  await index.save();
  assert.equal(vectorIndexInfo(dir)!.count, reference.size);
  same('saved again');
  const reopened = await openVectorIndex(dir, { dims: DIMS, providerId: 'test' });
  for (const q of queries) assert.deepEqual(reopened.search(q, 20), reference.search(q, 20), 'reopened');

  // Retraining reads every code back from the file (and skips the tombstones).
  both((i) => i.remove(1));
  both((i) => i.train(64));
  same('retrained');
  await index.save();
  same('retrained and saved');

  await index.close();
  assert.equal(index.size, 0, 'a closed index is empty');
  assert.deepEqual(index.search(queries[0]!, 5), [], 'and finds nothing rather than failing');
  await reopened.close();
});

async function savedIndex(): Promise<{ dir: string; index: PaperVectorIndex; vectors: Float32Array[] }> {
  const dir = freshDir();
  const vectors = clustered(500, DIMS, 7);
  const index = await openVectorIndex(dir, { dims: DIMS, providerId: 'model-a' });
  vectors.forEach((v, seq) => index.upsert(seq, v));
  index.coveredChangeSeq = 42;
  await index.save();
  return { dir, index, vectors };
}

async function openError(dir: string, dims: number, providerId: string): Promise<VectorIndexError> {
  try {
    await openVectorIndex(dir, { dims, providerId });
  } catch (err) {
    assert.ok(err instanceof VectorIndexError, `a VectorIndexError, got ${String(err)}`);
    return err;
  }
  assert.fail('opening should have failed');
}

test('another provider or dimension count is refused with a clear error; a rebuild starts empty and replaces the file', async () => {
  const { dir } = await savedIndex();
  const dims = await openError(dir, 128, 'model-a');
  assert.equal(dims.kind, 'mismatch');
  assert.match(dims.message, /64-dimension vectors of provider "model-a".*128-dimension vectors of "model-a".*rebuild/);
  const provider = await openError(dir, DIMS, 'model-b');
  assert.equal(provider.kind, 'mismatch');
  assert.match(provider.message, /model-b/);

  const rebuilt = await openVectorIndex(dir, { dims: 128, providerId: 'model-b', rebuild: true });
  assert.equal(rebuilt.size, 0);
  assert.equal(rebuilt.coveredChangeSeq, 0);
  // Until the first save the old file is still there (a crash mid-rebuild loses nothing).
  assert.equal(vectorIndexInfo(dir)!.providerId, 'model-a');
  rebuilt.upsert(1, unit(Float32Array.from({ length: 128 }, (_, i) => Math.sin(i))));
  rebuilt.coveredChangeSeq = 7;
  await rebuilt.save();
  const reopened = await openVectorIndex(dir, { dims: 128, providerId: 'model-b' });
  assert.equal(reopened.size, 1);
  assert.equal(reopened.coveredChangeSeq, 7);
});

test('a damaged file is refused with a clear error', async () => {
  const { dir } = await savedIndex();
  const path = vectorIndexPath(dir);
  const good = readFileSync(path);

  // One flipped byte among the vectors.
  const flipped = Buffer.from(good);
  flipped[Math.floor(flipped.length * 0.7)]! ^= 0x10;
  writeFileSync(path, flipped);
  let err = await openError(dir, DIMS, 'model-a');
  assert.equal(err.kind, 'corrupt');
  assert.match(err.message, /corrupt \(checksum mismatch\); rebuild/);

  // Cut short.
  writeFileSync(path, good.subarray(0, good.length - 100));
  err = await openError(dir, DIMS, 'model-a');
  assert.equal(err.kind, 'corrupt');
  assert.match(err.message, /corrupt/);

  // Not an index at all.
  writeFileSync(path, 'hello, this is not a vector index file at all');
  err = await openError(dir, DIMS, 'model-a');
  assert.equal(err.kind, 'corrupt');
  assert.throws(() => vectorIndexInfo(dir), VectorIndexError);

  // A damaged header.
  const header = Buffer.from(good);
  header.write('}}}}', 20, 'latin1');
  writeFileSync(path, header);
  err = await openError(dir, DIMS, 'model-a');
  assert.equal(err.kind, 'corrupt');

  // The good file loads again.
  writeFileSync(path, good);
  assert.equal((await openVectorIndex(dir, { dims: DIMS, providerId: 'model-a' })).size, 500);
});

test('a save that never finished leaves the previous index in place', async () => {
  const { dir, index, vectors } = await savedIndex();
  const before = statSync(vectorIndexPath(dir)).size;
  // What a crash between writing and renaming leaves behind: a partial temporary file of a dead process.
  writeFileSync(join(dir, 'vectors.dpv.tmp-999999999-1'), Buffer.alloc(1000, 1));
  const reopened = await openVectorIndex(dir, { dims: DIMS, providerId: 'model-a' });
  assert.equal(reopened.size, 500);
  assert.equal(reopened.coveredChangeSeq, 42);
  assert.deepEqual(readdirSync(dir), ['vectors.dpv'], 'the leftover is removed');
  assert.equal(statSync(vectorIndexPath(dir)).size, before);
  // Saves run one at a time and each writes a whole snapshot.
  index.upsert(1000, vectors[1]!);
  index.coveredChangeSeq = 43;
  const first = index.save();
  index.remove(1000);
  index.coveredChangeSeq = 44;
  await Promise.all([first, index.save()]);
  const last = await openVectorIndex(dir, { dims: DIMS, providerId: 'model-a' });
  assert.equal(last.coveredChangeSeq, 44);
  assert.equal(last.has(1000), false);
});

test('bad input is rejected', async () => {
  const index = await openVectorIndex(freshDir(), { dims: DIMS, providerId: 'test' });
  assert.throws(() => index.upsert(1, new Float32Array(DIMS + 1)), /dimensions/);
  assert.throws(() => index.upsert(1, new Float32Array(DIMS)), /all zeros/);
  assert.throws(() => index.upsert(-1, unit(new Float32Array(DIMS).fill(1))), /seq/);
  assert.throws(() => index.upsert(1.5, unit(new Float32Array(DIMS).fill(1))), /seq/);
  assert.throws(() => index.search(new Float32Array(3), 5), /dimensions/);
  assert.deepEqual(index.search(unit(new Float32Array(DIMS).fill(1)), 5), [], 'an empty index finds nothing');
  // Vectors need not arrive normalized.
  index.upsert(5, new Float32Array(DIMS).fill(3));
  assert.ok(Math.abs(index.search(new Float32Array(DIMS).fill(0.01), 1)[0]!.score - 1) < 1e-3);
});
