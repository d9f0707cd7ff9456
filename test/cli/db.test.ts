/**
 * `dailypapers db …` through the real CLI: migrate (twice), status, and an online backup of a
 * SQLite database taken while another connection holds an open write transaction in WAL mode.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { fixturePath } from '../helpers.js';
import { MIGRATIONS, schemaVersion } from '../../src/db/migrations.js';
import { countRows, hasStackTrace, runCli, show, SNAPSHOT_FIXTURE, type CliOptions, type CliResult } from './cli-helpers.js';

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

function assertFails(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 1, show(r));
  assert.equal(hasStackTrace(r.stderr), false, show(r));
  assert.match(r.stderr, /^error: /m);
  assert.match(r.stderr, pattern);
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dp-dbcmd-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const engine of ENGINES) {
  describe(`dailypapers db on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    before(async () => {
      if (!skip) t = await freshDb(engine, { migrate: false });
    });
    after(async () => {
      await t?.cleanup();
    });
    const cli = (args: string[], opts: CliOptions = {}) => runCli(args, { databaseUrl: t.url, ...opts });

    test('db status on a database that was never migrated: schema version 0, no papers', { skip }, async () => {
      const r = await cli(['db', 'status']);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, new RegExp(`^database: .+ \\(${engine}\\)\\nschema version: 0\\npapers: 0\\n$`));
      assert.equal(await schemaVersion(t.store), 0);
    });

    test('db migrate applies every migration; a second run says the schema is up to date', { skip }, async () => {
      const first = await cli(['db', 'migrate']);
      assert.equal(first.code, 0, show(first));
      assert.equal(first.stdout, `applied migrations ${MIGRATIONS.map((m) => m.version).sort((a, b) => a - b).join(', ')}\n`);
      assert.equal(await schemaVersion(t.store), LATEST);
      const second = await cli(['db', 'migrate']);
      assert.equal(second.code, 0, show(second));
      assert.equal(second.stdout, 'the schema is up to date\n');
      assert.equal(await schemaVersion(t.store), LATEST);
      assert.equal(await countRows(t.store, 'papers'), 0);
    });

    test('db status shows the engine, the schema version and the paper count', { skip }, async () => {
      const imported = await cli(['import', fixturePath('arxiv/rss/cs.AI.atom.xml'), '--quiet']);
      assert.equal(imported.code, 0, show(imported));
      const r = await cli(['db', 'status']);
      assert.equal(r.code, 0, show(r));
      const label = engine === 'sqlite' ? resolve(t.url) : null;
      assert.match(r.stdout, new RegExp(`^database: (.+) \\(${engine}\\)\\nschema version: ${LATEST}\\npapers: 7\\n$`));
      if (label) assert.ok(r.stdout.startsWith(`database: ${label} (sqlite)\n`), r.stdout);
    });

    if (engine === 'postgres') {
      test('db backup of a PostgreSQL database: exit 1, points to pg_dump, writes no file', { skip }, async () => {
        const target = join(dir, 'pg-backup.db');
        const r = await cli(['db', 'backup', target]);
        assertFails(r, /pg_dump/);
        assert.equal(existsSync(target), false);
      });
    }
  });
}

describe('dailypapers db backup (SQLite)', () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb('sqlite');
  });
  after(async () => {
    await t?.cleanup();
  });

  test('a backup taken during an open write transaction (WAL) holds exactly the committed data', async () => {
    const imported = await runCli(['import', fixturePath(SNAPSHOT_FIXTURE), '--quiet'], { databaseUrl: t.url });
    assert.equal(imported.code, 0, show(imported));
    assert.equal(await countRows(t.store, 'papers'), 200);

    const writer = new BetterSqlite3(t.url);
    try {
      assert.equal(writer.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(writer.pragma('page_size', { simple: true }), 16384, 'a new database has 16 KiB pages');
      // A tiny page cache makes the open transaction spill its pages into the WAL file before commit.
      writer.pragma('cache_size = 8');
      writer.exec('BEGIN IMMEDIATE');
      writer.exec(`INSERT INTO papers (id, version, title, abstract, authors, author_names, categories, primary_category, versions, created_at, modified_at, change_seq)
        SELECT '15' || substr(id, 3), version, title, abstract, authors, author_names, categories, primary_category, versions, created_at, modified_at, change_seq + 1000 FROM papers`);
      writer.exec('DELETE FROM paper_categories');
      assert.equal((writer.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n, 400);
      assert.equal(writer.inTransaction, true);
      // The committed papers are (at least partly) still in the WAL, and so are the uncommitted pages.
      assert.ok(statSync(`${t.url}-wal`).size > 0, 'the WAL holds pages');

      const target = join(dir, 'backup.db');
      const r = await runCli(['db', 'backup', target], { databaseUrl: t.url, timeoutMs: 30_000 });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, new RegExp(`^backed up \\d+ pages to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.includes('partial')),
        [],
        'no partial file left behind',
      );
      assert.equal(writer.inTransaction, true, 'the writer still holds its transaction');

      const copy = new BetterSqlite3(target, { readonly: true, fileMustExist: true });
      try {
        assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal((copy.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n, 200);
        assert.equal((copy.prepare(`SELECT count(*) AS n FROM papers WHERE id LIKE '15%'`).get() as { n: number }).n, 0);
        assert.ok((copy.prepare('SELECT count(*) AS n FROM paper_categories').get() as { n: number }).n > 0);
        assert.equal((copy.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v, LATEST);
        const p = copy.prepare(`SELECT title, doi FROM papers WHERE id = '0704.0001'`).get() as { title: string; doi: string };
        assert.deepEqual(p, { title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies', doi: '10.1103/PhysRevD.76.013009' });
      } finally {
        copy.close();
      }
      writer.exec('ROLLBACK');
    } finally {
      writer.close();
    }
    assert.equal(await countRows(t.store, 'papers'), 200);
  });

  test('db backup refuses a missing database, a missing directory and the database itself (exit 1)', async () => {
    const [missingDb, missingDir, itself] = await Promise.all([
      runCli(['db', 'backup', join(dir, 'b1.db')], { databaseUrl: join(dir, 'no-such.db') }),
      runCli(['db', 'backup', join(dir, 'no-such-dir', 'b2.db')], { databaseUrl: t.url }),
      runCli(['db', 'backup', t.url], { databaseUrl: t.url }),
    ]);
    assertFails(missingDb, /There is no database at .*no-such\.db/);
    assertFails(missingDir, /The directory .*no-such-dir does not exist/);
    assertFails(itself, /must not be the database itself/);
    assert.equal(existsSync(join(dir, 'no-such.db')), false, 'backup must not create the source');
    assert.equal(await countRows(t.store, 'papers'), 200);
  });
});

describe('dailypapers search rebuild', () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb('sqlite');
  });
  after(async () => {
    await t?.cleanup();
  });

  test('rebuilds the lexical index and the embeddings from the catalog; refuses while the index is in use', { timeout: 180_000 }, async () => {
    const imported = await runCli(['import', fixturePath(SNAPSHOT_FIXTURE), '--quiet'], { databaseUrl: t.url });
    assert.equal(imported.code, 0, show(imported));
    const r = await runCli(['search', 'rebuild'], { databaseUrl: t.url, env: { EMBEDDINGS_THREADS: '0' }, timeoutMs: 170_000 });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'indexed 200 papers; embedded 200\n');
    const search = await t.search();
    assert.deepEqual(await search.check(), { papers: 200, indexed: 200, ok: true });
    // the test's own service holds the directory now: a rebuild must refuse, not corrupt it
    const busy = await runCli(['search', 'rebuild'], { databaseUrl: t.url, env: { EMBEDDINGS: 'builtin' } });
    assert.equal(busy.code, 1, show(busy));
    assert.match(busy.stderr, /^error: The search index in .* cannot be rebuilt now: .*Stop the server first\.\n$/);
    assert.equal(hasStackTrace(busy.stderr), false);
  });
});
