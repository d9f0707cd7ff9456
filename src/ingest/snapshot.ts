/**
 * The Kaggle arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json): JSON Lines, one paper
 * per line, about 3 million lines. This is the bulk import's hot path: no per-record closures or
 * regex compilation, and the fixed date format is read without Date.parse.
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { cleanAbstract, cleanText, toIso, type NormalizedPaper, type PaperVersion } from '../papers/model.js';
import { authorsFromParsed, parseAuthorList } from './authors.js';
import { decodeTex } from './tex.js';

/** The fields of a snapshot line, as far as they are read; anything may be missing or mistyped. */
interface SnapshotRecord {
  id?: unknown;
  submitter?: unknown;
  authors?: unknown;
  title?: unknown;
  comments?: unknown;
  'journal-ref'?: unknown;
  doi?: unknown;
  'report-no'?: unknown;
  categories?: unknown;
  license?: unknown;
  abstract?: unknown;
  versions?: unknown;
  update_date?: unknown;
  authors_parsed?: unknown;
}

/** "Mon, 2 Apr 2007 19:18:42 GMT", as arXiv writes version dates. */
const RFC2822_GMT = /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
  Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};
const WHITESPACE = /\s+/;

/** Parses one snapshot line; throws an Error whose message is the reason ("invalid JSON: …", "missing id", …). */
export function parseSnapshotLine(line: string): NormalizedPaper {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    throw new Error(`invalid JSON: ${(err as Error).message}`);
  }
  return parseSnapshotRecord(obj);
}

/** Normalizes one parsed snapshot record; throws an Error whose message is the reason. */
export function parseSnapshotRecord(obj: unknown): NormalizedPaper {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error('not a JSON object');
  const r = obj as SnapshotRecord;
  if (typeof r.id !== 'string' || r.id.trim() === '') throw new Error('missing id');
  const parsed = parseArxivId(r.id);
  if (!parsed) throw new Error(`invalid arXiv id ${JSON.stringify(r.id)}`);
  const title = typeof r.title === 'string' ? cleanText(decodeTex(r.title)) : '';
  if (title === '') throw new Error('missing title');

  const versions = snapshotVersions(r.versions);
  const paper: NormalizedPaper = {
    id: parsed.id,
    title,
    abstract: typeof r.abstract === 'string' ? cleanAbstract(decodeTex(r.abstract)) : '',
    authors:
      Array.isArray(r.authors_parsed) && r.authors_parsed.length > 0
        ? authorsFromParsed(r.authors_parsed)
        : parseAuthorList(typeof r.authors === 'string' ? r.authors : ''),
    versions,
    categories: typeof r.categories === 'string' ? splitCategories(r.categories) : [],
    comments: optionalText(r.comments),
    journalRef: optionalText(r['journal-ref']),
    doi: optionalText(r.doi),
    reportNo: optionalText(r['report-no']),
    license: optionalText(r.license),
    submitter: optionalText(r.submitter),
  };
  if (versions.length > 0) {
    if (versions[0]!.version === 1) paper.submittedAt = versions[0]!.submittedAt;
    paper.updatedAt = versions[versions.length - 1]!.submittedAt;
  } else if (typeof r.update_date === 'string') {
    paper.updatedAt = toIso(r.update_date);
  }
  return paper;
}

/** arXiv's version date ("Mon, 2 Apr 2007 19:18:42 GMT") as UTC ISO; other spellings through Date.parse; null when unreadable. */
export function arxivDateToIso(text: string): string | null {
  const m = RFC2822_GMT.exec(text);
  const month = m ? MONTHS[m[2]!] : undefined;
  // Days past the 28th go the slow way, which knows month lengths.
  if (m && month && Number(m[1]) <= 28 && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60) {
    return `${m[3]}-${month}-${m[1]!.padStart(2, '0')}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  }
  return toIso(text);
}

/** A space-separated category list as arXiv writes it ("hep-th astro-ph"), the primary first, without duplicates. */
export function splitCategories(text: string): string[] {
  const out: string[] = [];
  const parts = text.split(WHITESPACE);
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i]!;
    if (c !== '' && !out.includes(c)) out.push(c);
  }
  return out;
}

/** [{version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT"}, …] → versions, ascending. */
function snapshotVersions(raw: unknown): PaperVersion[] {
  const versions: PaperVersion[] = [];
  if (!Array.isArray(raw)) return versions;
  let sorted = true;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as { version?: unknown; created?: unknown } | null;
    if (typeof v !== 'object' || v === null || typeof v.version !== 'string') continue;
    const n = Number(v.version.charCodeAt(0) === 118 /* v */ ? v.version.slice(1) : v.version);
    if (!Number.isSafeInteger(n) || n < 1) continue;
    if (versions.length > 0 && versions[versions.length - 1]!.version >= n) sorted = false;
    versions.push({ version: n, submittedAt: typeof v.created === 'string' ? arxivDateToIso(v.created) : null });
  }
  if (!sorted) versions.sort(byVersion);
  return versions;
}

function byVersion(a: PaperVersion, b: PaperVersion): number {
  return a.version - b.version;
}

/** A text field: whitespace-collapsed, null when absent or blank. */
function optionalText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = cleanText(value);
  return text === '' ? null : text;
}
