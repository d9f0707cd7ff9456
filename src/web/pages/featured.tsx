/**
 * Featured papers by day, ISO week and month, ranked by upvotes (ties: newest first), and the
 * trending list. Periods without papers are skipped by the previous/next links; an empty
 * period is a 404 that still links to the nearest periods with papers.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { adjacentFeaturedPeriods, featuredPapers, latestFeaturedDay } from '../../feed/featured.js';
import { COMMENT_WEIGHT, TRENDING_GRAVITY } from '../../feed/trending.js';
import { parsePeriod, periodOf, periodTitle, type Period, type PeriodKind } from '../../feed/periods.js';
import { renderError, renderPage } from '../render.js';
import { CategoryFilter, DatePicker, Pager, PaperList, PrevNext, cardsMath, type NavLink } from '../components.js';
import { feedLinks, periodPath, plural, withQuery } from '../format.js';
import { categoryFilter, pageParam } from '../params.js';

/** Papers per page on the featured pages. */
export const FEATURED_PER_PAGE = 50;

const KIND_OF_SEGMENT: Record<string, PeriodKind> = { date: 'day', week: 'week', month: 'month' };
const TAB_LABEL: Record<PeriodKind, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly' };
const FEED_PARAM: Record<PeriodKind, string> = { day: 'date', week: 'week', month: 'month' };

/** Registers the period pages, the date picker's redirect, and trending. */
export function featuredRoutes(app: Hono<AppEnv>, deps: Deps): void {
  for (const [segment, kind] of Object.entries(KIND_OF_SEGMENT)) {
    // The date picker's target: /papers/date?date=2026-06-01 → /papers/date/2026-06-01 (for week
    // and month, the period containing the date). Without a date: the latest period with papers.
    app.get(`/papers/${segment}`, async (c) => {
      const category = categoryFilter(c.req.query('category'));
      const date = c.req.query('date');
      const day = date ? parsePeriod('day', date).key : await latestFeaturedDay(deps.store, category);
      if (!day) return c.redirect(withQuery('/', { category }), 302);
      return c.redirect(withQuery(periodPath(periodOf(kind, day)), { category }), 302);
    });
    app.get(`/papers/${segment}/:key`, (c) => {
      const period = parsePeriod(kind, c.req.param('key'));
      return renderPeriod(c, deps, period, { home: false, category: categoryFilter(c.req.query('category')) });
    });
  }

  app.get('/papers/trending', (c) => renderTrending(c, deps));
}

/** The featured papers of a period (the home page shows the latest day this way). */
export async function renderPeriod(c: Ctx, deps: Deps, period: Period, opts: { home: boolean; category: string | undefined }) {
  const { category } = opts;
  const page = pageParam(c.req.query('page'));
  const [{ papers, total }, adjacent, anchor] = await Promise.all([
    featuredPapers(deps.store, { from: period.start, to: period.end, category, sort: 'upvotes', limit: FEATURED_PER_PAGE, offset: (page - 1) * FEATURED_PER_PAGE }),
    adjacentFeaturedPeriods(deps.store, period, category),
    latestDayIn(deps, period, category),
  ]);
  const path = opts.home ? '/' : periodPath(period);
  const title = periodTitle(period);
  const inCategory = category ? ` in ${category}` : '';
  const when = `${period.kind === 'day' ? 'on' : 'in'} ${title}`;
  const pages = Math.ceil(total / FEATURED_PER_PAGE);
  if (total > 0 && page > pages) return pastTheEnd(c, deps, page, pages, (n) => withQuery(path, { category, page: n }));

  const link = (p: Period | null): NavLink | null => (p ? { href: withQuery(periodPath(p), { category }), text: periodTitle(p) } : null);
  const nearest = <PrevNext label={`${TAB_LABEL[period.kind]} pages with papers`} prev={link(adjacent.prev)} next={link(adjacent.next)} />;
  const feedTitle = `${TAB_LABEL[period.kind]} papers${opts.home ? '' : `, ${title}`}`;
  const meta = {
    title: opts.home ? deps.config.instanceName : `${TAB_LABEL[period.kind]} papers${inCategory}: ${title}`,
    description: `${plural(total, 'paper')}${inCategory} featured by the community ${when}, ranked by upvotes.`,
    canonical: `${deps.config.baseUrl}${withQuery(path, { category, page })}`,
    feeds: feedLinks(feedTitle, '/feeds/daily', opts.home ? {} : { [FEED_PARAM[period.kind]]: period.key }),
    noindex: total === 0,
    ...cardsMath(papers, c.get('nonce')),
  };

  if (total === 0) {
    return renderPage(
      c,
      deps,
      meta,
      <section class="error">
        <h1>
          No featured papers{inCategory} {when}
        </h1>
        <p>Nobody featured a paper{inCategory} in this period. These are the nearest periods that have some:</p>
        {nearest}
        {category ? (
          <p>
            <a href={periodPath(period)}>Show every category for this period</a>
          </p>
        ) : null}
      </section>,
      { status: 404, section: 'daily' },
    );
  }

  const first = (page - 1) * FEATURED_PER_PAGE + 1;
  return renderPage(
    c,
    deps,
    meta,
    <>
      <header class="page-head">
        <p class="kicker">{TAB_LABEL[period.kind]} papers</p>
        <h1>{title}</h1>
        <p class="muted">
          Papers featured by the community{inCategory}
          {period.kind === 'day' ? ' on this day (UTC)' : ''}, ranked by upvotes.
        </p>
      </header>
      <div class="toolbar">
        <PeriodTabs current={period.kind} anchor={anchor ?? period.start} category={category} />
        <DatePicker action={`/papers/${period.kind === 'day' ? 'date' : period.kind}`} value={anchor ?? period.start} label="Go to date" carry={{ category }} />
        <CategoryFilter action={path} selected={category} />
      </div>
      {nearest}
      <section aria-labelledby="papers-heading">
        <h2 id="papers-heading">
          {plural(total, 'paper')}
          {pages > 1 ? ` · ${first}–${first + papers.length - 1} shown` : ''}
        </h2>
        <PaperList papers={papers} />
      </section>
      <Pager page={page} pages={pages} href={(n) => withQuery(path, { category, page: n })} />
    </>,
    { section: 'daily' },
  );
}

/** The latest day of a week or month that has featured papers (the day itself for a day). */
async function latestDayIn(deps: Deps, period: Period, category: string | undefined): Promise<string | null> {
  if (period.kind === 'day') return period.start;
  const { prev } = await adjacentFeaturedPeriods(deps.store, periodOf('day', period.end), category);
  return prev && prev.start >= period.start ? prev.start : null;
}

/** Daily / Weekly / Monthly: each links to its period that contains `anchor`. */
function PeriodTabs({ current, anchor, category }: { current: PeriodKind; anchor: string; category: string | undefined }) {
  return (
    <nav class="tabs" aria-label="Period">
      {(['day', 'week', 'month'] as const).map((kind) => (
        <a href={withQuery(periodPath(periodOf(kind, anchor)), { category })} aria-current={kind === current ? 'page' : undefined}>
          {TAB_LABEL[kind]}
        </a>
      ))}
    </nav>
  );
}

/** The 404 for ?page= past the last page. */
export function pastTheEnd(c: Ctx, deps: Deps, page: number, pages: number, href: (n: number) => string) {
  return renderError(
    c,
    deps,
    404,
    'No such page',
    `Page ${page} is past the end: this list has ${plural(pages, 'page')}.`,
    <p>
      <a href={href(pages)}>Go to the last page</a>
    </p>,
  );
}

async function renderTrending(c: Ctx, deps: Deps) {
  const category = categoryFilter(c.req.query('category'));
  const page = pageParam(c.req.query('page'));
  const { papers, total } = await featuredPapers(deps.store, { category, sort: 'trending', limit: FEATURED_PER_PAGE, offset: (page - 1) * FEATURED_PER_PAGE });
  const pages = Math.ceil(total / FEATURED_PER_PAGE);
  const href = (n: number) => withQuery('/papers/trending', { category, page: n });
  if (total > 0 && page > pages) return pastTheEnd(c, deps, page, pages, href);
  const inCategory = category ? ` in ${category}` : '';
  return renderPage(
    c,
    deps,
    {
      title: `Trending papers${inCategory}`,
      description: `Featured papers${inCategory} the community is upvoting and discussing now.`,
      canonical: `${deps.config.baseUrl}${href(page)}`,
      feeds: feedLinks('Trending papers', '/feeds/trending'),
      noindex: total === 0,
      ...cardsMath(papers, c.get('nonce')),
    },
    <>
      <header class="page-head">
        <h1>Trending papers{inCategory}</h1>
        <p class="muted note">
          Score = (upvotes + {COMMENT_WEIGHT} × comments + 1) ÷ (hours since featured + 2)<sup>{TRENDING_GRAVITY}</sup>: a paper rises when the community picks it and
          sinks as days pass; a comment counts as {COMMENT_WEIGHT} upvotes. Scores are refreshed every few minutes.
        </p>
      </header>
      <div class="toolbar">
        <CategoryFilter action="/papers/trending" selected={category} />
      </div>
      {total === 0 ? (
        <p class="empty">No featured papers{inCategory} yet.</p>
      ) : (
        <section aria-labelledby="papers-heading">
          <h2 id="papers-heading">{plural(total, 'featured paper')}, highest score first</h2>
          <PaperList papers={papers} />
        </section>
      )}
      <Pager page={page} pages={pages} href={href} />
    </>,
    { section: 'trending', status: total === 0 && category ? 404 : 200 },
  );
}
