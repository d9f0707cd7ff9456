/**
 * The feed model both formats serialize: a feed's metadata and one entry per paper. Entry ids
 * are the paper's absolute URL on this instance, so they are the same in every feed, in RSS and
 * Atom, and from one regeneration to the next. Times are never "now": a feed's time is its
 * newest entry's, so the same data always gives the same bytes (and the same ETag).
 */
import type { Paper } from '../../papers/repository.js';
import { paragraphs } from '../../papers/model.js';
import { absUrl, paperPath, pdfUrl } from '../format.js';
import { el, fragment } from './xml.js';

/** One paper in a feed, format-neutral. */
export interface FeedEntry {
  /** the paper's page on this instance: link, RSS guid and Atom id */
  url: string;
  arxivId: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  /** featured time for featured feeds, first-version submission time otherwise (UTC ISO) */
  published: string | null;
  /** the later of `published` and the paper's last update (UTC ISO) */
  updated: string;
  absUrl: string;
  pdfUrl: string;
  /** the abstract and links as HTML, for RSS description and Atom content */
  html: string;
}

/** A feed's metadata and entries, format-neutral. */
export interface Feed {
  title: string;
  description: string;
  /** this feed's absolute URL, query string included */
  selfUrl: string;
  /** the matching HTML page */
  htmlUrl: string;
  /** newest entry time, or EPOCH when there are no entries */
  updated: string;
  entries: FeedEntry[];
}

/** Which time an entry is published at. */
export type EntryTime = 'featured' | 'submitted';

/** The time of a feed that never had an entry (Atom requires one). */
const EPOCH = '1970-01-01T00:00:00.000Z';

/** A paper as a feed entry; `crossList` marks it as listed here from another primary category. */
export function entryOf(baseUrl: string, p: Paper, time: EntryTime, crossList = false): FeedEntry {
  const published = time === 'featured' ? (p.featured?.at ?? null) : firstSubmitted(p);
  const abs = absUrl(p.id);
  const pdf = pdfUrl(p.id);
  return {
    url: `${baseUrl}${paperPath(p.id)}`,
    arxivId: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors.map((a) => a.name),
    categories: p.categories,
    published,
    updated: latest([published, p.updatedAt]) ?? EPOCH,
    absUrl: abs,
    pdfUrl: pdf,
    html: fragment(
      crossList && el('p', null, el('em', null, `(cross-list${p.primaryCategory ? ` from ${p.primaryCategory}` : ''})`)),
      ...paragraphs(p.abstract).map((text) => el('p', null, text)),
      el('p', null, el('a', { href: abs }, `arXiv:${p.id}`), ' · ', el('a', { href: pdf }, 'PDF')),
    ),
  };
}

/** A feed around its entries; its time is the newest entry's. */
export function feedOf(meta: Omit<Feed, 'updated' | 'entries'>, entries: FeedEntry[]): Feed {
  return { ...meta, updated: latest(entries.map((e) => e.updated)) ?? EPOCH, entries };
}

/** First version's submission time; a paper known only from a listing was announced at its listing day. */
function firstSubmitted(p: Paper): string | null {
  return p.submittedAt ?? (p.announceDay ? `${p.announceDay}T00:00:00.000Z` : null);
}

/** The latest of ISO times (they compare as strings), or null when there are none. */
function latest(times: Array<string | null>): string | null {
  let max: string | null = null;
  for (const t of times) if (t && (max === null || t > max)) max = t;
  return max;
}
