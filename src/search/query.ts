/**
 * The search query language, parsed into plain data that no engine's syntax can leak into.
 *
 *   graph neural            free words (all must match; the engines analyze them)
 *   "message passing"       an exact phrase (two words or more; a one-word "phrase" is a word)
 *   -survey  -"large language"   excluded word / phrase
 *   author:LeCun  author:"Yann LeCun"  (also au:)      every author given must match
 *   cat:cs.LG  cat:cs.LG,stat.ML  cat:cs  (also category:)  any category given may match;
 *                           an archive alone (cs, astro-ph) stands for all of its categories
 *   since:2024  since:2024-01  since:2024-01-15         inclusive first day
 *   until:2024  until:2024-01  until:2024-01-15         inclusive last day (2024-01 → 2024-01-31)
 *   sort:new | sort:relevance | sort:upvotes
 *
 * Decisions:
 * - parseQuery never throws. Anything it cannot use becomes a warning and the rest is searched.
 * - Everything else is an ordinary word: ( ) [ ] { } * ^ ~ : | & ! + ' \ / and AND OR NOT NEAR
 *   mean nothing here. Field prefixes are case-insensitive and count only at the start of a
 *   token; an unknown prefix (foo:bar, title:x, http://…) is a plain word. A "-" before a field
 *   (-author:x) is not supported: the term is ignored with a warning rather than half-applied.
 * - Double quotes " “ ” „ ‟ (and the fullwidth ＂, via NFKC) open and close phrases, wherever they
 *   appear; a quote also ends the token before it (foo"bar baz" is foo and "bar baz"). An unclosed
 *   quote runs to the end of the query, with a warning. Single quotes are ordinary characters.
 * - Cleaning: lone surrogates, control characters (tabs and line breaks become spaces), bidi
 *   marks and overrides, soft hyphens and other invisible format characters are removed (they are
 *   invisible, make equal-looking queries differ, and an unclosed override would garble the
 *   results page); then NFKC, then whitespace of every kind collapses to single spaces. Letters of
 *   any script, combining marks, emoji (with their joiners) are kept. A token with no letter,
 *   digit or non-ASCII symbol (a lone "(", "*", "—") is dropped silently.
 * - Limits: the cleaned query is cut to MAX_QUERY_LENGTH characters (at a space when one is
 *   near), and at most MAX_QUERY_TERMS terms (words, phrases, exclusions, authors, categories)
 *   are kept; either adds a warning. At most MAX_WARNINGS warnings are returned.
 * - arXiv ids: only when the whole query is an id or an abs/pdf/html URL (every form
 *   parseArxivId accepts) is it an id search; `arxivId` is then set and nothing else. An id among
 *   other words is an ordinary word.
 * - Repeated since:/until:/sort: — the last one wins (with a warning when they differ).
 *   since: after until: is swapped (with a warning): since:2024-03 until:2024-01 searches
 *   2024-01-01 … 2024-03-31.
 * - Categories: the taxonomy's spelling when known (cs.lg → cs.LG, ASTRO-PH.ga → astro-ph.GA);
 *   otherwise arXiv's syntax decides (archive lowercase, two-letter subject classes uppercase,
 *   longer ones lowercase) and a well-formed category missing from the taxonomy is still searched
 *   with a warning (old papers carry retired ones); malformed ones are ignored with a warning.
 * - Authors and categories are deduplicated (case-insensitively); words are kept as typed.
 */
import { parseArxivId, versionedId } from '../papers/arxiv-id.js';
import { TAXONOMY, canonicalCategory } from '../papers/taxonomy.js';

/** Longest query used, in UTF-16 code units after cleaning; the rest is cut off with a warning. */
export const MAX_QUERY_LENGTH = 500;
/** Most terms (words, phrases, exclusions, authors, categories) used; the rest are dropped with a warning. */
export const MAX_QUERY_TERMS = 32;
/** Most warnings returned. */
export const MAX_WARNINGS = 10;

export type QuerySort = 'relevance' | 'newest' | 'upvotes';

export interface ParsedQuery {
  /** free words, in order, as typed (normalized: NFKC, whitespace collapsed); the engines analyze them */
  words: string[];
  /** "exact phrases", each its words in order (at least two) */
  phrases: string[][];
  /** -word and -"a phrase" */
  excludedWords: string[];
  excludedPhrases: string[][];
  /** author:Name, author:"Full Name": all must match */
  authors: string[];
  /** cat:cs.LG: any may match; an archive alone (cs, hep-th, astro-ph) stands for all its categories */
  categories: string[];
  /** inclusive day bounds, YYYY-MM-DD */
  since: string | null;
  until: string | null;
  /** sort: typed in the query */
  sort: QuerySort | null;
  /** set when the whole query is an arXiv id or URL; everything else is then empty */
  arxivId: { id: string; version: number | null } | null;
  /** problems worth telling the user; the search still runs */
  warnings: string[];
}

/** An empty query. */
export function emptyQuery(): ParsedQuery {
  return {
    words: [],
    phrases: [],
    excludedWords: [],
    excludedPhrases: [],
    authors: [],
    categories: [],
    since: null,
    until: null,
    sort: null,
    arxivId: null,
    warnings: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Cleaning

/** Work on at most this much raw input (cleaning may shrink it: collapsed whitespace, removed marks). */
const SCAN_LIMIT = MAX_QUERY_LENGTH * 8;
/** Only a short query can be a whole arXiv id or URL. */
const ID_LIMIT = 300;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Whitespace of every kind, plus separators people meet as control characters (NEL, FS…US) and zero-width space. */
const SPACE_LIKE = /[\s\u0085\u001C-\u001F\u180E\u200B]+/g;
/** Remaining controls, bidi marks/embeddings/overrides/isolates, soft hyphen, invisible operators, deprecated format chars. */
const INVISIBLE = /[\p{Cc}\u00AD\u061C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFFF9-\uFFFB]/gu;

interface Cleaned {
  text: string;
  truncated: boolean;
}

function clean(input: string): Cleaned {
  let s = input;
  let truncated = false;
  if (s.length > SCAN_LIMIT) {
    s = s.slice(0, SCAN_LIMIT);
    truncated = true;
  }
  s = s.replace(LONE_SURROGATE, '').replace(SPACE_LIKE, ' ').replace(INVISIBLE, '');
  // NFKC can produce spaces (¨ → space + combining diaeresis), so collapse after it.
  s = s.normalize('NFKC').replace(SPACE_LIKE, ' ').trim();
  if (s.length > MAX_QUERY_LENGTH) {
    truncated = true;
    let cut = MAX_QUERY_LENGTH;
    const space = s.lastIndexOf(' ', MAX_QUERY_LENGTH);
    if (space >= MAX_QUERY_LENGTH - 100) cut = space;
    else if (isHighSurrogate(s.charCodeAt(cut - 1))) cut -= 1;
    s = s.slice(0, cut).trim();
  }
  return { text: s, truncated };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// ---------------------------------------------------------------------------------------------
// Tokens

const QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E', '\u201F']);

/** A run of non-space text, optionally followed by a quoted part: `head"quoted"`. */
interface Token {
  head: string;
  quoted: string | null;
  closed: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    if (i >= n) break;
    const start = i;
    while (i < n && text[i] !== ' ' && !QUOTES.has(text[i]!)) i++;
    const head = text.slice(start, i);
    if (i < n && QUOTES.has(text[i]!)) {
      const open = ++i;
      while (i < n && !QUOTES.has(text[i]!)) i++;
      const closed = i < n;
      tokens.push({ head, quoted: text.slice(open, i), closed });
      if (closed) i++;
    } else {
      tokens.push({ head, quoted: null, closed: true });
    }
  }
  return tokens;
}

/** A letter, a digit, or a non-ASCII symbol (emoji, ∞, €): something an engine can search for. */
const SIGNIFICANT = /[\p{L}\p{N}]|(?![\x00-\x7F])\p{S}/u;

function significant(word: string): boolean {
  return SIGNIFICANT.test(word);
}

/** The significant words of a stretch of text. */
function wordsOf(text: string): string[] {
  return text.split(' ').filter((w) => w !== '' && significant(w));
}

const FIELD = /^(-*)(author|au|cat|category|since|until|sort):/i;
type Field = 'author' | 'cat' | 'since' | 'until' | 'sort';
const FIELD_NAMES: Record<string, Field> = { author: 'author', au: 'author', cat: 'cat', category: 'cat', since: 'since', until: 'until', sort: 'sort' };

// ---------------------------------------------------------------------------------------------
// Categories

const ARCHIVES = new Set<string>();
for (const group of TAXONOMY) {
  ARCHIVES.add(group.id);
  for (const a of group.archives) ARCHIVES.add(a.id);
}
/** Archives arXiv retired; old papers still carry them. */
const LEGACY_ARCHIVES = new Set([
  'acc-phys', 'adap-org', 'alg-geom', 'ao-sci', 'atom-ph', 'bayes-an', 'chao-dyn', 'chem-ph', 'cmp-lg',
  'comp-gas', 'dg-ga', 'funct-an', 'mtrl-th', 'patt-sol', 'plasm-ph', 'q-alg', 'solv-int', 'supr-con',
]);
const CATEGORY_SYNTAX = /^([a-z]+(?:-[a-z]+)?)(?:\.([a-z]{2}|[a-z]{3,}(?:-[a-z]+)*))?$/;

type CategoryResult = { ok: true; id: string; known: boolean } | { ok: false };

/** A category typed in any case, spelled as arXiv writes it. */
function normalizeCategory(value: string): CategoryResult {
  const lower = value.toLowerCase();
  if (lower.length > 40) return { ok: false };
  const known = canonicalCategory(lower);
  if (known) return { ok: true, id: known, known: true };
  const m = CATEGORY_SYNTAX.exec(lower);
  if (!m) return { ok: false };
  const archive = m[1]!;
  const subject = m[2];
  if (subject === undefined) return { ok: true, id: archive, known: ARCHIVES.has(archive) || LEGACY_ARCHIVES.has(archive) };
  const id = `${archive}.${subject.length === 2 ? subject.toUpperCase() : subject}`;
  return { ok: true, id, known: false };
}

// ---------------------------------------------------------------------------------------------
// Dates

interface DayRange {
  first: string;
  last: string;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** YYYY, YYYY-MM or YYYY-MM-DD as its first and last day; null when malformed or not a real date. */
function parseDateValue(value: string): DayRange | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d] = m as unknown as [string, string, string | undefined, string | undefined];
  const year = Number(y);
  if (mo === undefined) return { first: `${y}-01-01`, last: `${y}-12-31` };
  const month = Number(mo);
  if (month < 1 || month > 12) return null;
  const dim = daysInMonth(year, month);
  if (d === undefined) return { first: `${y}-${mo}-01`, last: `${y}-${mo}-${String(dim)}` };
  const day = Number(d);
  if (day < 1 || day > dim) return null;
  return { first: `${y}-${mo}-${d}`, last: `${y}-${mo}-${d}` };
}

// ---------------------------------------------------------------------------------------------
// Sort

const SORTS: Record<string, QuerySort> = {
  relevance: 'relevance',
  relevant: 'relevance',
  best: 'relevance',
  new: 'newest',
  newest: 'newest',
  recent: 'newest',
  latest: 'newest',
  date: 'newest',
  upvotes: 'upvotes',
  votes: 'upvotes',
  top: 'upvotes',
  popular: 'upvotes',
};
const SORT_KEYWORD: Record<QuerySort, string> = { relevance: 'relevance', newest: 'new', upvotes: 'upvotes' };

// ---------------------------------------------------------------------------------------------
// Parsing

/** A value for a warning: short, and never split inside a surrogate pair. */
function shown(value: string): string {
  const chars = Array.from(value);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value;
}

class Builder {
  readonly q = emptyQuery();
  private terms = 0;
  private droppedTerms = false;
  private readonly problems: string[] = [];
  private sinceRange: DayRange | null = null;
  private untilRange: DayRange | null = null;
  private readonly authorKeys = new Set<string>();

  warn(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }

  /** Counts a term against the limit; false when it must be dropped. */
  private take(): boolean {
    if (this.terms >= MAX_QUERY_TERMS) {
      this.droppedTerms = true;
      return false;
    }
    this.terms++;
    return true;
  }

  /** Quoted text: a phrase, a word when it has one word, nothing when it has none. */
  phrase(body: string, excluded: boolean, closed: boolean): void {
    const words = wordsOf(body);
    if (!closed) {
      this.warn(
        words.length === 0
          ? 'A lone quote mark was ignored.'
          : `Missing closing quote: "${shown(words.join(' '))}" was read to the end of the query.`,
      );
    }
    if (words.length === 0) {
      if (excluded) this.warn('A "-" must be followed by a word or "a phrase" to exclude; ignored.');
      return;
    }
    if (words.length === 1) {
      this.word(words[0]!, excluded);
      return;
    }
    if (!this.take()) return;
    (excluded ? this.q.excludedPhrases : this.q.phrases).push(words);
  }

  word(word: string, excluded: boolean): void {
    if (!significant(word)) return;
    if (!this.take()) return;
    (excluded ? this.q.excludedWords : this.q.words).push(word);
  }

  field(field: Field, name: string, value: string): void {
    switch (field) {
      case 'author': {
        const author = value.replace(/^[\s,;]+|[\s,;]+$/g, '');
        if (!significant(author)) {
          this.warn(`${name}: needs a name right after the colon, e.g. ${name}:LeCun or ${name}:"Yann LeCun"; ignored.`);
          return;
        }
        const key = author.toLowerCase();
        if (this.authorKeys.has(key) || !this.take()) return;
        this.authorKeys.add(key);
        this.q.authors.push(author);
        return;
      }
      case 'cat': {
        const parts = value.split(/[\s,]+/).filter(Boolean);
        if (parts.length === 0) {
          this.warn(`${name}: needs an arXiv category right after the colon, e.g. ${name}:cs.LG; ignored.`);
          return;
        }
        for (const part of parts) {
          const c = normalizeCategory(part);
          if (!c.ok) {
            this.warn(`Unknown category "${shown(part)}" in ${name}: (use an arXiv category such as cs.LG, math.CO or hep-th); ignored.`);
            continue;
          }
          if (!c.known) this.warn(`Category "${c.id}" is not in arXiv's taxonomy; searched anyway.`);
          if (this.q.categories.includes(c.id) || !this.take()) continue;
          this.q.categories.push(c.id);
        }
        return;
      }
      case 'since':
      case 'until': {
        if (value === '') {
          this.warn(`${name}: needs a date right after the colon (YYYY, YYYY-MM or YYYY-MM-DD); ignored.`);
          return;
        }
        const range = parseDateValue(value);
        if (!range) {
          this.warn(`Unknown date "${shown(value)}" in ${name}: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.`);
          return;
        }
        const previous = field === 'since' ? this.sinceRange : this.untilRange;
        const day = field === 'since' ? range.first : range.last;
        if (previous && (field === 'since' ? previous.first : previous.last) !== day) {
          this.warn(`${field}: given more than once; the last one (${day}) was used.`);
        }
        if (field === 'since') this.sinceRange = range;
        else this.untilRange = range;
        return;
      }
      case 'sort': {
        const sort = SORTS[value.toLowerCase()];
        if (sort === undefined) {
          this.warn(
            value === ''
              ? `${name}: needs an order right after the colon: sort:new, sort:relevance or sort:upvotes; ignored.`
              : `Unknown sort "${shown(value)}" (use sort:new, sort:relevance or sort:upvotes); ignored.`,
          );
          return;
        }
        if (this.q.sort !== null && this.q.sort !== sort) this.warn(`sort: given more than once; the last one (sort:${SORT_KEYWORD[sort]}) was used.`);
        this.q.sort = sort;
        return;
      }
    }
  }

  finish(truncated: boolean): ParsedQuery {
    let since = this.sinceRange?.first ?? null;
    let until = this.untilRange?.last ?? null;
    if (since !== null && until !== null && since > until) {
      // The user swapped them: search the span between the two values they typed.
      since = this.untilRange!.first;
      until = this.sinceRange!.last;
      this.warn(`since: was after until:, so they were swapped: ${since} to ${until}.`);
    }
    this.q.since = since;
    this.q.until = until;
    const limits: string[] = [];
    if (truncated) limits.push(`The query is longer than ${MAX_QUERY_LENGTH} characters; only the first ${MAX_QUERY_LENGTH} were used.`);
    if (this.droppedTerms) limits.push(`The query has more than ${MAX_QUERY_TERMS} terms; only the first ${MAX_QUERY_TERMS} were used.`);
    this.q.warnings = [...limits, ...this.problems].slice(0, MAX_WARNINGS);
    return this.q;
  }
}

/** Parses what a user typed into the search box. Never throws; problems become `warnings`. */
export function parseQuery(input: string): ParsedQuery {
  const { text, truncated } = clean(typeof input === 'string' ? input : '');
  const b = new Builder();

  if (!truncated && text.length <= ID_LIMIT && !text.includes(' ')) {
    const id = parseArxivId(text);
    if (id) {
      b.q.arxivId = { id: id.id, version: id.version };
      return b.finish(false);
    }
  }

  for (const token of tokenize(text)) {
    const { head, quoted, closed } = token;
    const fm = FIELD.exec(head);
    if (fm) {
      const name = fm[2]!.toLowerCase();
      const inline = head.slice(fm[0].length);
      // author:"Yann LeCun" takes the quoted part; author:LeCun"x y" leaves "x y" a phrase.
      const takesQuote = inline === '' && quoted !== null;
      if (fm[1] !== '') {
        b.warn(`Excluding with "-" works only for words and phrases; "${shown(takesQuote ? `${head}"${quoted}"` : head)}" was ignored.`);
      } else if (takesQuote) {
        if (!closed) b.warn(`Missing closing quote: ${name}:"${shown(quoted)}" was read to the end of the query.`);
        b.field(FIELD_NAMES[name]!, name, wordsOf(quoted).join(' '));
      } else {
        b.field(FIELD_NAMES[name]!, name, inline);
      }
      if (quoted !== null && !takesQuote) b.phrase(quoted, false, closed);
      continue;
    }
    if (head.startsWith('-')) {
      const rest = head.replace(/^-+/, '');
      if (rest !== '' && significant(rest)) {
        b.word(rest, true);
        if (quoted !== null) b.phrase(quoted, false, closed);
      } else if (rest === '' && quoted !== null) {
        b.phrase(quoted, true, closed);
      } else {
        b.warn('A "-" must be followed by a word or "a phrase" to exclude; ignored.');
        if (quoted !== null) b.phrase(quoted, false, closed);
      }
      continue;
    }
    if (head !== '') b.word(head, false);
    if (quoted !== null) b.phrase(quoted, false, closed);
  }
  return b.finish(truncated);
}

// ---------------------------------------------------------------------------------------------
// Using a parsed query

/** True when there is nothing to search for: no words, phrases, authors, categories, dates or arXiv id (exclusions and sort alone select nothing). */
export function isEmptyQuery(q: ParsedQuery): boolean {
  return (
    q.arxivId === null &&
    q.words.length === 0 &&
    q.phrases.length === 0 &&
    q.authors.length === 0 &&
    q.categories.length === 0 &&
    q.since === null &&
    q.until === null
  );
}

function list(items: string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

const quote = (s: string): string => `"${s}"`;

/**
 * A short plain-text summary for the results page (escape it for HTML like any text):
 * papers by "Yann LeCun" in cs.LG since 2024-01-01 matching "graph neural".
 */
export function describeQuery(q: ParsedQuery): string {
  if (q.arxivId) return `arXiv paper ${versionedId(q.arxivId.id, q.arxivId.version)}`;
  const parts: string[] = [isEmptyQuery(q) ? 'all papers' : 'papers'];
  if (q.authors.length > 0) parts.push(`by ${list(q.authors.map(quote), 'and')}`);
  if (q.categories.length > 0) parts.push(`in ${list(q.categories, 'or')}`);
  if (q.since && q.until) parts.push(q.since === q.until ? `on ${q.since}` : `from ${q.since} to ${q.until}`);
  else if (q.since) parts.push(`since ${q.since}`);
  else if (q.until) parts.push(`until ${q.until}`);
  if (q.words.length > 0) parts.push(`matching ${quote(q.words.join(' '))}`);
  if (q.phrases.length > 0) parts.push(`with the exact ${q.phrases.length === 1 ? 'phrase' : 'phrases'} ${list(q.phrases.map((p) => quote(p.join(' '))), 'and')}`);
  const excluded = [...q.excludedWords, ...q.excludedPhrases.map((p) => p.join(' '))];
  if (excluded.length > 0) parts.push(`excluding ${list(excluded.map(quote), 'and')}`);
  let text = parts.join(' ');
  if (q.sort === 'newest') text += ', newest first';
  else if (q.sort === 'upvotes') text += ', most upvoted first';
  else if (q.sort === 'relevance') text += ', best matches first';
  return text;
}

/** A word as query text: quoted when bare it would read as an exclusion or a field. */
function formatWord(w: string): string {
  return w.startsWith('-') || FIELD.test(w) ? quote(w) : w;
}

/**
 * The query written back in the query language (for links that add or remove a filter);
 * parseQuery(formatQuery(q)) gives q again, warnings aside, when it fits MAX_QUERY_LENGTH.
 */
export function formatQuery(q: ParsedQuery): string {
  if (q.arxivId) return versionedId(q.arxivId.id, q.arxivId.version);
  const out: string[] = [
    ...q.words.map(formatWord),
    ...q.phrases.map((p) => quote(p.join(' '))),
    ...q.excludedWords.map((w) => `-${formatWord(w)}`),
    ...q.excludedPhrases.map((p) => `-${quote(p.join(' '))}`),
    ...q.authors.map((a) => `author:${quote(a)}`),
    ...q.categories.map((c) => `cat:${c}`),
  ];
  if (q.since) out.push(`since:${q.since}`);
  if (q.until) out.push(`until:${q.until}`);
  if (q.sort) out.push(`sort:${SORT_KEYWORD[q.sort]}`);
  const text = out.join(' ');
  // A lone word that happens to be an arXiv id stays a word when quoted.
  if (out.length === 1 && q.words.length === 1 && parseArxivId(text)) return quote(text);
  return text;
}
