/**
 * RSS 2.0 and Atom 1.0 feeds, each path in both flavours (.rss, .atom):
 *
 *   /feeds/daily          featured papers of the latest featured day, most upvoted first;
 *                         ?date=YYYY-MM-DD, ?week=YYYY-Www or ?month=YYYY-MM for a period,
 *                         ?category= to keep one category's papers
 *   /feeds/trending       featured papers by trending score; ?category= as for daily
 *   /feeds/list/<cat>     a category's latest announcement day (?date= for another day), new
 *                         submissions first, then cross-lists, marked as such
 *   /feeds/authors/<name> an author's papers, newest first (the name URL-encoded)
 *   /feeds/search?q=      search results, best first
 *
 * Every feed takes ?limit= (1–100, default 50). A malformed parameter is a 400 in plain text. A
 * well-formed category, author or period with no papers is an empty feed (200), not a 404: a
 * subscription to a new author or a quiet category stays valid and fills in when papers arrive.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { featuredPapers, latestFeaturedDay } from '../../feed/featured.js';
import { parsePeriod, periodTitle } from '../../feed/periods.js';
import { latestListingDayOf, listing } from '../../feed/listings.js';
import { papersByAuthor } from '../../feed/authors.js';
import { describeQuery } from '../../search/query.js';
import { dayBound, sortParam } from '../pages/search.js';
import { authorPath, categoryPath, formatDay, periodPath, withQuery } from '../format.js';
import { entryOf, feedOf, type Feed } from './feed.js';
import { authorParam, categoryFilter, categoryParam, dayParam, limitParam, periodParam, queryParam } from './params.js';
import { FEED_FORMATS, feedHandler, selfUrl, sendFeed, type FeedFormat } from './respond.js';

/** Builds one feed for a request; `name` is the path's category or author, when it has one. */
type FeedSource = (c: Ctx, deps: Deps, limit: number, name: string) => Promise<Feed>;

/** Registers every feed route on the app. */
export function feedRoutes(app: Hono<AppEnv>, deps: Deps): void {
  for (const format of FEED_FORMATS) {
    app.get(`/feeds/daily.${format}`, route(deps, format, dailyFeed));
    app.get(`/feeds/trending.${format}`, route(deps, format, trendingFeed));
    app.get(`/feeds/search.${format}`, route(deps, format, searchFeed));
  }
  // A category or name may itself contain dots (cs.AI, "Santosh S. Vempala"): the format is the last one.
  app.get('/feeds/list/:file{.+\\.(?:rss|atom)}', named(deps, categoryParam, listFeed));
  app.get('/feeds/authors/:file{.+\\.(?:rss|atom)}', named(deps, authorParam, authorFeed));
}

/** A handler for a fixed path in one format. */
function route(deps: Deps, format: FeedFormat, source: FeedSource) {
  return feedHandler(async (c) => sendFeed(c, deps, format, await source(c, deps, limitParam(c.req.query('limit')), '')));
}

/** A handler for /<name>.<format> paths: the name is checked by `parseName`. */
function named(deps: Deps, parseName: (raw: string) => string, source: FeedSource) {
  return feedHandler(async (c) => {
    const file = c.req.param('file') ?? '';
    const dot = file.lastIndexOf('.');
    const format = file.slice(dot + 1) as FeedFormat;
    const name = parseName(file.slice(0, dot));
    return sendFeed(c, deps, format, await source(c, deps, limitParam(c.req.query('limit')), name));
  });
}

function meta(c: Ctx, deps: Deps, what: string, description: string, htmlPath: string) {
  return { title: `${deps.config.instanceName}: ${what}`, description, selfUrl: selfUrl(c, deps), htmlUrl: `${deps.config.baseUrl}${htmlPath}` };
}

const dailyFeed: FeedSource = async (c, deps, limit) => {
  const category = categoryFilter(c.req.query('category'));
  const asked = periodParam({ date: c.req.query('date'), week: c.req.query('week'), month: c.req.query('month') });
  const latest = asked ? null : await latestFeaturedDay(deps.store, category);
  const period = asked ?? (latest ? parsePeriod('day', latest) : null);
  const papers = period ? (await featuredPapers(deps.store, { from: period.start, to: period.end, category, sort: 'upvotes', limit, offset: 0 })).papers : [];
  const inCategory = category ? ` in ${category}` : '';
  return feedOf(
    meta(
      c,
      deps,
      asked ? `featured papers${inCategory}, ${periodTitle(asked)}` : `featured papers${inCategory}`,
      period ? `Papers the community featured${inCategory}: ${periodTitle(period)}, most upvoted first.` : `No featured papers${inCategory} yet.`,
      withQuery(asked ? periodPath(asked) : '/', { category }),
    ),
    papers.map((p) => entryOf(deps.config.baseUrl, p, 'featured')),
  );
};

const trendingFeed: FeedSource = async (c, deps, limit) => {
  const category = categoryFilter(c.req.query('category'));
  const { papers } = await featuredPapers(deps.store, { category, sort: 'trending', limit, offset: 0 });
  const inCategory = category ? ` in ${category}` : '';
  return feedOf(
    meta(
      c,
      deps,
      `trending papers${inCategory}`,
      `Featured papers${inCategory} rising fastest: upvotes and comments, weighed by how recently they were featured.`,
      withQuery('/papers/trending', { category }),
    ),
    papers.map((p) => entryOf(deps.config.baseUrl, p, 'featured')),
  );
};

const listFeed: FeedSource = async (c, deps, limit, category) => {
  const asked = dayParam(c.req.query('date'));
  const day = asked ?? (await latestListingDayOf(deps.store, category));
  const papers = day ? (await listing(deps.store, category, day, { limit, offset: 0 })).papers : [];
  return feedOf(
    meta(
      c,
      deps,
      `new in ${category}${asked ? `, ${formatDay(asked)}` : ''}`,
      day ? `arXiv's ${category} announcements of ${formatDay(day)}: new submissions, then cross-lists.` : `Nothing announced in ${category} yet.`,
      categoryPath(category, asked ?? undefined),
    ),
    papers.map((p) => entryOf(deps.config.baseUrl, p, 'submitted', p.cross)),
  );
};

const authorFeed: FeedSource = async (c, deps, limit, author) => {
  const { papers } = await papersByAuthor(deps.store, deps.search, author, { limit, offset: 0 });
  return feedOf(
    meta(c, deps, `papers by ${author}`, `Papers by ${author}, newest first.`, authorPath(author)),
    papers.map((p) => entryOf(deps.config.baseUrl, p, 'submitted')),
  );
};

const searchFeed: FeedSource = async (c, deps, limit) => {
  const q = queryParam(c.req.query('q'));
  const sort = sortParam(c.req.query('sort'));
  const since = dayBound(c.req.query('since'), 'since');
  const until = dayBound(c.req.query('until'), 'until');
  const { query, papers } = await deps.search.findPapers(q, { offset: 0, limit, sort, since, until });
  const about = describeQuery({ ...query, since: query.since ?? since, until: query.until ?? until });
  const page = withQuery('/search', { q: q.trim() || undefined, sort: sort ?? undefined, since: since ?? undefined, until: until ?? undefined });
  return feedOf(
    meta(c, deps, `search for “${q.slice(0, 100)}”`, `Search results: ${about}.`, page),
    papers.map((p) => entryOf(deps.config.baseUrl, p, 'submitted')),
  );
};
