/** RSS 2.0 (with Dublin Core creators and an Atom self link, as feed validators recommend). */
import type { Feed, FeedEntry } from './feed.js';
import { el, xmlDocument, type Xml } from './xml.js';

/** How many minutes a reader may cache the channel (matches the HTTP max-age). */
export const RSS_TTL_MINUTES = 15;

/** The feed as an RSS 2.0 document. */
export function renderRss(feed: Feed): string {
  return xmlDocument(
    el(
      'rss',
      { version: '2.0', 'xmlns:atom': 'http://www.w3.org/2005/Atom', 'xmlns:dc': 'http://purl.org/dc/elements/1.1/' },
      el(
        'channel',
        null,
        el('title', null, feed.title),
        el('link', null, feed.htmlUrl),
        el('description', null, feed.description),
        el('atom:link', { rel: 'self', type: 'application/rss+xml', href: feed.selfUrl }),
        el('language', null, 'en'),
        el('lastBuildDate', null, rfc822(feed.updated)),
        el('ttl', null, String(RSS_TTL_MINUTES)),
        feed.entries.map(item),
      ),
    ),
  );
}

function item(e: FeedEntry): Xml {
  return el(
    'item',
    null,
    el('title', null, e.title),
    el('link', null, e.url),
    el('guid', { isPermaLink: 'true' }, e.url),
    e.published ? el('pubDate', null, rfc822(e.published)) : null,
    e.authors.map((name) => el('dc:creator', null, name)),
    e.categories.map((c) => el('category', null, c)),
    // RSS readers render the description as HTML: the HTML is escaped once more here, so the
    // abstract's own "<" stays text in the reader.
    el('description', null, e.html),
  );
}

/** "Mon, 01 Jun 2026 00:00:00 GMT": RFC 822 with a four-digit year, as RSS 2.0 asks. */
function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}
