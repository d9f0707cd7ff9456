/**
 * Papers: GET /api/papers/search (hybrid search, the query language of the search page),
 * GET /api/papers/<id>/similar, GET /api/papers/<id> (one paper, HF's paper object at the top level) and GET /api/papers (the whole catalog, newest first, by cursor).
 */
import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.js';
import { UserError } from '../../errors.js';
import { getPaper } from '../../papers/repository.js';
import { requireArxivId, versionedId } from '../../papers/arxiv-id.js';
import { itemJson, paperJson } from './serialize.js';
import { CACHE, nextLink, prepare, sendJson } from './http.js';
import { given, limitParam, searchParam } from './params.js';
import { decodeCursor, encodeCursor, newestPapers } from './catalog.js';

/** Result counts of /api/papers/search: default and most. */
export const SEARCH_DEFAULT_LIMIT = 50;
export const SEARCH_MAX_LIMIT = 120;
/** Page size of /api/papers: default and most. */
export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 100;
/** Similar papers: default and most. */
export const SIMILAR_DEFAULT_LIMIT = 10;
export const SIMILAR_MAX_LIMIT = 50;


/** Registers the /api/papers routes (search before <id>, which would also match "search"). */
export function paperApiRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/api/papers/search', async (c) => {
    const q = c.req.query();
    const text = searchParam(q);
    const limit = limitParam(q, SEARCH_MAX_LIMIT, SEARCH_DEFAULT_LIMIT);
    const { papers } = await deps.search.findPapers(text, { offset: 0, limit });
    return sendJson(c, prepare(papers.map(itemJson)), CACHE.list);
  });

  // Papers like this one: nearest neighbours in the embedding space, the paper itself excluded.
  app.get('/api/papers/:id{.+}/similar', async (c) => {
    const asked = requireArxivId(c.req.param('id'));
    const paper = await getPaper(deps.store, asked.id);
    if (!paper) throw new UserError('paper_not_found', `There is no paper ${asked.id} in this catalog.`, 404);
    const limit = limitParam(c.req.query(), SIMILAR_MAX_LIMIT, SIMILAR_DEFAULT_LIMIT);
    const papers = await deps.search.similarPapers(paper.seq, limit);
    return sendJson(c, prepare(papers.map(itemJson)), CACHE.list);
  });

  // Old-style ids have a slash (hep-th/9901001), which HF's client sends as is.
  app.get('/api/papers/:id{.+}', async (c) => {
    const asked = requireArxivId(c.req.param('id'));
    const paper = await getPaper(deps.store, asked.id);
    if (!paper) throw new UserError('paper_not_found', `There is no paper ${asked.id} in this catalog.`, 404);
    if (asked.version && paper.version > 0 && asked.version > paper.version) {
      throw new UserError('version_not_found', `Paper ${asked.id} has no version ${asked.version}: the latest is ${versionedId(asked.id, paper.version)}.`, 404);
    }
    return sendJson(c, prepare(paperJson(paper)), CACHE.paper);
  });

  app.get('/api/papers', async (c) => {
    const q = c.req.query();
    const cursorText = given(q, 'cursor');
    const after = cursorText === undefined ? null : decodeCursor(cursorText);
    const limit = limitParam(q, LIST_MAX_LIMIT, LIST_DEFAULT_LIMIT);
    const { papers, more } = await newestPapers(deps.store, after, limit);
    const last = papers[papers.length - 1];
    const link = more && last ? nextLink(`${deps.config.baseUrl}/api/papers?${new URLSearchParams({ cursor: encodeCursor(last), limit: String(limit) })}`) : null;
    return sendJson(c, prepare(papers.map(itemJson)), CACHE.list, link);
  });
}
