/** The paper page: /papers/<arXiv id>, old-style and versioned ids included. */
import type { Hono } from 'hono';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { getPaper, type Paper } from '../../papers/repository.js';
import { parseArxivId, ID_EXAMPLES } from '../../papers/arxiv-id.js';
import { renderError, renderPage } from '../render.js';
import { AuthorList, CategoryBadges } from '../components.js';
import { absUrl, formatDateTime, formatDay, paperPath, pdfUrl } from '../format.js';
import { clip } from '../params.js';

export function paperRoutes(app: Hono<AppEnv>, deps: Deps): void {
  // Old-style ids contain a slash (hep-th/9901001), so the id is the rest of the path.
  app.get('/papers/:rest{.+}', async (c) => {
    const raw = decodeURIComponent(c.req.param('rest'));
    const parsed = parseArxivId(raw);
    if (!parsed) {
      return renderError(c, deps, 400, 'Not an arXiv id', `"${clip(raw)}" is not an arXiv id. Valid ids look like ${ID_EXAMPLES}.`);
    }
    // One canonical URL per paper: versioned and subject-class spellings redirect to it.
    if (parsed.id !== raw) return c.redirect(paperPath(parsed.id), 301);
    const paper = await getPaper(deps.store, parsed.id);
    if (!paper) return paperNotFound(c, deps, parsed.id);
    return renderPaper(c, deps, paper);
  });
}

function paperNotFound(c: Ctx, deps: Deps, id: string) {
  return renderError(
    c,
    deps,
    404,
    'Paper not in this catalog yet',
    `arXiv:${id} is not in this instance's catalog.`,
    <ul>
      <li>
        <a href={absUrl(id)}>Open arXiv:{id} on arXiv</a>
      </li>
    </ul>,
  );
}

function renderPaper(c: Ctx, deps: Deps, p: Paper) {
  return renderPage(
    c,
    deps,
    { title: p.title, description: p.abstract.slice(0, 300), canonical: `${deps.config.baseUrl}${paperPath(p.id)}` },
    <article class="paper">
      <header>
        <p class="muted">
          arXiv:{p.id}
          {p.version ? `v${p.version}` : ''}
          {p.announceDay ? ` · announced ${formatDay(p.announceDay)}` : ''}
        </p>
        <h1>{p.title}</h1>
        <AuthorList paper={p} max={1000} />
      </header>
      <section aria-labelledby="abstract-heading">
        <h2 id="abstract-heading" class="visually-hidden">
          Abstract
        </h2>
        <p class="abstract">{p.abstract}</p>
      </section>
      <div class="links">
        <a class="button" href={absUrl(p.id)}>
          arXiv page
        </a>
        <a class="button secondary" href={pdfUrl(p.id)}>
          PDF
        </a>
      </div>
      <dl class="facts">
        {p.categories.length > 0 ? (
          <>
            <dt>Categories</dt>
            <dd>
              <CategoryBadges paper={p} />
            </dd>
          </>
        ) : null}
        {p.comments ? (
          <>
            <dt>Comments</dt>
            <dd>{p.comments}</dd>
          </>
        ) : null}
        {p.journalRef ? (
          <>
            <dt>Journal reference</dt>
            <dd>{p.journalRef}</dd>
          </>
        ) : null}
        {p.doi ? (
          <>
            <dt>DOI</dt>
            <dd>
              <a href={`https://doi.org/${p.doi}`}>{p.doi}</a>
            </dd>
          </>
        ) : null}
        {p.reportNo ? (
          <>
            <dt>Report number</dt>
            <dd>{p.reportNo}</dd>
          </>
        ) : null}
        {p.versions.length > 0 ? (
          <>
            <dt>Versions</dt>
            <dd>
              <ul>
                {p.versions.map((v) => (
                  <li>
                    <a href={absUrl(p.id, v.version)}>v{v.version}</a>
                    {v.submittedAt ? ` · ${formatDateTime(v.submittedAt)}` : ''}
                    {v.size ? ` · ${v.size}` : ''}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {p.license ? (
          <>
            <dt>License</dt>
            <dd>
              <a href={p.license}>{p.license.replace(/^https?:\/\//, '')}</a>
            </dd>
          </>
        ) : null}
      </dl>
    </article>,
  );
}
