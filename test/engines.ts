/**
 * The dialect loop: store tests run once per engine against real databases. SQLite gets a
 * fresh file in a temp directory; PostgreSQL gets a fresh schema in the server at
 * TEST_DATABASE_URL (default: the local server's `test` database), dropped afterwards.
 * With CI=true a missing PostgreSQL fails the run instead of skipping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../src/db/connect.js';
import { migrate } from '../src/db/migrations.js';
import { SearchService } from '../src/search/service.js';
import type { EmbeddingConfig } from '../src/search/embed/index.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

let pgAvailable: Promise<boolean> | null = null;

/** Whether the PostgreSQL test server answers. */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

/** Reason to skip PostgreSQL tests, or false to run them; with CI=true, throws instead of skipping. */
export async function skipPostgres(): Promise<string | false> {
  if (await postgresAvailable()) return false;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI but ${PG_URL} does not answer`);
  return `PostgreSQL not reachable at ${PG_URL}`;
}

export interface TestDb {
  store: Store;
  /** DATABASE_URL that opens this same database (for CLI and server tests) */
  url: string;
  /** the search directory of this database */
  searchRoot: string;
  /** the search service of this database (opened on first call, closed by cleanup); lexical only unless embeddings are asked for */
  search(opts?: { embeddings?: EmbeddingConfig | false }): Promise<SearchService>;
  cleanup(): Promise<void>;
}

/** search() and its cleanup for a TestDb. */
function searchOf(store: Store, searchRoot: string) {
  let service: Promise<SearchService> | null = null;
  return {
    searchRoot,
    search: (opts: { embeddings?: EmbeddingConfig | false } = {}) => (service ??= SearchService.open(store, { root: searchRoot, embeddings: opts.embeddings ?? false })),
    closeSearch: async () => {
      if (service) await (await service.catch(() => null))?.close().catch(() => {});
      service = null;
    },
  };
}

/** A fresh, migrated, empty database on the engine. */
export async function freshDb(engine: Engine, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dp-test-'));
    const url = join(dir, 'test.db');
    const store = await openStore(url);
    if (opts.migrate !== false) await migrate(store);
    const { searchRoot, search, closeSearch } = searchOf(store, `${url}.search`);
    return {
      store,
      url,
      searchRoot,
      search,
      cleanup: async () => {
        await closeSearch();
        await store.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = withSearchPath(PG_URL, schema);
  const store = await openStore(url, { poolSize: 4 });
  if (opts.migrate !== false) await migrate(store);
  const dir = mkdtempSync(join(tmpdir(), 'dp-test-search-'));
  const { searchRoot, search, closeSearch } = searchOf(store, dir);
  return {
    store,
    url,
    searchRoot,
    search,
    cleanup: async () => {
      await closeSearch();
      rmSync(dir, { recursive: true, force: true });
      await store.close().catch(() => {});
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
