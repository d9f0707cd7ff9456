/**
 * The web application: one Hono app. Every response passes through securityHeaders; every
 * error a visitor can cause becomes a page or JSON with a message; anything else is logged and
 * answered with a plain 500 that shows no internals.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, Deps } from './context.js';
import { securityHeaders } from './security.js';
import { staticRoutes } from './assets.js';
import { renderError } from './render.js';
import { csrf } from 'hono/csrf';
import { pageCache } from './page-cache.js';
import { homeRoutes } from './pages/home.js';
import { paperRoutes } from './pages/paper.js';
import { featuredRoutes } from './pages/featured.js';
import { listingRoutes } from './pages/listings.js';
import { apiRoutes } from './api/index.js';
import { feedRoutes } from './feeds/index.js';
import { countPapers } from '../papers/repository.js';
import { isUserError, errorMessage } from '../errors.js';
import { logger } from '../log.js';

const log = logger('web');

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: false });
  app.use('*', securityHeaders());
  // Unsafe methods only from our own pages: the Origin (or Referer) must be this site.
  app.use('*', csrf({ origin: (origin, c) => sameOrigin(origin, new URL(c.req.url).origin) || sameOrigin(origin, deps.config.baseUrl) }));
  app.use('*', pageCache(deps));

  app.get('/healthz', async (c) => {
    const papers = await countPapers(deps.store);
    // How far search has caught up with the catalog (a first start after a bulk import embeds for minutes).
    const st = deps.search.status();
    const semantic = st.semantic as { provider: string; vectors: number } | null;
    c.header('Cache-Control', 'no-store');
    const state = semantic ? 'ready' : st.semanticConfigured ? 'starting' : 'off';
    return c.json({ status: 'ok', database: deps.store.dialect, papers, search: { indexed: st.papers, semantic: state, embedded: semantic?.vectors ?? null, provider: semantic?.provider ?? null } });
  });
  staticRoutes(app);
  apiRoutes(app, deps);
  feedRoutes(app, deps);
  featuredRoutes(app, deps);
  homeRoutes(app, deps);
  listingRoutes(app, deps);
  paperRoutes(app, deps);

  app.notFound((c) => {
    if (wantsJson(c.req.path)) return c.json({ error: 'Not found' }, 404);
    return renderError(c, deps, 404, 'Page not found', 'There is no page at this address.');
  });
  app.onError((err, c) => {
    // Hono's own refusals (the CSRF check's 403) carry their response.
    if (err instanceof HTTPException) return err.getResponse();
    if (isUserError(err)) {
      if (wantsJson(c.req.path)) return c.json({ error: err.message, code: err.code }, err.status as 400);
      return renderError(c, deps, err.status, 'That did not work', err.message);
    }
    log.error('request failed', { method: c.req.method, path: c.req.path, error: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });
    if (wantsJson(c.req.path)) return c.json({ error: 'Internal error' }, 500);
    return c.text('Internal error. It has been logged.', 500);
  });
  return app;
}

function sameOrigin(origin: string, baseUrl: string): boolean {
  try {
    return new URL(origin).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

function wantsJson(path: string): boolean {
  return path.startsWith('/api/');
}
