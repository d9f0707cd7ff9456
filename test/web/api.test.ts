/**
 * The JSON API on both engines, through app.request() on a fresh database loaded with the
 * bundled sample: shapes, exact values, paging, caching, CORS, errors, and the OpenAPI document.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { readFixture } from '../helpers.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { createApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config.js';
import { refreshTrending } from '../../src/feed/trending.js';
import { recentPapers } from '../../src/papers/repository.js';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE = 'http://papers.test';
type Json = any;

/** The app over a store, with a pinned clock. */
async function appFor(t: TestDb) {
  return createApp({ store: t.store, search: await t.search(), config: loadConfig({ BASE_URL: BASE }), now: () => new Date('2026-10-04T12:00:00Z') });
}

const sha24 = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 24);
const pick = (o: Json, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** Every item: the documented shape, times with milliseconds and Z, users as objects. */
function checkItem(item: Json): void {
  assert.deepEqual(Object.keys(item).sort(), ['isAuthorParticipating', 'numComments', 'paper', 'publishedAt', 'submittedBy', 'summary', 'thumbnail', 'title']);
  const p = item.paper;
  // Featured time, else the first version's time; null only when neither is known.
  assert.equal(item.publishedAt, p.submittedOnDailyAt ?? p.publishedAt);
  for (const t of [item.publishedAt, p.publishedAt, p.submittedOnDailyAt]) if (t !== null) assert.match(t, TIME);
  assert.equal(item.title, p.title);
  assert.equal(item.summary, p.summary);
  assert.equal(typeof p.upvotes, 'number');
  const u = item.submittedBy;
  if (u !== null) assert.deepEqual(u, { _id: sha24(`user\n${u.user}`), name: u.user, user: u.user, fullname: u.fullname, avatarUrl: u.avatarUrl, type: 'user' });
  assert.deepEqual(p.submittedOnDailyBy, item.submittedBy);
  p.authors.forEach((a: Json, i: number) => {
    assert.deepEqual(a, { _id: sha24(`author\n${p.id}\n${i}\n${a.name}`), name: a.name, hidden: false });
  });
}

/** Checks a value against the subset of JSON Schema the OpenAPI document uses; returns the errors. */
function conforms(v: Json, schema: Json, doc: Json, at = '$'): string[] {
  if (schema.$ref) return conforms(v, schema.$ref.slice(2).split('/').reduce((n: Json, k: string) => n[k], doc), doc, at);
  if (schema.oneOf) return schema.oneOf.filter((s: Json) => conforms(v, s, doc, at).length === 0).length === 1 ? [] : [`${at}: not exactly one of oneOf`];
  if ('const' in schema) return v === schema.const ? [] : [`${at}: not ${schema.const}`];
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  const types = [schema.type ?? []].flat();
  if (types.length && !types.includes(type) && !(type === 'integer' && types.includes('number'))) return [`${at}: ${type} is not ${types}`];
  if (type === 'string' && schema.pattern && !new RegExp(schema.pattern, 'u').test(v)) return [`${at}: ${v} does not match ${schema.pattern}`];
  if (type === 'integer' && (v < (schema.minimum ?? -Infinity) || v > (schema.maximum ?? Infinity))) return [`${at}: ${v} out of range`];
  if (type === 'array' && schema.items) return v.flatMap((x: Json, i: number) => conforms(x, schema.items, doc, `${at}[${i}]`));
  if (type !== 'object') return [];
  const missing = (schema.required ?? []).filter((k: string) => !(k in v)).map((k: string) => `${at}.${k}: missing`);
  const extra = schema.properties ? Object.keys(v).filter((k) => !(k in schema.properties)).map((k) => `${at}.${k}: not documented`) : [];
  return [...missing, ...extra, ...Object.entries<Json>(schema.properties ?? {}).flatMap(([k, s]) => (k in v ? conforms(v[k], s, doc, `${at}.${k}`) : []))];
}

for (const engine of ENGINES) {
  describe(`JSON API on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let app: Awaited<ReturnType<typeof appFor>>;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await app.request(path, { headers });
      const text = await r.text();
      return { status: r.status, headers: r.headers, text, json: text && r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null };
    };
    before(async () => {
      if (skip) return;
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, DEFAULT_CALENDAR);
      app = await appFor(t);
    });
    after(async () => {
      await t?.cleanup();
    });

    test('daily papers of a day: HF fields, exact values, no next page', { skip }, async () => {
      const r = await get('/api/daily_papers?date=2026-06-01');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('link'), null);
      assert.equal(r.json.length, 50);
      r.json.forEach(checkItem);
      const fixture = JSON.parse(readFixture('hf/daily_papers-2026-06-01.json')) as Json[];
      assert.deepEqual(r.json.map((i: Json) => i.paper.id).sort(), fixture.map((i) => i.paper.id).sort());
      assert.ok(r.json.every((i: Json) => i.publishedAt === '2026-06-01T00:00:00.000Z' && i.submittedBy !== null));
      const one = r.json.find((i: Json) => i.paper.id === '2605.23458');
      // What the source did not say is null, not invented.
      assert.deepEqual(pick(one.paper, ['githubRepo', 'publishedAt', 'discussionId', 'githubStars', 'projectPage', 'ai_summary', 'ai_keywords']), {
        githubRepo: 'https://github.com/Aurora-edu/One-Forcing',
        publishedAt: '2026-05-22T00:00:00.000Z',
        ...{ discussionId: null, githubStars: null, projectPage: null, ai_summary: null, ai_keywords: null },
      });
      assert.deepEqual(pick(one, ['thumbnail', 'numComments', 'isAuthorParticipating']), { thumbnail: null, numComments: 0, isAuthorParticipating: false });
      assert.deepEqual(pick(one.submittedBy, ['user', 'fullname', 'avatarUrl']), { user: 'cuijiaxing', fullname: null, avatarUrl: null });
    });

    test('the full HF record of 2509.04664 and its submitter', { skip }, async () => {
      const r = await get('/api/daily_papers?date=2025-09-08');
      assert.equal(r.json.length, 1);
      const [item] = r.json;
      checkItem(item);
      assert.equal(item.publishedAt, '2025-09-08T02:44:20.973Z');
      const p = item.paper;
      assert.deepEqual(pick(p, ['id', 'title', 'upvotes', 'discussionId', 'publishedAt', 'submittedOnDailyAt', 'ai_keywords']), {
        id: '2509.04664',
        title: 'Why Language Models Hallucinate',
        upvotes: 26,
        discussionId: '68be5810c123124955ef60b0',
        publishedAt: '2025-09-04T21:26:31.000Z',
        submittedOnDailyAt: '2025-09-08T02:44:20.973Z',
        ai_keywords: ['hallucinations', 'binary classification', 'uncertain responses', 'trustworthy AI systems'],
      });
      assert.match(p.ai_summary, /^Language models produce incorrect statements/);
      assert.deepEqual(p.authors.map((a: Json) => a.name), ['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang']);
      assert.deepEqual(pick(p.submittedOnDailyBy, ['user', 'fullname']), { user: 'taesiri', fullname: 'taesiri' });
      assert.match(p.submittedOnDailyBy.avatarUrl, /^https:\/\/cdn-avatars\.huggingface\.co\/.+\.jpeg$/);
    });

    test('no period means the latest featured day; papers the mirror left bare stay bare', { skip }, async () => {
      const r = await get('/api/daily_papers');
      assert.equal(r.json.length, 50);
      r.json.forEach(checkItem);
      assert.ok(r.json.every((i: Json) => i.publishedAt === '2026-10-03T00:00:00.000Z' && i.submittedBy === null && i.paper.discussionId === null));
    });

    test('pages: p, limit and an absolute Link to the next page', { skip }, async () => {
      const first = await get('/api/daily_papers?date=2026-06-02');
      assert.equal(first.json.length, 50);
      assert.equal(first.headers.get('link'), `<${BASE}/api/daily_papers?date=2026-06-02&p=1&limit=50>; rel="next"`);
      const second = await get('/api/daily_papers?date=2026-06-02&p=1');
      assert.deepEqual([second.json.length, second.headers.get('link')], [16, null]);
      assert.equal(new Set([...first.json, ...second.json].map((i: Json) => i.paper.id)).size, 66);
      const week = await get('/api/daily_papers?week=2026-W23&limit=100&sort=publishedAt');
      assert.equal(week.json.length, 100);
      assert.equal(week.headers.get('link'), `<${BASE}/api/daily_papers?week=2026-W23&sort=publishedAt&p=1&limit=100>; rel="next"`);
      assert.equal(week.json[0].publishedAt, '2026-06-02T00:00:00.000Z');
      assert.equal(week.json.at(-1).publishedAt, '2026-06-01T00:00:00.000Z');
      assert.equal((await get('/api/daily_papers?month=2026-06&p=2')).json.length, 16);
      assert.equal((await get('/api/daily_papers?month=2026-07')).json.length, 0);
      // Same upvotes and comments: the more recently featured day scores higher.
      await refreshTrending(t.store, new Date('2026-06-03T00:00:00Z'));
      const trending = await get('/api/daily_papers?month=2026-06&sort=trending&limit=100');
      assert.equal(trending.json[0].publishedAt, '2026-06-02T00:00:00.000Z');
      assert.equal(trending.json.at(-1).publishedAt, '2026-06-01T00:00:00.000Z');
      const latest = await get('/api/daily_papers?limit=10');
      assert.equal(latest.headers.get('link'), `<${BASE}/api/daily_papers?date=2026-10-03&p=1&limit=10>; rel="next"`);
    });

    test('submitter filter and upvote order (ties newest first); a change shows at once', { skip }, async () => {
      const mine = await get('/api/daily_papers?month=2026-06&submitter=taesiri');
      assert.equal(mine.json.length, 6);
      assert.ok(mine.json.every((i: Json) => i.submittedBy.user === 'taesiri'));
      assert.equal(mine.json[0].publishedAt, '2026-06-02T00:00:00.000Z', 'ties: newest featured first');
      const before = await get('/api/daily_papers?date=2026-06-01');
      const last = before.json.at(-1).paper.id;
      await sql`UPDATE papers SET upvotes = 7 WHERE id = ${last}`.execute(t.store.db);
      const after = await get('/api/daily_papers?date=2026-06-01');
      assert.equal(after.json[0].paper.id, last);
      assert.equal(after.json[0].paper.upvotes, 7);
      assert.notEqual(after.headers.get('etag'), before.headers.get('etag'));
      await sql`UPDATE papers SET upvotes = 0 WHERE id = ${last}`.execute(t.store.db);
    });

    test('one paper: new, old-style and versioned ids', { skip }, async () => {
      const r = await get('/api/papers/2509.04664');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      const item = (await get('/api/daily_papers?date=2025-09-08')).json[0];
      assert.deepEqual(r.json, item.paper);
      assert.deepEqual((await get('/api/papers/2509.04664v1')).json, r.json);
      assert.deepEqual((await get('/api/papers/arXiv:2509.04664')).json, r.json);
      for (const path of ['/api/papers/hep-ph/0301050', '/api/papers/hep-ph%2F0301050', '/api/papers/hep-ph/0301050v2']) {
        const old = await get(path);
        assert.equal(old.status, 200, path);
        assert.deepEqual(pick(old.json, ['id', 'publishedAt', 'submittedOnDailyBy']), { id: 'hep-ph/0301050', publishedAt: '2003-01-08T20:15:43.000Z', submittedOnDailyBy: null });
        assert.deepEqual(old.json.authors.map((a: Json) => a.name), ['Andre de Gouvea', 'Hitoshi Murayama']);
      }
      const v3 = await get('/api/papers/hep-ph/0301050v3');
      assert.deepEqual([v3.status, v3.json.code], [404, 'version_not_found']);
      const unknown = await get('/api/papers/2101.11408');
      assert.deepEqual([unknown.status, unknown.json], [404, { error: 'There is no paper 2101.11408 in this catalog.', code: 'paper_not_found' }]);
    });

    test('search speaks the query language; similar papers exclude the paper', { skip }, async () => {
      const ids = async (path: string) => (await get(path)).json.map((i: Json) => i.paper.id);
      const byAuthor = await ids('/api/papers/search?q=author%3AAickelin&limit=20');
      assert.equal(byAuthor.length, 6);
      const recent = await ids('/api/papers/search?q=language%20models%20sort%3Anewest%20since%3A2026-06&limit=20');
      assert.ok(recent.length > 0);
      assert.ok(!(await ids('/api/papers/search?q=language%20models%20-hallucinate&limit=120')).includes('2509.04664'));
      const similar = await get('/api/papers/2509.04664/similar?limit=3');
      assert.equal(similar.status, 200);
      assert.equal(similar.json.length, 3);
      assert.ok(similar.json.every((i: Json) => i.paper.id !== '2509.04664' && typeof i.title === 'string'));
      assert.equal((await get('/api/papers/2509.99999/similar')).status, 404);
      assert.equal((await get('/api/papers/2509.04664/similar?limit=51')).status, 400);
    });

    test('search: daily item shape, best first, limits', { skip }, async () => {
      const r = await get('/api/papers/search?q=language%20models%20hallucinate&limit=5');
      assert.equal(r.status, 200);
      assert.ok(r.json.length >= 1 && r.json.length <= 5);
      r.json.forEach(checkItem);
      assert.equal(r.json[0].paper.id, '2509.04664');
      assert.equal(r.json[0].publishedAt, '2025-09-08T02:44:20.973Z');
      const never = (await get('/api/papers/search?q=anarchy%20neutrinos')).json.find((i: Json) => i.paper.id === 'hep-ph/0301050');
      assert.equal(never.publishedAt, '2003-01-08T20:15:43.000Z', 'never featured: the first version time');
      assert.equal((await get('/api/papers/search?q=the&limit=120')).status, 200);
      for (const bad of ['/api/papers/search', '/api/papers/search?q=', '/api/papers/search?q=%20', '/api/papers/search?q=x&limit=121']) {
        assert.equal((await get(bad)).status, 400, bad);
      }
    });

    test('the whole catalog by cursor, in the home page order, each paper once', { skip }, async () => {
      const ids: string[] = [];
      let path: string | null = '/api/papers?limit=100';
      let pages = 0;
      while (path) {
        const r = await get(path);
        assert.equal(r.status, 200, path);
        pages++;
        r.json.forEach(checkItem);
        ids.push(...r.json.map((i: Json) => i.paper.id));
        const link = r.headers.get('link');
        path = link ? link.replace(/^<http:\/\/papers\.test(.*)>; rel="next"$/, '$1') : null;
      }
      assert.equal(pages, 15);
      assert.deepEqual(ids, (await recentPapers(t.store, { limit: 2000, offset: 0 })).map((p) => p.id));
      assert.equal(new Set(ids).size, 1479);
      assert.equal((await get('/api/papers')).json.length, 50);
    });

    test('conditional GET, cache headers, HEAD and CORS', { skip }, async () => {
      for (const path of ['/api/daily_papers?date=2026-06-01', '/api/papers/2509.04664', '/api/papers/search?q=anarchy', '/api/papers', '/api/openapi.json']) {
        const r = await get(path);
        const etag = r.headers.get('etag')!;
        assert.match(etag, /^W\/"[A-Za-z0-9_-]{27}"$/, path);
        assert.match(r.headers.get('cache-control')!, /^public, max-age=\d+/);
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
        for (const inm of [etag, etag.slice(2), `"nope", ${etag}`, '*']) {
          const again = await get(path, { 'If-None-Match': inm });
          assert.equal(again.status, 304, `${path} ${inm}`);
          assert.equal(again.text, '');
          assert.equal(again.headers.get('etag'), etag);
        }
        assert.equal((await get(path, { 'If-None-Match': 'W/"other"' })).status, 200);
      }
      const head = await app.request('/api/daily_papers?date=2026-06-01', { method: 'HEAD' });
      assert.deepEqual([head.status, await head.text()], [200, '']);
      const pre = await app.request('/api/daily_papers', { method: 'OPTIONS', headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'GET' } });
      assert.deepEqual([pre.status, pre.headers.get('access-control-allow-origin')], [204, '*']);
      assert.match(pre.headers.get('access-control-allow-methods')!, /\bGET\b/);
      assert.equal((await get('/api/daily_papers?date=2026-06-01')).headers.get('access-control-expose-headers'), 'ETag, Link');
    });

    test('answers conform to the OpenAPI schemas, errors included', { skip }, async () => {
      const doc = (await get('/api/openapi.json')).json;
      for (const path of ['/api/daily_papers', '/api/daily_papers?date=2026-06-01', '/api/daily_papers?date=2025-09-08', '/api/papers/search?q=testing', '/api/papers?limit=100', '/api/papers/hep-ph/0301050', '/api/papers/2509.04664', '/api/papers/abc', '/api/papers/2101.11408', '/api/nothing']) {
        const r = await get(path);
        const op = doc.paths[path.startsWith('/api/papers/') && !path.includes('search') ? '/api/papers/{id}' : path.replace(/\?.*/, '')]?.get;
        const schema = op ? op.responses[r.status].content?.['application/json'].schema ?? doc.components.responses[op.responses[r.status].$ref.split('/').at(-1)].content['application/json'].schema : doc.components.schemas.Error;
        assert.deepEqual(conforms(r.json, schema, doc), [], path);
      }
    });

    test('malformed parameters are 400 JSON naming the parameter; nothing a user types is a 500', { skip }, async () => {
      const cases: Array<[string, string, RegExp]> = [
        ['/api/daily_papers?date=2026-13-01', 'bad_date', /^date: .*YYYY-MM-DD/],
        ['/api/daily_papers?date=yesterday', 'bad_date', /^date: "yesterday"/],
        ['/api/daily_papers?week=2026-W60', 'bad_week', /^week: .*YYYY-Www/],
        ['/api/daily_papers?month=2026-1', 'bad_month', /^month: .*YYYY-MM/],
        ['/api/daily_papers?p=-1', 'bad_p', /^p: .*0-based page/],
        ['/api/daily_papers?p=abc', 'bad_p', /^p: "abc"/],
        ['/api/daily_papers?limit=0', 'bad_limit', /^limit: .* from 1 to 100/],
        ['/api/daily_papers?limit=101', 'bad_limit', /^limit: /],
        ['/api/daily_papers?limit=1e3', 'bad_limit', /^limit: /],
        ['/api/daily_papers?sort=bogus', 'bad_sort', /^sort: .*publishedAt or trending/],
        ['/api/daily_papers?date=2026-06-01&week=2026-W23', 'conflicting_period', /date and week/],
        ['/api/daily_papers?submitter=a%00b', 'bad_submitter', /^submitter: /],
        ['/api/papers?cursor=garbage!', 'bad_cursor', /^cursor: /],
        ['/api/papers?cursor=garbage', 'bad_cursor', /^cursor: /],
        [`/api/papers?cursor=${Buffer.from('["2026-06-01T00:00:00Z",1]').toString('base64url')}`, 'bad_cursor', /^cursor: /],
        ['/api/papers?limit=101', 'bad_limit', /^limit: /],
        ['/api/papers/abc', 'invalid_arxiv_id', /2101\.11408/],
        ['/api/papers/..%2F..%2Fetc%2Fpasswd', 'invalid_arxiv_id', /is not an arXiv id/],
        ['/api/papers/%00', 'invalid_arxiv_id', /is not an arXiv id/],
      ];
      for (const [path, code, message] of cases) {
        const r = await get(path);
        assert.deepEqual([r.status, r.json.code, r.headers.get('cache-control'), r.headers.get('access-control-allow-origin')], [400, code, 'no-store', '*'], path);
        assert.match(r.headers.get('content-type')!, /^application\/json/, path);
        assert.match(r.json.error, message, path);
      }
      // What a visitor typed comes back only inside JSON, never as markup a browser would run.
      const xss = await get('/api/daily_papers?date=%3Cscript%3Ealert(1)%3C/script%3E');
      assert.deepEqual([xss.status, xss.headers.get('x-content-type-options')], [400, 'nosniff']);
      assert.match(xss.headers.get('content-type')!, /^application\/json/);
      for (const path of ['/api/daily_papers?p=99999999999999', '/api/daily_papers?limit=%ff', '/api/daily_papers?date=%ff', '/api/papers/search?q=%00', '/api/papers/%ff', '/api/nothing', '/api/papers/../../etc/passwd']) {
        const r = await get(path);
        assert.ok(r.status === 400 || r.status === 404 || r.status === 200, `${path}: ${r.status}`);
      }
    });
  });
}

describe('OpenAPI document', async () => {
  let t: TestDb;
  let doc: Json;
  let routes: string[];
  before(async () => {
    t = await freshDb('sqlite');
    const app = await appFor(t);
    const r = await app.request('/api/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    doc = await r.json();
    routes = app.routes.filter((x) => x.method === 'GET' && x.path.startsWith('/api/')).map((x) => x.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}'));
  });
  after(async () => {
    await t?.cleanup();
  });

  test('is OpenAPI 3.1 for this instance, documenting exactly the routes the app serves under /api', () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.deepEqual([typeof doc.info.title, typeof doc.info.version, doc.servers], ['string', 'string', [{ url: BASE }]]);
    assert.deepEqual(Object.keys(doc.paths).sort(), [...new Set(routes)].sort());
  });

  test('every $ref resolves', () => {
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) if (k === '$ref') refs.push(x as string);
        else walk(x);
      }
    };
    walk(doc);
    assert.ok(refs.length > 10);
    for (const ref of refs) {
      assert.match(ref, /^#\//, ref);
      const target = ref.slice(2).split('/').reduce<Json>((node, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      assert.ok(target !== undefined, `unresolved ${ref}`);
    }
  });

  test('operations: unique operationIds, declared path parameters, valid parameters and responses', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      assert.match(path, /^\//);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries<Json>(item)) {
        assert.ok(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method), method);
        assert.equal(typeof op.operationId, 'string');
        assert.ok(!ids.has(op.operationId), `duplicate ${op.operationId}`);
        ids.add(op.operationId);
        const params: Json[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
        const keys = params.map((p) => `${p.in}:${p.name}`);
        assert.equal(new Set(keys).size, keys.length, `${path} duplicate parameters`);
        for (const p of params) {
          assert.ok(['query', 'header', 'path', 'cookie'].includes(p.in), `${path} ${p.name}`);
          assert.ok(p.schema || p.content, `${path} ${p.name} has no schema`);
          if (p.in === 'path') assert.equal(p.required, true, `${path} ${p.name} must be required`);
        }
        assert.deepEqual(params.filter((p) => p.in === 'path').map((p) => p.name).sort(), templated, `${path} path parameters`);
        assert.ok(Object.keys(op.responses).length > 0);
        for (const [code, res] of Object.entries<Json>(op.responses)) {
          assert.match(code, /^(default|[1-5](\d\d|XX))$/);
          assert.ok(res.$ref || typeof res.description === 'string', `${path} ${code} needs a description`);
        }
      }
    }
  });

  test('schemas use JSON Schema types and describe the HF objects', () => {
    const types = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
    const walk = (v: Json): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      if ('type' in v && (typeof v.type === 'string' || Array.isArray(v.type))) for (const ty of [v.type].flat()) assert.ok(types.has(ty), ty);
      if (Array.isArray(v.required) && v.properties) for (const r of v.required) assert.ok(r in v.properties, `required ${r} not a property`);
      Object.values(v).forEach(walk);
    };
    walk(doc.components.schemas);
    for (const name of ['User', 'Author', 'Paper', 'DailyPaperItem', 'Error']) assert.ok(doc.components.schemas[name], name);
    assert.ok(doc.paths['/api/daily_papers'].get.responses['200'].headers.Link);
  });
});
