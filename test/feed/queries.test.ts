import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { parsePeriod, periodOf, isoWeekKey, periodTitle } from '../../src/feed/periods.js';
import { featuredPapers, latestFeaturedDay, adjacentFeaturedPeriods } from '../../src/feed/featured.js';
import { trendingScore, refreshTrending } from '../../src/feed/trending.js';
import { listing, latestListingDayOf, adjacentListingDays } from '../../src/feed/listings.js';
import { papersByAuthor, authorKey } from '../../src/feed/authors.js';
import { UserError } from '../../src/errors.js';

test('periods: days, ISO weeks and months as half-open ranges', () => {
  assert.deepEqual(parsePeriod('week', '2026-W23'), { kind: 'week', key: '2026-W23', start: '2026-06-01', end: '2026-06-08' });
  assert.deepEqual(parsePeriod('month', '2026-12'), { kind: 'month', key: '2026-12', start: '2026-12-01', end: '2027-01-01' });
  assert.deepEqual(parsePeriod('day', '2024-02-29'), { kind: 'day', key: '2024-02-29', start: '2024-02-29', end: '2024-03-01' });
  assert.equal(isoWeekKey('2021-01-03'), '2020-W53');
  assert.equal(isoWeekKey('2026-06-01'), '2026-W23');
  assert.equal(isoWeekKey('2024-12-30'), '2025-W01');
  assert.equal(periodOf('week', '2026-06-07').key, '2026-W23');
  assert.equal(parsePeriod('week', '2020-W53').start, '2020-12-28');
  assert.equal(periodTitle(parsePeriod('month', '2026-06')), 'June 2026');
  assert.equal(periodTitle(parsePeriod('week', '2026-W23')), 'Week 23 of 2026 (1 Jun – 7 Jun)');
  for (const [kind, bad] of [['day', '2026-13-01'], ['day', '2023-02-29'], ['day', 'yesterday'], ['week', '2026-W60'], ['week', '2026-W00'], ['week', '2021-W53'], ['month', '2026-1'], ['month', '2026-13']] as const) {
    assert.throws(() => parsePeriod(kind, bad), (e: unknown) => e instanceof UserError && e.message.includes(bad) && /for example/.test(e.message), `${kind} ${bad}`);
  }
});

test('trending score formula', () => {
  const now = new Date('2026-06-02T00:00:00.000Z');
  // 22 h old, 3 upvotes, 1 comment: (3 + 2 + 1) / (22 + 2)^1.5
  assert.equal(trendingScore(3, 1, '2026-06-01T02:00:00.000Z', now), 6 / Math.pow(24, 1.5));
  // newer beats older at equal votes; more votes beat fewer at equal age
  assert.ok(trendingScore(0, 0, '2026-06-01T23:00:00.000Z', now) > trendingScore(0, 0, '2026-06-01T01:00:00.000Z', now));
  assert.ok(trendingScore(5, 0, '2026-06-01T12:00:00.000Z', now) > trendingScore(4, 0, '2026-06-01T12:00:00.000Z', now));
});

test('author keys ignore case, accents and punctuation', () => {
  assert.equal(authorKey('C. Balázs'), 'c balazs');
  assert.equal(authorKey('  Anne-Christine  DAVIS '), 'anne christine davis');
});

for (const engine of ENGINES) {
  describe(`feed queries on ${engine} with the bundled sample`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    before(async () => {
      if (skip) return;
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, DEFAULT_CALENDAR);
    });
    after(async () => t?.cleanup());

    test('featured days, weeks and months', { skip }, async () => {
      assert.equal(await latestFeaturedDay(t.store), '2026-10-03');
      const day = await featuredPapers(t.store, { from: '2026-06-01', to: '2026-06-02', sort: 'upvotes', limit: 10, offset: 0 });
      assert.equal(day.total, 50);
      assert.equal(day.papers.length, 10);
      assert.ok(day.papers.every((p) => p.featured?.day === '2026-06-01'));
      const week = parsePeriod('week', '2026-W23');
      const w = await featuredPapers(t.store, { from: week.start, to: week.end, sort: 'upvotes', limit: 200, offset: 0 });
      assert.equal(w.total, 116);
      const ids = w.papers.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length);
      const m = await featuredPapers(t.store, { from: '2026-10-01', to: '2026-11-01', sort: 'publishedAt', limit: 100, offset: 0 });
      assert.equal(m.total, 50);
    });

    test('previous and next skip empty periods', { skip }, async () => {
      const adj = await adjacentFeaturedPeriods(t.store, parsePeriod('day', '2026-10-03'));
      assert.equal(adj.prev?.key, '2026-06-02');
      assert.equal(adj.next, null);
      const w = await adjacentFeaturedPeriods(t.store, parsePeriod('week', '2026-W23'));
      assert.equal(w.prev?.key, isoWeekKey('2025-09-08'));
      assert.equal(w.next?.key, isoWeekKey('2026-10-03'));
      const empty = await adjacentFeaturedPeriods(t.store, parsePeriod('month', '2026-08'));
      assert.equal(empty.prev?.key, '2026-06');
      assert.equal(empty.next?.key, '2026-10');
    });

    test('upvotes rank a period, ties newest first; submitter filter', { skip }, async () => {
      const all = await featuredPapers(t.store, { from: '2025-09-01', to: '2025-10-01', sort: 'upvotes', limit: 10, offset: 0 });
      assert.equal(all.papers[0]?.id, '2509.04664');
      assert.equal(all.papers[0]?.upvotes, 26);
      const by = await featuredPapers(t.store, { submitter: 'taesiri', sort: 'upvotes', limit: 100, offset: 0 });
      assert.ok(by.total >= 1);
      assert.ok(by.papers.every((p) => p.featured?.submittedBy === 'taesiri'));
    });

    test('trending ranks by the stored decayed score', { skip }, async () => {
      const now = new Date('2025-09-09T00:00:00.000Z');
      const n = await refreshTrending(t.store, now);
      assert.equal(n, 167);
      const top = await featuredPapers(t.store, { sort: 'trending', limit: 3, offset: 0 });
      // At this moment 2509.04664 is the only paper already featured, with 26 upvotes.
      assert.equal(top.papers[0]?.id, '2509.04664');
    });

    test('new-on-arXiv listing with cross-lists marked', { skip }, async () => {
      const day = '2025-08-20';
      const l = await listing(t.store, 'cs.AI', day, { limit: 100, offset: 0 });
      assert.ok(l.total >= 2);
      const cross = l.papers.find((p) => p.id === '2508.13426');
      assert.ok(cross, '2508.13426 is listed in cs.AI on its announcement day');
      assert.equal(cross.cross, true);
      assert.equal(l.crossLists, l.papers.filter((p) => p.cross).length);
      // New submissions come before cross-lists.
      const firstCross = l.papers.findIndex((p) => p.cross);
      assert.ok(l.papers.slice(firstCross).every((p) => p.cross));
      assert.ok((await latestListingDayOf(t.store, 'cs.AI'))! >= day);
      assert.equal(await latestListingDayOf(t.store, 'nonexistent.XX'), null);
      const adj = await adjacentListingDays(t.store, 'hep-ph', '2007-04-03');
      assert.ok(adj.prev === null || adj.prev < '2007-04-03');
    });

    test('author pages match exact names only, accents ignored', { skip }, async () => {
      const w = await papersByAuthor(t.store, await t.search(), 'Tobias Windisch', { limit: 10, offset: 0 });
      assert.deepEqual(w.papers.map((p) => p.id), ['1605.08386']);
      const b = await papersByAuthor(t.store, await t.search(), 'C. Balazs', { limit: 10, offset: 0 });
      assert.deepEqual(b.papers.map((p) => p.id), ['0704.0001']);
      assert.equal((await papersByAuthor(t.store, await t.search(), 'Tobias', { limit: 10, offset: 0 })).total, 0);
      assert.equal((await papersByAuthor(t.store, await t.search(), '"); DROP TABLE papers; --', { limit: 10, offset: 0 })).total, 0);
    });

    test('search finds words in titles first; query syntax is only ever text', { skip }, async () => {
      const search = await t.search();
      const find = async (q: string) => (await search.findPapers(q, { offset: 0, limit: 5 })).papers.map((p) => p.id);
      assert.equal((await find('language models hallucinate'))[0], '2509.04664');
      assert.deepEqual(await find('"*:()^-'), []);
      assert.ok((await find('zzzzqqq heat-bath')).includes('1605.08386'));
    });
  });
}
