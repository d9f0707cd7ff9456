/**
 * New on arXiv: the category index, each category's listing by announcement day (new
 * submissions, then cross-lists), and author pages. Also registers the search page.
 */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { adjacentListingDays, latestListingDayOf, listing } from '../../feed/listings.js';
import { authorKey, papersByAuthor } from '../../feed/authors.js';
import { canonicalCategory, categoryName, TAXONOMY } from '../../papers/taxonomy.js';
import { UserError } from '../../errors.js';
import { renderError, renderPage } from '../render.js';
import { DatePicker, Pager, PaperList, PrevNext, cardsMath } from '../components.js';
import { authorPath, categoryPath, feedLinks, formatDay, plural, withQuery } from '../format.js';
import { categoryParam, clip, dayParam, pageParam } from '../params.js';
import { pastTheEnd } from './featured.js';
import { searchRoutes } from './search.js';

const LISTING_PER_PAGE = 50;
const AUTHOR_PER_PAGE = 30;

/** Registers /list, /list/<category>[/<day>], /authors/<name> and /search. */
export function listingRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/list', (c) => renderIndex(c, deps));

  app.get('/list/:category', async (c) => {
    const category = c.req.param('category');
    const canonical = canonicalCategory(category);
    if (canonical && canonical !== category) return c.redirect(withQuery(categoryPath(canonical), { date: c.req.query('date') }), 301);
    categoryParam(category);
    const date = c.req.query('date');
    if (date) return c.redirect(categoryPath(category, dayParam(date)), 302);
    const day = await latestListingDayOf(deps.store, category);
    if (!day) return noSuchCategory(c, deps, category);
    return renderListing(c, deps, category, day, true);
  });

  app.get('/list/:category/:day', async (c) => {
    const category = c.req.param('category');
    const day = dayParam(c.req.param('day'));
    const canonical = canonicalCategory(category);
    if (canonical && canonical !== category) return c.redirect(categoryPath(canonical, day), 301);
    return renderListing(c, deps, categoryParam(category), day, false);
  });

  app.get('/authors/:name', (c) => renderAuthor(c, deps, c.req.param('name')));

  searchRoutes(app, deps);
}

/** "cs.LG · Machine Learning", or the bare id for categories outside the taxonomy. */
function categoryLabel(category: string): string {
  const name = categoryName(category);
  return name ? `${category} · ${name}` : category;
}

function renderIndex(c: Ctx, deps: Deps) {
  return renderPage(
    c,
    deps,
    { title: 'New on arXiv: categories', description: 'Every paper arXiv announces, by category and day.', canonical: `${deps.config.baseUrl}/list` },
    <>
      <header class="page-head">
        <h1>New on arXiv</h1>
        <p class="muted">Every paper arXiv announced in a category on a day: new submissions first, then cross-lists. Pick a category.</p>
      </header>
      <section aria-labelledby="followed-heading">
        <h2 id="followed-heading">Followed by this site</h2>
        <ul class="categories">
          {deps.config.categories.map((id) => (
            <li>
              <a href={categoryPath(id)}>{categoryLabel(id)}</a>
            </li>
          ))}
        </ul>
      </section>
      {TAXONOMY.map((g) => (
        <section aria-labelledby={`group-${g.id}`}>
          <h2 id={`group-${g.id}`}>{g.name}</h2>
          {g.archives.map((a) => (
            <>
              {g.archives.length > 1 && a.categories.length > 1 ? <h3>{a.name}</h3> : null}
              <ul class="categories">
                {a.categories.map((cat) => (
                  <li>
                    <a href={categoryPath(cat.id)}>
                      <span class="id">{cat.id}</span> {cat.name}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </section>
      ))}
    </>,
    { section: 'new' },
  );
}

function noSuchCategory(c: Ctx, deps: Deps, category: string) {
  const name = categoryName(category);
  return renderError(
    c,
    deps,
    404,
    'No papers in this category',
    name
      ? `This catalog has no papers in ${category} (${name}) yet: it holds the categories this site follows and whatever has been imported.`
      : `"${clip(category)}" is not a category in arXiv's taxonomy, and this catalog has no papers in it.`,
    <p>
      <a href="/list">Browse the categories</a>
    </p>,
  );
}

async function renderListing(c: Ctx, deps: Deps, category: string, day: string, latest: boolean) {
  const page = pageParam(c.req.query('page'));
  const [list, adjacent] = await Promise.all([
    listing(deps.store, category, day, { limit: LISTING_PER_PAGE, offset: (page - 1) * LISTING_PER_PAGE }),
    adjacentListingDays(deps.store, category, day),
  ]);
  const path = latest ? categoryPath(category) : categoryPath(category, day);
  const href = (n: number) => withQuery(path, { page: n });
  const pages = Math.ceil(list.total / LISTING_PER_PAGE);
  if (list.total > 0 && page > pages) return pastTheEnd(c, deps, page, pages, href);
  const label = categoryLabel(category);
  const counts = `${list.total - list.crossLists} new, ${plural(list.crossLists, 'cross-list')}`;
  const nearest = (
    <PrevNext
      label="Announcement days"
      prev={adjacent.prev ? { href: categoryPath(category, adjacent.prev), text: formatDay(adjacent.prev) } : null}
      next={adjacent.next ? { href: categoryPath(category, adjacent.next), text: formatDay(adjacent.next) } : null}
    />
  );
  const meta = {
    title: `${label}: new on ${formatDay(day)}`,
    description: `Papers arXiv announced in ${label} on ${formatDay(day)}: ${counts}.`,
    canonical: `${deps.config.baseUrl}${href(page)}`,
    feeds: feedLinks(`New in ${category}`, `/feeds/list/${category}`),
    noindex: list.total === 0,
    ...cardsMath(list.papers, c.get('nonce')),
  };
  if (list.total === 0) {
    return renderPage(
      c,
      deps,
      meta,
      <section class="error">
        <h1>
          Nothing in {category} on {formatDay(day)}
        </h1>
        <p>arXiv announced no papers in {label} on that day, or this catalog does not have them. The nearest days with papers:</p>
        {nearest}
        <p>
          <a href="/list">Browse the categories</a>
        </p>
      </section>,
      { status: 404, section: 'new' },
    );
  }
  const newOnes = list.papers.filter((p) => !p.cross);
  const crossOnes = list.papers.filter((p) => p.cross);
  return renderPage(
    c,
    deps,
    meta,
    <>
      <header class="page-head">
        <p class="kicker">New on arXiv</p>
        <h1>{label}</h1>
        <p class="muted">
          Announced {formatDay(day)}: {counts}.
        </p>
      </header>
      <div class="toolbar">
        <DatePicker action={categoryPath(category)} value={day} label="Announced on" />
      </div>
      {nearest}
      {newOnes.length > 0 ? (
        <section aria-labelledby="new-heading">
          <h2 id="new-heading">New submissions ({list.total - list.crossLists})</h2>
          <PaperList papers={newOnes} listing={category} />
        </section>
      ) : null}
      {crossOnes.length > 0 ? (
        <section aria-labelledby="cross-heading">
          <h2 id="cross-heading">Cross-lists from other categories ({list.crossLists})</h2>
          <PaperList papers={crossOnes} listing={category} />
        </section>
      ) : null}
      <Pager page={page} pages={pages} href={href} />
    </>,
    { section: 'new' },
  );
}

async function renderAuthor(c: Ctx, deps: Deps, name: string) {
  if (name.length > 200) throw new UserError('bad_author', 'That author name is too long: use at most 200 characters.');
  const page = pageParam(c.req.query('page'));
  const { papers, total } = await papersByAuthor(deps.store, deps.search, name, { limit: AUTHOR_PER_PAGE, offset: (page - 1) * AUTHOR_PER_PAGE });
  const href = (n: number) => withQuery(authorPath(name), { page: n });
  if (total === 0) {
    return renderError(
      c,
      deps,
      404,
      'No papers by this author',
      `This catalog has no papers by "${clip(name, 100)}".`,
      <p>
        <a href={withQuery('/search', { q: name })}>Search for “{clip(name, 100)}” instead</a>
      </p>,
    );
  }
  const pages = Math.ceil(total / AUTHOR_PER_PAGE);
  if (page > pages) return pastTheEnd(c, deps, page, pages, href);
  // The name as the papers spell it: /authors/jurgen%20muller is headed "Jürgen Müller".
  const key = authorKey(name);
  const shown = papers[0]?.authors.find((a) => authorKey(a.name) === key)?.name ?? name;
  return renderPage(
    c,
    deps,
    {
      title: `Papers by ${shown}`,
      description: `${plural(total, 'paper')} by ${shown}, newest first.`,
      canonical: `${deps.config.baseUrl}${href(page)}`,
      feeds: feedLinks(`Papers by ${shown}`, `/feeds/authors/${encodeURIComponent(name)}`),
      ...cardsMath(papers, c.get('nonce')),
    },
    <>
      <header class="page-head">
        <p class="kicker">Author</p>
        <h1>{shown}</h1>
        <p class="muted">{plural(total, 'paper')} in this catalog, newest first.</p>
      </header>
      <section aria-labelledby="papers-heading">
        <h2 id="papers-heading" class="visually-hidden">
          Papers
        </h2>
        <PaperList papers={papers} />
      </section>
      <Pager page={page} pages={pages} href={href} />
    </>,
  );
}
