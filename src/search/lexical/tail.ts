/**
 * Keeping a lexical index in step with the catalog's change log (papers.change_seq and
 * paper_tombstones), the way src/search/fts-index.ts keeps FTS5 in step: read the rows and the
 * tombstones changed after the position the index covers, apply them in change order up to where
 * either read was cut off, and advance the position. `index.commit()` then makes the changes and
 * the position durable together (the manifest holds both), so a crash re-applies from the last
 * commit, and applying a change twice is harmless.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SearchDoc } from '../types.js';
import type { LexicalChange, LexicalIndex } from './index.js';

/** The catalog columns a search document is made of. */
export interface CatalogRow {
  seq: number;
  change_seq: number;
  id: string;
  title: string;
  /** JSON [{ name, affiliations? }] */
  authors: string;
  author_names: string;
  abstract: string;
  /** space-separated, primary first */
  categories: string;
  announce_day: string | null;
  submitted_at: string | null;
  upvotes: number;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of "YYYY-MM-DD" or an ISO time; 0 when unknown. */
export function dayNumber(text: string | null | undefined): number {
  if (!text) return 0;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return 0;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(t) ? Math.floor(t / DAY_MS) : 0;
}

/** A catalog row as the search indexes see it. */
export function docOfRow(row: CatalogRow): SearchDoc {
  let authors: string[] = [];
  try {
    const parsed = JSON.parse(row.authors) as unknown;
    if (Array.isArray(parsed)) authors = parsed.map((a) => (a && typeof a === 'object' && typeof (a as { name?: unknown }).name === 'string' ? (a as { name: string }).name : '')).filter(Boolean);
  } catch {
    authors = (row.author_names ?? '').split(/,\s*|\s+and\s+/).filter(Boolean);
  }
  return {
    seq: row.seq,
    id: row.id,
    title: row.title ?? '',
    authors,
    abstract: row.abstract ?? '',
    categories: (row.categories ?? '').split(/\s+/).filter(Boolean),
    day: dayNumber(row.announce_day) || dayNumber(row.submitted_at),
    upvotes: Number(row.upvotes) || 0,
  };
}

export interface ChangePage {
  /** in change order */
  changes: LexicalChange[];
  /** change_seq of the last change taken (null: none) */
  last: number | null;
  /** whether changes remain after it */
  more: boolean;
}

/**
 * Merges a page of changed rows and a page of tombstones, both read after the same position
 * with `limit`, into change order, stopping where either page was cut off (past that point the
 * other list may be missing entries).
 */
export function changePage(rows: ReadonlyArray<{ changeSeq: number; doc: SearchDoc }>, tombs: ReadonlyArray<{ seq: number; changeSeq: number }>, limit: number): ChangePage {
  const horizon = Math.min(rows.length === limit ? rows[rows.length - 1]!.changeSeq : Infinity, tombs.length === limit ? tombs[tombs.length - 1]!.changeSeq : Infinity);
  const changes: LexicalChange[] = [];
  let last: number | null = null;
  let r = 0;
  let t = 0;
  while (r < rows.length || t < tombs.length) {
    const row = rows[r];
    const tomb = tombs[t];
    if (row && (!tomb || row.changeSeq < tomb.changeSeq)) {
      if (row.changeSeq > horizon) break;
      changes.push({ seq: row.doc.seq, doc: row.doc });
      last = row.changeSeq;
      r++;
    } else if (tomb) {
      if (tomb.changeSeq > horizon) break;
      changes.push({ seq: tomb.seq, deleted: true });
      last = tomb.changeSeq;
      t++;
    }
  }
  return { changes, last, more: horizon !== Infinity };
}

const statements = new WeakMap<BetterSqlite3.Database, { rows: BetterSqlite3.Statement<[number, number], CatalogRow>; tombs: BetterSqlite3.Statement<[number, number], { seq: number; change_seq: number }> }>();

/**
 * Applies up to `limit` change log entries of a SQLite catalog (a connection without a write
 * transaction open) after the position the index covers. Does not commit.
 */
export function catchUpFromSqlite(index: LexicalIndex, catalog: BetterSqlite3.Database, limit: number): { applied: number; more: boolean } {
  let s = statements.get(catalog);
  if (!s) {
    s = {
      rows: catalog.prepare(
        'SELECT seq, change_seq, id, title, authors, author_names, abstract, categories, announce_day, submitted_at, upvotes FROM papers WHERE change_seq > ? ORDER BY change_seq LIMIT ?',
      ) as BetterSqlite3.Statement<[number, number], CatalogRow>,
      tombs: catalog.prepare('SELECT seq, change_seq FROM paper_tombstones WHERE change_seq > ? ORDER BY change_seq LIMIT ?') as BetterSqlite3.Statement<[number, number], { seq: number; change_seq: number }>,
    };
    statements.set(catalog, s);
  }
  const from = index.changeSeq;
  // one snapshot for both reads, or a change between them could be skipped
  const [rows, tombs] = catalog.transaction(() => [s.rows.all(from, limit), s.tombs.all(from, limit)] as const)();
  const page = changePage(
    rows.map((row) => ({ changeSeq: row.change_seq, doc: docOfRow(row) })),
    tombs.map((x) => ({ seq: x.seq, changeSeq: x.change_seq })),
    limit,
  );
  if (page.last !== null) index.apply(page.changes, page.last);
  return { applied: page.changes.length, more: page.more };
}
