/**
 * Trending: a time-decayed score from upvotes and comments, in the manner of Hacker News.
 *
 *   score = (upvotes + 2 × comments + 1) / (age_hours + 2) ^ 1.5
 *
 * - age is measured from when the paper was featured, so a paper rises when the community
 *   picks it and sinks as days pass;
 * - a comment weighs two upvotes (discussion is a stronger signal than a click);
 * - the +1 ranks a brand-new paper with no votes above an old one with no votes;
 * - gravity 1.5 halves a paper's score in about its first day and keeps good papers on the list
 *   for several days, which suits a daily cadence better than HN's hourly 1.8.
 *
 * The score is stored in featured.trending_score and refreshed by a job (every few minutes in
 * `serve`, or `dailypapers trending refresh`), so reading the trending list is an index scan.
 * `now` is always passed in, so tests compute exact scores.
 */
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import { retryTransient, withSqlite } from '../db/connect.js';

export const TRENDING_GRAVITY = 1.5;
export const COMMENT_WEIGHT = 2;

/** The trending score of one paper at `now`. */
export function trendingScore(upvotes: number, comments: number, featuredAt: string, now: Date): number {
  const ageHours = (now.getTime() - Date.parse(featuredAt)) / 3_600_000;
  // Not featured yet at `now` (imported data from the future of a pinned clock): not trending.
  if (ageHours < 0) return 0;
  return (upvotes + COMMENT_WEIGHT * comments + 1) / Math.pow(ageHours + 2, TRENDING_GRAVITY);
}

/** Recomputes every featured paper's score at `now`. Returns how many were scored. */
export async function refreshTrending(store: Store, now: Date): Promise<number> {
  const rows = await store.db
    .selectFrom('featured')
    .innerJoin('papers', 'papers.seq', 'featured.paper_seq')
    .select(['featured.paper_seq as seq', 'featured.featured_at as at', 'papers.upvotes as upvotes', 'papers.num_comments as comments'])
    .execute();
  // In seq order: concurrent writers lock featured rows in the same order, so none deadlocks.
  const scores = rows
    .map((r) => [trendingScore(Number(r.upvotes), Number(r.comments), r.at, now), Number(r.seq)] as const)
    .sort((a, b) => a[1] - b[1]);
  if (store.dialect === 'sqlite') {
    await withSqlite(store, (db) => {
      const update = db.prepare('UPDATE featured SET trending_score = ? WHERE paper_seq = ?');
      db.transaction(() => {
        for (const [score, seq] of scores) update.run(score, seq);
      })();
    });
  } else {
    await retryTransient(() => store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < scores.length; i += 1000) {
        const chunk = scores.slice(i, i + 1000);
        const values = sql.join(chunk.map(([score, seq]) => sql`(${score}::double precision, ${seq}::bigint)`));
        await sql`UPDATE featured SET trending_score = v.score FROM (VALUES ${values}) AS v(score, seq) WHERE featured.paper_seq = v.seq`.execute(trx);
      }
    }));
  }
  return scores.length;
}
