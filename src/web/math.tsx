/**
 * LaTeX in titles and abstracts, typeset on the server. Math between $…$, $$…$$, \(…\) and \[…\]
 * goes through KaTeX with untrusted-input settings; everything else is HTML-escaped text, so no
 * input can add markup. A formula KaTeX cannot parse is shown as its escaped source.
 *
 * KaTeX positions glyphs with style attributes, which the CSP (style-src 'self' + nonce) blocks.
 * So every style attribute becomes a class named after a hash of its declarations, and the page
 * puts those rules in one <style> element carrying the request's nonce (see mathHead).
 */
import { createHash } from 'node:crypto';
import { renderToString, type KatexOptions } from 'katex';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { KATEX_CSS } from './assets.js';

/** A run of the input: plain text (TeX escapes already resolved), or one formula. */
export type TexSegment = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean; source: string };

/** Rendered text: HTML, the CSS rules its math needs, and whether it has any math. */
export interface RenderedTex {
  html: string;
  css: string[];
  math: boolean;
}

/** Longer formulas are shown as source: nothing in a title or abstract needs more. */
const MAX_TEX = 2000;

const KATEX: KatexOptions = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxSize: 10,
  maxExpand: 200,
  output: 'htmlAndMathml',
};

/** Characters TeX authors escape in running text (\$5, 30\%): shown without the backslash. */
const TEXT_ESCAPES = '$%&#_{}';

/**
 * Splits text into plain runs and formulas. `$` pairs like TeX (arXiv's MathJax does the same),
 * except a span that reads as money: it starts with a digit and ends in a space, contains a
 * standalone word, or is followed by a digit ("costs $5 and $10", "$5-$10"). An opening
 * delimiter without its closer is text.
 */
export function splitTex(s: string): TexSegment[] {
  const out: TexSegment[] = [];
  let text = '';
  const math = (tex: string, display: boolean, source: string) => {
    if (text) out.push({ kind: 'text', text });
    text = '';
    out.push({ kind: 'math', tex, display, source });
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    const next = s[i + 1];
    if (ch === '\\' && (next === '(' || next === '[')) {
      const end = s.indexOf(next === '(' ? '\\)' : '\\]', i + 2);
      if (end > i + 2) {
        math(s.slice(i + 2, end), next === '[', s.slice(i, end + 2));
        i = end + 2;
        continue;
      }
    } else if (ch === '\\' && next !== undefined && TEXT_ESCAPES.includes(next)) {
      text += next;
      i += 2;
      continue;
    } else if (ch === '$' && next === '$') {
      const end = unescapedIndex(s, '$$', i + 2);
      if (end > 0 && s.slice(i + 2, end).trim()) {
        math(s.slice(i + 2, end), true, s.slice(i, end + 2));
        i = end + 2;
      } else {
        text += '$$';
        i += 2;
      }
      continue;
    } else if (ch === '$') {
      const end = unescapedIndex(s, '$', i + 1);
      if (end > 0 && isInlineMath(s.slice(i + 1, end), s[end + 1])) {
        math(s.slice(i + 1, end), false, s.slice(i, end + 1));
        i = end + 1;
        continue;
      }
    }
    text += ch;
    i++;
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

function unescapedIndex(s: string, needle: string, from: number): number {
  for (let j = s.indexOf(needle, from); j >= 0; j = s.indexOf(needle, j + 1)) {
    if (s[j - 1] !== '\\') return j;
  }
  return -1;
}

/** Whether `$content$` (followed by `after`) is math rather than two dollar amounts. */
function isInlineMath(content: string, after: string | undefined): boolean {
  if (!content.trim()) return false;
  if (!/^\s*\d/.test(content)) return true;
  const money = /\s$/.test(content) || /(?:^|\s)[A-Za-z]{2,}(?=\s|$)/.test(content) || (after !== undefined && /\d/.test(after));
  return !money;
}

/** Bounded least-recently-used map, measured in entries and in characters. */
export class Lru<V extends { size: number }> {
  private readonly map = new Map<string, V>();
  private chars = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxChars: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    if (old) this.chars -= old.size + key.length;
    this.map.delete(key);
    this.map.set(key, value);
    this.chars += value.size + key.length;
    for (const [k, v] of this.map) {
      if (this.map.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= v.size + k.length;
    }
  }
}

/** Rendered titles and abstracts: the same ones appear on many pages. */
export const texCache = new Lru<RenderedTex & { size: number }>(2000, 16_000_000);

/** Renders text with math; cached. Plain text (no `$` or backslash) skips the cache. */
export function renderTexParts(text: string): RenderedTex {
  if (!/[$\\]/.test(text)) return { html: escapeHtml(text), css: [], math: false };
  const hit = texCache.get(text);
  if (hit) return hit;
  const rules = new Map<string, string>();
  let html = '';
  let math = false;
  for (const seg of splitTex(text)) {
    if (seg.kind === 'text') {
      html += escapeHtml(seg.text);
    } else {
      const rendered = renderFormula(seg, rules);
      math ||= rendered !== null;
      html += rendered ?? `<span class="tex-source">${escapeHtml(seg.source)}</span>`;
    }
  }
  const css = [...rules.values()];
  texCache.set(text, { html, css, math, size: html.length + css.join('').length });
  return { html, css, math };
}

/** HTML for text with math (titles, abstracts). Its math needs the rules from mathHead to look right. */
export function renderTex(text: string): string {
  return renderTexParts(text).html;
}

/** `<TexText text={…} />`: text with its math typeset, as markup built by renderTex. */
export function TexText({ text }: { text: string }) {
  return raw(renderTex(text));
}

/** What <head> needs for the math in `texts`: KaTeX's stylesheet, and a nonce'd <style> with the positioning rules. */
export function mathHead(texts: string[], nonce: string): { styles: string[]; head: Child } {
  const parts = texts.map(renderTexParts);
  if (!parts.some((p) => p.math)) return { styles: [], head: null };
  const css = [...new Set(parts.flatMap((p) => p.css))].join('\n');
  return { styles: [KATEX_CSS], head: <style nonce={nonce}>{raw(css)}</style> };
}

/** KaTeX's HTML for one formula with its style attributes turned into classes; null when it does not parse. */
function renderFormula(seg: Extract<TexSegment, { kind: 'math' }>, rules: Map<string, string>): string | null {
  if (seg.tex.length > MAX_TEX) return null;
  let html: string;
  try {
    html = renderToString(seg.tex, { ...KATEX, displayMode: seg.display });
  } catch {
    return null;
  }
  if (html.startsWith('<span class="katex-error"')) return null;
  return html.replace(/<([a-z][a-z0-9]*)([^<>]*?) style="([^"]*)"/g, (_tag, name: string, before: string, style: string) => {
    const cls = styleClass(style, rules);
    if (!cls) return `<${name}${before}`;
    if (!before.includes(' class="')) return `<${name}${before} class="${cls}"`;
    return `<${name}${before.replace(/ class="([^"]*)"/, (_m, c: string) => ` class="${c} ${cls}"`)}`;
  });
}

/** Declarations KaTeX writes: lengths, colours, nothing that could end a <style> element. */
const DECLARATIONS = /^[a-z-]+:[\w#.%, ()-]+(?:;[a-z-]+:[\w#.%, ()-]+)*;?$/;

/** The class for one style attribute, its rule recorded in `rules`; null for anything unexpected (dropped). */
function styleClass(style: string, rules: Map<string, string>): string | null {
  if (!DECLARATIONS.test(style)) return null;
  const cls = `tx-${createHash('sha256').update(style).digest('base64url').slice(0, 10)}`;
  if (!rules.has(cls)) {
    const decls = style.split(';').filter(Boolean).map((d) => `${d}!important`);
    // !important: like the attribute it replaces, the rule must win over KaTeX's own stylesheet.
    rules.set(cls, `.${cls}{${decls.join(';')}}`);
  }
  return cls;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
