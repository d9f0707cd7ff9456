/** Small formatting rules shared by pages and feeds. */
import type { PaperAuthor } from '../papers/model.js';

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

/** The start of a text, cut at a word boundary. */
export function snippet(text: string, max = 300): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return `${text.slice(0, cut > max * 0.6 ? cut : max)}…`;
}

/** Path of a paper's page. Old-style ids keep their slash: /papers/hep-th/9901001. */
export function paperPath(id: string): string {
  return `/papers/${id}`;
}

export function authorPath(name: string): string {
  return `/authors/${encodeURIComponent(name)}`;
}

export function categoryPath(category: string, day?: string): string {
  return day ? `/list/${category}/${day}` : `/list/${category}`;
}

export function absUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/abs/${id}${version ? `v${version}` : ''}`;
}

export function pdfUrl(id: string, version?: number | null): string {
  return `https://arxiv.org/pdf/${id}${version ? `v${version}` : ''}`;
}
