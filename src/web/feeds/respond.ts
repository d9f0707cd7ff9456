/**
 * Answering feed requests: the format's content type, caching (max-age matching the RSS ttl,
 * an ETag from the body, 304 for a matching If-None-Match) and errors as plain text, which a
 * feed reader shows as is and a browser never renders as markup.
 */
import { createHash } from 'node:crypto';
import type { Ctx, Deps } from '../context.js';
import { isUserError } from '../../errors.js';
import type { Feed } from './feed.js';
import { renderRss, RSS_TTL_MINUTES } from './rss.js';
import { renderAtom } from './atom.js';

/** The two flavours of every feed, named by their path extension. */
export type FeedFormat = 'rss' | 'atom';

/** Both formats, in the order routes are registered. */
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom'];

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

const CACHE_CONTROL = `public, max-age=${RSS_TTL_MINUTES * 60}`;

/** The absolute URL of this request on the public base URL, query string included. */
export function selfUrl(c: Ctx, deps: Deps): string {
  const url = new URL(c.req.url);
  return `${deps.config.baseUrl}${url.pathname}${url.search}`;
}

/** The feed in the format, or 304 Not Modified when the client already has these bytes. */
export function sendFeed(c: Ctx, deps: Deps, format: FeedFormat, feed: Feed): Response {
  const body = format === 'rss' ? renderRss(feed) : renderAtom(feed, { name: deps.config.instanceName, uri: `${deps.config.baseUrl}/` });
  // The bytes are a function of the data alone (no "now" in them), so equal data gives an equal ETag.
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  const headers = { ETag: etag, 'Cache-Control': CACHE_CONTROL };
  if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'Content-Type': CONTENT_TYPES[format] });
}

/** Wraps a feed handler so a UserError (a malformed parameter) is a plain-text answer with its status. */
export function feedHandler(handler: (c: Ctx) => Promise<Response>): (c: Ctx) => Promise<Response> {
  return async (c) => {
    try {
      return await handler(c);
    } catch (err) {
      if (!isUserError(err)) throw err;
      c.header('Cache-Control', 'no-store');
      return c.text(err.message, err.status as 400);
    }
  };
}

/** If-None-Match holds this ETag (weak comparison, as RFC 9110 asks for this header) or is "*". */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
