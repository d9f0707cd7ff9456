/** Building blocks shared by pages: paper cards and lists, the pager, previous/next links and the filter forms. */
import type { Paper } from '../papers/repository.js';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { TAXONOMY } from '../papers/taxonomy.js';
import { authorPath, categoryPath, formatDay, paperPath, plural, shortAuthors, snippet } from './format.js';
import { TexText, mathHead } from './math.js';
import { highlight, snippet as searchSnippet, type SnippetPart } from '../search/snippet.js';

/** A card's title and abstract snippet: the texts its math comes from. */
function cardTexts(paper: Paper): [title: string, snippet: string] {
  return [paper.title, snippet(paper.abstract, 280)];
}

/** What a page's <head> needs for the math in these cards (KaTeX's stylesheet and the nonce'd rules), for PageMeta. */
export function cardsMath(papers: Paper[], nonce: string) {
  return mathHead(papers.flatMap(cardTexts), nonce);
}

/** The authors of a paper as links to their pages, the first `max` then "et al.". */
export function AuthorList({ paper, max = 4 }: { paper: Paper; max?: number }) {
  const { shown, more } = shortAuthors(paper.authors, max);
  return (
    <p class="authors">
      {shown.map((a, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <a href={authorPath(a.name)}>{a.name}</a>
        </>
      ))}
      {more > 0 ? <span title={`${more} more authors`}> et al.</span> : null}
    </p>
  );
}

/** A paper's categories as links to their listings; `listing` marks the one a cross-list is listed under. */
export function CategoryBadges({ paper, listing }: { paper: Paper; listing?: string }) {
  return (
    <ul class="badges" aria-label="Categories">
      {paper.categories.map((c, i) => (
        <li>
          <a class={`badge${i > 0 && listing === c ? ' cross' : ''}`} href={categoryPath(c)}>
            {c}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Text pieces with the marked ones in <mark>. */
export function Marked({ parts }: { parts: SnippetPart[] }) {
  return <>{parts.map((p) => (p.mark ? <mark>{p.text}</mark> : p.text))}</>;
}

/**
 * One paper in a list: title, authors, snippet, categories, upvotes and comments, links. With
 * `terms` (a search's matched stems) the snippet is the abstract's best passage and the matched
 * words are marked (as plain text: marks and typeset math do not mix).
 */
export function PaperCard({ paper, listing, terms }: { paper: Paper; listing?: string; terms?: ReadonlySet<string> }) {
  const cross = listing !== undefined && paper.primaryCategory !== listing;
  const [title, abstract] = cardTexts(paper);
  return (
    <li class="card">
      <p class="votes">
        <strong>{paper.upvotes}</strong> <small>{paper.upvotes === 1 ? 'upvote' : 'upvotes'}</small>
      </p>
      <h3>
        <a href={paperPath(paper.id)}>{terms ? <Marked parts={highlight(paper.title, terms)} /> : <TexText text={title} />}</a>
      </h3>
      <AuthorList paper={paper} />
      {terms ? (
        <p class="abstract snippet">
          <Marked parts={searchSnippet(paper.abstract, terms, 45)} />
        </p>
      ) : (
        <p class="abstract">
          <TexText text={abstract} />
        </p>
      )}
      <p class="meta">
        <span class="id">arXiv:{paper.id}</span>
        {paper.announceDay ? ` · ${formatDay(paper.announceDay)}` : ''}
        {cross ? (
          <>
            {' · '}
            <strong class="cross">cross-list</strong>
          </>
        ) : null}
        {` · ${plural(paper.numComments, 'comment')}`}
        {paper.githubRepo ? (
          <>
            {' · '}
            <a href={paper.githubRepo} rel="nofollow noopener">
              code
            </a>
          </>
        ) : null}
        {paper.projectPage ? (
          <>
            {' · '}
            <a href={paper.projectPage} rel="nofollow noopener">
              project page
            </a>
          </>
        ) : null}
      </p>
      <CategoryBadges paper={paper} listing={listing} />
    </li>
  );
}

/** A list of paper cards. */
export function PaperList({ papers, listing }: { papers: Paper[]; listing?: string }) {
  return (
    <ul class="papers">
      {papers.map((p) => (
        <PaperCard paper={p} listing={listing} />
      ))}
    </ul>
  );
}

/** Search results: numbered from `start`, matched words marked. */
export function ResultList({ papers, start, terms }: { papers: Paper[]; start: number; terms: ReadonlySet<string> }) {
  return (
    <ol class="papers results" start={start}>
      {papers.map((p) => (
        <PaperCard paper={p} terms={terms} />
      ))}
    </ol>
  );
}

/** Numbered pages: first, last, and a window around the current one. `href(n)` builds page n's URL (1-based). */
export function Pager({ page, pages, href }: { page: number; pages: number; href: (n: number) => string }) {
  if (pages <= 1) return null;
  const shown = new Set<number>([1, pages]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pages) shown.add(n);
  const list = [...shown].sort((a, b) => a - b);
  const items: unknown[] = [];
  let prev = 0;
  for (const n of list) {
    if (n - prev > 1) items.push(<span class="gap" aria-hidden="true">…</span>);
    items.push(
      n === page ? (
        <span aria-current="page">{n}</span>
      ) : (
        <a href={href(n)} aria-label={`Page ${n}`}>
          {n}
        </a>
      ),
    );
    prev = n;
  }
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          ← Previous
        </a>
      ) : null}
      {items}
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          Next →
        </a>
      ) : null}
    </nav>
  );
}

/** A link shown in PrevNext. */
export interface NavLink {
  href: string;
  text: string;
}

/** Links to the previous (older) and next (newer) page of a series, e.g. days with papers. */
export function PrevNext({ label, prev, next }: { label: string; prev: NavLink | null; next: NavLink | null }) {
  if (!prev && !next) return null;
  return (
    <nav class="prevnext" aria-label={label}>
      {prev ? (
        <a href={prev.href} rel="prev">
          ← {prev.text}
        </a>
      ) : (
        <span />
      )}
      {next ? (
        <a href={next.href} rel="next">
          {next.text} →
        </a>
      ) : null}
    </nav>
  );
}

/** Hidden fields that carry the other query parameters through a GET form. */
function Carry({ params }: { params: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(params).map(([name, value]) => (value ? <input type="hidden" name={name} value={value} /> : null))}
    </>
  );
}

/** A GET form that jumps to a day; works without JS, and app.js submits it when a date is picked. */
export function DatePicker(props: { action: string; value?: string; label: string; carry?: Record<string, string | undefined> }) {
  return (
    <form class="datepicker" action={props.action} method="get">
      <label for="date-picker">{props.label}</label>
      <input type="date" id="date-picker" name="date" value={props.value} required data-autosubmit />
      <Carry params={props.carry ?? {}} />
      <button type="submit" class="secondary">
        Go
      </button>
    </form>
  );
}

/** The <option>s of the category filter for each selected taxonomy id ('' for all): rendered once, they are the same on every page. */
const OPTIONS = new Map<string, string>();
const OPTION_IDS = new Set(TAXONOMY.flatMap((g) => g.archives.flatMap((a) => a.categories.map((c) => c.id))));

function categoryOptions(selected: string): HtmlEscapedString {
  let html = OPTIONS.get(selected);
  if (html === undefined) {
    html = String(
      <>
        {TAXONOMY.map((g) => (
          <optgroup label={g.name}>
            {g.archives.flatMap((a) =>
              a.categories.map((c) => (
                <option value={c.id} selected={c.id === selected}>
                  {c.id} · {c.name}
                </option>
              )),
            )}
          </optgroup>
        ))}
      </>,
    );
    if (selected === '' || OPTION_IDS.has(selected)) OPTIONS.set(selected, html);
  }
  return raw(html);
}

/** A GET form with a category <select>, grouped like arXiv's taxonomy; `carry` keeps other parameters. */
export function CategoryFilter(props: { action: string; selected?: string; carry?: Record<string, string | undefined> }) {
  const selected = props.selected ?? '';
  return (
    <form class="filter" action={props.action} method="get">
      <label for="category-filter">Category</label>
      <select id="category-filter" name="category">
        <option value="">All categories</option>
        {selected && !OPTION_IDS.has(selected) ? (
          <option value={selected} selected>
            {selected}
          </option>
        ) : null}
        {categoryOptions(selected)}
      </select>
      <Carry params={props.carry ?? {}} />
      <button type="submit" class="secondary">
        Filter
      </button>
    </form>
  );
}
