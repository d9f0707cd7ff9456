/**
 * arXiv identifiers: the two schemes arXiv has used, with and without versions, and every way
 * people paste them (arXiv:…, abs/pdf/html URLs, OAI identifiers, Hugging Face paper URLs).
 *
 * Canonical form: no version, no "arXiv:" prefix, old-style archive without its subject class
 * (math.GT/0309136 is the paper math/0309136, which is how arXiv itself redirects it).
 */
import { UserError } from '../errors.js';

export interface ArxivId {
  /** canonical id without version: 2101.11408 or hep-th/9901001 */
  id: string;
  /** the version asked for, if any */
  version: number | null;
}

/** YYMM.NNNN (2007-04 … 2014-12) or YYMM.NNNNN (2015-01 on). */
const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})(?:v([1-9]\d*))?$/;
/** archive[.SC]/YYMMNNN, 1991-08 … 2007-03. */
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z-]{2,})?\/(\d{2})(\d{2})(\d{3})(?:v([1-9]\d*))?$/;

export const ID_EXAMPLES = '2101.11408, 2101.11408v2, hep-th/9901001 or https://arxiv.org/abs/2101.11408';

/** Parses an id in any accepted spelling; null when it is not an arXiv id. */
export function parseArxivId(input: string): ArxivId | null {
  const text = stripWrappers(input.trim());
  let m = NEW_STYLE.exec(text);
  if (m) {
    const [, yy, mm, num, v] = m as unknown as [string, string, string, string, string | undefined];
    const month = Number(mm);
    if (month < 1 || month > 12) return null;
    // Four-digit numbers were used until 2014-12, five-digit ones from 2015-01.
    const year = Number(yy);
    const fiveDigits = year >= 15;
    // New-style ids began in 2007-04; two-digit years from 91 on are the 1990s of old-style ids.
    if (year < 7 || (year === 7 && month < 4) || year > 90) return null;
    if (fiveDigits !== (num.length === 5)) return null;
    return { id: `${yy}${mm}.${num}`, version: parseVersion(v) };
  }
  m = OLD_STYLE.exec(text);
  if (m) {
    const [, archive, yy, mm, num, v] = m as unknown as [string, string, string, string, string, string | undefined];
    const month = Number(mm);
    if (month < 1 || month > 12) return null;
    const year = Number(yy);
    // Old-style ids run from 1991-08 to 2007-03.
    if (year > 7 && year < 91) return null;
    if (year === 7 && month > 3) return null;
    if (num === '000') return null;
    return { id: `${archive}/${yy}${mm}${num}`, version: parseVersion(v) };
  }
  return null;
}

/** Like parseArxivId, but a bad id is a UserError that shows what a valid id looks like. */
export function requireArxivId(input: string): ArxivId {
  const parsed = parseArxivId(input);
  if (!parsed) {
    const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
    throw new UserError(
      'invalid_arxiv_id',
      `"${shown}" is not an arXiv id. Valid ids look like ${ID_EXAMPLES}.`,
    );
  }
  return parsed;
}

/** The canonical id, or null. */
export function canonicalArxivId(input: string): string | null {
  return parseArxivId(input)?.id ?? null;
}

/** "2101.11408v2" style text for an id and version. */
export function versionedId(id: string, version: number | null | undefined): string {
  return version ? `${id}v${version}` : id;
}

/** True for an id in the new (YYMM.NNNNN) scheme. */
export function isNewStyle(id: string): boolean {
  return /^\d{4}\.\d{4,5}$/.test(id);
}

function parseVersion(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function stripWrappers(text: string): string {
  let t = text;
  // URLs: arxiv.org/abs/…, /pdf/….pdf, /html/…, export.arxiv.org, huggingface.co/papers/…, alphaxiv.org/abs/…
  const url = /^(?:https?:\/\/)?(?:www\.|export\.)?(?:arxiv\.org|huggingface\.co|hf\.co|alphaxiv\.org)\/(?:abs|pdf|html|papers|format|ps)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i.exec(
    t,
  );
  if (url) t = url[1]!;
  t = t.replace(/^oai:arXiv\.org:/i, '').replace(/^arxiv:\s*/i, '');
  return t;
}
