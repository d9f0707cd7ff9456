/**
 * The ingest jobs end to end, on both engines, against a local server that plays back
 * recorded arXiv answers: the OAI harvest's stored position (resume after a failure, then an
 * incremental next run), the daily job, and the scheduler's behaviour when arXiv is unreachable.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { readFixture } from '../helpers.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createArxivClient, type ArxivClient } from '../../src/ingest/http.js';
import { ingestDaily, ingestOai, type JobDeps } from '../../src/ingest/jobs.js';
import { countPapers, getIngestState, getPaper } from '../../src/papers/repository.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { acquireLease, releaseLease } from '../../src/jobs/leases.js';
import { setLogSink } from '../../src/log.js';

const TOKEN = '496549|47001';
const LAST_PAGE = `<?xml version='1.0' encoding='UTF-8'?>
<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>
<responseDate>2014-01-17T10:35:01Z</responseDate>
<request verb='ListRecords'>http://export.arxiv.org/oai2</request>
<ListRecords>
<record><header><identifier>oai:arXiv.org:1401.0001</identifier><datestamp>2008-01-26</datestamp><setSpec>cs</setSpec></header>
<metadata><arXivRaw xmlns='http://arxiv.org/OAI/arXivRaw/'><id>1401.0001</id><version version='v1'><date>Thu, 2 Jan 2014 10:00:00 GMT</date><size>10kb</size></version><title>The Last Page</title><authors>A. Author</authors><categories>cs.LG</categories><abstract>The final record.</abstract></arXivRaw></metadata></record>
<resumptionToken completeListSize='907096' cursor='47000'></resumptionToken>
</ListRecords>
</OAI-PMH>`;
const NO_RECORDS = `<?xml version='1.0' encoding='UTF-8'?>
<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><responseDate>2014-01-18T09:00:00Z</responseDate>
<request verb='ListRecords'>http://export.arxiv.org/oai2</request><error code='noRecordsMatch'>no records</error></OAI-PMH>`;

/** A recorded arXiv: OAI pages, the cs.AI feed, and an empty API answer for any id list. */
async function startArxiv() {
  const requests: URL[] = [];
  let failSecondPage = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/xml' });
      res.end(body);
    };
    if (url.pathname === '/oai') {
      const token = url.searchParams.get('resumptionToken');
      if (token === TOKEN) return failSecondPage ? send(500, 'oops') : send(200, LAST_PAGE);
      if (url.searchParams.get('from')) return send(200, NO_RECORDS);
      return send(200, readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml'));
    }
    if (url.pathname === '/rss/atom/cs.AI') return send(200, readFixture('arxiv/rss/cs.AI.atom.xml'));
    if (url.pathname === '/api/query') return send(200, readFixture('arxiv/api/id_0000.0000_s0_m100.xml'));
    send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    failSecondPage: (on: boolean) => {
      failSecondPage = on;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function client(): ArxivClient {
  return createArxivClient({ userAgent: 'DailyPapers/test', minIntervalMs: 0, timeoutMs: 5000, maxRetries: 0 });
}

for (const engine of ENGINES) {
  describe(`ingest jobs on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let arxiv: Awaited<ReturnType<typeof startArxiv>>;
    let config: Config;
    let deps: JobDeps;
    before(async () => {
      if (skip) return;
      t = await freshDb(engine);
      arxiv = await startArxiv();
      config = loadConfig({ ARXIV_OAI_URL: `${arxiv.base}/oai`, ARXIV_RSS_URL: `${arxiv.base}/rss`, ARXIV_API_URL: `${arxiv.base}/api/query`, CATEGORIES: 'cs.AI' });
      deps = { store: t.store, config, client: client() };
    });
    after(async () => {
      await arxiv?.close();
      await t?.cleanup();
    });

    test('an OAI harvest that fails midway keeps its resumptionToken and resumes from it', { skip }, async () => {
      arxiv.failSecondPage(true);
      await assert.rejects(ingestOai(deps, { metadataPrefix: 'arXivRaw', set: 'cs' }), /HTTP 500/);
      assert.equal(await countPapers(t.store), 1000, 'the first page was stored');
      const saved = await getIngestState<{ resumptionToken: string; query: { set: string } }>(t.store, 'oai:arXivRaw:cs');
      assert.equal(saved?.resumptionToken, TOKEN);
      assert.equal(saved?.query.set, 'cs');

      arxiv.failSecondPage(false);
      arxiv.requests.length = 0;
      const r = await ingestOai(deps, { metadataPrefix: 'arXivRaw', set: 'cs' });
      assert.equal(r.resumed, true);
      assert.equal(r.pages, 1);
      assert.equal(arxiv.requests[0]?.searchParams.get('resumptionToken'), TOKEN);
      assert.equal(arxiv.requests[0]?.searchParams.get('set'), null, 'only verb and resumptionToken with a token');
      assert.equal((await getPaper(t.store, '1401.0001'))?.title, 'The Last Page');
    });

    test('after a complete harvest the next run asks only for what changed since', { skip }, async () => {
      const saved = await getIngestState<{ resumptionToken: string | null; harvestedUntil: string }>(t.store, 'oai:arXivRaw:cs');
      assert.deepEqual({ token: saved?.resumptionToken, until: saved?.harvestedUntil }, { token: null, until: '2014-01-17' });
      arxiv.requests.length = 0;
      const r = await ingestOai(deps, { metadataPrefix: 'arXivRaw', set: 'cs' });
      assert.equal(r.from, '2014-01-17');
      assert.equal(arxiv.requests[0]?.searchParams.get('from'), '2014-01-17');
      assert.equal(r.inserted, 0);
      const after = await getIngestState<{ harvestedUntil: string }>(t.store, 'oai:arXivRaw:cs');
      assert.equal(after?.harvestedUntil, '2014-01-18');
    });

    test('the daily job stores the feed with its listing day and asks the API for details', { skip }, async () => {
      arxiv.requests.length = 0;
      const r = await ingestDaily(deps);
      assert.deepEqual(r.days, { 'cs.AI': '2025-08-20' });
      assert.equal(r.inserted, 7);
      assert.equal((await getPaper(t.store, '2508.13426'))?.announceDay, '2025-08-20');
      const api = arxiv.requests.find((u) => u.pathname === '/api/query');
      assert.ok(api && api.searchParams.get('id_list')!.split(',').includes('2508.13426'));
      assert.ok(await getIngestState(t.store, 'daily:last'));
    });

    test('offline, the scheduled ingest logs one line with the next attempt and does not throw', { skip }, async () => {
      const lines: string[] = [];
      const restore = setLogSink((l) => lines.push(l));
      const offline = createArxivClient({ userAgent: 'DailyPapers/test', minIntervalMs: 0, timeoutMs: 2000, maxRetries: 3, fetch: async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND export.arxiv.org'), { code: 'ENOTFOUND' }) });
      } });
      const scheduler = startScheduler({ store: t.store, config: { ...config, arxiv: { ...config.arxiv, rssUrl: 'https://rss.arxiv.org' } }, client: offline });
      try {
        lines.length = 0;
        await scheduler.runDaily();
      } finally {
        scheduler.stop();
        setLogSink(restore);
      }
      const warnings = lines.filter((l) => / warn /.test(l));
      assert.equal(warnings.length, 1, lines.join('\n'));
      assert.match(warnings[0]!, /unreachable.*try again at \d{4}-\d{2}-\d{2}T/);
    });

    test('a lease runs a job on one instance at a time', { skip }, async () => {
      const now = new Date('2026-11-27T10:00:00Z');
      assert.equal(await acquireLease(t.store, 'job', 60_000, now, 'a'), true);
      assert.equal(await acquireLease(t.store, 'job', 60_000, now, 'b'), false);
      assert.equal(await acquireLease(t.store, 'job', 60_000, now, 'a'), true, 'renewed by its holder');
      assert.equal(await acquireLease(t.store, 'job', 60_000, new Date(now.getTime() + 61_000), 'b'), true, 'taken over once expired');
      await releaseLease(t.store, 'job', 'b');
      assert.equal(await acquireLease(t.store, 'job', 60_000, now, 'a'), true);
    });
  });
}
