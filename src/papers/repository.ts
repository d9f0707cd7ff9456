/**
 * Reading papers: plain functions that take the store and return domain objects. Pages, the
 * API and feeds build on these; none of them sees a SQL dialect.
 */
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import { lockChangeLog } from '../db/connect.js';
import type { PaperRow } from '../db/schema.js';
import type { PaperAuthor, PaperVersion } from './model.js';
import type { PaperValues } from './merge.js';

export interface Featuring {
  day: string;
  at: string;
  source: string;
  submittedBy: string | null;
  submittedByFullname: string | null;
  submittedByAvatar: string | null;
  discussionId: string | null;
}

/** A stored paper as pages, the API and feeds read it: the merged values and what the site adds. */
export interface Paper extends PaperValues {
  seq: number;
  /** "A, B and C" */
  authorNames: string;
  primaryCategory: string | null;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  aiSummary: string | null;
  aiKeywords: string[] | null;
  thumbnail: string | null;
  upvotes: number;
  numComments: number;
  featured: Featuring | null;
}

type FeaturedColumns = {
  f_day?: string | null;
  f_at?: string | null;
  f_source?: string | null;
  f_by?: string | null;
  f_fullname?: string | null;
  f_avatar?: string | null;
  f_discussion?: string | null;
};

/** The stored columns of a paper's merged values (what paperValuesOf reads). */
export const PAPER_VALUE_COLUMNS = [
  'id', 'version', 'title', 'abstract', 'authors', 'categories', 'versions', 'comments', 'journal_ref',
  'doi', 'report_no', 'license', 'submitter', 'submitted_at', 'updated_at', 'announce_day',
] as const;

export type StoredPaperRow = Pick<PaperRow, (typeof PAPER_VALUE_COLUMNS)[number]>;

/** A paper's merged values from its stored columns (authors and versions are JSON, categories space-separated). */
export function paperValuesOf(row: StoredPaperRow): PaperValues {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as PaperAuthor[],
    categories: row.categories ? row.categories.split(' ') : [],
    versions: JSON.parse(row.versions) as PaperVersion[],
    comments: row.comments,
    journalRef: row.journal_ref,
    doi: row.doi,
    reportNo: row.report_no,
    license: row.license,
    submitter: row.submitter,
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
    announceDay: row.announce_day,
  };
}

/** Turns a papers row (optionally joined with featured columns) into a Paper. */
export function rowToPaper(row: PaperRow & FeaturedColumns): Paper {
  return {
    seq: Number(row.seq),
    ...paperValuesOf(row),
    authorNames: row.author_names,
    primaryCategory: row.primary_category,
    githubRepo: row.github_repo,
    githubStars: row.github_stars,
    projectPage: row.project_page,
    aiSummary: row.ai_summary,
    aiKeywords: row.ai_keywords ? (JSON.parse(row.ai_keywords) as string[]) : null,
    thumbnail: row.thumbnail,
    upvotes: Number(row.upvotes),
    numComments: Number(row.num_comments),
    featured: row.f_day
      ? {
          day: row.f_day,
          at: row.f_at!,
          source: row.f_source!,
          submittedBy: row.f_by ?? null,
          submittedByFullname: row.f_fullname ?? null,
          submittedByAvatar: row.f_avatar ?? null,
          discussionId: row.f_discussion ?? null,
        }
      : null,
  };
}

/** papers LEFT JOIN featured, selecting everything rowToPaper reads. */
export function paperQuery(store: Store) {
  return store.db
    .selectFrom('papers')
    .leftJoin('featured', 'featured.paper_seq', 'papers.seq')
    .selectAll('papers')
    .select([
      'featured.featured_day as f_day',
      'featured.featured_at as f_at',
      'featured.source as f_source',
      'featured.submitted_by as f_by',
      'featured.submitted_by_fullname as f_fullname',
      'featured.submitted_by_avatar as f_avatar',
      'featured.discussion_id as f_discussion',
    ]);
}

/** One paper by canonical id, or null. */
export async function getPaper(store: Store, id: string): Promise<Paper | null> {
  const row = await paperQuery(store).where('papers.id', '=', id).executeTakeFirst();
  return row ? rowToPaper(row) : null;
}

/** Papers by canonical ids, in the order asked; unknown ids are left out. */
export async function getPapers(store: Store, ids: string[]): Promise<Paper[]> {
  if (ids.length === 0) return [];
  const rows = await paperQuery(store).where('papers.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, rowToPaper(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Papers by seq, in the order asked. */
export async function getPapersBySeq(store: Store, seqs: number[]): Promise<Paper[]> {
  if (seqs.length === 0) return [];
  const rows = await paperQuery(store).where('papers.seq', 'in', seqs).execute();
  const bySeq = new Map(rows.map((r) => [Number(r.seq), rowToPaper(r)]));
  return seqs.flatMap((s) => bySeq.get(s) ?? []);
}

/** Number of papers in the catalog. */
export async function countPapers(store: Store): Promise<number> {
  const row = await store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Papers newest announcement day first (ties: newest id first), a page at a time. */
export async function recentPapers(store: Store, page: { limit: number; offset: number }): Promise<Paper[]> {
  const rows = await paperQuery(store)
    .where('papers.announce_day', 'is not', null)
    .orderBy('papers.announce_day', 'desc')
    .orderBy('papers.seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(rowToPaper);
}

/** Papers that have an announcement day (the ones recentPapers pages through). */
export async function countAnnounced(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('papers')
    .where('announce_day', 'is not', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes papers and everything that hangs off them. Returns how many were deleted. */
export async function deletePapers(store: Store, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return store.db.transaction().execute(async (trx) => {
    if (store.dialect === 'postgres') await lockChangeLog(trx);
    const rows = await trx.selectFrom('papers').select(['seq']).where('id', 'in', ids).execute();
    const seqs = rows.map((r) => Number(r.seq));
    if (seqs.length === 0) return 0;
    // Tombstones tell the search indexes to drop these papers (the change log, see migration 1).
    if (store.dialect === 'sqlite') {
      const last = await sql<{ n: number }>`SELECT max(coalesce((SELECT max(change_seq) FROM papers), 0), coalesce((SELECT max(change_seq) FROM paper_tombstones), 0)) AS n`.execute(trx);
      let change = Number(last.rows[0]!.n);
      for (const seq of seqs) await trx.insertInto('paper_tombstones').values({ seq, change_seq: ++change }).onConflict((oc) => oc.column('seq').doUpdateSet({ change_seq: change })).execute();
    } else {
      await trx.insertInto('paper_tombstones').values(seqs.map((seq) => ({ seq }))).onConflict((oc) => oc.column('seq').doUpdateSet({ change_seq: sql`nextval('papers_change_seq')` })).execute();
    }
    await trx.deleteFrom('paper_categories').where('paper_seq', 'in', seqs).execute();
    await trx.deleteFrom('papers').where('seq', 'in', seqs).execute();
    return seqs.length;
  });
}

/** A JSON value stored under a key (harvest positions, import progress), or null. */
export async function getIngestState<T>(store: Store, key: string): Promise<T | null> {
  const row = await store.db.selectFrom('ingest_state').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : null;
}

export async function setIngestState(store: Store, key: string, value: unknown, now = new Date()): Promise<void> {
  const v = JSON.stringify(value);
  const at = now.toISOString();
  await store.db
    .insertInto('ingest_state')
    .values({ key, value: v, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: at }))
    .execute();
}
