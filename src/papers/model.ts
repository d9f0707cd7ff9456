/**
 * The normalized paper every ingest source produces and the store keeps. A field that a source
 * does not carry is `undefined` (the store keeps what it had); `null` means the source says
 * there is nothing (no DOI, no comments).
 */
export interface PaperVersion {
  /** 1-based version number */
  version: number;
  /** when this version was submitted (UTC ISO 8601 with milliseconds), null when unknown */
  submittedAt: string | null;
  /** size as arXiv reports it ("121kb"), when known */
  size?: string | null;
}

export interface PaperAuthor {
  /** display name as written: "Adam Tauman Kalai" */
  name: string;
  /** affiliations in order, when the source gives them */
  affiliations?: string[];
}

export interface NormalizedPaper {
  /** canonical arXiv id without version: 2101.11408 or hep-th/9901001 */
  id: string;
  title: string;
  abstract: string;
  authors: PaperAuthor[];
  /** every version the source knows, ascending; empty when the source does not say (HF) */
  versions: PaperVersion[];
  /** primary category first, then cross-lists, no duplicates; empty when the source does not say */
  categories: string[];
  comments?: string | null;
  journalRef?: string | null;
  doi?: string | null;
  reportNo?: string | null;
  license?: string | null;
  submitter?: string | null;
  /** first version's submission time (UTC ISO), when known */
  submittedAt?: string | null;
  /** latest version's time or the source's last-updated time (UTC ISO), when known */
  updatedAt?: string | null;
  /** the listing day of the first version when the source states it (an RSS "new" entry) */
  announceDay?: string | null;
}

/**
 * A paper featured by the community on a day (Hugging Face daily papers, or a member's
 * submission once accounts exist).
 */
export interface FeaturedPaper {
  paperId: string;
  /** when it was featured (UTC ISO); its UTC date is the featured day */
  featuredAt: string;
  upvotes: number;
  /** HF user name of whoever submitted it, when known */
  submittedBy?: string | null;
  submittedByFullname?: string | null;
  submittedByAvatarUrl?: string | null;
  numComments?: number | null;
  githubRepo?: string | null;
  githubStars?: number | null;
  projectPage?: string | null;
  aiSummary?: string | null;
  aiKeywords?: string[] | null;
  thumbnail?: string | null;
  /** HF's discussion id, when the data came from HF */
  discussionId?: string | null;
}

/** The latest version number a paper record carries. */
export function latestVersion(p: Pick<NormalizedPaper, 'versions'>): number {
  let max = 0;
  for (const v of p.versions) if (v.version > max) max = v.version;
  return max;
}

/**
 * Collapses whitespace runs to one space and trims (arXiv wraps titles and abstracts at ~80
 * columns). NUL is never meaningful in metadata, and PostgreSQL text cannot store it: dropped
 * first, so that the spaces around it collapse too. (A scan in JS deciding whether the regular
 * expression is needed was measured 3 times slower than always running it.)
 */
export function cleanText(s: string): string {
  return (s.includes('\0') ? s.replaceAll('\0', '') : s).replace(COLLAPSIBLE, ' ').trim();
}

/**
 * An abstract's text: its paragraphs, each cleaned as cleanText does, joined by one line break.
 * arXiv starts a paragraph on a line that is indented or follows a blank line ("…results are
 * given.\n  The operations of…": 14 of the snapshot fixture's first 200 abstracts, 62 of the
 * OAI page's 1,000); its line breaks otherwise only wrap the text. The bulk import's hot path:
 * four native searches decide whether there is a paragraph break at all (~0.8 µs an abstract).
 */
export function cleanAbstract(s: string): string {
  if (s.indexOf('\n ') < 0 && s.indexOf('\n\n') < 0 && s.indexOf('\n\t') < 0 && s.indexOf('\n\r') < 0) return cleanText(s);
  let out = '';
  for (const part of s.split(PARAGRAPH_BREAK)) {
    const p = cleanText(part);
    if (p !== '') out = out === '' ? p : `${out}\n${p}`;
  }
  return out;
}

/** An abstract's paragraphs (cleanAbstract joins them with a line break). */
export function paragraphs(abstract: string): string[] {
  return abstract.split('\n');
}

/** A line break followed by indentation or by another line break (a blank line). */
const PARAGRAPH_BREAK = /\n(?=[ \t\r\n])/;

/** Whitespace other than a lone space: matching only these is ~3x faster than /\s+/ on abstracts (bulk import hot path). */
const COLLAPSIBLE = /[^\S ]\s*| \s+/g;

/** Normalizes any parseable date text to UTC ISO 8601 with milliseconds; null when unparseable. */
export function toIso(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
