/**
 * HTTP plumbing shared by the API routes: CORS for reads, JSON bodies with a weak ETag and
 * conditional GET (If-None-Match → 304), Cache-Control per route, and the Link header.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Ctx } from '../context.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** How long clients and shared caches may keep each kind of answer. */
export const CACHE = {
  /** lists that change when papers are featured or upvoted */
  list: 'public, max-age=60, stale-while-revalidate=300',
  /** one paper: changes rarely */
  paper: 'public, max-age=300, stale-while-revalidate=3600',
  /** the API description: changes only with a new release */
  document: 'public, max-age=3600',
} as const;

const ALLOW_HEADERS = 'Accept, Authorization, Content-Type, If-None-Match, User-Agent, X-Requested-With';

/**
 * CORS for the read-only API: any origin may read (no credentials are involved), preflights for
 * GET are answered here, and errors are never cached.
 */
export function apiHeaders(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      c.header('Access-Control-Max-Age', '86400');
      return c.body(null, 204);
    }
    await next();
    const h = c.res.headers;
    h.set('Access-Control-Allow-Origin', '*');
    h.set('Access-Control-Expose-Headers', 'ETag, Link');
    if (c.res.status >= 400) h.set('Cache-Control', 'no-store');
  };
}

/** A JSON body ready to send: its UTF-8 bytes and weak ETag, computed once. */
export interface Prepared {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** Serializes a value and tags it (W/"<sha1 of the body, base64url>"). */
export function prepare(value: unknown): Prepared {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** Sends prepared JSON with its ETag and Cache-Control, or 304 when the client's copy matches. */
export function sendJson(c: Ctx, json: Prepared, cacheControl: string, link?: string | null): Response {
  c.header('ETag', json.etag);
  c.header('Cache-Control', cacheControl);
  if (link) c.header('Link', link);
  if (matches(c.req.header('if-none-match'), json.etag)) return c.body(null, 304);
  c.header('Content-Type', JSON_TYPE);
  return c.body(json.body, 200);
}

/** `<url>; rel="next"` */
export function nextLink(url: string): string {
  return `<${url}>; rel="next"`;
}

/** If-None-Match uses weak comparison: W/"x" matches "x"; `*` matches anything. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const tag = etag.slice(2);
  for (const part of header.split(',')) {
    const t = part.trim();
    if (t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === tag) return true;
  }
  return false;
}
