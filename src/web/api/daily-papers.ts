/**
 * GET /api/daily_papers: featured papers of a day, ISO week or month (the latest featured day
 * when none is given, as on Hugging Face), a page at a time.
 *
 * Order: by default upvotes, most first, ties newest featured first, as huggingface.co/papers
 * ranks them and HF's API returns its week and month lists (huggingface_hub's docstring calls
 * publishedAt the default); sort=publishedAt is newest featured first, sort=trending the stored
 * trending score (src/feed/trending.ts).
 */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';
import { featuredPapers, latestFeaturedDay } from '../../feed/featured.js';
import { parsePeriod, type Period } from '../../feed/periods.js';
import { itemJson } from './serialize.js';
import { CACHE, nextLink, prepare, sendJson, type Prepared } from './http.js';
import { ChangeCache } from '../cache.js';
import { limitParam, pageParam, periodParam, sortParam, submitterParam } from './params.js';

/** Page size of /api/daily_papers: default and most (as on Hugging Face). */
export const DAILY_DEFAULT_LIMIT = 50;
export const DAILY_MAX_LIMIT = 100;

/** Registers GET /api/daily_papers. */
export function dailyPapersRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const cache = new ChangeCache<{ json: Prepared; link: string | null }>(deps.store);
  app.get('/api/daily_papers', async (c) => {
    const q = c.req.query();
    const asked = periodParam(q);
    const submitter = submitterParam(q);
    const sort = sortParam(q);
    const p = pageParam(q);
    const limit = limitParam(q, DAILY_MAX_LIMIT, DAILY_DEFAULT_LIMIT);
    const key = [asked?.kind, asked?.key, submitter, sort, p, limit].join('|');
    const { json, link } = await cache.get(key, async () => {
      const period = asked ?? (await latestPeriod(deps));
      if (!period) return { json: prepare([]), link: null };
      const { papers, total } = await featuredPapers(deps.store, { from: period.start, to: period.end, submitter, sort, limit, offset: p * limit });
      const json = prepare(papers.map(itemJson));
      if ((p + 1) * limit >= total) return { json, link: null };
      // The next page pins the period, so a day featured meanwhile does not shift the pages.
      const next = new URLSearchParams({ [period.kind === 'day' ? 'date' : period.kind]: period.key });
      if (submitter) next.set('submitter', submitter);
      if (sort !== 'upvotes') next.set('sort', sort);
      next.set('p', String(p + 1));
      next.set('limit', String(limit));
      return { json, link: nextLink(`${deps.config.baseUrl}/api/daily_papers?${next}`) };
    });
    return sendJson(c, json, CACHE.list, link);
  });
}

/** The latest day with featured papers, or null when nothing is featured. */
async function latestPeriod(deps: Deps): Promise<Period | null> {
  const day = await latestFeaturedDay(deps.store);
  return day ? parsePeriod('day', day) : null;
}
