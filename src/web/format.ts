/** Small formatting rules shared by pages and feeds. */
import type { PaperAuthor } from '../papers/model.js';
import type { Period } from '../feed/periods.js';
import type { FeedLink } from './layout.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Wed, 20 Aug 2025" for a YYYY-MM-DD day. */
export function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "20 Aug 2025" for an ISO time or day. */
export function formatDate(iso: string): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "20 Aug 2025 17:59 UTC" for an ISO time. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return `${formatDate(iso)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
}

/** The authors to show on a card: the first few, then "et al." */
export function shortAuthors(authors: PaperAuthor[], max = 4): { shown: PaperAuthor[]; more: number } {
  if (authors.length <= max + 1) return { shown: authors, more: 0 };
  return { shown: authors.slice(0, max), more: authors.length - max };
}

/** The start of a text, cut at a word boundary and never inside a $…$ formula. */
export function snippet(text: string, max = 300): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max);
  let head = text.slice(0, space > max * 0.6 ? space : max);
  // An odd number of unescaped dollars: the cut is inside a formula, so end before it.
  const dollars = [...head.matchAll(/(?<!\\)\$/g)];
  if (dollars.length % 2 === 1) head = head.slice(0, dollars.at(-1)!.index).trimEnd();
  return `${head}…`;
}

/** Path of a paper's page. Old-style ids keep their slash: /papers/hep-th/9901001. */
export function paperPath(id: string): string {
  return `/papers/${id}`;
}

/** Path of an author's page. */
export function authorPath(name: string): string {
  return `/authors/${encodeURIComponent(name)}`;
}

/** Path of a category's arXiv listing: the latest day, or a given day. */
export function categoryPath(category: string, day?: string): string {
  return day ? `/list/${category}/${day}` : `/list/${category}`;
}

/** Path of a featured period's page: /papers/date/2026-06-01, /papers/week/2026-W23, /papers/month/2026-06. */
export function periodPath(p: Pick<Period, 'kind' | 'key'>): string {
  return `/papers/${p.kind === 'day' ? 'date' : p.kind}/${p.key}`;
}

/** A path with query parameters; undefined and empty values, and page 1, are left out. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '' || (k === 'page' && v === 1)) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The RSS and Atom alternates of a page: `base` is the feed path without extension (/feeds/daily). */
export function feedLinks(title: string, base: string, params: Record<string, string | undefined> = {}): FeedLink[] {
  return [
    { title: `${title} (RSS)`, type: 'application/rss+xml', href: withQuery(`${base}.rss`, params) },
    { title: `${title} (Atom)`, type: 'application/atom+xml', href: withQuery(`${base}.atom`, params) },
  ];
}

const NUMBER = new Intl.NumberFormat('en-US');

/** "1 paper", "1,200 papers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${NUMBER.format(n)} ${n === 1 ? one : many}`;
}

/** The paper's abstract page on arXiv, optionally of one version. */
export function absUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/abs/${id}${version ? `v${version}` : ''}`;
}

/** The paper's PDF on arXiv, optionally of one version. */
export function pdfUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/pdf/${id}${version ? `v${version}` : ''}`;
}
