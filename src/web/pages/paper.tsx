/**
 * The paper page /papers/<arXiv id> (old-style ids keep their slash), its BibTeX at
 * /papers/<id>/bibtex, and POST /papers/<id>/fetch, which fetches a paper the catalog lacks
 * from arXiv. Other spellings of an id (versioned, subject class, %2F) redirect to the canonical URL.
 */
import type { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv, Ctx, Deps } from '../context.js';
import { getPaper, type Paper } from '../../papers/repository.js';
import { paragraphs } from '../../papers/model.js';
import { parseArxivId, ID_EXAMPLES } from '../../papers/arxiv-id.js';
import { addPaper, arxivClientFor } from '../../ingest/jobs.js';
import { NetworkUnavailableError } from '../../ingest/http.js';
import { UserError, isUserError } from '../../errors.js';
import { renderError, renderPage } from '../render.js';
import { CategoryBadges } from '../components.js';
import { absUrl, authorPath, formatDate, formatDateTime, formatDay, paperPath, pdfUrl, snippet, feedLinks } from '../format.js';
import { clip } from '../params.js';
import { ASSET_VERSION } from '../assets.js';
import { TexText, mathHead } from '../math.js';
import { paperBibtex } from '../bibtex.js';
import { CitationMeta } from '../citation.js';

const PAPER_CSS = `/static/paper.css?v=${ASSET_VERSION}`;
/** Fetches from arXiv that may wait at once; more get a "try again" page instead of a growing queue. */
const MAX_PENDING_FETCHES = 4;

/** Registers GET /papers/<id>, GET /papers/<id>/bibtex and POST /papers/<id>/fetch. */
export function paperRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const fetchPaper = paperFetcher(deps);

  app.get('/papers/:rest{.+}', async (c) => {
    const { raw, action } = splitAction(c.req.param('rest'));
    const parsed = parseArxivId(raw);
    if (!parsed) return invalidId(c, deps, raw);
    // The fetch form's URL opened directly: the paper page offers the form.
    if (action === 'fetch') return c.redirect(paperPath(parsed.id), 303);
    const canonical = action ? `${paperPath(parsed.id)}/${action}` : paperPath(parsed.id);
    if (c.req.path !== canonical) return c.redirect(canonical, 301);
    const paper = await getPaper(deps.store, parsed.id);
    if (!paper) return notInCatalog(c, deps, parsed.id);
    if (action === 'bibtex') {
      return c.body(paperBibtex(paper), 200, {
        'Content-Type': 'application/x-bibtex; charset=utf-8',
        'Content-Disposition': `attachment; filename="${paper.id.replace('/', '_')}.bib"`,
      });
    }
    return renderPaper(c, deps, paper, await similarOf(deps, paper));
  });

  app.post('/papers/:rest{.+}', async (c) => {
    const { raw, action } = splitAction(c.req.param('rest'));
    if (action !== 'fetch') return c.notFound();
    const parsed = parseArxivId(raw);
    if (!parsed) return invalidId(c, deps, raw);
    if (!(await getPaper(deps.store, parsed.id))) {
      try {
        await fetchPaper(parsed.id);
      } catch (err) {
        return fetchFailed(c, deps, parsed.id, err);
      }
    }
    return c.redirect(paperPath(parsed.id), 303);
  });
}

/** "hep-th/9901001/bibtex" → the id part and the action after it. */
function splitAction(rest: string): { raw: string; action: 'bibtex' | 'fetch' | null } {
  const m = /^(.+?)\/+(bibtex|fetch)\/*$/.exec(rest);
  return m ? { raw: m[1]!, action: m[2] as 'bibtex' | 'fetch' } : { raw: rest.replace(/\/+$/, ''), action: null };
}

/**
 * addPaper for visitors: one arXiv client for every fetch from the web, at most one retry (a
 * visitor is waiting), the same id fetched once however often it is asked, and a bounded queue.
 */
const fetchers = new WeakMap<Deps, (id: string) => Promise<void>>();
export function paperFetcher(deps: Deps): (id: string) => Promise<void> {
  let f = fetchers.get(deps);
  if (!f) fetchers.set(deps, (f = makePaperFetcher(deps)));
  return f;
}

function makePaperFetcher(deps: Deps): (id: string) => Promise<void> {
  const client = (deps.arxiv ?? arxivClientFor(deps.config)).withMaxRetries(1);
  const pending = new Map<string, Promise<unknown>>();
  return async (id) => {
    let job = pending.get(id);
    if (!job) {
      if (pending.size >= MAX_PENDING_FETCHES) {
        throw new UserError('fetch_busy', 'Several papers are being fetched from arXiv right now. Try again in a minute.', 503);
      }
      job = addPaper({ store: deps.store, config: deps.config, client, now: deps.now }, id).finally(() => pending.delete(id));
      pending.set(id, job);
    }
    await job;
  };
}

function invalidId(c: Ctx, deps: Deps, raw: string) {
  return renderError(
    c,
    deps,
    400,
    'Not an arXiv id',
    `"${clip(raw)}" is not an arXiv id. Valid ids look like ${ID_EXAMPLES}.`,
    <p>
      <a href={`/search?q=${encodeURIComponent(raw.slice(0, 200))}`}>Search the catalog for “{clip(raw)}” instead</a>
    </p>,
  );
}

function notInCatalog(c: Ctx, deps: Deps, id: string) {
  return renderError(
    c,
    deps,
    404,
    'Paper not in this catalog yet',
    `arXiv:${id} is not in this instance's catalog.`,
    <>
      <form method="post" action={`${paperPath(id)}/fetch`}>
        <button type="submit">Fetch arXiv:{id} from arXiv</button>
      </form>
      <ul>
        <li>
          <a href={`/search?q=${encodeURIComponent(id)}`}>Search this catalog for “{id}”</a>
        </li>
        <li>
          <a href={absUrl(id)}>Open arXiv:{id} on arxiv.org</a>
        </li>
      </ul>
    </>,
  );
}

/** The page for a fetch that did not work: arXiv unreachable (503), no such paper (404), or arXiv failing (502). */
export function fetchFailed(c: Ctx, deps: Deps, id: string, err: unknown) {
  const onArxiv = (
    <p>
      <a href={absUrl(id)}>Look for arXiv:{id} on arxiv.org</a>
    </p>
  );
  if (err instanceof NetworkUnavailableError) {
    c.header('Retry-After', '300');
    return renderError(c, deps, 503, 'arXiv cannot be reached', `This server cannot reach arXiv right now, so arXiv:${id} could not be fetched. Try again later.`, onArxiv);
  }
  if (!isUserError(err)) throw err;
  if (err.code === 'paper_not_on_arxiv') {
    return renderError(c, deps, 404, 'No such paper on arXiv', `arXiv has no paper with the id ${id}. Check the id and try again.`);
  }
  if (err.status === 503) c.header('Retry-After', '60');
  return renderError(c, deps, err.status >= 500 ? err.status : 502, 'Fetching from arXiv failed', err.message, onArxiv);
}

/** Similar papers shown on the page. */
const SIMILAR = 6;

async function similarOf(deps: Deps, p: Paper): Promise<Paper[]> {
  return deps.search.similarPapers(p.seq, SIMILAR);
}

function renderPaper(c: Ctx, deps: Deps, p: Paper, similar: Paper[]) {
  const url = `${deps.config.baseUrl}${paperPath(p.id)}`;
  const math = mathHead([p.title, p.abstract, ...similar.map((s) => s.title)], c.get('nonce'));
  return renderPage(
    c,
    deps,
    {
      title: p.title,
      description: snippet(p.abstract, 300),
      canonical: url,
      ogType: 'article',
      // Follow what comes next in the paper's field.
      feeds: p.primaryCategory ? feedLinks(`New in ${p.primaryCategory}`, `/feeds/list/${p.primaryCategory}`) : undefined,
      styles: [...math.styles, PAPER_CSS],
      head: (
        <>
          {math.head}
          <CitationMeta paper={p} url={url} />
        </>
      ),
    },
    <article class="paper" aria-labelledby="paper-title">
      <header>
        <p class="muted">
          arXiv:{p.id}
          {p.version ? `v${p.version}` : ''}
          {p.primaryCategory ? ` [${p.primaryCategory}]` : ''}
          {p.submittedAt ? ` · submitted ${formatDate(p.submittedAt)}` : ''}
          {p.announceDay ? ` · announced ${formatDay(p.announceDay)}` : ''}
        </p>
        <h1 id="paper-title">
          <TexText text={p.title} />
        </h1>
        <Authors paper={p} />
      </header>
      <Links paper={p} />
      <section aria-labelledby="abstract-heading">
        <h2 id="abstract-heading">Abstract</h2>
        {paragraphs(p.abstract).map((text) => (
          <p class="abstract">
            <TexText text={text} />
          </p>
        ))}
      </section>
      <AiSummary paper={p} />
      <Details paper={p} />
      <Cite paper={p} />
      <Similar papers={similar} />
    </article>,
  );
}

function Similar({ papers }: { papers: Paper[] }) {
  if (papers.length === 0) return null;
  return (
    <section class="similar" aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar papers</h2>
      <ul>
        {papers.map((s) => (
          <li>
            <a href={paperPath(s.id)}>
              <TexText text={s.title} />
            </a>
            <span class="muted">
              {' '}
              · {s.authors[0]?.name ?? ''}
              {s.authors.length > 1 ? ' et al.' : ''}
              {s.announceDay ? ` · ${formatDay(s.announceDay)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Authors({ paper }: { paper: Paper }) {
  return (
    <ul class="author-list" aria-label="Authors">
      {paper.authors.map((a) => (
        <li>
          <a href={authorPath(a.name)}>{a.name}</a>
          {a.affiliations?.length ? <span class="affil"> ({a.affiliations.join('; ')})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Links({ paper: p }: { paper: Paper }) {
  const repo = httpUrl(p.githubRepo);
  const project = httpUrl(p.projectPage);
  return (
    <p class="links">
      <a class="button" href={absUrl(p.id)}>
        arXiv abstract
      </a>
      <a class="button secondary" href={pdfUrl(p.id)}>
        PDF
      </a>
      {repo ? (
        <a class="button secondary" href={repo} rel="nofollow noopener">
          Code{p.githubStars !== null ? ` (${p.githubStars.toLocaleString('en-US')} stars)` : ''}
        </a>
      ) : null}
      {project ? (
        <a class="button secondary" href={project} rel="nofollow noopener">
          Project page
        </a>
      ) : null}
    </p>
  );
}

function AiSummary({ paper: p }: { paper: Paper }) {
  const keywords = p.aiKeywords ?? [];
  if (!p.aiSummary && keywords.length === 0) return null;
  return (
    <section class="ai" aria-labelledby="ai-heading">
      <h2 id="ai-heading">AI-generated summary</h2>
      {p.aiSummary ? <p>{p.aiSummary}</p> : null}
      {keywords.length > 0 ? (
        <ul class="badges" aria-label="AI-generated keywords">
          {keywords.map((k) => (
            <li>
              <a class="badge" href={`/search?q=${encodeURIComponent(k)}`}>
                {k}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="muted">
        <small>Written by AI (from Hugging Face's daily papers), not by the authors; it may be wrong.</small>
      </p>
    </section>
  );
}

/** One row of the details list; nothing when there is no value. */
function Fact({ label, value }: { label: string; value: Child }) {
  if (value === null || value === undefined || value === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function Details({ paper: p }: { paper: Paper }) {
  const license = httpUrl(p.license);
  return (
    <section aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl class="facts">
        <Fact label="Categories" value={p.categories.length > 0 ? <CategoryBadges paper={p} /> : null} />
        <Fact label="Upvotes" value={String(p.upvotes)} />
        <Fact
          label="Featured"
          value={
            p.featured ? (
              <>
                <a href={`/papers/date/${p.featured.day}`}>{formatDay(p.featured.day)}</a>
                {p.featured.submittedBy ? ` · submitted by ${p.featured.submittedBy}` : ''}
              </>
            ) : null
          }
        />
        <Fact label="Comments" value={p.comments} />
        <Fact label="Journal reference" value={p.journalRef} />
        <Fact label="DOI" value={p.doi ? <a href={doiUrl(p.doi)}>{p.doi}</a> : null} />
        <Fact label="Report number" value={p.reportNo} />
        <Fact label="License" value={license ? <a href={license}>{license.replace(/^https?:\/\//, '')}</a> : p.license} />
        <Fact
          label="Versions"
          value={
            p.versions.length > 0 ? (
              <ul class="versions">
                {p.versions.map((v) => (
                  <li>
                    <a href={absUrl(p.id, v.version)}>v{v.version}</a>
                    {v.submittedAt ? ` · ${formatDateTime(v.submittedAt)}` : ''}
                    {v.size ? ` · ${v.size}` : ''}
                  </li>
                ))}
              </ul>
            ) : null
          }
        />
      </dl>
    </section>
  );
}

function Cite({ paper: p }: { paper: Paper }) {
  return (
    <section aria-labelledby="cite-heading">
      <h2 id="cite-heading">Cite</h2>
      <pre class="bibtex" id="bibtex">
        {paperBibtex(p)}
      </pre>
      <p class="cite-actions">
        <button type="button" class="secondary" data-copy="bibtex" hidden>
          Copy BibTeX
        </button>
        <a class="button secondary" href={`${paperPath(p.id)}/bibtex`} download>
          Download .bib
        </a>
      </p>
    </section>
  );
}

/** The URL when it is http(s), else null: links from imported data must not run script. */
function httpUrl(url: string | null): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}

/** doi.org link for a DOI, each path segment percent-encoded (DOIs may contain # ; < >). */
function doiUrl(doi: string): string {
  return `https://doi.org/${doi.split('/').map(encodeURIComponent).join('/')}`;
}
