/**
 * The arXiv API's Atom feed (https://export.arxiv.org/api/query): one page of search or id_list
 * results, with the OpenSearch paging numbers.
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { cleanAbstract, cleanText, toIso, type NormalizedPaper, type PaperAuthor, type PaperVersion } from '../papers/model.js';
import { decodeTex } from './tex.js';
import { FormatError, type RecordError } from './types.js';
import {
  ARXIV_ATOM,
  ATOM,
  OPENSEARCH,
  attr,
  child,
  childText,
  children,
  cleanChildText,
  notArxivXml,
  parseArxivXml,
  textOf,
  type XmlElement,
} from './xml.js';

export interface ArxivApiPage {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  papers: NormalizedPaper[];
  errors: RecordError[];
}

/** arXiv answered with its error entry (a bad id, a bad query): the message carries arXiv's explanation. */
export class ArxivApiError extends FormatError {
  constructor(message: string) {
    super('arxiv_api_error', message);
    this.name = 'ArxivApiError';
  }
}

const EXPECTED = 'an arXiv API Atom feed';
const ERROR_ID = /^https?:\/\/(?:export\.)?arxiv\.org\/api\/errors/;
/** Characters of UTF-8 that was read as Latin-1 and encoded again ("WÃ¼bben"). */
const DOUBLE_ENCODED = /[\u00C2-\u00F4][\u0080-\u00BF]/;
const BEYOND_LATIN1 = /[^\u0000-\u00FF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one API response page; an arXiv error entry throws ArxivApiError, a non-feed FormatError 'not_arxiv_xml'. */
export function parseArxivApiFeed(xml: string): ArxivApiPage {
  const feed = parseArxivXml(xml, EXPECTED);
  const totalResults = childText(feed, OPENSEARCH, 'totalResults');
  if (feed.ns !== ATOM || feed.local !== 'feed' || totalResults === null) throw notArxivXml(feed, EXPECTED);
  const entries = children(feed, ATOM, 'entry');
  for (const entry of entries) {
    const id = childText(entry, ATOM, 'id')?.trim() ?? '';
    if (ERROR_ID.test(id) || (childText(entry, ATOM, 'title')?.trim() === 'Error' && !parseArxivId(id))) {
      throw new ArxivApiError(`arXiv API error: ${cleanChildText(entry, ATOM, 'summary') ?? id}`);
    }
  }
  const page: ArxivApiPage = {
    totalResults: toCount(totalResults),
    startIndex: toCount(childText(feed, OPENSEARCH, 'startIndex')),
    itemsPerPage: toCount(childText(feed, OPENSEARCH, 'itemsPerPage')),
    papers: [],
    errors: [],
  };
  entries.forEach((entry, i) => {
    const paper = parseEntry(entry);
    if ('reason' in paper) page.errors.push({ record: i + 1, line: entry.line, ...paper });
    else page.papers.push(paper);
  });
  return page;
}

function parseEntry(entry: XmlElement): NormalizedPaper | Omit<RecordError, 'record'> {
  const idText = childText(entry, ATOM, 'id')?.trim() ?? '';
  const parsed = parseArxivId(idText);
  if (!parsed) return { reason: idText ? `invalid arXiv id "${idText}"` : 'missing id' };
  const title = cleanText(decodeTex(repairText(childText(entry, ATOM, 'title') ?? '')));
  if (title === '') return { id: parsed.id, reason: 'missing title' };
  const published = toIso(childText(entry, ATOM, 'published')?.trim());
  const updated = toIso(childText(entry, ATOM, 'updated')?.trim());
  return {
    id: parsed.id,
    title,
    abstract: cleanAbstract(decodeTex(repairText(childText(entry, ATOM, 'summary') ?? ''))),
    authors: children(entry, ATOM, 'author').map(parseAuthor).filter((a) => a.name !== ''),
    versions: apiVersions(parsed.version, published, updated),
    categories: categories(entry),
    comments: repairText(cleanChildText(entry, ARXIV_ATOM, 'comment')),
    journalRef: repairText(cleanChildText(entry, ARXIV_ATOM, 'journal_ref')),
    doi: cleanChildText(entry, ARXIV_ATOM, 'doi'),
    submittedAt: published,
    updatedAt: updated,
  };
}

function parseAuthor(el: XmlElement): PaperAuthor {
  const author: PaperAuthor = { name: cleanText(decodeTex(repairText(childText(el, ATOM, 'name') ?? ''))) };
  const affiliations = children(el, ARXIV_ATOM, 'affiliation')
    .map((a) => cleanText(repairText(textOf(a))))
    .filter((a) => a !== '');
  if (affiliations.length > 0) author.affiliations = affiliations;
  return author;
}

/**
 * The API states version N's id with the first version's date (published) and this version's
 * (updated); the versions in between exist but their dates are not given.
 */
function apiVersions(latest: number | null, published: string | null, updated: string | null): PaperVersion[] {
  if (latest === null) return [];
  const versions: PaperVersion[] = [];
  for (let v = 1; v <= latest; v++) {
    versions.push({ version: v, submittedAt: v === 1 ? published : v === latest ? updated : null });
  }
  return versions;
}

/** The primary category first, then the others in the feed's order, without duplicates. */
function categories(entry: XmlElement): string[] {
  const out: string[] = [];
  const primary = child(entry, ARXIV_ATOM, 'primary_category');
  for (const el of [...(primary ? [primary] : []), ...children(entry, ATOM, 'category')]) {
    const term = attr(el, 'term')?.trim();
    if (term && !out.includes(term)) out.push(term);
  }
  return out;
}

function toCount(text: string | null): number {
  const n = Number(text?.trim());
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/**
 * Undoes UTF-8 that was encoded twice, as the API serves some names and abstracts ("Dirk WÃ¼bben"
 * for "Dirk Wübben"). Only text made of Latin-1 characters that decodes as valid UTF-8 is
 * changed, which genuine Latin-1 text practically never does.
 */
function repairText<T extends string | null>(s: T): T {
  if (s === null || !DOUBLE_ENCODED.test(s) || BEYOND_LATIN1.test(s)) return s;
  try {
    return utf8.decode(Buffer.from(s, 'latin1')) as T;
  } catch {
    return s;
  }
}
