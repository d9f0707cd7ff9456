/**
 * The search page: /search?q=&sort=&since=&until=&page=. Hybrid search (lexical and semantic,
 * src/search/engine.ts) over the catalog, in the query language of src/search/query.ts: words,
 * "phrases", -exclusions, author:, cat:, since:/until:, sort:. An arXiv id or URL goes straight to
 * the paper, fetching it from arXiv when the catalog lacks it. Results show a snippet with the
 * matched words marked, the count, numbered pages, and a feed of the same search.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { parseQuery, describeQuery, isEmptyQuery, type QuerySort } from '../../search/query.js';
import { COUNT_CAP } from '../../search/engine.js';
import { getPaper } from '../../papers/repository.js';
import { renderPage } from '../render.js';
import { Pager, ResultList } from '../components.js';
import { feedLinks, paperPath, plural, withQuery } from '../format.js';
import { dayParam, pageParam } from '../params.js';
import { UserError } from '../../errors.js';
import { fetchFailed, paperFetcher } from './paper.js';

const PER_PAGE = 20;
const MAX_PAGE = 25;
/** Raw query text read at most (the parser keeps 500 characters and says so). */
const MAX_RAW = 20_000;
const SORTS: Record<QuerySort, string> = { relevance: 'Best match', newest: 'Newest', upvotes: 'Most upvoted' };

/** Registers GET /search. */
export function searchRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/search', (c) => renderSearch(c, deps));
}

/** The q parameter as typed, bounded; never an error (the parser explains what it drops). */
export function rawQuery(value: string | undefined): string {
  return (value ?? '').slice(0, MAX_RAW);
}

/** ?sort= of the page's control. */
export function sortParam(value: string | undefined): QuerySort | null {
  if (value === undefined || value === '') return null;
  if (value === 'relevance' || value === 'newest' || value === 'upvotes') return value;
  throw new UserError('bad_sort', `"${value.slice(0, 40)}" is not a sort order: use relevance, newest or upvotes.`);
}

/** ?since= / ?until= of the page's controls: YYYY-MM-DD, YYYY-MM or YYYY. */
export function dayBound(value: string | undefined, name: 'since' | 'until'): string | null {
  if (value === undefined || value === '') return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (!m) throw new UserError('bad_date', `"${value.slice(0, 40)}" is not a date for ${name}: use YYYY-MM-DD, YYYY-MM or YYYY.`);
  const [, y, mo, d] = m;
  if (d) return dayParam(value, name);
  if (mo) {
    const first = dayParam(`${y}-${mo}-01`, name);
    if (name === 'since') return first;
    const last = new Date(Date.UTC(Number(y), Number(mo), 0));
    return last.toISOString().slice(0, 10);
  }
  return name === 'since' ? `${y}-01-01` : `${y}-12-31`;
}

async function renderSearch(c: Ctx, deps: Deps) {
  const q = rawQuery(c.req.query('q'));
  const sortControl = sortParam(c.req.query('sort'));
  const since = dayBound(c.req.query('since'), 'since');
  const until = dayBound(c.req.query('until'), 'until');
  const page = pageParam(c.req.query('page'), MAX_PAGE);
  const query = parseQuery(q);

  if (query.arxivId) {
    const id = query.arxivId.id;
    if (!(await getPaper(deps.store, id))) {
      try {
        await paperFetcher(deps)(id);
      } catch (err) {
        return fetchFailed(c, deps, id, err);
      }
    }
    return c.redirect(paperPath(id), 303);
  }

  const params = { q: q.trim() || undefined, sort: sortControl ?? undefined, since: since ?? undefined, until: until ?? undefined };
  const href = (n: number) => withQuery('/search', { ...params, page: n > 1 ? n : undefined });
  const asked = !isEmptyQuery(query) || since !== null || until !== null;
  const found = asked ? await deps.search.findPapers(query, { offset: (page - 1) * PER_PAGE, limit: PER_PAGE, sort: sortControl, since, until }) : null;
  const total = found?.outcome.total ?? 0;
  const pages = Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PER_PAGE)));
  const beyond = found !== null && page > 1 && found.papers.length === 0;
  const terms = new Set(found?.outcome.terms ?? []);
  const summary = asked ? describeQuery({ ...query, since: query.since ?? since, until: query.until ?? until }) : '';
  const sort = found?.outcome.sort ?? sortControl ?? 'relevance';

  return renderPage(
    c,
    deps,
    {
      title: q ? `Search: ${q.slice(0, 100)}` : 'Search',
      description: asked ? `Search results: ${summary}.` : 'Search papers by words, phrases, authors, categories and dates.',
      canonical: `${deps.config.baseUrl}${href(page)}`,
      feeds: asked ? feedLinks(`Search: ${q.slice(0, 100)}`, '/feeds/search', params) : [],
      noindex: true,
    },
    <>
      <header class="page-head">
        <h1>{q ? `Search results for “${q.slice(0, 200)}”` : 'Search papers'}</h1>
      </header>
      <SearchForm q={q} sort={sortControl} since={since} until={until} />
      {query.warnings.length > 0 ? (
        <ul class="warnings" role="status">
          {query.warnings.map((w) => (
            <li>{w}</li>
          ))}
        </ul>
      ) : null}
      {!found ? (
        <SearchHelp />
      ) : beyond ? (
        <p class="empty">
          There are no more results past page {page - 1}. <a href={href(1)}>Back to the first page</a>
        </p>
      ) : found.papers.length === 0 ? (
        <p class="empty">
          No papers match “{q.trim().slice(0, 200) || summary}”. Try fewer or different words, or remove a filter.
        </p>
      ) : (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">
            {countText(total, found.outcome.exact)} · {summary} · {SORTS[sort].toLowerCase()} first
          </h2>
          <p class="range">
            Showing {(page - 1) * PER_PAGE + 1}–{(page - 1) * PER_PAGE + found.papers.length}
            {found.outcome.used.semantic ? ' · includes papers related in meaning' : ''}
          </p>
          <ResultList papers={found.papers} start={(page - 1) * PER_PAGE + 1} terms={terms} />
        </section>
      )}
      {found && !beyond ? <Pager page={page} pages={pages} href={href} /> : null}
    </>,
    { section: 'search', status: beyond ? 404 : 200 },
  );
}

function countText(total: number, exact: boolean): string {
  if (!exact) return total >= COUNT_CAP ? `More than ${COUNT_CAP.toLocaleString('en-US')} results` : `About ${total.toLocaleString('en-US')} results`;
  return plural(total, 'result');
}

function SearchForm(props: { q: string; sort: QuerySort | null; since: string | null; until: string | null }) {
  return (
    <form class="search-page" role="search" action="/search" method="get">
      <label for="q">Words, "exact phrases", -exclusions, author:Name, cat:cs.LG, since:2024-01</label>
      <div class="row">
        <input type="search" id="q" name="q" value={props.q.slice(0, 500)} maxlength={500} />
        <button type="submit">Search</button>
      </div>
      <div class="row controls">
        <label for="sort">Sort</label>
        <select id="sort" name="sort">
          <option value="" selected={props.sort === null}>
            Best match
          </option>
          <option value="newest" selected={props.sort === 'newest'}>
            Newest
          </option>
          <option value="upvotes" selected={props.sort === 'upvotes'}>
            Most upvoted
          </option>
        </select>
        <label for="since">From</label>
        <input type="date" id="since" name="since" value={props.since ?? ''} />
        <label for="until">To</label>
        <input type="date" id="until" name="until" value={props.until ?? ''} />
      </div>
    </form>
  );
}

function SearchHelp() {
  return (
    <section class="help" aria-labelledby="help-heading">
      <h2 id="help-heading">How to search</h2>
      <ul>
        <li>
          <code>diffusion video generation</code>: papers with more of these words first, and papers about the same thing in other words
        </li>
        <li>
          <code>"mixture of experts"</code>: the exact phrase; <code>-survey</code> leaves out papers with that word
        </li>
        <li>
          <code>author:"Yann LeCun"</code>, <code>cat:cs.CL</code> (or a whole archive: <code>cat:cs</code>), <code>since:2024-01</code>, <code>until:2024</code>
        </li>
        <li>
          <code>sort:newest</code> or <code>sort:upvotes</code>
        </li>
        <li>
          An arXiv id or link such as <code>2401.12345</code> or <code>https://arxiv.org/abs/1706.03762</code> opens the paper
        </li>
      </ul>
    </section>
  );
}
