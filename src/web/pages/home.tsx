/** The home page: papers by arXiv announcement day, newest first, a page at a time. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';
import { countAnnounced, recentPapers, type Paper } from '../../papers/repository.js';
import { renderPage } from '../render.js';
import { PaperCard, Pager } from '../components.js';
import { formatDay } from '../format.js';
import { pageParam } from '../params.js';

const PER_PAGE = 30;

export function homeRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/', async (c) => {
    const page = pageParam(c.req.query('page'));
    const [papers, total] = await Promise.all([
      recentPapers(deps.store, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
      countAnnounced(deps.store),
    ]);
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    const byDay = groupByDay(papers);
    return renderPage(
      c,
      deps,
      { title: deps.config.instanceName, description: 'New research papers from arXiv, day by day.', canonical: `${deps.config.baseUrl}/` },
      <>
        <h1>Papers by announcement day</h1>
        {papers.length === 0 ? (
          <p class="empty">{page === 1 ? 'No papers yet. Import some with `dailypapers import`.' : 'No papers on this page.'}</p>
        ) : (
          byDay.map(([day, list]) => (
            <section aria-labelledby={`day-${day}`}>
              <h2 class="day-heading" id={`day-${day}`}>
                {formatDay(day)}
              </h2>
              <ul class="papers">
                {list.map((p) => (
                  <PaperCard paper={p} />
                ))}
              </ul>
            </section>
          ))
        )}
        <Pager page={page} pages={pages} href={(n) => (n === 1 ? '/' : `/?page=${n}`)} />
      </>,
      { section: 'daily', status: papers.length === 0 && page > 1 ? 404 : 200 },
    );
  });
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
