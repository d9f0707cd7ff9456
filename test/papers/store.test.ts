import { parseQuery } from '../../src/search/query.js';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { getPaper, countPapers, deletePapers, getIngestState, recentPapers } from '../../src/papers/repository.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import type { NormalizedPaper } from '../../src/papers/model.js';
import { migrate, schemaVersion, MIGRATIONS } from '../../src/db/migrations.js';

const calendar = DEFAULT_CALENDAR;

function paper(over: Partial<NormalizedPaper> = {}): NormalizedPaper {
  return {
    id: '2508.13426',
    title: 'ALIGN: Word Association Learning',
    abstract: 'As large language models increasingly mediate cross-cultural communication.',
    authors: [{ name: 'Chunhua Liu' }, { name: 'Kabir Manandhar Shrestha' }, { name: 'Sukai Huang' }],
    versions: [{ version: 1, submittedAt: '2025-08-19T01:02:03.000Z' }],
    categories: ['cs.CL', 'cs.AI'],
    comments: '12 pages',
    journalRef: null,
    doi: null,
    license: 'http://creativecommons.org/licenses/by-nc-sa/4.0/',
    ...over,
  };
}

for (const engine of ENGINES) {
  describe(`paper store on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    before(async () => {
      if (!skip) t = await freshDb(engine);
    });
    after(async () => {
      await t?.cleanup();
    });

    test('migrations are recorded and a second run applies nothing', { skip }, async () => {
      assert.equal(await schemaVersion(t.store), MIGRATIONS.at(-1)!.version);
      assert.deepEqual(await migrate(t.store), []);
    });

    test('insert keeps every field and computes the announcement day', { skip }, async () => {
      const stats = await upsertItems(t.store, [{ paper: paper() }], { calendar });
      assert.deepEqual(stats, { inserted: 1, updated: 0, unchanged: 0, featured: 0 });
      const p = await getPaper(t.store, '2508.13426');
      assert.ok(p);
      assert.equal(p.title, 'ALIGN: Word Association Learning');
      assert.equal(p.authorNames, 'Chunhua Liu, Kabir Manandhar Shrestha and Sukai Huang');
      assert.deepEqual(p.categories, ['cs.CL', 'cs.AI']);
      assert.equal(p.primaryCategory, 'cs.CL');
      assert.equal(p.version, 1);
      assert.equal(p.submittedAt, '2025-08-19T01:02:03.000Z');
      // Mon 2025-08-18 21:02 EDT: after Monday's cutoff → Tuesday's → listed Wednesday 08-20
      assert.equal(p.announceDay, '2025-08-20');
      assert.equal(p.license, 'http://creativecommons.org/licenses/by-nc-sa/4.0/');
      const cats = await t.store.db.selectFrom('paper_categories').selectAll().orderBy('category').execute();
      assert.deepEqual(
        cats.map((c) => [c.category, c.announce_day, Number(c.is_primary)]),
        [
          ['cs.AI', '2025-08-20', 0],
          ['cs.CL', '2025-08-20', 1],
        ],
      );
    });

    test('a paper listed in more categories than one statement inserts gets every listing row', { skip }, async () => {
      // SQLite inserts a paper's listing rows 8 to a statement
      const many = Array.from({ length: 19 }, (_, i) => `math.X${String(i).padStart(2, '0')}`);
      await upsertItems(t.store, [{ paper: paper({ id: '2508.00019', categories: many }) }], { calendar });
      const rows = await t.store.db.selectFrom('paper_categories').selectAll().where('announce_day', '=', '2025-08-20').where('category', 'like', 'math.%').orderBy('category').execute();
      assert.deepEqual(
        rows.map((c) => [c.category, Number(c.is_primary)]),
        many.map((c, i) => [c, i === 0 ? 1 : 0]),
      );
      await deletePapers(t.store, ['2508.00019']);
    });

    test('a large batch: every paper keeps its own seq, listing rows, featured row and change order', { skip }, async () => {
      // 40 papers, one featured, one named again later in the batch with a newer version
      const id = (i: number) => `2507.${String(i).padStart(5, '0')}`;
      const items: Parameters<typeof upsertItems>[1] = [];
      for (let i = 1; i <= 40; i++) {
        items.push({ paper: paper({ id: id(i), title: `Paper ${i}`, categories: i % 2 ? ['cs.LG'] : ['cs.CV', `stat.X${i}`] }) });
        if (i === 20) items[items.length - 1]!.featured = { paperId: id(20), featuredAt: '2025-08-25T10:00:00.000Z', upvotes: 7 };
        if (i === 30) items.push({ paper: paper({ id: id(5), title: 'Paper 5, v2', categories: ['cs.LG'], versions: [{ version: 1, submittedAt: '2025-08-19T01:02:03.000Z' }, { version: 2, submittedAt: '2025-08-26T01:02:03.000Z' }] }) });
      }
      const stats = await upsertItems(t.store, items, { calendar });
      // (PostgreSQL merges a batch's records of a paper before writing it: one insert, no update)
      assert.deepEqual(stats, { inserted: 40, updated: engine === 'sqlite' ? 1 : 0, unchanged: 0, featured: 1 });
      const rows = await t.store.db.selectFrom('papers').select(['seq', 'id', 'title', 'version', 'change_seq']).where('id', 'like', '2507.%').orderBy('id').execute();
      assert.equal(rows.length, 40);
      for (const [k, r] of rows.entries()) assert.equal(r.title, k + 1 === 5 ? 'Paper 5, v2' : `Paper ${k + 1}`);
      // seqs follow the items; on SQLite change numbers too, paper 5's update after paper 30
      const bySeq = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.id);
      assert.deepEqual(bySeq, rows.map((r) => r.id));
      const change = (i: number) => Number(rows[i - 1]!.change_seq);
      assert.ok(change(4) < change(6) && change(30) < change(31));
      if (engine === 'sqlite') assert.ok(change(5) > change(30) && change(5) < change(31));
      // listing rows point at their own paper
      const seqOf = new Map(rows.map((r) => [r.id, Number(r.seq)]));
      const cats = await t.store.db.selectFrom('paper_categories').select(['category', 'paper_seq']).where('paper_seq', 'in', [...seqOf.values()]).execute();
      const want = rows.flatMap((r, k) => (k + 1 === 5 || (k + 1) % 2 ? [['cs.LG', Number(r.seq)]] : [['cs.CV', Number(r.seq)], [`stat.X${k + 1}`, Number(r.seq)]]));
      const key = (x: Array<string | number>) => x.join(' ');
      assert.deepEqual(cats.map((c) => key([c.category, Number(c.paper_seq)])).sort(), want.map(key).sort());
      const featured = await t.store.db.selectFrom('featured').select(['paper_seq', 'imported_upvotes']).where('paper_seq', 'in', [...seqOf.values()]).execute();
      assert.deepEqual(featured.map((f) => [Number(f.paper_seq), Number(f.imported_upvotes)]), [[seqOf.get(id(20))!, 7]]);
      await deletePapers(t.store, rows.map((r) => r.id));
    });

    test('importing the same record again changes nothing and never duplicates', { skip }, async () => {
      const stats = await upsertItems(t.store, [{ paper: paper() }, { paper: paper() }], { calendar });
      assert.equal(stats.inserted, 0);
      assert.equal(stats.unchanged, 2);
      assert.equal(await countPapers(t.store), 1);
    });

    test('a newer version wins, versions are merged, listing rows follow', { skip }, async () => {
      const v2 = paper({
        title: 'ALIGN v2',
        versions: [{ version: 2, submittedAt: '2025-09-01T10:00:00.000Z' }],
        categories: ['cs.CL', 'cs.LG'],
        journalRef: 'ACL 2026',
        comments: null,
      });
      const stats = await upsertItems(t.store, [{ paper: v2 }], { calendar });
      assert.equal(stats.updated, 1);
      const p = (await getPaper(t.store, '2508.13426'))!;
      assert.equal(p.title, 'ALIGN v2');
      assert.equal(p.version, 2);
      assert.deepEqual(p.versions, [
        { version: 1, submittedAt: '2025-08-19T01:02:03.000Z' },
        { version: 2, submittedAt: '2025-09-01T10:00:00.000Z' },
      ]);
      assert.equal(p.submittedAt, '2025-08-19T01:02:03.000Z');
      assert.equal(p.updatedAt, '2025-09-01T10:00:00.000Z');
      assert.equal(p.comments, null);
      assert.equal(p.journalRef, 'ACL 2026');
      const cats = await t.store.db.selectFrom('paper_categories').select('category').orderBy('category').execute();
      assert.deepEqual(cats.map((c) => c.category), ['cs.CL', 'cs.LG']);
    });

    test('an older record only fills gaps', { skip }, async () => {
      const old = paper({ title: 'ALIGN (old title)', doi: '10.1000/xyz', journalRef: null });
      await upsertItems(t.store, [{ paper: old }], { calendar });
      const p = (await getPaper(t.store, '2508.13426'))!;
      assert.equal(p.title, 'ALIGN v2');
      assert.equal(p.doi, '10.1000/xyz');
      assert.equal(p.journalRef, 'ACL 2026');
    });

    test('featured papers keep their day, submitter and upvotes; re-import adjusts upvotes', { skip }, async () => {
      const hf = paper({ id: '2509.04664', title: 'Why Language Models Hallucinate', versions: [], categories: [], submittedAt: '2025-09-04T21:26:31.000Z' });
      const featured = {
        paperId: '2509.04664',
        featuredAt: '2025-09-08T02:44:20.973Z',
        upvotes: 26,
        submittedBy: 'taesiri',
        githubRepo: 'https://github.com/example/repo',
        aiKeywords: ['hallucinations'],
        discussionId: '68be5810c123124955ef60b0',
      };
      const s1 = await upsertItems(t.store, [{ paper: hf, featured }], { calendar });
      assert.equal(s1.featured, 1);
      let p = (await getPaper(t.store, '2509.04664'))!;
      assert.equal(p.upvotes, 26);
      assert.equal(p.githubRepo, 'https://github.com/example/repo');
      assert.deepEqual(p.aiKeywords, ['hallucinations']);
      assert.equal(p.featured?.day, '2025-09-08');
      assert.equal(p.featured?.submittedBy, 'taesiri');
      assert.equal(p.version, 0);
      assert.equal(p.announceDay, '2025-09-08');
      await upsertItems(t.store, [{ paper: hf, featured: { ...featured, upvotes: 30, githubRepo: undefined } }], { calendar });
      p = (await getPaper(t.store, '2509.04664'))!;
      assert.equal(p.upvotes, 30);
      assert.equal(p.githubRepo, 'https://github.com/example/repo');
      // The arXiv record arriving later fills in versions and categories.
      await upsertItems(t.store, [{ paper: paper({ id: '2509.04664', title: 'Why Language Models Hallucinate', versions: [{ version: 1, submittedAt: '2025-09-04T21:26:31.000Z' }], categories: ['cs.CL'] }) }], { calendar });
      p = (await getPaper(t.store, '2509.04664'))!;
      assert.equal(p.version, 1);
      assert.deepEqual(p.categories, ['cs.CL']);
      assert.equal(p.upvotes, 30);
    });

    test('the state row is written with the batch', { skip }, async () => {
      await upsertItems(t.store, [{ paper: paper({ id: '2101.00001' }) }], { calendar, state: { key: 'import:x', value: { line: 42 } } });
      assert.deepEqual(await getIngestState(t.store, 'import:x'), { line: 42 });
    });

    test('recent papers come newest announcement day first, newest first within a day', { skip }, async () => {
      const list = await recentPapers(t.store, { limit: 10, offset: 0 });
      assert.deepEqual(list.map((p) => p.id), ['2509.04664', '2101.00001', '2508.13426']);
      const page2 = await recentPapers(t.store, { limit: 2, offset: 2 });
      assert.deepEqual(page2.map((p) => p.id), ['2508.13426']);
    });

    test('the search index follows inserts, updates and deletes', { skip }, async () => {
      const search = await t.search();
      const hits = async (q: string) => (await search.query({ query: parseQuery(q), offset: 0, limit: 50, mode: 'lexical' })).total;
      assert.equal(await hits('hallucinate'), 1);
      assert.equal(await hits('ALIGN'), 2); // 2508.13426 and 2101.00001
      assert.equal(await deletePapers(t.store, ['2101.00001']), 1);
      assert.equal(await hits('ALIGN'), 1);
      assert.deepEqual(await search.check(), { papers: 2, indexed: 2, ok: true });
      const cats = await t.store.db.selectFrom('paper_categories').select('paper_seq').execute();
      assert.ok(cats.length > 0);
      assert.equal(await countPapers(t.store), 2);
    });
  });
}
