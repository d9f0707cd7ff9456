/**
 * arXiv's OAI-PMH ListRecords pages (https://oaipmh.arxiv.org/oai) in the arXivRaw format (every
 * version with its date and size) and the arXiv format (structured authors, no versions).
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { cleanAbstract, cleanText, toIso, type NormalizedPaper, type PaperAuthor, type PaperVersion } from '../papers/model.js';
import { parseAuthorList } from './authors.js';
import { arxivDateToIso, splitCategories } from './snapshot.js';
import { decodeTex } from './tex.js';
import { FormatError, type RecordError } from './types.js';
import {
  ARXIV_OAI,
  ARXIV_RAW,
  OAI,
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

export interface OaiPage {
  papers: NormalizedPaper[];
  /** ids of records the header marks deleted */
  deleted: string[];
  errors: RecordError[];
  /** where the list continues; null when it is complete */
  resumptionToken: string | null;
  completeListSize: number | null;
  cursor: number | null;
  responseDate: string | null;
}

const EXPECTED = 'an arXiv OAI-PMH response';
const VERSION_ATTR = /^v(\d+)$/;

/** Parses one ListRecords page (arXivRaw or arXiv metadata); an OAI error other than noRecordsMatch throws FormatError 'oai_error'. */
export function parseOaiListRecords(xml: string): OaiPage {
  const root = parseArxivXml(xml, EXPECTED);
  if (root.ns !== OAI || root.local !== 'OAI-PMH') throw notArxivXml(root, EXPECTED);
  const page: OaiPage = {
    papers: [],
    deleted: [],
    errors: [],
    resumptionToken: null,
    completeListSize: null,
    cursor: null,
    responseDate: cleanChildText(root, OAI, 'responseDate'),
  };
  const errors = children(root, OAI, 'error');
  if (errors.length > 0) {
    if (errors.every((e) => attr(e, 'code') === 'noRecordsMatch')) return page;
    const described = errors.map((e) => `${attr(e, 'code') ?? 'unknown'}: ${cleanText(textOf(e))}`).join('; ');
    throw new FormatError('oai_error', `arXiv OAI-PMH error ${described}`);
  }
  const list = child(root, OAI, 'ListRecords');
  if (!list) throw new FormatError('not_arxiv_xml', `Expected ${EXPECTED} to ListRecords, got one without <ListRecords>.`);
  children(list, OAI, 'record').forEach((record, i) => readRecord(record, i + 1, page));
  const token = child(list, OAI, 'resumptionToken');
  if (token) {
    page.resumptionToken = textOf(token).trim() || null;
    page.completeListSize = toCount(attr(token, 'completeListSize'));
    page.cursor = toCount(attr(token, 'cursor'));
  }
  return page;
}

/** Adds one record to the page: a paper, a deleted id or a RecordError. */
function readRecord(record: XmlElement, n: number, page: OaiPage): void {
  const header = child(record, OAI, 'header');
  const identifier = header ? childText(header, OAI, 'identifier')?.trim() : undefined;
  const headerId = identifier ? parseArxivId(identifier)?.id : undefined;
  const fail = (reason: string, id = headerId): void => {
    page.errors.push({ record: n, line: record.line, ...(id ? { id } : {}), reason });
  };
  if (header && attr(header, 'status') === 'deleted') {
    if (headerId) page.deleted.push(headerId);
    else fail(`deleted record with an unreadable identifier "${identifier ?? ''}"`);
    return;
  }
  const metadata = child(record, OAI, 'metadata')?.children[0];
  if (!metadata) return fail('no metadata');
  const format = metadata.ns === ARXIV_RAW ? 'arXivRaw' : metadata.ns === ARXIV_OAI ? 'arXiv' : null;
  if (!format) return fail(`unsupported metadata <${metadata.local}> (${metadata.ns || 'no namespace'}): use arXivRaw or arXiv`);
  const ns = metadata.ns;
  const idText = childText(metadata, ns, 'id')?.trim();
  if (!idText) return fail('missing <id>');
  const parsed = parseArxivId(idText);
  if (!parsed) return fail(`invalid arXiv id "${idText}"`);
  const title = cleanText(decodeTex(childText(metadata, ns, 'title') ?? ''));
  if (title === '') return fail('missing title', parsed.id);

  const paper: NormalizedPaper = {
    id: parsed.id,
    title,
    abstract: cleanAbstract(decodeTex(childText(metadata, ns, 'abstract') ?? '')),
    authors: format === 'arXivRaw' ? parseAuthorList(childText(metadata, ns, 'authors') ?? '') : structuredAuthors(metadata),
    versions: format === 'arXivRaw' ? rawVersions(metadata) : [],
    categories: splitCategories(childText(metadata, ns, 'categories') ?? ''),
    comments: cleanChildText(metadata, ns, 'comments'),
    journalRef: cleanChildText(metadata, ns, 'journal-ref'),
    doi: cleanChildText(metadata, ns, 'doi'),
    reportNo: cleanChildText(metadata, ns, 'report-no'),
    license: cleanChildText(metadata, ns, 'license'),
  };
  if (format === 'arXivRaw') {
    paper.submitter = cleanChildText(metadata, ns, 'submitter');
    const first = paper.versions[0];
    const latest = paper.versions[paper.versions.length - 1];
    if (first?.version === 1) paper.submittedAt = first.submittedAt;
    if (latest) paper.updatedAt = latest.submittedAt;
  } else {
    // The arXiv format gives days only: <created> is v1's, <updated> the latest version's.
    const created = toIso(childText(metadata, ns, 'created')?.trim());
    paper.submittedAt = created;
    paper.updatedAt = toIso(childText(metadata, ns, 'updated')?.trim()) ?? created;
  }
  page.papers.push(paper);
}

/** arXivRaw's <version version="v2"><date>RFC 2822</date><size>33kb</size></version>, ascending. */
function rawVersions(metadata: XmlElement): PaperVersion[] {
  const versions: PaperVersion[] = [];
  for (const el of children(metadata, ARXIV_RAW, 'version')) {
    const m = VERSION_ATTR.exec(attr(el, 'version')?.trim() ?? '');
    if (!m) continue;
    const date = childText(el, ARXIV_RAW, 'date')?.trim();
    versions.push({
      version: Number(m[1]),
      submittedAt: date ? arxivDateToIso(date) : null,
      size: cleanChildText(el, ARXIV_RAW, 'size'),
    });
  }
  return versions.sort((a, b) => a.version - b.version);
}

/** The arXiv format's <authors><author><keyname/><forenames/><suffix/><affiliation/>…</author></authors>. */
function structuredAuthors(metadata: XmlElement): PaperAuthor[] {
  const authors: PaperAuthor[] = [];
  const list = child(metadata, ARXIV_OAI, 'authors');
  for (const el of list ? children(list, ARXIV_OAI, 'author') : []) {
    const parts = ['forenames', 'keyname', 'suffix'].map((part) => childText(el, ARXIV_OAI, part) ?? '');
    const name = cleanText(decodeTex(parts.join(' ')));
    if (name === '') continue;
    const author: PaperAuthor = { name };
    const affiliations = children(el, ARXIV_OAI, 'affiliation')
      .map((a) => cleanText(decodeTex(textOf(a))))
      .filter((a) => a !== '');
    if (affiliations.length > 0) author.affiliations = affiliations;
    authors.push(author);
  }
  return authors;
}

function toCount(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}
