/**
 * Reading the catalog's change log as search documents: every paper written after a position
 * (papers.change_seq) and every paper deleted after it (paper_tombstones), merged in change
 * order, from one consistent snapshot. Search indexes apply these and record the last change
 * they applied with their own data, so they resume, converge and can be rebuilt from zero.
 *
 * On PostgreSQL, writers serialize on an advisory lock while they number changes
 * (lockChangeLog), so a reader never sees a number whose predecessors are still uncommitted.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import type { SearchDoc } from './types.js';
import { memoize } from '../memo.js';
import { splitAuthorKeys } from '../papers/names.js';

export type Change = { change: number; seq: number; doc: SearchDoc } | { change: number; seq: number; deleted: true };

export interface ChangeBatch {
  changes: Change[];
  /** the position to record once these are applied (unchanged when there were none) */
  last: number;
  /** whether more changes follow */
  more: boolean;
}

interface PaperChangeRow {
  seq: number;
  change_seq: number;
  id: string;
  title: string;
  author_keys: string;
  abstract: string;
  categories: string;
  announce_day: string | null;
  submitted_at: string | null;
  upvotes: number;
}

const PAPER_COLUMNS = 'seq, change_seq, id, title, author_keys, abstract, categories, announce_day, submitted_at, upvotes';

/** Days since 1970-01-01 of a YYYY-MM-DD (or ISO time) text; 0 when absent. */
export function dayNumber(day: string | null): number {
  if (!day) return 0;
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(t) ? 0 : Math.floor(t / 86_400_000);
}

/**
 * dayNumber of the catalog's day texts, remembered by text: a batch of changes has few distinct
 * days, and the bulk indexer reads millions of them (the Date parse was ~1 µs a paper).
 */
const rememberedDayNumber = memoize(dayNumber, 100_000);
function storedDayNumber(day: string | null): number {
  return day ? rememberedDayNumber(day) : 0;
}

/**
 * A search document from a catalog row's columns (categories space-separated). Authors come as
 * their name keys (papers.author_keys: "c balazs, e l berger", src/papers/names.ts authorKey):
 * what the lexical index makes of a name (folded, split into letters and digits) is the same
 * tokens as of its key. At 2.7 million synthetic papers the bulk indexer spent 7 s building
 * documents while it parsed the authors' JSON, 2 s splitting the keys, and its garbage
 * collection went from 8.9 to 1.8 s.
 */
function searchDoc(seq: number, id: string, title: string, authorKeys: string, abstract: string, categories: string, day: string | null, upvotes: number): SearchDoc {
  return {
    seq,
    id,
    title,
    authors: splitAuthorKeys(authorKeys),
    abstract,
    categories: categories ? categories.split(' ') : [],
    day: storedDayNumber(day),
    upvotes,
  };
}

/** A catalog row as a search document. */
export function toSearchDoc(r: PaperChangeRow): SearchDoc {
  return searchDoc(Number(r.seq), r.id, r.title, r.author_keys, r.abstract, r.categories, r.announce_day ?? r.submitted_at, Number(r.upvotes));
}

/**
 * A SQLite row of PAPER_COLUMNS as an array (better-sqlite3's raw mode: ~1.7 µs a paper less
 * than building a row object the bulk indexer drops at once), in PAPER_COLUMNS' order.
 */
type RawPaperRow = [number, number, string, string, string, string, string, string | null, string | null, number];

function rawToSearchDoc(r: RawPaperRow): SearchDoc {
  return searchDoc(r[0], r[2], r[3], r[4], r[5], r[6], r[7] ?? r[8], r[9]);
}

/** How mergeInOrder reads a paper row: its change number, its seq, its document. */
interface RowReader<R> {
  change(r: R): number;
  seq(r: R): number;
  doc(r: R): SearchDoc;
}
const objectRows: RowReader<PaperChangeRow> = { change: (r) => Number(r.change_seq), seq: (r) => Number(r.seq), doc: toSearchDoc };
const rawRows: RowReader<RawPaperRow> = { change: (r) => r[1], seq: (r) => r[0], doc: rawToSearchDoc };

/** Merges papers and tombstones (each ascending, each cut at `limit`) in change order, up to where both are complete. */
function mergeInOrder<R>(rows: R[], read: RowReader<R>, tombs: Array<{ seq: number; change_seq: number }>, from: number, limit: number): ChangeBatch {
  const horizon = Math.min(
    rows.length === limit ? read.change(rows[rows.length - 1]!) : Infinity,
    tombs.length === limit ? Number(tombs[tombs.length - 1]!.change_seq) : Infinity,
  );
  const changes: Change[] = [];
  let r = 0;
  let t = 0;
  while (r < rows.length || t < tombs.length) {
    const row = rows[r];
    const tomb = tombs[t];
    if (row !== undefined && (!tomb || read.change(row) < Number(tomb.change_seq))) {
      const change = read.change(row);
      if (change > horizon) break;
      changes.push({ change, seq: read.seq(row), doc: read.doc(row) });
      r++;
    } else if (tomb) {
      if (Number(tomb.change_seq) > horizon) break;
      changes.push({ change: Number(tomb.change_seq), seq: Number(tomb.seq), deleted: true });
      t++;
    }
  }
  return { changes, last: changes.length > 0 ? changes[changes.length - 1]!.change : from, more: horizon !== Infinity };
}

const sqliteStatements = new WeakMap<BetterSqlite3.Database, { rows: BetterSqlite3.Statement; tombs: BetterSqlite3.Statement }>();

/** The next changes after `from` from a SQLite connection of its own (never one with a write transaction open). */
export function readChangesSqlite(reader: BetterSqlite3.Database, from: number, limit: number): ChangeBatch {
  let st = sqliteStatements.get(reader);
  if (!st) {
    st = {
      rows: reader.prepare(`SELECT ${PAPER_COLUMNS} FROM papers WHERE change_seq > ? ORDER BY change_seq LIMIT ?`).raw(),
      tombs: reader.prepare('SELECT seq, change_seq FROM paper_tombstones WHERE change_seq > ? ORDER BY change_seq LIMIT ?'),
    };
    sqliteStatements.set(reader, st);
  }
  const s = st;
  // One snapshot for both reads, or a change between them could be skipped.
  return reader.transaction(() =>
    mergeInOrder(s.rows.all(from, limit) as RawPaperRow[], rawRows, s.tombs.all(from, limit) as Array<{ seq: number; change_seq: number }>, from, limit),
  )();
}

/** The next changes after `from`, on either engine. */
export async function readChanges(store: Store, from: number, limit: number): Promise<ChangeBatch> {
  if (store.reader) return readChangesSqlite(store.reader, from, limit);
  // Repeatable read: both queries see one snapshot.
  return store.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const rows = await sql<PaperChangeRow>`SELECT ${sql.raw(PAPER_COLUMNS)} FROM papers WHERE change_seq > ${from} ORDER BY change_seq LIMIT ${limit}`.execute(trx);
    const tombs = await sql<{ seq: number; change_seq: number }>`SELECT seq, change_seq FROM paper_tombstones WHERE change_seq > ${from} ORDER BY change_seq LIMIT ${limit}`.execute(trx);
    return mergeInOrder(rows.rows, objectRows, tombs.rows, from, limit);
  });
}

/** The newest change number in the catalog (0 when empty). */
export async function newestChange(store: Store): Promise<number> {
  const r = await sql<{ n: number | null }>`SELECT max(m) AS n FROM (SELECT max(change_seq) AS m FROM papers UNION ALL SELECT max(change_seq) AS m FROM paper_tombstones) t`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}
