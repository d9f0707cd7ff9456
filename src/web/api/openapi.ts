/**
 * The OpenAPI 3.1 description of the JSON API, built once per app (GET /api/openapi.json).
 * Schemas follow serialize.ts; limits and sorts come from the route modules, so they agree.
 */
import type { Config } from '../../config.js';
import { ID_EXAMPLES } from '../../papers/arxiv-id.js';
import { DAILY_DEFAULT_LIMIT, DAILY_MAX_LIMIT } from './daily-papers.js';
import { LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, SIMILAR_DEFAULT_LIMIT, SIMILAR_MAX_LIMIT } from './papers.js';
import { DAILY_SORTS, MAX_PAGE } from './params.js';

type Json = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses' | 'headers', name: string): Json => ({ $ref: `#/components/${kind}/${name}` });
const nullable = (type: string, extra: Json = {}): Json => ({ type: [type, 'null'], ...extra });
const TIME = { format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' };

function query(name: string, description: string, schema: Json, extra: Json = {}): Json {
  return { name, in: 'query', required: false, description, schema, ...extra };
}

function limit(fallback: number, max: number): Json {
  return query('limit', `Results per page, 1 to ${max}.`, { type: 'integer', minimum: 1, maximum: max, default: fallback });
}

/** 200 with a JSON body, its cache headers and (for lists) the Link to the next page. */
function ok(description: string, schema: Json, paged: boolean): Json {
  const headers: Json = { ETag: ref('headers', 'ETag'), 'Cache-Control': ref('headers', 'CacheControl') };
  if (paged) headers.Link = ref('headers', 'Link');
  return { description, headers, content: { 'application/json': { schema } } };
}

const itemList = { type: 'array', items: ref('schemas', 'DailyPaperItem') };

const schemas: Json = {
  User: {
    type: 'object',
    description: 'A Hugging Face user. `_id` is derived: the first 24 hex digits of SHA-1("user\\n" + user name).',
    required: ['_id', 'name', 'user', 'fullname', 'avatarUrl', 'type'],
    properties: {
      _id: { type: 'string', pattern: '^[0-9a-f]{24}$' },
      name: { type: 'string', description: 'user name' },
      user: { type: 'string', description: 'user name (what huggingface_hub reads)' },
      fullname: nullable('string'),
      avatarUrl: nullable('string', { format: 'uri' }),
      type: { const: 'user' },
    },
  },
  Author: {
    type: 'object',
    description: 'An author of a paper, in order. `_id` is the first 24 hex digits of SHA-1("author\\n" + paper id + "\\n" + 0-based position + "\\n" + name).',
    required: ['_id', 'name', 'hidden'],
    properties: {
      _id: { type: 'string', pattern: '^[0-9a-f]{24}$' },
      name: { type: 'string' },
      hidden: { type: 'boolean' },
      user: { ...ref('schemas', 'User'), description: 'present only when the author is known to be this user' },
    },
  },
  Paper: {
    type: 'object',
    description: 'A paper. Values this instance does not know are null.',
    required: ['id', 'authors', 'publishedAt', 'title', 'summary', 'upvotes', 'discussionId', 'githubRepo', 'githubStars', 'projectPage', 'submittedOnDailyAt', 'submittedOnDailyBy', 'ai_summary', 'ai_keywords'],
    properties: {
      id: { type: 'string', description: `canonical arXiv id without version (${ID_EXAMPLES})` },
      authors: { type: 'array', items: ref('schemas', 'Author') },
      publishedAt: nullable('string', { ...TIME, description: 'when arXiv received the first version' }),
      title: { type: 'string' },
      summary: { type: 'string', description: 'the abstract, whitespace collapsed; its paragraphs separated by one line break (\\n)' },
      upvotes: { type: 'integer', minimum: 0 },
      discussionId: nullable('string', { description: 'Hugging Face discussion id, when imported from HF' }),
      githubRepo: nullable('string', { format: 'uri' }),
      githubStars: nullable('integer'),
      projectPage: nullable('string', { format: 'uri' }),
      submittedOnDailyAt: nullable('string', { ...TIME, description: 'when it was featured' }),
      submittedOnDailyBy: { oneOf: [ref('schemas', 'User'), { type: 'null' }], description: 'who featured it' },
      ai_summary: nullable('string'),
      ai_keywords: { type: ['array', 'null'], items: { type: 'string' } },
    },
  },
  DailyPaperItem: {
    type: 'object',
    description: 'An item of Hugging Face\'s daily papers list: the paper and its featuring.',
    required: ['paper', 'publishedAt', 'title', 'summary', 'thumbnail', 'numComments', 'submittedBy', 'isAuthorParticipating'],
    properties: {
      paper: ref('schemas', 'Paper'),
      publishedAt: nullable('string', { ...TIME, description: 'when it was featured; for a paper never featured, the first version\'s time' }),
      title: { type: 'string' },
      summary: { type: 'string' },
      thumbnail: nullable('string', { format: 'uri' }),
      numComments: { type: 'integer', minimum: 0 },
      submittedBy: { oneOf: [ref('schemas', 'User'), { type: 'null' }] },
      isAuthorParticipating: { type: 'boolean' },
    },
  },
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', description: 'what went wrong and what a valid request looks like' },
      code: { type: 'string', description: 'stable machine-readable code, e.g. bad_date, bad_limit, invalid_arxiv_id, paper_not_found' },
    },
  },
};

const errorBody = { 'application/json': { schema: ref('schemas', 'Error') } };

const components: Json = {
  schemas,
  headers: {
    ETag: { description: 'Weak validator of the body; send it back in If-None-Match to get 304.', schema: { type: 'string' } },
    CacheControl: { description: 'How long the answer may be cached.', schema: { type: 'string' } },
    Link: { description: 'The next page: `<absolute URL>; rel="next"`. Absent on the last page.', schema: { type: 'string' } },
  },
  responses: {
    NotModified: { description: 'The copy named by If-None-Match is current.' },
    BadRequest: { description: 'A malformed parameter; the message names it and shows a valid value.', content: errorBody },
    NotFound: { description: 'No such paper.', content: errorBody },
  },
};

function paths(): Json {
  const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag from an earlier answer.', schema: { type: 'string' } };
  const period = (name: string, format: string, example: string, pattern: string) =>
    query(name, `Featured papers of this ${format}. Use at most one of date, week and month; with none, the latest day with featured papers.`, { type: 'string', pattern }, { example });
  return {
    '/api/daily_papers': {
      get: {
        operationId: 'listDailyPapers',
        summary: 'Featured papers of a day, week or month',
        description: 'Hugging Face\'s daily papers list. Default order: upvotes, most first, ties newest featured first.',
        parameters: [
          period('date', 'day (YYYY-MM-DD)', '2026-06-01', '^\\d{4}-\\d{2}-\\d{2}$'),
          period('week', 'ISO week (YYYY-Www)', '2026-W23', '^\\d{4}-W\\d{2}$'),
          period('month', 'month (YYYY-MM)', '2026-06', '^\\d{4}-\\d{2}$'),
          query('submitter', 'Only papers featured by this Hugging Face user name.', { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$' }),
          query('sort', 'publishedAt: newest featured first; trending: trending score. Absent: upvotes.', { type: 'string', enum: [...DAILY_SORTS] }),
          query('p', '0-based page number.', { type: 'integer', minimum: 0, maximum: MAX_PAGE, default: 0 }),
          limit(DAILY_DEFAULT_LIMIT, DAILY_MAX_LIMIT),
          ifNoneMatch,
        ],
        responses: { 200: ok('A page of featured papers.', itemList, true), 304: ref('responses', 'NotModified'), 400: ref('responses', 'BadRequest') },
      },
    },
    '/api/papers/search': {
      get: {
        operationId: 'searchPapers',
        summary: 'Search papers: hybrid lexical (BM25F) and semantic ranking',
        description:
          'The query language of the search page: words (papers with more of them first, and papers about the same thing in other words), "exact phrases", -exclusions, author:Name, cat:cs.LG (or an archive, cat:cs), since:2024-01, until:2024, sort:newest or sort:upvotes.',
        parameters: [query('q', 'The query.', { type: 'string', minLength: 1, maxLength: 500 }, { required: true }), limit(SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT), ifNoneMatch],
        responses: { 200: ok('Matching papers, best first.', itemList, false), 304: ref('responses', 'NotModified'), 400: ref('responses', 'BadRequest') },
      },
    },
    '/api/papers/{id}/similar': {
      get: {
        operationId: 'similarPapers',
        summary: 'Papers similar to one paper',
        description: 'Nearest neighbours of the paper in the embedding space, most similar first; the paper itself is excluded.',
        parameters: [
          { name: 'id', in: 'path', required: true, description: `An arXiv id: ${ID_EXAMPLES}.`, schema: { type: 'string' }, example: '2509.04664' },
          limit(SIMILAR_DEFAULT_LIMIT, SIMILAR_MAX_LIMIT),
          ifNoneMatch,
        ],
        responses: { 200: ok('Similar papers.', itemList, false), 304: ref('responses', 'NotModified'), 400: ref('responses', 'BadRequest'), 404: ref('responses', 'NotFound') },
      },
    },
    '/api/papers/{id}': {
      get: {
        operationId: 'getPaper',
        summary: 'One paper',
        description: 'The paper object at the top level, as Hugging Face answers /api/papers/<id>.',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: `An arXiv id, with or without version: ${ID_EXAMPLES}. Old-style ids contain a slash, sent as is or percent-encoded.`,
            schema: { type: 'string' },
            example: '2509.04664',
          },
          ifNoneMatch,
        ],
        responses: { 200: ok('The paper.', ref('schemas', 'Paper'), false), 304: ref('responses', 'NotModified'), 400: ref('responses', 'BadRequest'), 404: ref('responses', 'NotFound') },
      },
    },
    '/api/papers': {
      get: {
        operationId: 'listPapers',
        summary: 'Every paper, newest first',
        description: 'Newest first: by arXiv announcement day of the first version, then most recently added; papers with no known day come last. Follow the Link header for the next page.',
        parameters: [query('cursor', 'Opaque position from the previous page\'s Link header; absent for the first page.', { type: 'string', pattern: '^[A-Za-z0-9_-]+$' }), limit(LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT), ifNoneMatch],
        responses: { 200: ok('A page of papers.', itemList, true), 304: ref('responses', 'NotModified'), 400: ref('responses', 'BadRequest') },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This description',
        parameters: [ifNoneMatch],
        responses: { 200: ok('The OpenAPI 3.1 document.', { type: 'object' }, false), 304: ref('responses', 'NotModified') },
      },
    },
  };
}

/** The OpenAPI 3.1 document of this instance's API. */
export function openApiDocument(config: Pick<Config, 'baseUrl' | 'instanceName'>): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: `${config.instanceName} API`,
      version: '1.0.0',
      description:
        'Hugging Face\'s daily papers API (same paths and field names) over this instance\'s arXiv catalog, so tools built for huggingface.co/api work when pointed here. ' +
        'Times are UTC ISO 8601 with milliseconds. Reads are open to any origin (CORS). Errors are JSON {error, code} with status 400 (malformed parameter) or 404 (unknown paper).',
    },
    servers: [{ url: config.baseUrl }],
    paths: paths(),
    components,
  };
}
