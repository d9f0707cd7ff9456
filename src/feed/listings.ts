/**
 * New on arXiv: every paper arXiv announced on a listing day in a category, new submissions
 * first (by id, as arXiv lists them), then cross-lists, marked as such.
 */
import type { Store } from '../db/connect.js';
import { paperQuery, rowToPaper, type Paper } from '../papers/repository.js';

export interface ListedPaper extends Paper {
  /** listed here as a cross-list (its primary category is another one) */
  cross: boolean;
}

/** The latest listing day that has papers in the category, or null. */
export async function latestListingDayOf(store: Store, category: string): Promise<string | null> {
  const row = await store.db
    .selectFrom('paper_categories')
    .where('category', '=', category)
    .select((eb) => eb.fn.max('announce_day').as('day'))
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

/** One page of a category's listing for a day, and how many papers it has in all. */
export async function listing(store: Store, category: string, day: string, page: { limit: number; offset: number }): Promise<{ papers: ListedPaper[]; total: number; crossLists: number }> {
  const [rows, counts] = await Promise.all([
    paperQuery(store)
      .innerJoin('paper_categories as pc', 'pc.paper_seq', 'papers.seq')
      .select('pc.is_primary')
      .where('pc.category', '=', category)
      .where('pc.announce_day', '=', day)
      .orderBy('pc.is_primary', 'desc')
      .orderBy('papers.id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    store.db
      .selectFrom('paper_categories')
      .where('category', '=', category)
      .where('announce_day', '=', day)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('is_primary', '=', 0).then(1).else(0).end()).as('cross')])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    papers: rows.map((r) => ({ ...rowToPaper(r), cross: Number(r.is_primary) === 0 })),
    total: Number(counts.n),
    crossLists: Number(counts.cross ?? 0),
  };
}

/** The listing days before and after `day` that have papers in the category. */
export async function adjacentListingDays(store: Store, category: string, day: string): Promise<{ prev: string | null; next: string | null }> {
  const [before, after] = await Promise.all([
    store.db
      .selectFrom('paper_categories')
      .where('category', '=', category)
      .where('announce_day', '<', day)
      .select((eb) => eb.fn.max('announce_day').as('day'))
      .executeTakeFirst(),
    store.db
      .selectFrom('paper_categories')
      .where('category', '=', category)
      .where('announce_day', '>', day)
      .select((eb) => eb.fn.min('announce_day').as('day'))
      .executeTakeFirst(),
  ]);
  return { prev: (before?.day as string | null | undefined) ?? null, next: (after?.day as string | null | undefined) ?? null };
}
