/**
 * The fetch flows for each arXiv source: which URLs to ask, in what order, and when to stop. Each
 * flow yields parsed pages one at a time, so the ingest runner stores (and checkpoints) page by
 * page. All requests go through one ArxivClient, which owns rate limiting and retries.
 */
import { UserError, errorMessage } from '../errors.js';
import { logger } from '../log.js';
import { ArxivApiError, parseArxivApiFeed, type ArxivApiPage } from './arxiv-api.js';
import { ArxivRequestError, type ArxivClient, type ArxivResponse } from './http.js';
import { parseOaiListRecords, type OaiPage } from './oai-pmh.js';
import { parseArxivRss, type RssFeed } from './rss.js';
import { FormatError } from './types.js';

const log = logger('arxiv');

/** One category (cs.LG, hep-th) or several joined with "+" as the RSS service accepts (cs.AI+cs.LG). */
const CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?(\+[a-z-]+(\.[A-Za-z-]+)?)*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Query parameters of the arXiv API (https://info.arxiv.org/help/api/user-manual.html). */
export interface ApiParams {
  searchQuery?: string;
  idList?: string[];
  start: number;
  maxResults: number;
  sortBy?: 'submittedDate' | 'lastUpdatedDate' | 'relevance';
  sortOrder?: 'ascending' | 'descending';
}

/** A search of the arXiv API; at least one of query, category, from or until. */
export interface SearchQuery {
  /** arXiv query syntax, used as given: "testing", "ti:transformer AND au:vaswani" */
  query?: string;
  category?: string;
  /** first submission day, YYYY-MM-DD (UTC) */
  from?: string;
  /** last submission day, YYYY-MM-DD (UTC), inclusive */
  until?: string;
  /** offset of the first result (default 0) */
  start?: number;
  /** stop after this many results (default: all of totalResults) */
  maxResults?: number;
  /** results per request (default 100) */
  pageSize?: number;
  /** default: relevance for a text query, else submittedDate; always descending */
  sortBy?: 'submittedDate' | 'lastUpdatedDate' | 'relevance';
}

/** An OAI-PMH ListRecords harvest, started fresh or resumed from a stored resumptionToken. */
export interface OaiQuery {
  metadataPrefix: 'arXiv' | 'arXivRaw';
  /** an OAI set such as "cs" or "physics:hep-th" */
  set?: string;
  /** first datestamp, YYYY-MM-DD */
  from?: string;
  /** last datestamp, YYYY-MM-DD, inclusive */
  until?: string;
  /** resume here (from a stored token); the other fields are then not sent */
  resumptionToken?: string;
}

/** One harvested OAI page and the URL that was asked for it. */
export interface OaiHarvestPage {
  page: OaiPage;
  request: string;
}

/** The API URL for these parameters. */
export function buildApiUrl(apiUrl: string, p: ApiParams): string {
  const url = new URL(apiUrl);
  if (p.searchQuery !== undefined) url.searchParams.set('search_query', p.searchQuery);
  if (p.idList !== undefined) url.searchParams.set('id_list', p.idList.join(','));
  url.searchParams.set('start', String(p.start));
  url.searchParams.set('max_results', String(p.maxResults));
  if (p.sortBy !== undefined) url.searchParams.set('sortBy', p.sortBy);
  if (p.sortOrder !== undefined) url.searchParams.set('sortOrder', p.sortOrder);
  return url.toString();
}

/**
 * The OAI-PMH ListRecords URL. With a resumptionToken only `verb` and `resumptionToken` are sent:
 * OAI-PMH makes resumptionToken an exclusive argument (the token carries the rest).
 */
export function buildOaiUrl(oaiUrl: string, q: OaiQuery): string {
  const url = new URL(oaiUrl);
  url.searchParams.set('verb', 'ListRecords');
  if (q.resumptionToken) {
    url.searchParams.set('resumptionToken', q.resumptionToken);
    return url.toString();
  }
  url.searchParams.set('metadataPrefix', q.metadataPrefix);
  if (q.set !== undefined) url.searchParams.set('set', q.set);
  if (q.from !== undefined) url.searchParams.set('from', checkDate(q.from, 'from'));
  if (q.until !== undefined) url.searchParams.set('until', checkDate(q.until, 'until'));
  return url.toString();
}

/** The API's search_query for a search: its parts joined with AND (query in parentheses when combined). */
export function buildSearchQuery(q: Pick<SearchQuery, 'query' | 'category' | 'from' | 'until'>): string {
  const parts: string[] = [];
  const text = q.query?.trim();
  if (text) parts.push(text);
  if (q.category !== undefined) parts.push(`cat:${checkCategory(q.category)}`);
  if (q.from !== undefined || q.until !== undefined) {
    const from = q.from === undefined ? '1991-01-01' : checkDate(q.from, 'from');
    const until = q.until === undefined ? new Date().toISOString().slice(0, 10) : checkDate(q.until, 'until');
    parts.push(`submittedDate:[${from.replaceAll('-', '')}0000 TO ${until.replaceAll('-', '')}2359]`);
  }
  if (parts.length === 0) throw new UserError('empty_query', 'An arXiv search needs a query, a category or a date range.');
  return parts.length > 1 && text ? [`(${text})`, ...parts.slice(1)].join(' AND ') : parts.join(' AND ');
}

/**
 * Papers by id, `pageSize` ids per request (id_list). Yields one page per chunk, empty ones too,
 * so the caller can tell which ids arXiv does not know. A malformed id makes arXiv reject its whole
 * chunk (ArxivApiError): validate ids first.
 */
export async function* fetchArxivByIds(
  client: ArxivClient,
  apiUrl: string,
  ids: string[],
  pageSize = 100,
): AsyncGenerator<ArxivApiPage> {
  checkPageSize(pageSize);
  for (let i = 0; i < ids.length; i += pageSize) {
    const url = buildApiUrl(apiUrl, { idList: ids.slice(i, i + pageSize), start: 0, maxResults: pageSize });
    yield parseResponse(await client.get(url), parseArxivApiFeed);
  }
}

/**
 * Pages through an API search until totalResults or maxResults. An empty page before the end
 * (arXiv returns those transiently) is asked once more; a second empty answer ends the search.
 * Empty pages are never yielded.
 */
export async function* searchArxiv(client: ArxivClient, apiUrl: string, q: SearchQuery): AsyncGenerator<ArxivApiPage> {
  const searchQuery = buildSearchQuery(q);
  const sortBy = q.sortBy ?? (q.query?.trim() ? 'relevance' : 'submittedDate');
  const pageSize = q.pageSize ?? 100;
  checkPageSize(pageSize);
  const limit = q.maxResults ?? Infinity;
  let offset = q.start ?? 0;
  let fetched = 0;
  while (fetched < limit) {
    const url = buildApiUrl(apiUrl, {
      searchQuery,
      start: offset,
      maxResults: Math.min(pageSize, limit - fetched),
      sortBy,
      sortOrder: 'descending',
    });
    let page = parseResponse(await client.get(url), parseArxivApiFeed);
    if (entries(page) === 0 && offset < page.totalResults) {
      log.warn('arXiv returned an empty page before the end, asking again', { url, totalResults: page.totalResults });
      page = parseResponse(await client.get(url), parseArxivApiFeed);
      if (entries(page) === 0) {
        log.warn('arXiv returned the same page empty twice, stopping early', { url, totalResults: page.totalResults });
      }
    }
    if (entries(page) === 0) return;
    yield page;
    // Advance by what came back, not by what was asked: a short page then costs a few duplicates
    // (stored idempotently), never a gap.
    fetched += entries(page);
    offset += entries(page);
    if (offset >= page.totalResults) return;
  }
}

/**
 * An OAI-PMH ListRecords harvest, following resumptionTokens to the end. Store
 * `page.resumptionToken` after each page; a crashed harvest resumes with `{ resumptionToken }`.
 */
export async function* harvestOai(client: ArxivClient, oaiUrl: string, q: OaiQuery): AsyncGenerator<OaiHarvestPage> {
  let request = buildOaiUrl(oaiUrl, q);
  let token = q.resumptionToken;
  for (;;) {
    const page = parseResponse(await client.get(request), parseOaiListRecords);
    yield { page, request };
    if (!page.resumptionToken) return;
    if (page.resumptionToken === token) {
      throw new FormatError('oai_token_loop', `arXiv OAI-PMH returned the resumptionToken it was given (${token}); stopping the harvest.`);
    }
    token = page.resumptionToken;
    request = buildOaiUrl(oaiUrl, { metadataPrefix: q.metadataPrefix, resumptionToken: token });
  }
}

/** Today's announcement feed for a category (https://rss.arxiv.org/atom/cs.AI or /rss/cs.AI). */
export async function fetchArxivRss(
  client: ArxivClient,
  rssUrl: string,
  category: string,
  flavour: 'atom' | 'rss' = 'atom',
): Promise<RssFeed> {
  const url = `${rssUrl.replace(/\/+$/, '')}/${flavour}/${checkCategory(category)}`;
  return parseResponse(await client.get(url), parseArxivRss);
}

/**
 * Parses a response the client returned (2xx or 400). A 400 must carry an error arXiv explains
 * (the API's error entry, thrown by the parser); anything else about a 400 is reported with its URL.
 */
function parseResponse<T>(res: ArxivResponse, parse: (xml: string) => T): T {
  if (res.status !== 400) return parse(res.body);
  let reason = 'no explanation in the body';
  try {
    parse(res.body);
  } catch (err) {
    if (err instanceof ArxivApiError) throw err;
    reason = errorMessage(err);
  }
  throw new ArxivRequestError('arxiv_http_error', `arXiv answered HTTP 400 for ${res.url} (${reason})`, res.url, 400);
}

function entries(page: ArxivApiPage): number {
  return page.papers.length + page.errors.length;
}

function checkDate(value: string, name: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UserError('bad_date', `${name}: "${value}" is not a date (YYYY-MM-DD).`);
  }
  return value;
}

function checkCategory(value: string): string {
  if (!CATEGORY.test(value)) {
    throw new UserError('bad_category', `"${value}" is not an arXiv category (examples: cs.LG, math.CO, hep-th).`);
  }
  return value;
}

function checkPageSize(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 2000) {
    throw new UserError('bad_page_size', `The page size must be a whole number from 1 to 2000 (arXiv's limit), not ${n}.`);
  }
}
