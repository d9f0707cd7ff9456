/**
 * The home page: the latest day with featured papers. Before anyone has featured anything it
 * shows the newest arXiv announcements instead, so a fresh instance is useful at once.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { countAnnounced, recentPapers, type Paper } from '../../papers/repository.js';
import { latestFeaturedDay } from '../../feed/featured.js';
import { parsePeriod } from '../../feed/periods.js';
import { renderError, renderPage } from '../render.js';
import { Pager, PaperList, cardsMath } from '../components.js';
import { feedLinks, formatDay, plural, withQuery } from '../format.js';
import { categoryFilter, pageParam } from '../params.js';
import { pastTheEnd, renderPeriod } from './featured.js';

const PER_PAGE = 30;

/** Registers GET /. */
export function homeRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/', async (c) => {
    const category = categoryFilter(c.req.query('category'));
    const day = await latestFeaturedDay(deps.store, category);
    if (day) return renderPeriod(c, deps, parsePeriod('day', day), { home: true, category });
    if (category) {
      const all = (
        <p>
          <a href="/">See every category</a>
        </p>
      );
      return renderError(c, deps, 404, `Nothing featured in ${category} yet`, `No paper in ${category} has been featured yet.`, all);
    }
    return renderAnnounced(c, deps);
  });
}

/** Papers by arXiv announcement day, newest first, a page at a time. */
async function renderAnnounced(c: Ctx, deps: Deps) {
  const page = pageParam(c.req.query('page'));
  const [papers, total] = await Promise.all([recentPapers(deps.store, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE }), countAnnounced(deps.store)]);
  const pages = Math.ceil(total / PER_PAGE);
  const href = (n: number) => withQuery('/', { page: n });
  if (total > 0 && page > pages) return pastTheEnd(c, deps, page, pages, href);
  return renderPage(
    c,
    deps,
    {
      title: deps.config.instanceName,
      description: 'New research papers from arXiv, day by day.',
      canonical: `${deps.config.baseUrl}${href(page)}`,
      feeds: feedLinks('Daily papers', '/feeds/daily'),
      ...cardsMath(papers, c.get('nonce')),
    },
    <>
      <header class="page-head">
        <h1>New on arXiv, by announcement day</h1>
        <p class="muted">Nobody has featured a paper yet, so these are the newest papers arXiv announced.</p>
      </header>
      {papers.length === 0 ? (
        <p class="empty">No papers yet. Import some with `dailypapers import`.</p>
      ) : (
        groupByDay(papers).map(([day, list]) => (
          <section aria-labelledby={`day-${day}`}>
            <h2 class="day-heading" id={`day-${day}`}>
              {formatDay(day)} <span class="muted">· {plural(list.length, 'paper')} on this page</span>
            </h2>
            <PaperList papers={list} />
          </section>
        ))
      )}
      <Pager page={page} pages={pages} href={href} />
    </>,
    { section: 'daily' },
  );
}

function groupByDay(papers: Paper[]): Array<[string, Paper[]]> {
  const groups = new Map<string, Paper[]>();
  for (const p of papers) {
    const day = p.announceDay ?? 'unknown';
    let list = groups.get(day);
    if (!list) groups.set(day, (list = []));
    list.push(p);
  }
  return [...groups.entries()];
}
