/** Building blocks shared by pages: the paper card and the pager. */
import type { Paper } from '../papers/repository.js';
import { authorPath, categoryPath, formatDay, paperPath, shortAuthors, snippet } from './format.js';

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

/** One paper in a list: title, authors, snippet, categories, upvotes and comments, links. */
export function PaperCard({ paper, listing }: { paper: Paper; listing?: string }) {
  const cross = listing !== undefined && paper.primaryCategory !== listing;
  return (
    <li class="card">
      <div class="votes" aria-label={`${paper.upvotes} upvotes`}>
        {paper.upvotes}
        <small>upvotes</small>
      </div>
      <h3>
        <a href={paperPath(paper.id)}>{paper.title}</a>
      </h3>
      <AuthorList paper={paper} />
      <p class="abstract">{snippet(paper.abstract, 280)}</p>
      <p class="meta">
        {paper.id}
        {paper.announceDay ? ` · ${formatDay(paper.announceDay)}` : ''}
        {cross ? ' · cross-list' : ''}
        {paper.numComments > 0 ? ` · ${paper.numComments} comments` : ''}
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

/** Numbered pages: first, last, and a window around the current one. `href(n)` builds page n's URL (1-based). */
export function Pager({ page, pages, href }: { page: number; pages: number; href: (n: number) => string }) {
  if (pages <= 1) return null;
  const shown = new Set<number>([1, pages]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pages) shown.add(n);
  const list = [...shown].sort((a, b) => a - b);
  const items: unknown[] = [];
  let prev = 0;
  for (const n of list) {
    if (n - prev > 1) items.push(<span aria-hidden="true">…</span>);
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
