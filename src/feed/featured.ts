/**
 * Featured papers: what the community picked, by day, week or month, ranked by upvotes (ties:
 * newest first), by featured time, or by trending score.
 */
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import { paperQuery, rowToPaper, type Paper } from '../papers/repository.js';
import { periodOf, type Period } from './periods.js';

export type FeaturedSort = 'upvotes' | 'publishedAt' | 'trending';

export interface FeaturedQuery {
  /** first featured day, inclusive (YYYY-MM-DD) */
  from?: string;
  /** featured day bound, exclusive (YYYY-MM-DD) */
  to?: string;
  /** papers listed in this category (primary or cross-list) */
  category?: string;
  /** HF user name of the member who featured them */
  submitter?: string;
  sort: FeaturedSort;
  limit: number;
  offset: number;
}

function filtered(store: Store, q: Omit<FeaturedQuery, 'sort' | 'limit' | 'offset'>) {
  let query = paperQuery(store).where('featured.featured_day', 'is not', null);
  if (q.from) query = query.where('featured.featured_day', '>=', q.from);
  if (q.to) query = query.where('featured.featured_day', '<', q.to);
  if (q.submitter) query = query.where('featured.submitted_by', '=', q.submitter);
  // categories is space-separated; padding both sides matches whole category names only.
  if (q.category) query = query.where(sql<boolean>`(' ' || papers.categories || ' ') LIKE ${`% ${q.category} %`}`);
  return query;
}

/** A page of featured papers and the total that match. */
export async function featuredPapers(store: Store, q: FeaturedQuery): Promise<{ papers: Paper[]; total: number }> {
  let query = filtered(store, q);
  if (q.sort === 'trending') query = query.orderBy('featured.trending_score', 'desc');
  if (q.sort === 'upvotes') query = query.orderBy('papers.upvotes', 'desc');
  query = query.orderBy('featured.featured_at', 'desc').orderBy('papers.seq', 'desc');
  const [rows, count] = await Promise.all([
    query.limit(q.limit).offset(q.offset).execute(),
    filtered(store, q)
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { papers: rows.map(rowToPaper), total: Number(count.n) };
}

/** The most recent day with featured papers, or null when nothing is featured. */
export async function latestFeaturedDay(store: Store, category?: string): Promise<string | null> {
  const row = await filtered(store, { category })
    .clearSelect()
    .select((eb) => eb.fn.max('featured.featured_day').as('day'))
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

/** The nearest earlier and later periods of the same kind that have featured papers (empty ones skipped). */
export async function adjacentFeaturedPeriods(store: Store, period: Period, category?: string): Promise<{ prev: Period | null; next: Period | null }> {
  const [before, after] = await Promise.all([
    filtered(store, { category, to: period.start })
      .clearSelect()
      .select((eb) => eb.fn.max('featured.featured_day').as('day'))
      .executeTakeFirst(),
    filtered(store, { category, from: period.end })
      .clearSelect()
      .select((eb) => eb.fn.min('featured.featured_day').as('day'))
      .executeTakeFirst(),
  ]);
  const prevDay = before?.day as string | null | undefined;
  const nextDay = after?.day as string | null | undefined;
  return { prev: prevDay ? periodOf(period.kind, prevDay) : null, next: nextDay ? periodOf(period.kind, nextDay) : null };
}
