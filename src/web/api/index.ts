/** The JSON API (Hugging Face's paths and field names). Routes are registered by apiRoutes. */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';
import { apiHeaders, CACHE, prepare, sendJson } from './http.js';
import { dailyPapersRoutes } from './daily-papers.js';
import { paperApiRoutes } from './papers.js';
import { openApiDocument } from './openapi.js';

/** Registers CORS and caching for /api/*, the routes, and GET /api/openapi.json. */
export function apiRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.use('/api/*', apiHeaders());
  dailyPapersRoutes(app, deps);
  paperApiRoutes(app, deps);
  const openApi = prepare(openApiDocument(deps.config));
  app.get('/api/openapi.json', (c) => sendJson(c, openApi, CACHE.document));
}
