/**
 * The SQLite deployment's full-text index, in its own database file beside the catalog
 * (dailypapers.db → dailypapers.search.db), kept in step by an indexer that tails the catalog's
 * change log: every paper write stamps `papers.change_seq` with the next number, every delete
 * leaves a tombstone with one, and the indexer applies everything after the last number it
 * indexed, recording that number in the same transaction as the index rows.
 *
 * Why a second file: SQLite allows one writer per database file, and FTS5's tokenizing is the
 * most expensive part of storing a paper. With the index in its own file, a bulk import writes
 * papers on one core while the indexer tokenizes on the other. The log makes the indexer
 * resumable and idempotent (a crash, several processes, a rebuild: all converge), and it is the
 * hook any later index (vectors) can tail the same way.
 *
 * Readers call `catchUp` with a small limit before searching, so a process always sees its own
 * writes; a background loop (serve) or a worker thread (bulk import) does the rest.
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';

export const SEARCH_SCHEMA_VERSION = 1;

/** The search index file of a catalog file. */
export function searchDbPath(catalogPath: string): string {
  return catalogPath.endsWith('.db') ? `${catalogPath.slice(0, -3)}.search.db` : `${catalogPath}.search`;
}

/** Opens (creating when needed) the search index file with its schema. */
export function openSearchDb(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  // First, so that even switching to WAL waits for another connection instead of failing.
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(
      title, author_names, abstract,
      content='', contentless_delete=1,
      tokenize='porter unicode61 remove_diacritics 2'
    );
  `);
  const version = db.prepare(`SELECT value FROM index_meta WHERE key = 'schema'`).pluck().get() as number | undefined;
  if (version === undefined) db.prepare(`INSERT INTO index_meta (key, value) VALUES ('schema', ?)`).run(SEARCH_SCHEMA_VERSION);
  return db;
}

/** Removes the search index files (a rebuild starts from an empty index). */
export function removeSearchDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
}

export interface CatchUpResult {
  /** change log entries applied */
  applied: number;
  /** whether entries remain after this call */
  more: boolean;
  /** false when another process held the index and `wait` was false */
  ran: boolean;
}

interface Statements {
  indexed: BetterSqlite3.Statement<[], number>;
  setIndexed: BetterSqlite3.Statement<[number]>;
  maxSeq: BetterSqlite3.Statement<[], number>;
  setMaxSeq: BetterSqlite3.Statement<[number]>;
  insert: BetterSqlite3.Statement<[number, string, string, string]>;
  remove: BetterSqlite3.Statement<[number]>;
  changed: BetterSqlite3.Statement<[number, number], { seq: number; change_seq: number; title: string; author_names: string; abstract: string }>;
  tombstones: BetterSqlite3.Statement<[number, number], { seq: number; change_seq: number }>;
}

const cache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(search: BetterSqlite3.Database, catalog: BetterSqlite3.Database): Statements {
  let s = cache.get(search);
  if (!s) {
    s = {
      indexed: search.prepare(`SELECT coalesce((SELECT value FROM index_meta WHERE key = 'change_seq'), 0)`).pluck() as BetterSqlite3.Statement<[], number>,
      setIndexed: search.prepare(`INSERT INTO index_meta (key, value) VALUES ('change_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      maxSeq: search.prepare(`SELECT coalesce((SELECT value FROM index_meta WHERE key = 'max_seq'), 0)`).pluck() as BetterSqlite3.Statement<[], number>,
      setMaxSeq: search.prepare(`INSERT INTO index_meta (key, value) VALUES ('max_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      insert: search.prepare('INSERT INTO papers_fts (rowid, title, author_names, abstract) VALUES (?, ?, ?, ?)'),
      remove: search.prepare('DELETE FROM papers_fts WHERE rowid = ?'),
      changed: catalog.prepare('SELECT seq, change_seq, title, author_names, abstract FROM papers WHERE change_seq > ? ORDER BY change_seq LIMIT ?'),
      tombstones: catalog.prepare('SELECT seq, change_seq FROM paper_tombstones WHERE change_seq > ? ORDER BY change_seq LIMIT ?'),
    };
    cache.set(search, s);
  }
  return s;
}

/**
 * Applies up to `limit` change log entries from `catalog` (a connection of its own that reads
 * the papers, never one with a write transaction open) to the index in `search`. With `wait: false`, returns at once when another
 * connection is writing the index.
 */
export function catchUp(search: BetterSqlite3.Database, catalog: BetterSqlite3.Database, limit: number, wait = true): CatchUpResult {
  const s = statements(search, catalog);
  try {
    if (!wait) search.pragma('busy_timeout = 0');
    return search.transaction(() => {
      const from = s.indexed.get()!;
      // One snapshot for both reads, or a change between them could be skipped.
      const [rows, tombs] = catalog.transaction(() => [s.changed.all(from, limit), s.tombstones.all(from, limit)] as const)();
      // Apply in change order; stop where either list was cut off by the limit.
      const horizon = Math.min(
        rows.length === limit ? rows[rows.length - 1]!.change_seq : Infinity,
        tombs.length === limit ? tombs[tombs.length - 1]!.change_seq : Infinity,
      );
      let maxSeq = s.maxSeq.get()!;
      let last = from;
      let applied = 0;
      let r = 0;
      let t = 0;
      while (r < rows.length || t < tombs.length) {
        const row = rows[r];
        const tomb = tombs[t];
        if (row && (!tomb || row.change_seq < tomb.change_seq)) {
          if (row.change_seq > horizon) break;
          // Papers beyond the highest seq ever indexed cannot be in the index yet.
          if (row.seq <= maxSeq) s.remove.run(row.seq);
          else maxSeq = row.seq;
          s.insert.run(row.seq, row.title, row.author_names, row.abstract);
          last = row.change_seq;
          r++;
        } else if (tomb) {
          if (tomb.change_seq > horizon) break;
          s.remove.run(tomb.seq);
          last = tomb.change_seq;
          t++;
        }
        applied++;
      }
      if (last !== from) {
        s.setIndexed.run(last);
        s.setMaxSeq.run(maxSeq);
      }
      return { applied, more: horizon !== Infinity, ran: true };
    }).immediate();
  } catch (err) {
    if (!wait && (err as { code?: string }).code === 'SQLITE_BUSY') return { applied: 0, more: true, ran: false };
    throw err;
  } finally {
    if (!wait) search.pragma('busy_timeout = 10000');
  }
}

/** An upper bound of the change log entries not yet indexed (0 when the index is current): numbers of rows rewritten or deleted since are gaps. */
export function pendingChanges(search: BetterSqlite3.Database, catalog: BetterSqlite3.Database): number {
  const s = statements(search, catalog);
  const from = s.indexed.get()!;
  const newest = catalog.prepare(`SELECT max(m) FROM (SELECT max(change_seq) AS m FROM papers UNION ALL SELECT max(change_seq) FROM paper_tombstones)`).pluck().get() as number | null;
  return Math.max(0, (newest ?? 0) - from);
}

/** FTS5's own consistency check of the index structure. */
export function indexIntact(search: BetterSqlite3.Database): boolean {
  try {
    search.prepare(`INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 0)`).run();
    return true;
  } catch {
    return false;
  }
}

/** FTS5 merges segments as it goes; during a bulk load that waits until the end (the setting is persistent). */
export function setAutomerge(search: BetterSqlite3.Database, level: 0 | 4): void {
  // FTS5's configuration commands take no bound parameters.
  search.exec(`INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', ${level})`);
}
