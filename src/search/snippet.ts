/**
 * Snippets for search results: the stretch of an abstract where the query's terms are densest,
 * with the words that matched marked. Matching uses the lexical engine's analyzer (folding,
 * stopwords, stems), so "networks" in the text is marked for a query "network". The output is
 * plain text pieces; the page escapes them like any text.
 */
import { fold, termOf } from './lexical/analyzer.js';

export interface SnippetPart {
  text: string;
  mark: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Pieces of `text` with the words whose term is in `terms` marked (the whole text). */
export function highlight(text: string, terms: ReadonlySet<string>): SnippetPart[] {
  return mark(text, 0, text.length, terms);
}

/**
 * The window of about `words` words of `text` holding the most distinct matched terms (the start
 * when nothing matches), with "…" where it was cut.
 */
export function snippet(text: string, terms: ReadonlySet<string>, words = 40): SnippetPart[] {
  const spans: Array<{ start: number; end: number; term: string | null }> = [];
  for (const m of text.matchAll(WORD)) {
    const folded = fold(m[0]);
    const term = folded === '' ? null : termOf(folded);
    spans.push({ start: m.index, end: m.index + m[0].length, term: term !== null && terms.has(term) ? term : null });
  }
  if (spans.length <= words) return mark(text, 0, text.length, terms);
  // slide a window: the most distinct terms, then the most hits, earliest first
  let best = 0;
  let bestKey = -1;
  for (let i = 0; i + words <= spans.length; i++) {
    const seen = new Set<string>();
    let hits = 0;
    for (let j = i; j < i + words; j++) {
      const t = spans[j]!.term;
      if (t !== null) {
        seen.add(t);
        hits++;
      }
    }
    const key = seen.size * 1000 + hits;
    if (key > bestKey) {
      bestKey = key;
      best = i;
    }
    if (bestKey === 0 && i === 0) break; // nothing matches: the start
  }
  // start a little before the first hit so it is not the very first word
  let first = best;
  while (first < best + words && spans[first]!.term === null) first++;
  const start = Math.max(0, Math.min(best, first - 3));
  const end = Math.min(spans.length, start + words);
  const from = start === 0 ? 0 : spans[start]!.start;
  const to = end === spans.length ? text.length : spans[end - 1]!.end;
  const parts = mark(text, from, to, terms);
  if (from > 0) parts.unshift({ text: '… ', mark: false });
  if (to < text.length) parts.push({ text: ' …', mark: false });
  return parts;
}

function mark(text: string, from: number, to: number, terms: ReadonlySet<string>): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = from;
  const push = (t: string, m: boolean) => {
    if (t === '') return;
    const last = parts[parts.length - 1];
    if (last && last.mark === m) last.text += t;
    else parts.push({ text: t, mark: m });
  };
  if (terms.size > 0) {
    const slice = text.slice(from, to);
    for (const m of slice.matchAll(WORD)) {
      const folded = fold(m[0]);
      const term = folded === '' ? null : termOf(folded);
      if (term === null || !terms.has(term)) continue;
      push(text.slice(at, from + m.index), false);
      push(m[0], true);
      at = from + m.index + m[0].length;
    }
  }
  push(text.slice(at, to), false);
  return parts;
}
