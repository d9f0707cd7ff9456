/**
 * The lexical engine's analyzer: how text becomes index terms, the same for documents and
 * queries.
 *
 * - Folding: lowercase, then NFKD, then combining marks stripped (and lowercase again) ("Schrödinger" → "schrodinger",
 *   "ﬁ" → "fi"). Pure ASCII text (nearly all of arXiv) skips the normalization.
 * - Tokens: maximal runs of letters and digits (/[\p{L}\p{N}]+/u); "graph-based" is two tokens,
 *   "3d" one. A token longer than MAX_TOKEN_LENGTH is cut to that length (base64, hashes, long
 *   formulas stay searchable by their start and cannot bloat the dictionary).
 * - Text terms (title, authors, abstract): English stopwords dropped, then Porter-stemmed
 *   (`stemmer`), through a bounded cache: on Zipfian text nearly every token is a cache hit.
 * - Filter terms, indexed beside the text terms: "c:<category>" and "c:<archive>" for categories
 *   ("c:cs.lg", "c:cs"; "c:hep-th" has no separate archive). Text tokens contain only letters
 *   and digits, so they never collide with the prefix.
 * - Authors need (almost) no terms of their own: the author filter (author:Hinton) takes the
 *   name's text terms and requires each to occur in the doc's authors field (postings record the
 *   frequency per field). Only author tokens that are stopwords ("An", "He", "Do", "Will" are
 *   surnames too) get filter terms, "a:<token>". So names match stemmed, and the tokens may
 *   come from different authors of one paper; the caller can check stored names if that matters.
 *
 * Nothing here throws on any input (lone surrogates, control characters, huge strings).
 */
import { stemmer } from 'stemmer';
import { memoize } from '../../memo.js';

/** Longer tokens are cut to this many UTF-16 code units. */
export const MAX_TOKEN_LENGTH = 64;
export const CATEGORY_PREFIX = 'c:';
export const AUTHOR_PREFIX = 'a:';

/**
 * English stopwords: removed from the index and from queries. The common function words of
 * English (NLTK's list without contractions' fragments). They occur in nearly every abstract, so
 * their postings would be the largest in the index and their idf near zero.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves').split(' '),
);

/** Any character outside ASCII. */
export const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const TOKEN = /[\p{L}\p{N}]+/gu;

/** Lowercase, NFKD, combining marks removed. */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  // lowercase again: a compatibility decomposition can yield capitals (ℌ → H)
  return lower.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** The folded tokens of a text, in order (stopwords included, not stemmed). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  if (typeof text !== 'string' || text.length === 0) return out;
  const s = fold(text);
  if (!NON_ASCII.test(s)) {
    // ASCII fast path: a hand-written scanner, no regex.
    const n = s.length;
    let i = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
        i++;
        continue;
      }
      const start = i;
      do {
        i++;
        c = i < n ? s.charCodeAt(i) : 0;
      } while ((c >= 97 && c <= 122) || (c >= 48 && c <= 57));
      out.push(i - start > MAX_TOKEN_LENGTH ? s.slice(start, start + MAX_TOKEN_LENGTH) : s.slice(start, i));
    }
    return out;
  }
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(s); m !== null; m = TOKEN.exec(s)) {
    let t = m[0];
    if (t.length > MAX_TOKEN_LENGTH) {
      let cut = MAX_TOKEN_LENGTH;
      // never split a surrogate pair
      const c = t.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--;
      t = t.slice(0, cut);
    }
    out.push(t);
  }
  return out;
}

/** Cached stems; cleared when full (on Zipfian text the head refills it at once). */
const STEM_CACHE_LIMIT = 200_000;

/** The Porter stem of a folded token (digits and short tokens are left alone). */
export const stem: (token: string) => string = memoize((token: string) => (token.length <= 2 || /\d/.test(token) ? token : stemmer(token)), STEM_CACHE_LIMIT);

/** The text term of a folded token, or null for a stopword. */
export function termOf(token: string): string | null {
  return STOPWORDS.has(token) ? null : stem(token);
}

/** The text terms of a text, in order (stopwords removed, stemmed). */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    const term = termOf(t);
    if (term !== null) out.push(term);
  }
  return out;
}

/**
 * The terms an author filter requires in the authors field, for a name or its tokens: text terms
 * (stems), and "a:<token>" for the tokens that are stopwords.
 */
export function authorTerms(name: string | readonly string[]): string[] {
  const words = typeof name === 'string' ? [name] : Array.isArray(name) ? name : [];
  const out = new Set<string>();
  for (const w of words) {
    if (typeof w !== 'string') continue;
    for (const t of tokenize(w)) out.add(STOPWORDS.has(t) ? AUTHOR_PREFIX + t : stem(t));
  }
  return [...out];
}

/** The filter terms of a category: "c:cs.lg" and "c:cs"; an archive alone ("cs", "hep-th") gives one term. */
export function categoryTerms(category: string): string[] {
  if (typeof category !== 'string') return [];
  const c = fold(category).trim();
  if (c === '' || /\s/.test(c)) return [];
  const dot = c.indexOf('.');
  return dot > 0 ? [CATEGORY_PREFIX + c, CATEGORY_PREFIX + c.slice(0, dot)] : [CATEGORY_PREFIX + c];
}

/** The distinct text terms of query words, in first-seen order. */
export function queryTerms(words: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const w of words) {
    if (typeof w !== 'string') continue;
    for (const t of analyze(w)) seen.add(t);
  }
  return [...seen];
}
