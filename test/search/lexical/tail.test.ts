/** Tailing a SQLite catalog's change log into a lexical index, with the position committed alongside. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, type TestDb } from '../../engines.js';
import { upsertItems } from '../../../src/papers/upsert.js';
import { deletePapers } from '../../../src/papers/repository.js';
import { DEFAULT_CALENDAR } from '../../../src/papers/calendar.js';
import type { NormalizedPaper } from '../../../src/papers/model.js';
import { LexicalIndex } from '../../../src/search/lexical/index.js';
import { catchUpFromSqlite, changePage, dayNumber } from '../../../src/search/lexical/tail.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { scratchDir } from './helpers.js';

const calendar = DEFAULT_CALENDAR;
const paper = (id: string, title: string, version = 1): NormalizedPaper => ({
  id,
  title,
  abstract: `Abstract of ${id}.`,
  authors: [{ name: 'Grace Hopper' }, { name: 'An Wang' }],
  versions: [{ version, submittedAt: '2025-01-06T10:00:00.000Z' }],
  categories: ['cs.LG', 'stat.ML'],
});

let t: TestDb;
before(async () => {
  t = await freshDb('sqlite');
});
after(async () => t?.cleanup());

function drain(index: LexicalIndex, limit: number): number {
  let n = 0;
  for (;;) {
    const r = catchUpFromSqlite(index, t.store.search!.reader, limit);
    n += r.applied;
    if (!r.more) return n;
  }
}

test('changes reach the index in change order; the position is committed with it', async () => {
  const dir = scratchDir();
  let index = LexicalIndex.open(dir);
  await upsertItems(t.store, [{ paper: paper('2501.00001', 'Quantum walks') }, { paper: paper('2501.00002', 'Quantum error correction') }], { calendar });
  assert.equal(drain(index, 1), 2);
  assert.equal(index.search({ terms: ['quantum'] }).length, 2);
  assert.ok(index.search({ terms: [], authors: ['Grace Hopper'] }).length === 2);
  assert.ok(index.search({ terms: [], authors: ['An Wang'] }).length === 2, 'a surname that is a stopword');
  assert.ok(index.search({ terms: ['walks'], categories: ['stat'] }).length === 1);
  await upsertItems(t.store, [{ paper: paper('2501.00001', 'Classical walks', 2) }], { calendar });
  await deletePapers(t.store, ['2501.00002']);
  drain(index, 1000);
  assert.deepEqual(index.search({ terms: ['quantum'] }), [], 'the old title is gone, the deleted paper too');
  assert.equal(index.search({ terms: ['classical'] }).length, 1);
  const position = index.changeSeq;
  assert.ok(position > 0);
  index.commit();
  index.close();

  // reopened: resumes after the committed position, a re-applied change is harmless
  await upsertItems(t.store, [{ paper: paper('2501.00003', 'Topological insulators') }], { calendar });
  index = LexicalIndex.open(dir);
  assert.equal(index.changeSeq, position);
  assert.equal(drain(index, 1000), 1);
  assert.equal(index.search({ terms: ['topological'] }).length, 1);
  assert.equal(index.size, 2);
  index.close();
});

test('a page of rows and tombstones stops where either was cut off', () => {
  const doc = (seq: number): SearchDoc => ({ seq, id: String(seq), title: 't', authors: [], abstract: '', categories: [], day: 0, upvotes: 0 });
  const rows = [1, 2, 5].map((c) => ({ changeSeq: c, doc: doc(c * 10) }));
  const tombs = [3, 4, 6].map((c) => ({ seq: c * 10, changeSeq: c }));
  const page = changePage(rows, tombs, 3);
  assert.deepEqual(page.changes.map((c) => [c.seq, 'deleted' in c && c.deleted === true]), [[10, false], [20, false], [30, true], [40, true], [50, false]]);
  assert.equal(page.last, 5);
  assert.equal(page.more, true);
  assert.deepEqual(changePage(rows, tombs, 10), { changes: changePage(rows, tombs, 10).changes, last: 6, more: false });
  assert.equal(dayNumber('1970-01-02'), 1);
  assert.equal(dayNumber('2024-03-01T12:00:00.000Z'), 19783);
  assert.equal(dayNumber(null), 0);
});
