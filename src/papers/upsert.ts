/**
 * Writing papers: insert new ones, merge re-imports into existing ones (never a duplicate),
 * keep the per-category listing rows and the featured rows in step, all in one transaction per
 * batch. An optional ingest-state row is written in the same transaction, so a resumable job's
 * position can never run ahead of, or behind, the papers it describes.
 *
 * SQLite runs the batch synchronously through prepared statements (the bulk-import hot path);
 * PostgreSQL runs it through Kysely with multi-row statements.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Transaction } from 'kysely';
import type { Database, PaperRow } from '../db/schema.js';
import { lockChangeLog, retryTransient, withSqlite, type Store } from '../db/connect.js';
import type { IngestItem } from '../ingest/types.js';
import type { FeaturedPaper, PaperAuthor } from './model.js';
import { mergePaper, sameValues, type PaperValues } from './merge.js';
import { PAPER_VALUE_COLUMNS, paperValuesOf, type StoredPaperRow } from './repository.js';
import type { Calendar } from './calendar.js';
import { AUTHOR_KEYS_SEPARATOR, authorKey } from './names.js';

export interface UpsertOptions {
  calendar: Calendar;
  now?: Date;
  /** an ingest_state row to write in the same transaction (resumable jobs); a function gets the batch's stats */
  state?: { key: string; value: unknown };
}

export interface UpsertStats {
  inserted: number;
  updated: number;
  unchanged: number;
  featured: number;
}

export function emptyStats(): UpsertStats {
  return { inserted: 0, updated: 0, unchanged: 0, featured: 0 };
}

export function sumStats(a: UpsertStats, b: UpsertStats): UpsertStats {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, featured: a.featured + b.featured };
}

/** Stores a batch of papers (and their featured records) in one transaction. */
export async function upsertItems(store: Store, items: IngestItem[], opts: UpsertOptions): Promise<UpsertStats> {
  const now = (opts.now ?? new Date()).toISOString();
  if (store.dialect === 'sqlite') return withSqlite(store, (db) => upsertSqlite(db, items, opts, now));
  return retryTransient(() => store.db.transaction().execute((trx) => upsertPostgres(trx, items, opts, now)));
}

function stateValue(value: unknown, stats: UpsertStats): unknown {
  return typeof value === 'function' ? (value as (s: UpsertStats) => unknown)(stats) : value;
}

// ---------------------------------------------------------------- row encoding

/** The stored columns a merge reads: the paper's values and its seq. */
const STORED_COLUMNS = ['seq', ...PAPER_VALUE_COLUMNS] as const;
const SELECT_COLUMNS = STORED_COLUMNS.join(', ');

type StoredRow = StoredPaperRow & Pick<PaperRow, 'seq'>;

/** Joins author names the way arXiv writes them: "A, B and C". */
export function joinAuthorNames(authors: PaperAuthor[]): string {
  const names = authors.map((a) => a.name);
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** PostgreSQL text cannot hold NUL, and no paper needs one: dropped from every stored string. */
function text<T extends string | null>(s: T): T {
  return (s && s.includes('\0') ? s.replaceAll('\0', '') : s) as T;
}

function encode(v: PaperValues) {
  return {
    id: v.id,
    version: v.version,
    title: text(v.title),
    abstract: text(v.abstract),
    authors: JSON.stringify(v.authors),
    author_names: text(joinAuthorNames(v.authors)),
    author_keys: authorKeys(v.authors),
    categories: v.categories.join(' '),
    primary_category: v.categories[0] ?? null,
    versions: JSON.stringify(v.versions),
    comments: text(v.comments),
    journal_ref: text(v.journalRef),
    doi: text(v.doi),
    report_no: text(v.reportNo),
    license: text(v.license),
    submitter: text(v.submitter),
    submitted_at: v.submittedAt,
    updated_at: v.updatedAt,
    announce_day: v.announceDay,
  };
}

type EncodedPaper = ReturnType<typeof encode>;

/** Author keys as names.ts authorKey makes them; an all-ASCII name (nearly all) without Unicode normalization. */
function authorKeys(authors: PaperAuthor[]): string {
  let out = '';
  for (let i = 0; i < authors.length; i++) {
    const name = authors[i]!.name;
    let ascii = true;
    for (let k = 0; k < name.length; k++) {
      if (name.charCodeAt(k) > 127) {
        ascii = false;
        break;
      }
    }
    // ASCII: NFKD changes nothing, there are no combining marks, and \p{L}\p{N} are [a-z0-9] once lowercased
    const key = ascii ? name.toLowerCase().replace(NOT_ALNUM, ' ').trim() : authorKey(name);
    out = i === 0 ? key : out + AUTHOR_KEYS_SEPARATOR + key;
  }
  return out;
}
const NOT_ALNUM = /[^a-z0-9]+/g;

/** Listing rows of a paper: one per category on its announcement day. */
function categoryKeys(v: PaperValues): Array<[string, string, number]> {
  if (!v.announceDay) return [];
  return v.categories.map((c, i) => [c, v.announceDay!, i === 0 ? 1 : 0]);
}

function featuredDay(f: FeaturedPaper): string {
  return f.featuredAt.slice(0, 10);
}

/** Paper columns that come with featured data (HF): only known values overwrite. */
function extrasOf(f: FeaturedPaper) {
  return {
    github_repo: f.githubRepo ?? null,
    github_stars: f.githubStars ?? null,
    project_page: f.projectPage ?? null,
    ai_summary: f.aiSummary ?? null,
    ai_keywords: f.aiKeywords ? JSON.stringify(f.aiKeywords) : null,
    thumbnail: f.thumbnail ?? null,
  };
}

// ---------------------------------------------------------------- SQLite

const statementCache = new WeakMap<BetterSqlite3.Database, ReturnType<typeof prepareSqlite>>();

function prepareSqlite(db: BetterSqlite3.Database) {
  return {
    select: db.prepare<[string], StoredRow>(`SELECT ${SELECT_COLUMNS} FROM papers WHERE id = ?`),
    /** which of a JSON array of ids are stored: one statement for a whole batch */
    stored: db.prepare<[string], string>('SELECT p.id FROM json_each(?) AS j JOIN papers AS p ON p.id = j.value').pluck(),
    // positional: binding 22 values from an argument list is much cheaper than from an object's properties
    insert: db.prepare<unknown[]>(
      `INSERT INTO papers (id, version, title, abstract, authors, author_names, author_keys, categories, primary_category, versions,
        comments, journal_ref, doi, report_no, license, submitter, submitted_at, updated_at, announce_day, created_at, modified_at, change_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare(
      `UPDATE papers SET version = @version, title = @title, abstract = @abstract, authors = @authors,
        author_names = @author_names, author_keys = @author_keys, categories = @categories, primary_category = @primary_category,
        versions = @versions, comments = @comments, journal_ref = @journal_ref, doi = @doi, report_no = @report_no,
        license = @license, submitter = @submitter, submitted_at = @submitted_at, updated_at = @updated_at,
        announce_day = @announce_day, modified_at = @now, change_seq = @change
       WHERE seq = @seq`,
    ),
    extras: db.prepare(
      `UPDATE papers SET github_repo = coalesce(@github_repo, github_repo), github_stars = coalesce(@github_stars, github_stars),
        project_page = coalesce(@project_page, project_page), ai_summary = coalesce(@ai_summary, ai_summary),
        ai_keywords = coalesce(@ai_keywords, ai_keywords), thumbnail = coalesce(@thumbnail, thumbnail),
        upvotes = upvotes + @upvotes - coalesce((SELECT imported_upvotes FROM featured WHERE paper_seq = @seq), 0),
        num_comments = num_comments + @comments - coalesce((SELECT imported_comments FROM featured WHERE paper_seq = @seq), 0)
       WHERE seq = @seq`,
    ),
    featured: db.prepare(
      `INSERT INTO featured (paper_seq, featured_day, featured_at, source, submitted_by, submitted_by_fullname,
        submitted_by_avatar, discussion_id, imported_upvotes, imported_comments)
       VALUES (@seq, @day, @at, 'hf', @by, @fullname, @avatar, @discussion, @upvotes, @comments)
       ON CONFLICT (paper_seq) DO UPDATE SET featured_day = excluded.featured_day, featured_at = excluded.featured_at,
        submitted_by = coalesce(excluded.submitted_by, featured.submitted_by),
        submitted_by_fullname = coalesce(excluded.submitted_by_fullname, featured.submitted_by_fullname),
        submitted_by_avatar = coalesce(excluded.submitted_by_avatar, featured.submitted_by_avatar),
        discussion_id = coalesce(excluded.discussion_id, featured.discussion_id),
        imported_upvotes = excluded.imported_upvotes, imported_comments = excluded.imported_comments`,
    ),
    lastChange: db.prepare(`SELECT max(coalesce((SELECT max(change_seq) FROM papers), 0), coalesce((SELECT max(change_seq) FROM paper_tombstones), 0))`).pluck(),
    /** a paper's listing rows in one statement: insertCategories[n − 1] inserts n rows (see insertCategoryRows) */
    insertCategories: Array.from({ length: CATEGORY_ROWS_PER_STATEMENT }, (_, i) =>
      db.prepare<unknown[]>(
        `INSERT OR IGNORE INTO paper_categories (category, announce_day, paper_seq, is_primary) VALUES ${Array(i + 1).fill('(?, ?, ?, ?)').join(', ')}`,
      ),
    ),
    deleteCategory: db.prepare('DELETE FROM paper_categories WHERE category = ? AND announce_day = ? AND paper_seq = ?'),
    state: db.prepare(
      `INSERT INTO ingest_state (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ),
  };
}

/**
 * Listing rows per statement. One statement for a paper's rows instead of one per row: a paper
 * has ~2.5 categories, and the statement overhead was ~1 µs of the ~2.4 µs a row cost.
 */
const CATEGORY_ROWS_PER_STATEMENT = 8;

/** Inserts a paper's listing rows, up to CATEGORY_ROWS_PER_STATEMENT a statement. */
function insertCategoryRows(s: ReturnType<typeof prepareSqlite>, v: PaperValues, seq: number): void {
  const keys = categoryKeys(v);
  for (let i = 0; i < keys.length; i += CATEGORY_ROWS_PER_STATEMENT) {
    const n = Math.min(CATEGORY_ROWS_PER_STATEMENT, keys.length - i);
    const values: unknown[] = new Array(4 * n);
    for (let j = 0; j < n; j++) {
      const [c, day, primary] = keys[i + j]!;
      values[4 * j] = c;
      values[4 * j + 1] = day;
      values[4 * j + 2] = seq;
      values[4 * j + 3] = primary;
    }
    s.insertCategories[n - 1]!.run(values);
  }
}

/** The insert statement's values, in its column order. */
function insertValues(e: EncodedPaper, now: string, change: number): unknown[] {
  return [
    e.id, e.version, e.title, e.abstract, e.authors, e.author_names, e.author_keys, e.categories, e.primary_category, e.versions,
    e.comments, e.journal_ref, e.doi, e.report_no, e.license, e.submitter, e.submitted_at, e.updated_at, e.announce_day, now, now, change,
  ];
}

const SURROGATE = /[\uD800-\uDFFF]/;

function upsertSqlite(db: BetterSqlite3.Database, items: IngestItem[], opts: UpsertOptions, now: string): UpsertStats {
  let st = statementCache.get(db);
  if (!st) statementCache.set(db, (st = prepareSqlite(db)));
  const s = st;
  const stats: UpsertStats = { inserted: 0, updated: 0, unchanged: 0, featured: 0 };
  db.transaction(() => {
    // The change log's next numbers: this transaction holds the write lock, so they are ours.
    let change = s.lastChange.get() as number;
    // One lookup for the batch instead of one per paper (a bulk import's papers are all new).
    // A paper not stored before the batch, and not inserted by an earlier item of it, is new.
    const stored = new Set(s.stored.all(JSON.stringify(items.map((i) => i.paper.id))));
    const inserted = new Set<string>();
    for (const item of items) {
      const id = item.paper.id;
      // (an id with surrogates might not survive the JSON round trip unchanged: looked up itself)
      const row = stored.has(id) || inserted.has(id) || SURROGATE.test(id) ? s.select.get(id) : undefined;
      let seq: number;
      if (!row) {
        const values = mergePaper(null, item.paper, opts.calendar);
        seq = Number(s.insert.run(insertValues(encode(values), now, ++change)).lastInsertRowid);
        inserted.add(id);
        insertCategoryRows(s, values, seq);
        stats.inserted++;
      } else {
        seq = row.seq;
        const before = paperValuesOf(row);
        const after = mergePaper(before, item.paper, opts.calendar);
        if (sameValues(before, after)) stats.unchanged++;
        else {
          s.update.run({ ...encode(after), seq, now, change: ++change });
          for (const [c, day] of categoryKeys(before)) s.deleteCategory.run(c, day, seq);
          insertCategoryRows(s, after, seq);
          stats.updated++;
        }
      }
      const f = item.featured;
      if (f) {
        const comments = f.numComments ?? 0;
        s.extras.run({ ...extrasOf(f), upvotes: f.upvotes, comments, seq });
        s.featured.run({
          seq,
          day: featuredDay(f),
          at: f.featuredAt,
          by: f.submittedBy ?? null,
          fullname: f.submittedByFullname ?? null,
          avatar: f.submittedByAvatarUrl ?? null,
          discussion: f.discussionId ?? null,
          upvotes: f.upvotes,
          comments,
        });
        stats.featured++;
      }
    }
    if (opts.state) s.state.run(opts.state.key, JSON.stringify(stateValue(opts.state.value, stats)), now);
  }).immediate();
  return stats;
}

// ---------------------------------------------------------------- PostgreSQL

async function upsertPostgres(trx: Transaction<Database>, items: IngestItem[], opts: UpsertOptions, now: string): Promise<UpsertStats> {
  const stats: UpsertStats = { inserted: 0, updated: 0, unchanged: 0, featured: 0 };
  await lockChangeLog(trx);
  // A batch may name a paper twice (a feed listing it as new and as cross-list): merge in order.
  const ids = [...new Set(items.map((i) => i.paper.id))];
  const existing = new Map<string, { seq: number; values: PaperValues }>();
  if (ids.length > 0) {
    const rows = (await trx
      .selectFrom('papers')
      .select(STORED_COLUMNS)
      .where('id', 'in', ids)
      .forUpdate()
      .execute()) as StoredRow[];
    for (const r of rows) existing.set(r.id, { seq: Number(r.seq), values: paperValuesOf(r) });
  }

  // Merge item by item, so a batch that names a paper twice stores the merge of both.
  const original = new Map<string, PaperValues | null>();
  const merged = new Map<string, PaperValues>();
  for (const item of items) {
    const id = item.paper.id;
    if (!original.has(id)) original.set(id, existing.get(id)?.values ?? null);
    const prev = merged.get(id) ?? original.get(id) ?? null;
    const next = mergePaper(prev, item.paper, opts.calendar);
    if (prev && sameValues(prev, next)) stats.unchanged++;
    merged.set(id, next);
  }

  const toInsert: EncodedPaper[] = [];
  for (const [id, values] of merged) {
    const before = original.get(id) ?? null;
    if (!before) {
      toInsert.push(encode(values));
      continue;
    }
    if (sameValues(before, values)) continue;
    const seq = existing.get(id)!.seq;
    await trx
      .updateTable('papers')
      .set({ ...encode(values), modified_at: now, change_seq: sql<number>`nextval('papers_change_seq')` })
      .where('seq', '=', seq)
      .execute();
    for (const [c, day] of categoryKeys(before)) {
      await trx.deleteFrom('paper_categories').where('category', '=', c).where('announce_day', '=', day).where('paper_seq', '=', seq).execute();
    }
    await insertCategories(trx, seq, values);
    stats.updated++;
  }

  for (let i = 0; i < toInsert.length; i += 1000) {
    const chunk = toInsert.slice(i, i + 1000);
    const inserted = await trx
      .insertInto('papers')
      .values(chunk.map((r) => ({ ...r, created_at: now, modified_at: now })))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning(['seq', 'id'])
      .execute();
    const catRows: Database['paper_categories'][] = [];
    for (const r of inserted) {
      const seq = Number(r.seq);
      existing.set(r.id, { seq, values: merged.get(r.id)! });
      for (const [category, announce_day, is_primary] of categoryKeys(merged.get(r.id)!)) {
        catRows.push({ category, announce_day, paper_seq: seq, is_primary });
      }
    }
    for (let j = 0; j < catRows.length; j += 5000) {
      await trx.insertInto('paper_categories').values(catRows.slice(j, j + 5000)).onConflict((oc) => oc.doNothing()).execute();
    }
    stats.inserted += inserted.length;
    // Lost a race with another instance inserting the same paper: it is stored, count it as such.
    stats.unchanged += chunk.length - inserted.length;
  }

  // Rows are locked in seq order, the order refreshTrending uses, so the two never deadlock.
  const withFeatured = items.filter((i) => i.featured).sort((a, b) => (existing.get(a.paper.id)?.seq ?? 0) - (existing.get(b.paper.id)?.seq ?? 0));
  for (const item of withFeatured) {
    const f = item.featured!;
    const seq = existing.get(item.paper.id)?.seq;
    if (seq === undefined) continue;
    const prev = await trx.selectFrom('featured').select(['imported_upvotes', 'imported_comments']).where('paper_seq', '=', seq).executeTakeFirst();
    const comments = f.numComments ?? 0;
    const extras = extrasOf(f);
    await trx
      .updateTable('papers')
      .set((eb) => ({
        github_repo: eb.fn.coalesce(eb.val(extras.github_repo), 'github_repo'),
        github_stars: eb.fn.coalesce(eb.val(extras.github_stars), 'github_stars'),
        project_page: eb.fn.coalesce(eb.val(extras.project_page), 'project_page'),
        ai_summary: eb.fn.coalesce(eb.val(extras.ai_summary), 'ai_summary'),
        ai_keywords: eb.fn.coalesce(eb.val(extras.ai_keywords), 'ai_keywords'),
        thumbnail: eb.fn.coalesce(eb.val(extras.thumbnail), 'thumbnail'),
        upvotes: eb('upvotes', '+', f.upvotes - (prev?.imported_upvotes ?? 0)),
        num_comments: eb('num_comments', '+', comments - Number(prev?.imported_comments ?? 0)),
      }))
      .where('seq', '=', seq)
      .execute();
    await trx
      .insertInto('featured')
      .values({
        paper_seq: seq,
        featured_day: featuredDay(f),
        featured_at: f.featuredAt,
        source: 'hf',
        submitted_by: f.submittedBy ?? null,
        submitted_by_fullname: f.submittedByFullname ?? null,
        submitted_by_avatar: f.submittedByAvatarUrl ?? null,
        discussion_id: f.discussionId ?? null,
        imported_upvotes: f.upvotes,
        imported_comments: comments,
      })
      .onConflict((oc) =>
        oc.column('paper_seq').doUpdateSet((eb) => ({
          featured_day: eb.ref('excluded.featured_day'),
          featured_at: eb.ref('excluded.featured_at'),
          submitted_by: eb.fn.coalesce('excluded.submitted_by', 'featured.submitted_by'),
          submitted_by_fullname: eb.fn.coalesce('excluded.submitted_by_fullname', 'featured.submitted_by_fullname'),
          submitted_by_avatar: eb.fn.coalesce('excluded.submitted_by_avatar', 'featured.submitted_by_avatar'),
          discussion_id: eb.fn.coalesce('excluded.discussion_id', 'featured.discussion_id'),
          imported_upvotes: eb.ref('excluded.imported_upvotes'),
          imported_comments: eb.ref('excluded.imported_comments'),
        })),
      )
      .execute();
    stats.featured++;
  }

  if (opts.state) {
    const value = JSON.stringify(stateValue(opts.state.value, stats));
    await trx
      .insertInto('ingest_state')
      .values({ key: opts.state.key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
  return stats;
}

async function insertCategories(trx: Transaction<Database>, seq: number, values: PaperValues): Promise<void> {
  const rows = categoryKeys(values).map(([category, announce_day, is_primary]) => ({ category, announce_day, paper_seq: seq, is_primary }));
  if (rows.length > 0) await trx.insertInto('paper_categories').values(rows).onConflict((oc) => oc.doNothing()).execute();
}
