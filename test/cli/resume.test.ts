/**
 * The crash test: a 60,000-record JSON Lines snapshot imported through the real CLI in batches
 * of 1,000, killed with SIGKILL after a committed batch, interrupted with SIGINT (Ctrl-C) during
 * the resumed run, then run to completion. Exactly 60,000 papers, none twice, listings
 * consistent, and the runs say where they resumed. On both engines.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import {
  bigId,
  countRows,
  hasStackTrace,
  importStates,
  lastLine,
  listingProblems,
  query,
  runCli,
  show,
  startCli,
  waitFor,
  writeBigSnapshot,
  type CliResult,
  type ImportPosition,
} from './cli-helpers.js';

const TOTAL = 60_000;
const BATCH = 1_000;

let dir: string;
let file: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dp-resume-'));
  file = writeBigSnapshot(join(dir, 'snapshot-60000.jsonl'), TOTAL);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('the generated snapshot has 60,000 valid, unique, new-style ids', () => {
  assert.equal(bigId(0), '1501.00001');
  assert.equal(bigId(TOTAL - 1), '1501.60000');
  assert.ok(statSync(file).size > 50_000_000, 'the records keep their full text');
});

/** A fresh database on the engine, the import command, and checks of what it holds. */
function importFixture(engine: (typeof ENGINES)[number]) {
  const ctx = {
    t: undefined as unknown as TestDb,
    args: () => ['import', file, '--batch-size', String(BATCH), '--quiet'],
    start: () => startCli(ctx.args(), { databaseUrl: ctx.t.url, timeoutMs: 120_000 }),
    run: () => runCli(ctx.args(), { databaseUrl: ctx.t.url, timeoutMs: 120_000 }),
    position: async (): Promise<ImportPosition | undefined> => (await importStates(ctx.t.store))[0]?.value,
    /** Waits until the saved position is past `line`. */
    committedPast: (line: number) => waitFor(`a batch committed past line ${line}`, async () => (((await ctx.position())?.line ?? 0) > line ? true : undefined), 60_000),
    /** The saved position must describe exactly the papers stored: they are written in the same transaction. */
    assertConsistent: async (pos: ImportPosition): Promise<number> => {
      const papers = await countRows(ctx.t.store, 'papers');
      assert.equal(papers, pos.line, 'papers stored = lines the saved position says were done');
      assert.equal(pos.records, pos.line);
      assert.equal(pos.errors, 0);
      const distinct = await query<{ n: number | string }>(ctx.t.store, 'SELECT count(DISTINCT id) AS n FROM papers');
      assert.equal(Number(distinct[0]!.n), papers, 'no paper twice');
      assert.deepEqual(await listingProblems(ctx.t.store), []);
      return papers;
    },
    /** After a complete run: exactly the 60,000 generated papers with their fixture fields, listings and full text consistent. */
    assertComplete: async () => {
      const pos = await ctx.position();
      assert.ok(pos);
      assert.equal(pos.done, true);
      assert.equal(await ctx.assertConsistent(pos), TOTAL);
      const ids = await query<{ id: string }>(ctx.t.store, 'SELECT id FROM papers ORDER BY id');
      assert.deepEqual(
        ids.map((x) => x.id),
        Array.from({ length: TOTAL }, (_, i) => bigId(i)),
      );
      // Record i is fixture line i % 200 with a new id: 1501.00001, 1501.00201 and 1501.59801 are all 0704.0001.
      const sample = await query<{ id: string; title: string; doi: string | null }>(ctx.t.store, `SELECT id, title, doi FROM papers WHERE id IN ('1501.00001', '1501.00201', '1501.59801')`);
      assert.equal(sample.length, 3);
      for (const p of sample) {
        assert.equal(p.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies', p.id);
        assert.equal(p.doi, '10.1103/PhysRevD.76.013009');
      }
      const orphans = await query(ctx.t.store, 'SELECT c.paper_seq FROM paper_categories c LEFT JOIN papers p ON p.seq = c.paper_seq WHERE p.seq IS NULL');
      assert.deepEqual(orphans, []);
      if (engine === 'sqlite') assert.equal((await (await ctx.t.search()).check()).ok, true);
    },
  };
  return ctx;
}

/** "(resumed after line N; totals include the earlier run)" at the end of a complete run's totals line. */
const resumedSummary = (line: number) =>
  new RegExp(`^snapshot: ${TOTAL} records read, \\d+ new, 0 updated, 0 unchanged, 0 bad \\(resumed after line ${line}; totals include the earlier run\\)$`);

// The four flows (two per engine) run side by side, each on its own database: a flow's steps run in order.
describe('resumable JSON Lines imports', { concurrency: true }, () => {
  for (const engine of ENGINES) {
    describe(`kill -9 during an import on ${engine}, then the same command to completion`, { concurrency: 1 }, async () => {
      const skip = engine === 'postgres' ? await skipPostgres() : false;
      const ctx = importFixture(engine);
      before(async () => {
        if (!skip) ctx.t = await freshDb(engine);
      });
      after(async () => {
        await ctx.t?.cleanup();
      });
      let killedAt: ImportPosition | undefined;
      let completed: CliResult | undefined;

      test('kill -9 after a committed batch: a consistent partial import', { skip }, async () => {
        const run = await ctx.start();
        await ctx.committedPast(0);
        run.child.kill('SIGKILL');
        const r = await run.result;
        assert.equal(r.signal, 'SIGKILL', `the import must still be running when killed\n${show(r)}`);
        const pos = await ctx.position();
        assert.ok(pos);
        assert.equal(pos.done, false);
        const papers = await ctx.assertConsistent(pos);
        assert.ok(papers >= 1 && papers <= TOTAL - 1, `${papers} papers after the kill`);
        assert.equal(papers % BATCH, 0, 'whole batches only');
        killedAt = pos;
      });

      test('the same command again completes: exactly 60,000 papers, no duplicates, says where it resumed', { skip }, async () => {
        assert.ok(killedAt, 'needs the killed run');
        const r = await ctx.run();
        assert.equal(r.code, 0, show(r));
        assert.match(lastLine(r.stderr), resumedSummary(killedAt.line));
        completed = r;
        await ctx.assertComplete();
      });

      test('a third run says "already imported" and changes nothing', { skip }, async () => {
        assert.ok(completed, 'needs the completed run');
        const before = await query(ctx.t.store, 'SELECT max(modified_at) AS m, count(*) AS n FROM papers');
        const r = await ctx.run();
        assert.equal(r.code, 0, show(r));
        assert.equal(lastLine(r.stderr), `already imported: this file was imported completely before (${TOTAL} records). Use --restart to import it again.`);
        assert.deepEqual(await query(ctx.t.store, 'SELECT max(modified_at) AS m, count(*) AS n FROM papers'), before);
      });

      test(
        'the resumed totals count the papers of the killed run as new too (60000 new)',
        {
          skip,

        },
        async () => {
          assert.ok(completed, 'needs the completed run');
          assert.match(lastLine(completed.stderr), new RegExp(`^snapshot: ${TOTAL} records read, ${TOTAL} new, 0 updated, 0 unchanged, 0 bad`));
          assert.equal((await ctx.position())?.stats.inserted, TOTAL);
        },
      );
    });

    describe(`Ctrl-C during an import on ${engine}, then the same command to completion`, { concurrency: 1 }, async () => {
      const skip = engine === 'postgres' ? await skipPostgres() : false;
      const ctx = importFixture(engine);
      before(async () => {
        if (!skip) ctx.t = await freshDb(engine);
      });
      after(async () => {
        await ctx.t?.cleanup();
      });
      let interruptedAt: ImportPosition | undefined;

      test('SIGINT: exit 130, "run the same command again", every committed batch kept', { skip }, async () => {
        const run = await ctx.start();
        await ctx.committedPast(0);
        run.child.kill('SIGINT');
        const r = await run.result;
        assert.equal(r.code, 130, show(r));
        assert.equal(hasStackTrace(r.stderr), false, show(r));
        assert.match(r.stderr, /run the same command again/i);
        const summary = lastLine(r.stderr);
        assert.match(summary, /Interrupted: run the same command again to continue\.$/, summary);
        const pos = await ctx.position();
        assert.ok(pos);
        assert.equal(pos.done, false);
        assert.equal(Number(/^snapshot: (\d+) records read/.exec(summary)?.[1]), pos.records, 'the totals line counts what was committed');
        const papers = await ctx.assertConsistent(pos);
        assert.ok(papers >= 1 && papers <= TOTAL - 1, `${papers} papers after Ctrl-C`);
        interruptedAt = pos;
      });

      test('the same command again completes to exactly 60,000', { skip }, async () => {
        assert.ok(interruptedAt, 'needs the interrupted run');
        const r = await ctx.run();
        assert.equal(r.code, 0, show(r));
        assert.match(lastLine(r.stderr), resumedSummary(interruptedAt.line));
        await ctx.assertComplete();
      });
    });
  }
});
