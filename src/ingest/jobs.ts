/**
 * Ingest jobs: what the CLI's `ingest` and `paper add` commands run, and what the scheduler in
 * `serve` runs after each arXiv announcement. Each stores page by page and keeps its position in
 * ingest_state, so a crash resumes and the next run is incremental.
 */
import type { Store } from '../db/connect.js';
import type { Config } from '../config.js';
import { userAgent } from '../config.js';
import { upsertItems, type UpsertStats } from '../papers/upsert.js';
import { deletePapers, getIngestState, getPaper, setIngestState, type Paper } from '../papers/repository.js';
import { requireArxivId } from '../papers/arxiv-id.js';
import { UserError } from '../errors.js';
import { logger } from '../log.js';
import { createArxivClient, type ArxivClient } from './http.js';
import { fetchArxivByIds, fetchArxivRss, harvestOai, searchArxiv, type OaiQuery, type SearchQuery } from './sources.js';
import { rssItems } from './runner.js';
import type { RecordError } from './types.js';

const log = logger('ingest');

export interface JobDeps {
  store: Store;
  config: Config;
  client: ArxivClient;
  now?: () => Date;
}

export interface JobReport extends UpsertStats {
  pages: number;
  deleted: number;
  errors: RecordError[];
}

/** The one arXiv client of a process, built from the configuration. */
export function arxivClientFor(config: Config, signal?: AbortSignal): ArxivClient {
  return createArxivClient({
    userAgent: userAgent(config),
    minIntervalMs: config.arxiv.minIntervalMs,
    timeoutMs: config.arxiv.timeoutMs,
    maxRetries: config.arxiv.maxRetries,
    signal,
  });
}

function emptyReport(): JobReport {
  return { inserted: 0, updated: 0, unchanged: 0, featured: 0, pages: 0, deleted: 0, errors: [] };
}

function add(r: JobReport, s: UpsertStats): void {
  r.inserted += s.inserted;
  r.updated += s.updated;
  r.unchanged += s.unchanged;
  r.featured += s.featured;
}

/**
 * The daily ingest: each category's announcement feed, then the arXiv API for the papers the
 * feed announced, because the feed lacks submission dates, journal references and DOIs.
 */
export async function ingestDaily(deps: JobDeps, categories: string[] = deps.config.categories): Promise<JobReport & { days: Record<string, string | null> }> {
  const report = { ...emptyReport(), days: {} as Record<string, string | null> };
  const announced = new Set<string>();
  for (const category of categories) {
    const feed = await fetchArxivRss(deps.client, deps.config.arxiv.rssUrl, category);
    report.pages++;
    report.errors.push(...feed.errors);
    const items = rssItems(feed);
    if (items.length > 0) add(report, await upsertItems(deps.store, items, { calendar: deps.config.calendar, state: { key: `rss:${category}`, value: { day: feed.day } } }));
    for (const i of items) announced.add(i.paper.id);
    report.days[category] = feed.day;
    log.info(`feed ${category}: ${items.length} entries`, { day: feed.day ?? 'none' });
  }
  if (announced.size > 0) {
    // The API's records merge into the feed's papers: counted as updates of papers already counted above.
    const details = await ingestArxivIds(deps, [...announced]);
    report.pages += details.pages;
    report.errors.push(...details.errors);
    log.info(`details from the arXiv API for ${announced.size} papers`, { updated: details.updated, unchanged: details.unchanged });
  }
  await setIngestState(deps.store, 'daily:last', { at: (deps.now?.() ?? new Date()).toISOString(), days: report.days });
  return report;
}

/** Papers by arXiv id through the API, 100 per request. */
export async function ingestArxivIds(deps: JobDeps, ids: string[]): Promise<JobReport> {
  const report = emptyReport();
  const canonical = ids.map((id) => requireArxivId(id).id);
  for await (const page of fetchArxivByIds(deps.client, deps.config.arxiv.apiUrl, canonical)) {
    report.pages++;
    report.errors.push(...page.errors);
    if (page.papers.length > 0) add(report, await upsertItems(deps.store, page.papers.map((paper) => ({ paper })), { calendar: deps.config.calendar }));
  }
  return report;
}

/** An arXiv API search (query, category, date range), stored page by page. */
export async function ingestArxivSearch(deps: JobDeps, q: SearchQuery): Promise<JobReport> {
  const report = emptyReport();
  for await (const page of searchArxiv(deps.client, deps.config.arxiv.apiUrl, q)) {
    report.pages++;
    report.errors.push(...page.errors);
    add(report, await upsertItems(deps.store, page.papers.map((paper) => ({ paper })), { calendar: deps.config.calendar }));
    log.info(`page ${report.pages}: ${page.papers.length} papers`, { start: page.startIndex, total: page.totalResults });
  }
  return report;
}

interface OaiState {
  /** a harvest in progress: resume here */
  resumptionToken: string | null;
  /** the query the harvest in progress was started with */
  query: OaiQuery | null;
  /** day (YYYY-MM-DD) of the last complete harvest's response: the next run's `from` */
  harvestedUntil: string | null;
}

/**
 * An OAI-PMH harvest. The resumptionToken is stored with each page, so an interrupted harvest
 * resumes where it stopped; after a complete harvest the response date is stored, and the next
 * run without --from asks only for records changed since then.
 */
export async function ingestOai(deps: JobDeps, q: Omit<OaiQuery, 'resumptionToken'>, opts: { restart?: boolean } = {}): Promise<JobReport & { resumed: boolean; from: string | null }> {
  const key = `oai:${q.metadataPrefix}:${q.set ?? '*'}`;
  const saved = opts.restart ? null : await getIngestState<OaiState>(deps.store, key);
  const report = { ...emptyReport(), resumed: false, from: null as string | null };
  let query: OaiQuery;
  if (saved?.resumptionToken && saved.query) {
    query = { ...saved.query, resumptionToken: saved.resumptionToken };
    report.resumed = true;
    report.from = saved.query.from ?? null;
  } else {
    query = { ...q, from: q.from ?? saved?.harvestedUntil ?? undefined };
    report.from = query.from ?? null;
  }
  const started: OaiQuery = { ...query, resumptionToken: undefined };
  let lastResponseDay: string | null = null;
  for await (const { page } of harvestOai(deps.client, deps.config.arxiv.oaiUrl, query)) {
    report.pages++;
    report.errors.push(...page.errors);
    lastResponseDay = page.responseDate?.slice(0, 10) ?? lastResponseDay;
    const state: OaiState = page.resumptionToken
      ? { resumptionToken: page.resumptionToken, query: started, harvestedUntil: saved?.harvestedUntil ?? null }
      : { resumptionToken: null, query: null, harvestedUntil: lastResponseDay ?? saved?.harvestedUntil ?? null };
    add(report, await upsertItems(deps.store, page.papers.map((paper) => ({ paper })), { calendar: deps.config.calendar, state: { key, value: state } }));
    if (page.deleted.length > 0) report.deleted += await deletePapers(deps.store, page.deleted);
    log.info(`OAI page ${report.pages}: ${page.papers.length} records`, { cursor: page.cursor ?? undefined, of: page.completeListSize ?? undefined });
  }
  return report;
}

/** Fetches one paper from arXiv by id or URL and stores it. */
export async function addPaper(deps: JobDeps, idOrUrl: string): Promise<Paper> {
  const { id } = requireArxivId(idOrUrl);
  const report = await ingestArxivIds(deps, [id]);
  if (report.inserted + report.updated + report.unchanged === 0) {
    throw new UserError('paper_not_on_arxiv', `arXiv has no paper ${id}.`, 404);
  }
  const paper = await getPaper(deps.store, id);
  if (!paper) throw new UserError('paper_not_on_arxiv', `arXiv has no paper ${id}.`, 404);
  return paper;
}
