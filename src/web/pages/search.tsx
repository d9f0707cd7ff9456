/**
 * The search page: /search?q=. Until hybrid search lands this is simpleSearch (lexical, best
 * first). It does not count all matches, so paging fetches one result past the current page
 * to know whether there is a next one, up to MAX_PAGE pages.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { simpleSearch } from '../../search/simple.js';
import { renderPage } from '../render.js';
import { Pager, PaperList, cardsMath } from '../components.js';
import { feedLinks, withQuery } from '../format.js';
import { pageParam, queryParam } from '../params.js';

const PER_PAGE = 20;
const MAX_PAGE = 25;

/** Registers GET /search. */
export function searchRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/search', (c) => renderSearch(c, deps));
}

async function renderSearch(c: Ctx, deps: Deps) {
  const q = queryParam(c.req.query('q'));
  const page = pageParam(c.req.query('page'), MAX_PAGE);
  const found = q ? await simpleSearch(deps.store, q, page * PER_PAGE + 1) : [];
  const papers = found.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const pages = found.length > page * PER_PAGE && page < MAX_PAGE ? page + 1 : page;
  const href = (n: number) => withQuery('/search', { q, page: n });
  const beyond = q !== '' && page > 1 && papers.length === 0;
  return renderPage(
    c,
    deps,
    {
      title: q ? `Search: ${q}` : 'Search',
      description: q ? `Papers matching “${q}”.` : 'Search papers by title, author or abstract.',
      canonical: `${deps.config.baseUrl}${href(page)}`,
      feeds: q ? feedLinks(`Search: ${q}`, '/feeds/search', { q }) : [],
      noindex: true,
      ...cardsMath(papers, c.get('nonce')),
    },
    <>
      <header class="page-head">
        <h1>{q ? `Search results for “${q}”` : 'Search papers'}</h1>
      </header>
      <form class="search-page" role="search" action="/search" method="get">
        <label for="q">Words from the title, authors or abstract</label>
        <div class="row">
          <input type="search" id="q" name="q" value={q} maxlength={500} />
          <button type="submit">Search</button>
        </div>
      </form>
      {q === '' ? null : beyond ? (
        <p class="empty">
          There are no more results past page {page - 1}. <a href={href(1)}>Back to the first page</a>
        </p>
      ) : papers.length === 0 ? (
        <p class="empty">No papers match “{q}”. Try fewer or different words.</p>
      ) : (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">
            Results {(page - 1) * PER_PAGE + 1}–{(page - 1) * PER_PAGE + papers.length}, best match first
          </h2>
          <PaperList papers={papers} />
        </section>
      )}
      <Pager page={page} pages={pages} href={href} />
    </>,
    { section: 'search', status: beyond ? 404 : 200 },
  );
}
