/** Reading the change log as search documents, on both engines. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { deletePapers } from '../../src/papers/repository.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { readChanges, newestChange, dayNumber } from '../../src/search/changes.js';
import type { NormalizedPaper } from '../../src/papers/model.js';
import { tokenize } from '../../src/search/lexical/analyzer.js';

const paper = (id: string, title: string, version = 1): NormalizedPaper => ({
  id,
  title,
  abstract: `About ${title}.`,
  authors: [{ name: 'Emmy Noether' }, { name: 'Alan Turing' }],
  versions: [{ version, submittedAt: '2025-08-19T12:00:00.000Z' }],
  categories: ['math.RA', 'cs.LO'],
});

for (const engine of ENGINES) {
  describe(`the change log on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    before(async () => {
      if (!skip) t = await freshDb(engine);
    });
    after(async () => t?.cleanup());

    test('writes and deletes come back in change order as search documents', { skip }, async () => {
      await upsertItems(t.store, [{ paper: paper('2508.00001', 'Rings') }, { paper: paper('2508.00002', 'Machines') }], { calendar: DEFAULT_CALENDAR });
      await upsertItems(t.store, [{ paper: paper('2508.00001', 'Rings and ideals', 2) }], { calendar: DEFAULT_CALENDAR });
      await deletePapers(t.store, ['2508.00002']);
      const all = await readChanges(t.store, 0, 100);
      assert.equal(all.more, false);
      assert.deepEqual(
        all.changes.map((c) => ('deleted' in c ? ['deleted', c.seq] : ['doc', c.seq, c.doc.title])),
        [
          ['doc', 1, 'Rings and ideals'],
          ['deleted', 2],
        ],
      );
      const doc = all.changes.find((c) => 'doc' in c);
      assert.ok(doc && 'doc' in doc);
      assert.deepEqual(doc.doc.authors, ['emmy noether', 'alan turing'], 'name keys');
      assert.deepEqual(doc.doc.categories, ['math.RA', 'cs.LO']);
      assert.equal(doc.doc.day, dayNumber('2025-08-20'));
      assert.equal(all.last, await newestChange(t.store));
      // Paging: one at a time, positions strictly increasing, same result.
      const first = await readChanges(t.store, 0, 1);
      assert.equal(first.changes.length, 1);
      assert.equal(first.more, true);
      const rest = await readChanges(t.store, first.last, 10);
      assert.deepEqual([...first.changes, ...rest.changes].map((c) => c.change), all.changes.map((c) => c.change));
      assert.deepEqual((await readChanges(t.store, all.last, 10)).changes, []);
    });

    test('authors come as their name keys, which the lexical analyzer splits into the same tokens as the names', { skip }, async () => {
      const names = [
        'C. Balázs', "Patrick O'Neil", 'José-María Ñúñez', 'ℌans Ｗide', 'Ὀδυσσεύς Λαέρτιος', '李小龙', 'İbrahim Ǆoković', 'ΣΊΣΥΦΟΣ',
        'Jean-Pierre Serre (IHÉS, Paris)', 'A. Ångström, Jr.', 'the LIGO Collaboration', 'x'.repeat(80), '—', 'Ǳ ǲ ǳ ﬁ ﬂ', 'Müller\u0301',
      ];
      const from = await newestChange(t.store);
      await upsertItems(t.store, [{ paper: { ...paper('2508.00003', 'Names'), authors: names.map((name) => ({ name })) } }], { calendar: DEFAULT_CALENDAR });
      const [c] = (await readChanges(t.store, from, 10)).changes;
      assert.ok(c && 'doc' in c);
      assert.equal(c.doc.authors.length, names.length);
      assert.deepEqual(c.doc.authors.flatMap((k) => tokenize(k)), names.flatMap((n) => tokenize(n)));
      assert.deepEqual(c.doc.authors.slice(0, 3), ['c balazs', 'patrick o neil', 'jose maria nunez']);
    });
  });
}
