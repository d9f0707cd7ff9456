/**
 * Static files: our stylesheet and script, and KaTeX's stylesheet and fonts. Read once at start,
 * served from memory with a content hash in the URL and a year-long cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from './context.js';

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** src/web/assets in the source tree (this module runs from dist/src/web). */
const ownDir = join(here, '../../../src/web/assets');
const katexDir = join(dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  woff2: 'font/woff2',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
};

function load(path: string): Asset {
  const body = readFileSync(path);
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return { body, type: TYPES[ext] ?? 'application/octet-stream', etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"` };
}

const assets = new Map<string, Asset>();
for (const name of readdirSync(ownDir)) assets.set(`/static/${name}`, load(join(ownDir, name)));
assets.set('/static/katex/katex.min.css', load(join(katexDir, 'katex.min.css')));
for (const name of readdirSync(join(katexDir, 'fonts'))) {
  if (name.endsWith('.woff2')) assets.set(`/static/katex/fonts/${name}`, load(join(katexDir, 'fonts', name)));
}

/** Changes whenever our own assets change: appended to their URLs to bust caches. */
export const ASSET_VERSION = createHash('sha1')
  .update([...assets.entries()].filter(([k]) => !k.includes('/katex/')).map(([, a]) => a.etag).join())
  .digest('base64url')
  .slice(0, 10);

export const KATEX_CSS = `/static/katex/katex.min.css?v=${ASSET_VERSION}`;
export const APP_JS = `/static/app.js?v=${ASSET_VERSION}`;

/** Registers GET /static/* on the app. */
export function staticRoutes(app: Hono<AppEnv>): void {
  // Browsers ask for /favicon.ico on their own; the pages link the SVG.
  app.get('/favicon.ico', (c) => c.redirect(`/static/favicon.svg?v=${ASSET_VERSION}`, 301));
  app.get('/static/*', (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return c.notFound();
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, { ETag: asset.etag });
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: asset.etag,
    });
  });
}
