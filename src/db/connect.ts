/**
 * Opens the store: embedded SQLite by default, PostgreSQL when DATABASE_URL says postgres://.
 * Every way this can fail that a user can fix (a bad URL, an unreachable server, a missing
 * database, an unwritable directory) becomes one UserError with a message saying what to fix.
 */
import { accessSync, constants, mkdirSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { UserError, errorMessage } from '../errors.js';
import { redact } from '../log.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  dialect: Dialect;
  db: Kysely<Database>;
  /** the better-sqlite3 handle behind `db` (SQLite only), for prepared-statement hot paths; use through withSqlite */
  sqlite: BetterSqlite3.Database | null;
  /** the pool behind `db` (PostgreSQL only) */
  pool: pg.Pool | null;
  /**
   * SQLite only: a second, read-only connection to the catalog, for reading the change log
   * (search indexing) while `db` may be inside a write transaction.
   */
  reader: BetterSqlite3.Database | null;
  /** the database as shown to people: a file path, or a URL with the password masked */
  label: string;
  close(): Promise<void>;
}

/** Parsed DATABASE_URL. */
export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  const u = url.trim();
  if (/^postgres(ql)?:\/\//i.test(u)) {
    try {
      new URL(u);
    } catch {
      throw new UserError('bad_database_url', `DATABASE_URL "${redact(u)}" is not a valid URL. Example: postgres://user@127.0.0.1:5432/dailypapers`);
    }
    return { dialect: 'postgres', url: u };
  }
  if (/^sqlite:/i.test(u)) return { dialect: 'sqlite', file: u.replace(/^sqlite:(\/\/)?/i, '') || ':memory:' };
  if (/^file:/i.test(u)) return { dialect: 'sqlite', file: u.replace(/^file:(\/\/)?/i, '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    throw new UserError(
      'bad_database_url',
      `DATABASE_URL "${redact(u)}" uses an unsupported scheme. Use a file path (./data/dailypapers.db) for SQLite or postgres://user@host:5432/db for PostgreSQL.`,
    );
  }
  if (u === '') throw new UserError('bad_database_url', 'DATABASE_URL is empty.');
  return { dialect: 'sqlite', file: u };
}

export interface OpenOptions {
  /** open read-only (SQLite): backups and inspection */
  readonly?: boolean;
  /** PostgreSQL pool size */
  poolSize?: number;
}

/** Connects and checks the connection works; throws UserError with a fix-it message when it does not. */
export async function openStore(databaseUrl: string, opts: OpenOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.dialect === 'sqlite' ? openSqlite(target.file, opts) : openPostgres(target.url, opts);
}

function openSqlite(file: string, opts: OpenOptions): Store {
  if (file === ':memory:') {
    throw new UserError('bad_database_url', 'An in-memory SQLite database is not supported: the search index lives in a file beside the catalog. Use a file path.');
  }
  const path = resolve(file);
  {
    const dir = dirname(path);
    try {
      ensureDir(dir);
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new UserError(
        'data_dir_unwritable',
        `Cannot write to the data directory ${dir} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}). Make it writable or set DATABASE_URL to a file in a writable directory.`,
      );
    }
  }
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path, { readonly: opts.readonly ?? false });
    sqlite.pragma('busy_timeout = 10000');
    if (!opts.readonly) {
      // A new database gets 16 KiB pages (an existing one keeps its own: the pragma only acts
      // before the first write). Papers are 2–3 kB rows; with 4 KiB pages the bulk import spent
      // ~19 % more CPU storing each one (47 → 38 µs, fewer pages, WAL frames and overflow
      // chains), while a cold random row read costs ~3 µs more.
      sqlite.pragma('page_size = 16384');
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
    }
    sqlite.pragma('foreign_keys = ON');
    // 64 MB page cache, temp b-trees in memory: the catalog is large and read-mostly.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('temp_store = MEMORY');
    sqlite.prepare('SELECT 1').get();
  } catch (err) {
    throw new UserError('database_unusable', `Cannot open the SQLite database ${path}: ${errorMessage(err)}`);
  }
  let reader: BetterSqlite3.Database | null = null;
  if (!opts.readonly) {
    try {
      reader = new BetterSqlite3(path, { readonly: true });
      reader.pragma('busy_timeout = 10000');
    } catch (err) {
      throw new UserError('database_unusable', `Cannot open the SQLite database ${path}: ${errorMessage(err)}`);
    }
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    dialect: 'sqlite',
    db,
    sqlite,
    pool: null,
    reader,
    label: path,
    close: async () => {
      await db.destroy(); // closes the better-sqlite3 handle
      reader?.close();
    },
  };
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync spins forever under /proc, and
 * creating each missing level ourselves turns that into a plain error.
 */
function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/**
 * PostgreSQL: serializes the transactions that write the change log. Sequence numbers are
 * handed out at write time but become visible at commit; without this lock a transaction could
 * commit a smaller number after an indexer had already read past it. Taken first thing in every
 * such transaction, it makes commit order equal number order (writes are short batches).
 */
export async function lockChangeLog(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${CHANGE_LOG_LOCK})`.execute(trx);
}
const CHANGE_LOG_LOCK = 727_361_002;

/** Runs a PostgreSQL transaction again when the server aborted it as a deadlock victim or for serialization. */
export async function retryTransient<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== '40P01' && code !== '40001')) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 50));
    }
  }
}

// int8 (counts, sums) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

async function openPostgres(url: string, opts: OpenOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'dailypapers',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  const label = redact(url);
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw new UserError('database_unreachable', describePgError(err, label));
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    sqlite: null,
    pool,
    reader: null,
    label,
    close: async () => {
      await db.destroy(); // ends the pool
    },
  };
}

function describePgError(err: unknown, label: string): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Cannot reach PostgreSQL at ${label}: connection refused. Is the server running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach PostgreSQL at ${label}: the host name does not resolve.`;
    case 'ETIMEDOUT':
      return `Cannot reach PostgreSQL at ${label}: the connection timed out.`;
    case '3D000':
      return `PostgreSQL at ${label}: ${e.message}. Create it (createdb) or fix the database name in DATABASE_URL.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${label} refused the login: ${e.message}.`;
    default:
      return `Cannot connect to PostgreSQL at ${label}: ${redact(e.message ?? String(err))}`;
  }
}

/**
 * Runs `fn` with the raw better-sqlite3 handle while holding Kysely's connection, so a
 * synchronous transaction in `fn` never lands inside a Kysely transaction that is awaiting.
 */
export async function withSqlite<T>(store: Store, fn: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('withSqlite called on a PostgreSQL store');
  return store.db.connection().execute(async () => fn(sqlite));
}

/**
 * A passive checkpoint of a SQLite catalog's write-ahead log: copies the committed pages into
 * the database file and syncs both, without waiting for (or blocking) readers and the writer. A
 * checkpoint that finds another one running (SQLITE_BUSY) leaves the work to the next.
 *
 * The bulk import's storing connection does not checkpoint on commit (wal_autocheckpoint = 0):
 * the main thread, idle otherwise, checkpoints after every stored batch, so the storing thread
 * no longer waits for the copying and the syncs. Measured at 2.7 million synthetic papers (CPU
 * profiles): the storing thread's commits took 33 s in all with SQLite's automatic checkpoints,
 * 12 s this way; the import took 163 s instead of 182. Only a writer whose transaction begins on
 * a fully checkpointed log restarts the log from its beginning, and the main thread's
 * checkpoints run while the next transaction is open, so the storing connection still
 * checkpoints itself every few batches, between transactions (src/ingest/snapshot-worker.ts).
 */
export function checkpoint(sqlite: BetterSqlite3.Database): void {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
  }
}
