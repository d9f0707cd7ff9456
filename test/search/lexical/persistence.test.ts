/**
 * Persistence: a committed index reopens identical (results, change_seq, upvotes); a crash at
 * any point leaves the last commit (leftover temporary manifests, orphan and half-written
 * segment files are ignored and cleaned); damage is detected; one writer per directory.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { LexicalIndex, MANIFEST, type LexicalQuery } from '../../../src/search/lexical/index.js';
import { buildIndex } from '../../../src/search/lexical/bulk.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { postingsLast, scratchDir, syntheticDocs } from './helpers.js';

let docs: SearchDoc[];
before(async () => {
  docs = await syntheticDocs(6000, 8);
});

const QUERIES: LexicalQuery[] = [
  { terms: ['model'] },
  { terms: ['neural', 'network'] },
  { terms: ['learning', 'data'], mode: 'all' },
  { terms: ['model'], sort: 'newest' },
  { terms: ['model'], sort: 'upvotes' },
  { terms: ['quantum'], categories: ['quant-ph'] },
];
const answers = (index: LexicalIndex) => QUERIES.map((q) => index.search(q, 25));

test('commit, reopen: the same index', () => {
  const dir = scratchDir();
  const index = LexicalIndex.open(dir, { flushDocs: 1000, mergeFactor: 3 });
  index.apply(docs.slice(0, 4000).map((d) => ({ seq: d.seq, doc: d })), 4000);
  index.apply([{ seq: 7, deleted: true }, { seq: 8, doc: { ...docs[100]!, seq: 8 } }], 4002);
  index.setUpvotes(9, 12345);
  index.commit();
  const want = answers(index);
  const stats = index.stats();
  index.close();

  const again = LexicalIndex.open(dir);
  assert.deepEqual(answers(again), want);
  assert.equal(again.changeSeq, 4002);
  assert.equal(again.committedChangeSeq, 4002);
  assert.equal(again.size, 3999);
  assert.equal(again.has(7), false);
  assert.deepEqual(again.search({ terms: [], sort: 'upvotes', categories: docs[8]!.categories.slice(0, 1) }, 1)[0], { seq: 9, score: 12345 });
  assert.deepEqual(again.stats().avgLen, stats.avgLen);
  assert.deepEqual(
    again.stats().segments.map((s) => [s.id, s.docs, s.live]),
    stats.segments.map((s) => [s.id, s.docs, s.live]),
  );
  // only the manifest's files (and the lock) are in the directory
  const listed = new Set(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).segments.map((s: { file: string }) => s.file));
  for (const f of readdirSync(dir)) assert.ok(f === MANIFEST || f === 'LOCK' || listed.has(f) || f.startsWith('upvotes-'), f);
  // more changes, merges, a second commit: obsolete files are removed
  again.apply(docs.slice(4000).map((d) => ({ seq: d.seq, doc: d })), 6000);
  again.optimize();
  again.commit();
  const files = readdirSync(dir).filter((f) => f.endsWith('.lex'));
  assert.equal(files.length, 1);
  const want2 = answers(again);
  again.close();
  const third = LexicalIndex.open(dir, { readOnly: true });
  assert.deepEqual(answers(third), want2);
  assert.equal(third.changeSeq, 6000);
  third.close();
});

test('a crash before the manifest is replaced leaves the last commit; leftovers are cleaned', () => {
  const dir = scratchDir();
  const index = LexicalIndex.open(dir, { flushDocs: 1000 });
  index.apply(docs.slice(0, 3000).map((d) => ({ seq: d.seq, doc: d })), 3000);
  index.commit();
  const want = answers(index);
  // work that never gets committed: new segments in memory, then the "crash"
  index.apply(docs.slice(3000, 5000).map((d) => ({ seq: d.seq, doc: d })), 5000);
  index.apply([{ seq: 1, deleted: true }], 5001);
  index.flush();
  index.close();
  // what a crash mid-commit leaves: a segment file half written, a temporary manifest
  writeFileSync(join(dir, 'seg-99.lex'), Buffer.from('DPLX half a segm'));
  writeFileSync(join(dir, `${MANIFEST}.tmp-7`), '{"format":1,"segm');
  const again = LexicalIndex.open(dir);
  assert.deepEqual(answers(again), want);
  assert.equal(again.changeSeq, 3000, 'the tailer resumes after the committed position');
  assert.equal(again.has(1), true);
  assert.ok(!existsSync(join(dir, 'seg-99.lex')));
  assert.ok(!existsSync(join(dir, `${MANIFEST}.tmp-7`)));
  // re-applying the changes after the commit converges to the same state as before the crash
  again.apply(docs.slice(3000, 5000).map((d) => ({ seq: d.seq, doc: d })), 5000);
  again.apply([{ seq: 1, deleted: true }], 5001);
  assert.equal(again.size, 4999);
  again.close();
});

test('a damaged segment is detected', () => {
  const dir = scratchDir();
  const index = LexicalIndex.open(dir);
  index.apply(docs.slice(0, 500).map((d) => ({ seq: d.seq, doc: d })), 500);
  index.commit();
  index.close();
  const file = readdirSync(dir).find((f) => f.endsWith('.lex'))!;
  const bytes = readFileSync(join(dir, file));
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
  writeFileSync(join(dir, file), bytes);
  assert.throws(() => LexicalIndex.open(dir), /damaged/);
  writeFileSync(join(dir, file), bytes.subarray(0, 100));
  assert.throws(() => LexicalIndex.open(dir), /lexical index/);
});

test('one writer per directory; readers may open it meanwhile', () => {
  const dir = scratchDir();
  const writer = LexicalIndex.open(dir);
  writer.apply(docs.slice(0, 200).map((d) => ({ seq: d.seq, doc: d })), 200);
  writer.commit();
  assert.throws(() => LexicalIndex.open(dir), /already open/);
  const reader = LexicalIndex.open(dir, { readOnly: true });
  assert.equal(reader.size, 200);
  assert.throws(() => reader.commit(), /read-only/);
  // a reader tails in memory
  reader.apply([{ seq: 1, deleted: true }], 201);
  assert.equal(reader.size, 199);
  reader.close();
  writer.close();
  // a lock left by a dead process is taken over; one held by a live one is not
  writeFileSync(join(dir, 'LOCK'), '2147483000');
  LexicalIndex.open(dir).close();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    writeFileSync(join(dir, 'LOCK'), String(child.pid));
    assert.throws(() => LexicalIndex.open(dir), /locked by process/);
  } finally {
    child.kill();
  }
});

test('bulk build: one segment, committed with its change_seq', async () => {
  const dir = scratchDir();
  async function* stream() {
    for (const d of docs) yield d;
  }
  let progress = 0;
  const built = await buildIndex(dir, stream(), { chunkDocs: 1500, changeSeq: 42, onProgress: (n) => (progress = n) });
  assert.equal(progress, 6000);
  assert.equal(built.stats().segments.length, 1);
  const want = answers(built);
  built.close();
  const index = LexicalIndex.open(dir);
  assert.equal(index.changeSeq, 42);
  assert.equal(index.size, docs.length);
  assert.deepEqual(answers(index), want);
  // the same as an incremental index over the same docs with the same average lengths
  const inc = LexicalIndex.open(scratchDir(), { avgLen: index.stats().avgLen! });
  inc.apply(docs.map((d) => ({ seq: d.seq, doc: d })));
  assert.deepEqual(answers(inc), want);
  index.close();
  inc.close();
});

test('write-only: committed segments leave memory, merges read them back, and the index on disk is the one a normal writer makes', () => {
  const changes = (from: number, to: number) => docs.slice(from, to).map((d) => ({ seq: d.seq, doc: d }));
  const update = { seq: 5, doc: { ...docs[200]!, seq: 5 } };
  const normalDir = scratchDir();
  const normal = LexicalIndex.open(normalDir, { flushDocs: 500, mergeFactor: 3 });
  const dir = scratchDir();
  const writer = LexicalIndex.open(dir, { flushDocs: 500, mergeFactor: 3, writeOnly: true });
  for (const index of [normal, writer]) {
    for (let i = 0; i < 6000; i += 500) {
      index.apply(changes(i, i + 500), i + 500);
      index.commit();
    }
    index.apply([update, { seq: 11, deleted: true }], 6002);
    index.commit();
  }
  const st = writer.stats();
  // merged at least once (12 flushes, a merge every 3), and nothing but docs in memory
  assert.ok(st.segments.length < 12, `${st.segments.length} segments`);
  assert.ok(st.segments.every((s) => s.released && s.terms === 0), JSON.stringify(st.segments));
  const inMemory = st.segments.reduce((n, s) => n + s.bytes, 0);
  assert.ok(inMemory < 6000 * 8, `${inMemory} bytes in memory`);
  assert.ok(st.segmentBytes > 10 * inMemory, 'segmentBytes counts the files');
  assert.throws(() => writer.search({ terms: ['model'] }), /write-only/);
  assert.deepEqual(
    st.segments.map((s) => [s.docs, s.live]),
    normal.stats().segments.map((s) => [s.docs, s.live]),
  );
  // its merges were written straight to their files: the files a normal writer's commits wrote
  const files = (d: string) => readdirSync(d).filter((f) => f.endsWith('.lex')).sort();
  assert.deepEqual(files(dir), files(normalDir));
  assert.ok(files(dir).length < 12);
  for (const f of files(dir)) assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(normalDir, f))), f);
  writer.close();
  // reopened write-only (a resumed import): released again, and it keeps going
  const resumed = LexicalIndex.open(dir, { flushDocs: 500, mergeFactor: 3, writeOnly: true });
  assert.ok(resumed.stats().segments.every((s) => s.released));
  resumed.optimize();
  resumed.commit();
  resumed.close();
  normal.optimize();
  normal.commit();
  const want = answers(normal);
  normal.close();
  const reader = LexicalIndex.open(dir, { readOnly: true });
  assert.deepEqual(answers(reader), want);
  assert.equal(reader.size, 5999);
  assert.equal(reader.changeSeq, 6002);
  reader.close();
});

test('write-only: what changes between a merge written to its file and the next commit is what reopening finds', () => {
  // a merge of three buffers (written to seg-4.lex at once), then, before the commit, upvotes
  // set on one of its papers and another of its papers added again with a later day: the file's
  // per-doc part holds the values of the merge, and reopening must still find the new ones
  const build = (dir: string, writeOnly: boolean) => {
    const index = LexicalIndex.open(dir, { flushDocs: 500, mergeFactor: 3, writeOnly });
    index.apply(docs.slice(0, 1500).map((d) => ({ seq: d.seq, doc: d })), 1500);
    assert.equal(index.stats().segments.length, 1);
    index.setUpvotes(docs[10]!.seq, 777);
    index.apply([{ seq: docs[20]!.seq, doc: { ...docs[20]!, day: docs[20]!.day + 5 } }], 1501);
    index.commit();
    index.close();
  };
  const dir = scratchDir();
  const normalDir = scratchDir();
  build(dir, true);
  build(normalDir, false);
  const reopened = LexicalIndex.open(dir, { readOnly: true });
  const normal = LexicalIndex.open(normalDir, { readOnly: true });
  assert.equal(reopened.upvotesOf(docs[10]!.seq), 777);
  assert.equal(reopened.dayOf(docs[20]!.seq), docs[20]!.day + 5);
  for (const d of docs.slice(0, 1500)) {
    assert.equal(reopened.upvotesOf(d.seq), normal.upvotesOf(d.seq), `upvotes of ${d.seq}`);
    assert.equal(reopened.dayOf(d.seq), normal.dayOf(d.seq), `day of ${d.seq}`);
  }
  reopened.close();
  normal.close();
});

test('write-only: a merge that leaves nothing (every doc of a segment added again) leaves no file', () => {
  const dir = scratchDir();
  const index = LexicalIndex.open(dir, { flushDocs: 5000, mergeFactor: 10, writeOnly: true });
  const all = docs.slice(0, 5000).map((d) => ({ seq: d.seq, doc: d }));
  index.apply(all, 5000);
  index.commit();
  // the same papers again: the first segment owns nothing, and is merged away on its own
  index.apply(all, 10000);
  index.commit();
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { segments: Array<{ file: string }>; nextId: number };
  assert.deepEqual(
    manifest.segments.map((s) => s.file),
    ['seg-2.lex'],
  );
  assert.equal(manifest.nextId, 4); // seg-3 was the empty merge
  assert.deepEqual(readdirSync(dir).sort(), ['LOCK', MANIFEST, 'seg-2.lex']);
  index.close();
});

test('segments written with the postings last (before 2026-11-28) open, answer and merge as before', () => {
  const changes = (from: number, to: number) => docs.slice(from, to).map((d) => ({ seq: d.seq, doc: d }));
  const build = (dir: string) => {
    const index = LexicalIndex.open(dir, { flushDocs: 1000, mergeFactor: 10 });
    index.apply(changes(0, 3000), 3000);
    index.apply([{ seq: 9, deleted: true }], 3001);
    index.commit();
    return index;
  };
  const control = build(scratchDir());
  const want = answers(control);
  const dir = scratchDir();
  build(dir).close();
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { segments: Array<{ file: string; bytes: number; crc: number; docs: number }> };
  assert.equal(manifest.segments.length, 4); // three of 1,000 papers and one with the deletion
  for (const s of manifest.segments) {
    const before = readFileSync(join(dir, s.file));
    // written now: the postings right after the main part's 64-byte header
    assert.equal(before.readUInt32LE(before.readUInt32LE(16) + 13 * 4), 64);
    const old = postingsLast(before);
    if (s.docs > 0) assert.ok(old.readUInt32LE(old.readUInt32LE(16) + 13 * 4) > 64);
    writeFileSync(join(dir, s.file), old);
    s.bytes = old.length;
    s.crc = crc32(old);
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest));
  const index = LexicalIndex.open(dir, { flushDocs: 1000, mergeFactor: 10 });
  assert.equal(index.size, 2999);
  assert.deepEqual(answers(index), want);
  // merged with a new segment into one: the same answers as the index that was never rewritten
  for (const i of [index, control]) {
    i.apply(changes(3000, 4000), 4000);
    i.optimize();
    i.commit();
  }
  assert.equal(index.stats().segments.length, 1);
  assert.deepEqual(answers(index), answers(control));
  index.close();
  control.close();
});
