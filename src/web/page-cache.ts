/**
 * A short-lived cache of rendered public pages, in the manner of Lobsters' cache for
 * logged-out visitors: the same page is rendered once per change of the data, not once per
 * request. It keeps the per-response CSP nonce: pages are rendered with a placeholder in place
 * of the nonce, and each response gets the placeholder replaced by its own fresh nonce.
 *
 * An entry is valid while the store's change token is unchanged (any write invalidates every
 * entry) and for at most MAX_AGE_MS; only GET answers below 500 are kept. Requests that carry a
 * session cookie (accounts, later) must bypass it: pages then differ per visitor.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from './context.js';
import { changeToken } from './cache.js';

/** Stands in for the nonce while a cached page renders. Never valid base64, so it cannot collide with a real nonce. */
const NONCE_SLOT = '~nonce-slot~';
/** A page rendered before a write is replaced at once; this bounds staleness if the token cannot tell. */
const MAX_AGE_MS = 30_000;
/** Bounds memory: rendered pages are up to ~150 kB. */
const MAX_BYTES = 64 * 1024 * 1024;
const KEPT_HEADERS = ['content-type', 'cache-control', 'location', 'retry-after'];

interface Entry {
  token: string | null;
  expires: number;
  status: number;
  headers: Array<[string, string]>;
  /** the body as UTF-8, split where the nonce goes: joining bytes is far cheaper than string replacement on ~70 kB pages */
  parts: Buffer[];
  bytes: number;
}

/** Caches GET pages (not the API, feeds, static files or health checks, which have their own rules). */
export function pageCache(deps: Deps): MiddlewareHandler<AppEnv> {
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const remove = (key: string) => {
    const e = entries.get(key);
    if (e) bytes -= e.bytes;
    entries.delete(key);
  };

  return async (c, next) => {
    if (c.req.method !== 'GET' || !cacheable(c.req.path)) return next();
    const nonce = c.get('nonce');
    const key = c.req.url.slice(c.req.url.indexOf('/', 8));
    const token = await changeToken(deps.store);
    const now = performance.now();
    let entry = entries.get(key);
    if (!entry || entry.token !== token || entry.expires <= now) {
      c.set('nonce', NONCE_SLOT);
      await next();
      c.set('nonce', nonce);
      const res = c.res;
      const parts = (await res.text()).split(NONCE_SLOT).map((p) => Buffer.from(p));
      const size = parts.reduce((n, p) => n + p.length, 0);
      entry = {
        token,
        expires: now + MAX_AGE_MS,
        status: res.status,
        headers: KEPT_HEADERS.flatMap((h) => {
          const v = res.headers.get(h);
          return v === null ? [] : [[h, v] as [string, string]];
        }),
        parts,
        bytes: size,
      };
      remove(key);
      if (res.status < 500 && size < MAX_BYTES / 16) {
        entries.set(key, entry);
        bytes += size;
        for (const oldest of entries.keys()) {
          if (bytes <= MAX_BYTES) break;
          remove(oldest);
        }
      }
    } else {
      // Most recently used last, so eviction drops the least recently used.
      entries.delete(key);
      entries.set(key, entry);
    }
    c.res = new Response(joinWith(entry.parts, Buffer.from(nonce)), { status: entry.status, headers: entry.headers });
  };
}

function joinWith(parts: Buffer[], separator: Buffer): Buffer {
  const list: Buffer[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) list.push(separator);
    list.push(parts[i]!);
  }
  return Buffer.concat(list);
}

function cacheable(path: string): boolean {
  return !(path.startsWith('/api/') || path.startsWith('/feeds/') || path.startsWith('/static/') || path === '/healthz');
}
