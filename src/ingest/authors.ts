/**
 * arXiv author lists: the free-text `authors` field ("A. Smith (MIT), B. Jones and C. Doe") and
 * the Kaggle snapshot's pre-split `authors_parsed`.
 *
 * Affiliations follow arXiv's own reading of the field: a parenthesized affiliation belongs to the
 * author before it and to the authors before that who have none ("A, B (MIT)": both at MIT), but
 * never to a collaboration name; "(1,2)" refers to a numbered list at the end, "((1) MIT, (2) CMU)".
 */
import { cleanText, type PaperAuthor } from '../papers/model.js';
import { decodeTex } from './tex.js';

/** Between names: commas, semicolons, colons ("CDF Collaboration: T. Aaltonen"), "&" and the word "and". */
const SEPARATOR = /\s*(?:[,;:&]|(?<![\p{L}\p{M}])and(?![\p{L}\p{M}]))\s*/u;
const ET_AL = /^et\.?\s*al\.?$/i;
const TRAILING_ET_AL = /\s+et\.?\s*al\.?$/i;
/** A name suffix split off by a comma: "John Smith, Jr." */
const SUFFIX = /^(?:Jr\.?|Sr\.?|II|III|IV)$/;
/** "(1)", "(1,2)", "(1 and 2)": references into a numbered affiliation list. */
const AFFILIATION_REFS = /^\d+(?:\s*(?:,|&|and)\s*\d+)*$/;
/** A numbered affiliation list: "(1) MIT, (2) CMU" … */
const NUMBERED_LIST = /^\(\s*\d+\s*\)/;
const NUMBERED_ENTRY = /\(\s*(\d+)\s*\)\.?/;
/** … or, when authors carry references, "1 MIT; 2 CMU". */
const BARE_NUMBERED_LIST = /^\d+\s+\D/;
const BARE_NUMBERED_ENTRY = /(?:^|[,;])\s*(\d+)\s+(?=\D)/;
const ENTRY_ENDS = /^\s+|[\s,;]+$/g;
const COLLABORATION = /\b(?:collaboration|consortium)\b/i;
/** arXiv's parser writes "C.-P." as "C. -P." in authors_parsed. */
const SPACED_HYPHEN = /\. -(?=\p{Lu})/gu;

/** Text outside parentheses, or the inside of a top-level parenthesized group. */
interface Segment {
  group: boolean;
  text: string;
}

/** Splits an arXiv authors string into ordered authors with affiliations, TeX accents decoded. */
export function parseAuthorList(s: string): PaperAuthor[] {
  const segments = splitGroups(cleanText(decodeTex(s)));
  const numbered = numberedAffiliations(segments);
  const authors: PaperAuthor[] = [];
  // The author a following parenthesized group belongs to; -1 after "et al" or before any name.
  let last = -1;
  for (const seg of segments) {
    if (!seg.group) {
      const pieces = seg.text.split(SEPARATOR);
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i]!.trim();
        if (piece === '') continue;
        if (ET_AL.test(piece)) {
          last = -1;
        } else if (SUFFIX.test(piece) && i > 0 && last >= 0) {
          authors[last]!.name += ` ${piece}`;
        } else {
          authors.push({ name: piece.replace(TRAILING_ET_AL, '') });
          last = TRAILING_ET_AL.test(piece) ? -1 : authors.length - 1;
        }
      }
    } else if (seg !== numbered?.segment && last >= 0 && seg.text !== '') {
      const author = authors[last]!;
      if (!AFFILIATION_REFS.test(seg.text)) addAffiliation(author, seg.text);
      else for (const ref of seg.text.match(/\d+/g)!) addAffiliation(author, numbered?.list.get(ref));
    }
  }
  propagateAffiliations(authors);
  return authors;
}

/** Authors from the snapshot's authors_parsed: [[keyname, forenames, suffix, ...affiliations]] → "Forenames Keyname Suffix". */
export function authorsFromParsed(parsed: unknown): PaperAuthor[] {
  const authors: PaperAuthor[] = [];
  if (!Array.isArray(parsed)) return authors;
  for (const entry of parsed) {
    if (!Array.isArray(entry)) continue;
    const keyname = typeof entry[0] === 'string' ? entry[0] : '';
    let forenames = typeof entry[1] === 'string' ? entry[1] : '';
    const suffix = typeof entry[2] === 'string' ? entry[2] : '';
    if (forenames.includes(' -')) forenames = forenames.replace(SPACED_HYPHEN, '.-');
    const name = cleanText(`${forenames} ${keyname} ${suffix}`);
    if (name === '') continue;
    const author: PaperAuthor = { name };
    for (let i = 3; i < entry.length; i++) {
      const affiliation = entry[i];
      // arXiv's parser leaves unresolved references ("1 and 2") where affiliations go.
      if (typeof affiliation === 'string' && !AFFILIATION_REFS.test(affiliation.trim())) {
        addAffiliation(author, cleanText(affiliation));
      }
    }
    authors.push(author);
  }
  return authors;
}

/** Cuts text into top-level parenthesized groups and the text between them; an unclosed group runs to the end. */
function splitGroups(s: string): Segment[] {
  const segments: Segment[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') {
      if (depth === 0) {
        segments.push({ group: false, text: s.slice(start, i) });
        start = i + 1;
      }
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) {
        segments.push({ group: true, text: s.slice(start, i).trim() });
        start = i + 1;
      }
    }
  }
  segments.push({ group: depth > 0, text: s.slice(start).trim() });
  return segments;
}

/** The numbered affiliation list, if the string has one: its segment and number → affiliation. */
function numberedAffiliations(segments: Segment[]): { segment: Segment; list: Map<string, string> } | null {
  const hasRefs = segments.some((seg) => seg.group && AFFILIATION_REFS.test(seg.text));
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i]!;
    if (!seg.group) continue;
    const entry = NUMBERED_LIST.test(seg.text)
      ? NUMBERED_ENTRY
      : hasRefs && BARE_NUMBERED_LIST.test(seg.text)
        ? BARE_NUMBERED_ENTRY
        : null;
    if (!entry) continue;
    // split with one capture group alternates [before, number, text, number, text, …]
    const parts = seg.text.split(entry);
    const list = new Map<string, string>();
    for (let j = 1; j + 1 < parts.length; j += 2) {
      const text = parts[j + 1]!.replace(ENTRY_ENDS, '');
      if (text !== '') list.set(parts[j]!, text);
    }
    return { segment: seg, list };
  }
  return null;
}

function addAffiliation(author: PaperAuthor, affiliation: string | undefined): void {
  if (!affiliation) return;
  if (!author.affiliations) author.affiliations = [affiliation];
  else if (!author.affiliations.includes(affiliation)) author.affiliations.push(affiliation);
}

/** Gives authors without an affiliation the next author's, back to the previous affiliated author or collaboration. */
function propagateAffiliations(authors: PaperAuthor[]): void {
  let carried: string[] | undefined;
  for (let i = authors.length - 1; i >= 0; i--) {
    const author = authors[i]!;
    if (COLLABORATION.test(author.name)) carried = undefined;
    else if (author.affiliations) carried = author.affiliations;
    else if (carried) author.affiliations = [...carried];
  }
}
