/** Atom 1.0 (RFC 4287). */
import type { Feed, FeedEntry } from './feed.js';
import { el, xmlDocument, type Xml } from './xml.js';

/** The feed as an Atom 1.0 document; `author` names the instance, for entries without authors. */
export function renderAtom(feed: Feed, author: { name: string; uri: string }): string {
  return xmlDocument(
    el(
      'feed',
      { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': 'en' },
      el('title', { type: 'text' }, feed.title),
      el('subtitle', { type: 'text' }, feed.description),
      el('id', null, feed.selfUrl),
      el('link', { rel: 'self', type: 'application/atom+xml', href: feed.selfUrl }),
      el('link', { rel: 'alternate', type: 'text/html', href: feed.htmlUrl }),
      el('updated', null, feed.updated),
      el('author', null, el('name', null, author.name), el('uri', null, author.uri)),
      feed.entries.map(entry),
    ),
  );
}

function entry(e: FeedEntry): Xml {
  return el(
    'entry',
    null,
    el('id', null, e.url),
    el('title', { type: 'text' }, e.title),
    el('link', { rel: 'alternate', type: 'text/html', href: e.url }),
    el('link', { rel: 'related', type: 'text/html', title: `arXiv:${e.arxivId}`, href: e.absUrl }),
    el('link', { rel: 'related', type: 'application/pdf', title: 'PDF', href: e.pdfUrl }),
    e.published ? el('published', null, e.published) : null,
    el('updated', null, e.updated),
    e.authors.map((name) => el('author', null, el('name', null, name))),
    e.categories.map((c) => el('category', { term: c })),
    el('summary', { type: 'text' }, e.abstract),
    el('content', { type: 'html' }, e.html),
  );
}
