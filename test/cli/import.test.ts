/**
 * `dailypapers import` end to end, on both engines: every recorded fixture format through the
 * real compiled CLI with format auto-detection (exact totals lines, exit codes, stored fields),
 * re-imports that change nothing, standard input, and the same inputs through importInput.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { fixturePath } from '../helpers.js';
import { importInput, type ImportReport } from '../../src/ingest/runner.js';
import type { InputFormat } from '../../src/ingest/types.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { getPaper } from '../../src/papers/repository.js';
import { summarize } from '../../src/cli.js';
import { countAll, hasStackTrace, importStates, lastLine, listingProblems, query, runCli, show, SNAPSHOT_FIXTURE, type CliOptions } from './cli-helpers.js';

const OAI = 'arxiv/oai-pmh/ListRecords-arXivRaw-page.xml';
const API = 'arxiv/api/q_testing_s0_m100.xml';
const RSS = 'arxiv/rss/cs.AI.atom.xml';
const HF_DAYS = ['hf/daily_papers-2026-06-01.json', 'hf/daily_papers-2026-06-02.json', 'hf/daily_papers-2026-10-03.json'];
const HF_ITEM = 'hf/paper-item-2509.04664.json';

/** Every fixture once, in this order, with the totals line each first import prints. */
const FIRST_ROUND: Array<[string, string]> = [
  [SNAPSHOT_FIXTURE, 'snapshot: 200 records read, 200 new, 0 updated, 0 unchanged, 0 bad'],
  [OAI, 'oai: 1000 records read, 1000 new, 0 updated, 0 unchanged, 0 bad'],
  [API, 'arxiv-api: 100 records read, 100 new, 0 updated, 0 unchanged, 0 bad'],
  [RSS, 'rss: 7 records read, 7 new, 0 updated, 0 unchanged, 0 bad'],
  [HF_DAYS[0]!, 'hf: 50 records read, 50 new, 0 updated, 0 unchanged, 50 featured, 0 bad'],
  [HF_DAYS[1]!, 'hf: 66 records read, 66 new, 0 updated, 0 unchanged, 66 featured, 0 bad'],
  [HF_DAYS[2]!, 'hf: 50 records read, 50 new, 0 updated, 0 unchanged, 50 featured, 0 bad'],
  [HF_ITEM, 'hf: 1 records read, 1 new, 0 updated, 0 unchanged, 1 featured, 0 bad'],
];
const TOTAL_PAPERS = 200 + 1000 + 100 + 7 + 50 + 66 + 50 + 1;
const TOTAL_FEATURED = 50 + 66 + 50 + 1;
const ALREADY_SNAPSHOT = 'already imported: this file was imported completely before (200 records). Use --restart to import it again.';

type HfItem = { paper: { id: string; submittedOnDailyAt?: string; githubRepo?: string }; publishedAt?: string; submittedBy?: { name?: string } };
const hfFixture = (rel: string): HfItem[] => JSON.parse(readFileSync(fixturePath(rel), 'utf8')) as HfItem[];

/** Everything the store holds, for "nothing changed" comparisons. */
async function dump(t: TestDb) {
  return {
    papers: await query(t.store, 'SELECT * FROM papers ORDER BY seq'),
    categories: await query(t.store, 'SELECT * FROM paper_categories ORDER BY paper_seq, category'),
    // Every stored fact of a featured row (trending_score is a time-decayed ranking, recomputed on purpose).
    featured: await query(
      t.store,
      `SELECT paper_seq, featured_day, featured_at, source, submitted_by, submitted_by_fullname, submitted_by_avatar, discussion_id, imported_upvotes
       FROM featured ORDER BY paper_seq`,
    ),
    state: await query(t.store, 'SELECT * FROM ingest_state ORDER BY key'),
  };
}

// The engines run side by side (each on its own databases); within an engine, tests run in order.
describe('dailypapers import on every engine', { concurrency: true }, () => {
  for (const engine of ENGINES) {
    describe(engine, { concurrency: 1 }, () => {
      describe(`dailypapers import on ${engine}: every fixture format, auto-detected`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });
        const cli = (args: string[], opts: CliOptions = {}) => runCli(args, { databaseUrl: t.url, ...opts });
        const importFixture = (rel: string, ...flags: string[]) => cli(['import', fixturePath(rel), '--quiet', ...flags]);

        test('the arXiv snapshot: 200 new, every field of a record stored', { skip }, async () => {
          const r = await importFixture(SNAPSHOT_FIXTURE);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), FIRST_ROUND[0]![1]);
          assert.equal(r.stdout, '');
          const counts = await countAll(t.store);
          assert.equal(counts.papers, 200);
          const ids = await query<{ id: string }>(t.store, 'SELECT id FROM papers ORDER BY id');
          assert.deepEqual(
            ids.map((x) => x.id),
            Array.from({ length: 200 }, (_, i) => `0704.${String(i + 1).padStart(4, '0')}`),
          );
          const p = await getPaper(t.store, '0704.0001');
          assert.ok(p);
          assert.equal(p.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
          assert.deepEqual(p.authors, [{ name: 'C. Balázs' }, { name: 'E. L. Berger' }, { name: 'P. M. Nadolsky' }, { name: 'C.-P. Yuan' }]);
          assert.equal(p.authorNames, 'C. Balázs, E. L. Berger, P. M. Nadolsky and C.-P. Yuan');
          assert.equal(p.version, 2);
          assert.deepEqual(p.versions, [
            { version: 1, submittedAt: '2007-04-02T19:18:42.000Z' },
            { version: 2, submittedAt: '2007-07-24T20:10:27.000Z' },
          ]);
          assert.deepEqual(p.categories, ['hep-ph']);
          assert.equal(p.primaryCategory, 'hep-ph');
          assert.equal(p.comments, '37 pages, 15 figures; published version');
          assert.equal(p.journalRef, 'Phys.Rev.D76:013009,2007');
          assert.equal(p.doi, '10.1103/PhysRevD.76.013009');
          assert.equal(p.submitter, 'Pavel Nadolsky');
          assert.equal(p.submittedAt, '2007-04-02T19:18:42.000Z');
          assert.equal(p.updatedAt, '2007-07-24T20:10:27.000Z');
          // Monday 15:18 EDT, after the 14:00 cutoff: Tuesday's mailing, listed Wednesday.
          assert.equal(p.announceDay, '2007-04-04');
          assert.match(p.abstract, /^A fully differential calculation in perturbative quantum chromodynamics/);
          assert.equal(p.featured, null);
          assert.deepEqual(await listingProblems(t.store), []);
          const states = await importStates(t.store);
          assert.equal(states.length, 1);
          assert.match(states[0]!.key, /arxiv-metadata-oai-snapshot\.first200\.jsonl/);
          assert.equal(states[0]!.value.done, true);
          assert.equal(states[0]!.value.line, 200);
          assert.equal(states[0]!.value.records, 200);
          assert.equal(states[0]!.value.offset, readFileSync(fixturePath(SNAPSHOT_FIXTURE)).length);
        });

        test('the same command again says "already imported" and changes nothing', { skip }, async () => {
          const before = await dump(t);
          const r = await importFixture(SNAPSHOT_FIXTURE);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), ALREADY_SNAPSHOT);
          assert.deepEqual(await dump(t), before);
        });

        test('--restart reads the file again: 200 unchanged, no row touched', { skip }, async () => {
          const before = await dump(t);
          const r = await importFixture(SNAPSHOT_FIXTURE, '--restart');
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), 'snapshot: 200 records read, 0 new, 0 updated, 200 unchanged, 0 bad');
          const after = await dump(t);
          assert.deepEqual(after.papers, before.papers);
          assert.deepEqual(after.categories, before.categories);
          assert.equal(after.state.length, 1);
        });

        test('an OAI-PMH arXivRaw page: 1000 records with versions, sizes and affiliations', { skip }, async () => {
          const r = await importFixture(OAI);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), FIRST_ROUND[1]![1]);
          assert.equal((await countAll(t.store)).papers, 1200);
          const p = await getPaper(t.store, '0801.3674');
          assert.ok(p);
          assert.equal(p.title, 'A Study of Structure Formation and Reheating in the D3/D7 Brane Inflation Model');
          assert.deepEqual(p.authors, [
            { name: 'Robert H. Brandenberger', affiliations: ['McGill'] },
            { name: 'Keshav Dasgupta', affiliations: ['McGill'] },
            { name: 'Anne-Christine Davis', affiliations: ['DAMTP, Cambridge'] },
          ]);
          assert.equal(p.version, 4);
          assert.deepEqual(p.versions, [
            { version: 1, submittedAt: '2008-01-23T21:13:53.000Z', size: '33kb' },
            { version: 2, submittedAt: '2008-02-04T15:05:55.000Z', size: '33kb' },
            { version: 3, submittedAt: '2008-03-19T01:33:03.000Z', size: '34kb' },
            { version: 4, submittedAt: '2008-09-11T22:03:53.000Z', size: '31kb' },
          ]);
          assert.deepEqual(p.categories, ['hep-th', 'astro-ph', 'gr-qc', 'hep-ph']);
          assert.equal(p.doi, '10.1103/PhysRevD.78.083502');
          assert.equal(p.journalRef, 'Phys.Rev.D78:083502,2008');
          assert.equal(p.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
          assert.equal(p.submitter, 'Robert Brandenberger');
          const cats = await query<{ category: string; announce_day: string; is_primary: number | string }>(
            t.store,
            `SELECT category, announce_day, is_primary FROM paper_categories WHERE paper_seq = ${p.seq} ORDER BY category`,
          );
          assert.deepEqual(
            cats.map((c) => [c.category, c.announce_day, Number(c.is_primary)]),
            [
              ['astro-ph', p.announceDay, 0],
              ['gr-qc', p.announceDay, 0],
              ['hep-ph', p.announceDay, 0],
              ['hep-th', p.announceDay, 1],
            ],
          );
        });

        test('an arXiv API page (search "testing"): 100 papers', { skip }, async () => {
          const r = await importFixture(API);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), FIRST_ROUND[2]![1]);
          assert.equal((await countAll(t.store)).papers, 1300);
          const p = await getPaper(t.store, '2202.12139');
          assert.ok(p);
          assert.equal(p.title, 'Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques');
          assert.deepEqual(p.authors, [{ name: 'Mohit Kumar Ahuja' }, { name: 'Arnaud Gotlieb' }, { name: 'Helge Spieker' }]);
          assert.deepEqual(p.categories, ['cs.SE', 'cs.LG']);
          assert.equal(p.doi, '10.1109/ICSTW55395.2022.00035');
          assert.equal(p.comments, 'Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022');
          assert.equal(p.submittedAt, '2022-02-24T15:05:19.000Z');
          assert.equal(p.version, 1);
        });

        test('an arXiv RSS (Atom) feed: 7 entries, a "new" one listed on the feed\'s day', { skip }, async () => {
          const r = await importFixture(RSS);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), FIRST_ROUND[3]![1]);
          assert.equal((await countAll(t.store)).papers, 1307);
          const p = await getPaper(t.store, '2508.14001');
          assert.ok(p);
          assert.equal(p.title, 'Neural Architecture Search for Efficient Transformers');
          assert.deepEqual(p.authors, [{ name: 'Alice Smith' }, { name: 'Bob Jones' }]);
          assert.deepEqual(p.categories, ['cs.AI', 'cs.LG']);
          assert.equal(p.license, 'http://creativecommons.org/licenses/by/4.0/');
          assert.equal(p.abstract, 'We propose a neural architecture search method for efficient transformers.');
          assert.equal(p.announceDay, '2025-08-20');
          const listed = await query<{ category: string }>(
            t.store,
            `SELECT category FROM paper_categories WHERE announce_day = '2025-08-20' AND paper_seq = ${p.seq} ORDER BY category`,
          );
          assert.deepEqual(
            listed.map((c) => c.category),
            ['cs.AI', 'cs.LG'],
          );
        });

        test('Hugging Face daily papers: featured rows with their day and submitter', { skip }, async () => {
          for (const [i, rel] of HF_DAYS.entries()) {
            const r = await importFixture(rel);
            assert.equal(r.code, 0, show(r));
            assert.equal(lastLine(r.stderr), FIRST_ROUND[4 + i]![1]);
          }
          for (const rel of HF_DAYS) {
            const items = hfFixture(rel);
            const rows = await query<{ id: string; featured_day: string; submitted_by: string | null; source: string; github_repo: string | null }>(
              t.store,
              `SELECT p.id, f.featured_day, f.submitted_by, f.source, p.github_repo FROM featured f JOIN papers p ON p.seq = f.paper_seq
               WHERE p.id IN (${items.map((it) => `'${it.paper.id}'`).join(', ')}) ORDER BY p.id`,
            );
            const expected = items
              .map((it) => ({
                id: it.paper.id,
                featured_day: (it.paper.submittedOnDailyAt ?? it.publishedAt)!.slice(0, 10),
                submitted_by: it.submittedBy?.name ?? null,
                source: 'hf',
                github_repo: it.paper.githubRepo ?? null,
              }))
              .sort((a, b) => (a.id < b.id ? -1 : 1));
            assert.deepEqual(rows, expected, rel);
          }
          const days = await query<{ featured_day: string; n: number | string; by: number | string }>(
            t.store,
            'SELECT featured_day, count(*) AS n, count(submitted_by) AS by FROM featured GROUP BY featured_day ORDER BY featured_day',
          );
          assert.deepEqual(
            days.map((d) => [d.featured_day, Number(d.n), Number(d.by)]),
            [
              ['2026-06-01', 50, 50],
              ['2026-06-02', 66, 66],
              ['2026-10-03', 50, 0],
            ],
          );
          const p = await getPaper(t.store, '2605.23458');
          assert.ok(p);
          assert.equal(p.title, 'One-Forcing: Towards Stable One-Step Autoregressive Video Generation');
          assert.equal(p.featured?.submittedBy, 'cuijiaxing');
          assert.equal(p.githubRepo, 'https://github.com/Aurora-edu/One-Forcing');
          assert.equal(p.submittedAt, '2026-05-22T00:00:00.000Z');
          assert.equal(p.version, 0); // HF says nothing of versions
        });

        test('one Hugging Face paper item: AI keywords, summary, discussion id, submitter, upvotes', { skip }, async () => {
          const r = await importFixture(HF_ITEM);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), FIRST_ROUND[7]![1]);
          const p = await getPaper(t.store, '2509.04664');
          assert.ok(p);
          assert.equal(p.title, 'Why Language Models Hallucinate');
          assert.deepEqual(p.aiKeywords, ['hallucinations', 'binary classification', 'uncertain responses', 'trustworthy AI systems']);
          assert.match(p.aiSummary ?? '', /^Language models produce incorrect statements due to training and evaluation procedures/);
          assert.equal(p.upvotes, 26);
          assert.deepEqual(
            p.authors.map((a) => a.name),
            ['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang'],
          );
          assert.ok(p.featured);
          assert.equal(p.featured.day, '2025-09-08');
          assert.equal(p.featured.at, '2025-09-08T02:44:20.973Z');
          assert.equal(p.featured.source, 'hf');
          assert.equal(p.featured.discussionId, '68be5810c123124955ef60b0');
          assert.equal(p.featured.submittedBy, 'taesiri');
          assert.equal(p.featured.submittedByFullname, 'taesiri');
          assert.match(p.featured.submittedByAvatar ?? '', /^https:\/\/cdn-avatars\.huggingface\.co\//);
        });

        test('importing everything a second time changes nothing: no duplicate papers, listings or featured rows', { skip }, async () => {
          const before = await dump(t);
          const counts = await countAll(t.store);
          assert.deepEqual(counts, { papers: TOTAL_PAPERS, paper_categories: counts.paper_categories, featured: TOTAL_FEATURED, ingest_state: 1 });
          for (const [rel, first] of FIRST_ROUND) {
            const r = await importFixture(rel);
            assert.equal(r.code, 0, show(r));
            const again =
              rel === SNAPSHOT_FIXTURE
                ? ALREADY_SNAPSHOT
                : first.replace(/(\d+) new, 0 updated, 0 unchanged/, (_, n: string) => `0 new, 0 updated, ${n} unchanged`);
            assert.equal(lastLine(r.stderr), again, rel);
          }
          assert.deepEqual(await countAll(t.store), counts);
          const distinct = await query<{ n: number | string; d: number | string }>(t.store, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM papers');
          assert.equal(Number(distinct[0]!.n), TOTAL_PAPERS);
          assert.equal(Number(distinct[0]!.d), TOTAL_PAPERS);
          const dupFeatured = await query(t.store, 'SELECT paper_seq FROM featured GROUP BY paper_seq HAVING count(*) > 1');
          assert.deepEqual(dupFeatured, []);
          const dupListings = await query(t.store, 'SELECT category, announce_day, paper_seq FROM paper_categories GROUP BY category, announce_day, paper_seq HAVING count(*) > 1');
          assert.deepEqual(dupListings, []);
          assert.deepEqual(await listingProblems(t.store), []);
          // Imported upvotes are not added twice; no row was rewritten.
          assert.equal((await getPaper(t.store, '2509.04664'))?.upvotes, 26);
          assert.deepEqual(await dump(t), before);
          assert.equal((await (await t.search()).check()).ok, true);
        });

        test('progress output without --quiet still ends with the totals line', { skip }, async () => {
          const r = await cli(['import', fixturePath(RSS)]);
          assert.equal(r.code, 0, show(r));
          assert.equal(lastLine(r.stderr), 'rss: 7 records read, 0 new, 0 updated, 7 unchanged, 0 bad');
          assert.equal(hasStackTrace(r.stderr), false);
        });
      });

      describe(`dailypapers import - (standard input) on ${engine}`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });
        const pipe = (rel: string, flags: string[] = [], timeoutMs = 60_000) =>
          runCli(['import', '-', '--quiet', ...flags], { databaseUrl: t.url, stdin: { file: fixturePath(rel) }, timeoutMs });

        test('XML and JSON documents from stdin are detected and stored', { skip }, async () => {
          const oai = await pipe(OAI);
          assert.equal(oai.code, 0, show(oai));
          assert.equal(lastLine(oai.stderr), FIRST_ROUND[1]![1]);
          const rss = await pipe(RSS);
          assert.equal(rss.code, 0, show(rss));
          assert.equal(lastLine(rss.stderr), FIRST_ROUND[3]![1]);
          const hf = await pipe(HF_ITEM);
          assert.equal(hf.code, 0, show(hf));
          assert.equal(lastLine(hf.stderr), FIRST_ROUND[7]![1]);
          const counts = await countAll(t.store);
          assert.equal(counts.papers, 1000 + 7 + 1);
          assert.equal(counts.featured, 1);
          assert.equal(counts.ingest_state, 0);
          assert.equal((await getPaper(t.store, '2508.14002'))?.announceDay, '2025-08-20');
          assert.equal((await getPaper(t.store, '2509.04664'))?.featured?.discussionId, '68be5810c123124955ef60b0');
          assert.equal((await getPaper(t.store, '0801.3674'))?.version, 4);
        });

        test(
          'JSON Lines from stdin: every record stored, totals printed, no resumable position kept',
          { skip },
          async () => {
            // With the bug, PostgreSQL hangs: give up after 4 s.
            const r = await pipe(SNAPSHOT_FIXTURE, ['--batch-size', '10'], 4_000);
            assert.equal(r.timedOut, false, show(r));
            assert.equal(lastLine(r.stderr), 'snapshot: 200 records read, 200 new, 0 updated, 0 unchanged, 0 bad', show(r));
            assert.equal(r.code, 0, show(r));
            assert.equal((await countAll(t.store)).papers, 1008 + 200);
            assert.deepEqual(await importStates(t.store), []);
            assert.ok(await getPaper(t.store, '0704.0200'));
          },
        );
      });

      describe(`concurrent imports on ${engine}`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });

        test(
          'four Hugging Face imports at once, then again: every one succeeds',
          {
            skip,

          },
          async () => {
            const files = [...HF_DAYS, HF_ITEM];
            for (let round = 0; round < 2; round++) {
              const results = await Promise.all(files.map((rel) => runCli(['import', fixturePath(rel), '--quiet'], { databaseUrl: t.url })));
              for (const [i, r] of results.entries()) {
                assert.equal(r.code, 0, `round ${round + 1}, ${files[i]}: ${show(r)}`);
                assert.match(lastLine(r.stderr), /^hf: \d+ records read, .* featured, 0 bad$/);
              }
            }
            const counts = await countAll(t.store);
            assert.equal(counts.papers, TOTAL_FEATURED);
            assert.equal(counts.featured, TOTAL_FEATURED);
          },
        );
      });

      describe(`importInput on ${engine}`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });
        const base = { updated: 0, unchanged: 0, featured: 0, deleted: 0, errors: 0, errorSamples: [], resumedAfterLine: null, interrupted: false, alreadyDone: false };

        test('reports exact totals for each format, file and stream', { skip }, async () => {
          const reports: Array<[string, ImportReport]> = [];
          for (const [rel] of FIRST_ROUND) reports.push([rel, await importInput(t.store, fixturePath(rel), { calendar: DEFAULT_CALENDAR })]);
          const expect = (format: InputFormat, n: number, featured = 0): ImportReport => ({ ...base, format, records: n, inserted: n, featured });
          assert.deepEqual(
            reports.map(([, r]) => r),
            [
              expect('snapshot', 200),
              expect('oai', 1000),
              expect('arxiv-api', 100),
              expect('rss', 7),
              expect('hf', 50, 50),
              expect('hf', 66, 66),
              expect('hf', 50, 50),
              expect('hf', 1, 1),
            ],
          );
          // The CLI prints exactly summarize() of these reports.
          assert.deepEqual(
            reports.map(([, r]) => summarize(r)),
            FIRST_ROUND.map(([, line]) => line),
          );
          const again = await importInput(t.store, fixturePath(SNAPSHOT_FIXTURE), { calendar: DEFAULT_CALENDAR });
          assert.equal(again.alreadyDone, true);
          assert.equal(again.records, 200);
          assert.equal(summarize(again), ALREADY_SNAPSHOT);
          const stream = await importInput(t.store, '-', { calendar: DEFAULT_CALENDAR, stdin: Readable.from([readFileSync(fixturePath(API))]) });
          assert.deepEqual(stream, { ...base, format: 'arxiv-api', records: 100, inserted: 0, unchanged: 100 });
          const counts = await countAll(t.store);
          assert.equal(counts.papers, TOTAL_PAPERS);
          assert.equal(counts.featured, TOTAL_FEATURED);
          assert.deepEqual(await listingProblems(t.store), []);
        });

        test(
          'a JSON Lines stream (the stdin option) is read to its end',
          { skip },
          async () => {
            const bytes = readFileSync(fixturePath(SNAPSHOT_FIXTURE));
            const work = importInput(t.store, '-', { calendar: DEFAULT_CALENDAR, batchSize: 50, stdin: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]) });
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('importInput from a stream did not finish within 60 s: it hangs')), 60_000);
            });
            try {
              const r = await Promise.race([work, timeout]);
              assert.deepEqual(r, { ...base, format: 'snapshot', records: 200, inserted: 0, unchanged: 200 });
            } finally {
              clearTimeout(timer);
            }
          },
        );

        test('a small batch size commits in many batches with the same result', { skip }, async () => {
          const r = await importInput(t.store, fixturePath(SNAPSHOT_FIXTURE), { calendar: DEFAULT_CALENDAR, batchSize: 7, restart: true });
          assert.deepEqual(r, { ...base, format: 'snapshot', records: 200, inserted: 0, unchanged: 200 });
          const states = await importStates(t.store);
          assert.equal(states.length, 1);
          assert.equal(states[0]!.value.done, true);
          assert.equal(states[0]!.value.line, 200);
        });
      });
    });
  }
});
