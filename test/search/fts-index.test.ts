/** The SQLite full-text index file and its change-log indexer. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, type TestDb } from '../engines.js';
import { openStore, type Store } from '../../src/db/connect.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { deletePapers } from '../../src/papers/repository.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { catchUp, pendingChanges, searchDbPath } from '../../src/search/fts-index.js';
import { checkSearchIndex, finishIndexing, ftsSeqs, rebuildSearchIndex } from '../../src/search/sync.js';
import type { NormalizedPaper } from '../../src/papers/model.js';

const calendar = DEFAULT_CALENDAR;
const paper = (id: string, title: string, version = 1): NormalizedPaper => ({
  id,
  title,
  abstract: `Abstract of ${id}.`,
  authors: [{ name: 'Grace Hopper' }],
  versions: [{ version, submittedAt: '2025-01-06T10:00:00.000Z' }],
  categories: ['cs.LG'],
});
const find = (store: Store, q: string) => ftsSeqs(store, 'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid', [q]);

let t: TestDb;
before(async () => {
  t = await freshDb('sqlite');
});
after(async () => t?.cleanup());

test('the index lives in its own file beside the catalog', () => {
  assert.equal(searchDbPath('/data/dailypapers.db'), '/data/dailypapers.search.db');
  assert.equal(t.store.search?.path, searchDbPath(t.url));
});

test('inserts, updates and deletes reach the index in change order', async () => {
  await upsertItems(t.store, [{ paper: paper('2501.00001', 'Quantum walks') }, { paper: paper('2501.00002', 'Quantum error correction') }], { calendar });
  assert.equal(find(t.store, 'quantum').length, 2);
  await upsertItems(t.store, [{ paper: paper('2501.00001', 'Classical walks', 2) }], { calendar });
  assert.equal(find(t.store, 'quantum').length, 1, 'the old title is gone from the index');
  assert.equal(find(t.store, 'classical').length, 1);
  await deletePapers(t.store, ['2501.00002']);
  assert.deepEqual(find(t.store, 'quantum'), []);
  // A paper added after a delete never reuses the deleted seq, so the tombstone cannot hide it.
  await upsertItems(t.store, [{ paper: paper('2501.00002', 'Quantum error correction again') }], { calendar });
  const again = find(t.store, 'quantum');
  assert.equal(again.length, 1);
  assert.ok(again[0]! > 2);
  assert.equal(await checkSearchIndex(t.store), true);
});

test('a backlog is applied in bounded steps, each recording where it stopped', async () => {
  const many = Array.from({ length: 120 }, (_, i) => ({ paper: paper(`2502.${String(i + 1).padStart(5, '0')}`, `Graph number ${i}`) }));
  await upsertItems(t.store, many, { calendar });
  await deletePapers(t.store, ['2502.00003', '2502.00004']);
  const { writer, reader } = t.store.search!;
  assert.equal(pendingChanges(writer, reader), 122);
  const first = catchUp(writer, reader, 50);
  assert.deepEqual(first, { applied: 50, more: true, ran: true });
  // 122 change numbers, but the two deleted papers' insertions were superseded by their tombstones.
  assert.equal(pendingChanges(writer, reader), 70);
  assert.equal(finishIndexing(t.store), 70);
  assert.equal(find(t.store, 'graph').length, 118);
});

test('another process writing the catalog is picked up before the next search', async () => {
  const other = await openStore(t.url);
  try {
    await upsertItems(other, [{ paper: paper('2503.00001', 'Topological insulators') }], { calendar });
  } finally {
    await other.close();
  }
  assert.equal(find(t.store, 'topological').length, 1);
});

test('a reader does not wait for another indexer; the writer does', () => {
  const { writer, reader } = t.store.search!;
  const other = openStoreSyncWriter();
  other.exec('BEGIN IMMEDIATE');
  try {
    assert.deepEqual(catchUp(writer, reader, 10, false), { applied: 0, more: true, ran: false });
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
});

test('rebuild produces the same index from the catalog', async () => {
  const before = find(t.store, 'graph OR quantum OR classical OR topological');
  assert.equal(rebuildSearchIndex(t.store), 2 + 118 + 1);
  assert.deepEqual(find(t.store, 'graph OR quantum OR classical OR topological'), before);
  assert.equal(await checkSearchIndex(t.store), true);
});

function openStoreSyncWriter() {
  // A second connection to the index file, as another process's indexer would hold it.
  return new (t.store.search!.writer.constructor as new (p: string) => import('better-sqlite3').Database)(t.store.search!.path);
}
