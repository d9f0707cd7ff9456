/**
 * The arXiv fetch flows against a real local server that plays back recorded arXiv responses,
 * chosen by query the way arXiv would answer them. A fake clock keeps the 3 s spacing instant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArxivApiError } from '../../src/ingest/arxiv-api.js';
import { createArxivClient, ArxivRequestError } from '../../src/ingest/http.js';
import {
  buildApiUrl,
  buildOaiUrl,
  buildSearchQuery,
  fetchArxivByIds,
  fetchArxivRss,
  harvestOai,
  searchArxiv,
} from '../../src/ingest/sources.js';
import { FormatError } from '../../src/ingest/types.js';
import { setLogSink } from '../../src/log.js';
import { fixturePath, readFixture } from '../helpers.js';

const OAI_FIRST_TOKEN = '496549|47001';

/** The last page of the harvest: one record and an empty resumptionToken (hand-made, not recorded). */
const OAI_LAST_PAGE = `<?xml version='1.0' encoding='UTF-8'?>
<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>
<responseDate>2014-01-16T10:35:01Z</responseDate>
<request resumptionToken='${OAI_FIRST_TOKEN}' verb='ListRecords'>http://export.arxiv.org/oai2</request>
<ListRecords>
<record>
<header>
 <identifier>oai:arXiv.org:0801.3999</identifier>
 <datestamp>2008-01-26</datestamp>
 <setSpec>cs</setSpec>
</header>
<metadata>
 <arXivRaw xmlns='http://arxiv.org/OAI/arXivRaw/'>
 <id>0801.3999</id><submitter>A. Author</submitter><version version='v1'><date>Fri, 25 Jan 2008 10:00:00 GMT</date><size>10kb</size></version><title>The Last Page</title><authors>A. Author</authors><categories>cs.LG</categories><abstract>  The final record of a harvest.
</abstract></arXivRaw>
</metadata>
</record>
<resumptionToken completeListSize='907096' cursor='47000'></resumptionToken>
</ListRecords>
</OAI-PMH>
`;

/** A page that hands back the token it was asked with, as a broken server might. */
const OAI_LOOP_PAGE = OAI_LAST_PAGE.replace(
  "<resumptionToken completeListSize='907096' cursor='47000'></resumptionToken>",
  "<resumptionToken completeListSize='907096' cursor='47000'>loop|1</resumptionToken>",
);

interface ServerOptions {
  /** replace totalResults in recorded search pages */
  totalResults?: number;
  /** how many times the search page at start=10 first comes back empty */
  emptyPagesAt10?: number;
}

/** Plays back test/fixtures/arxiv the way export.arxiv.org, the OAI endpoint and rss.arxiv.org answer. */
async function startArxiv(now: () => number, opts: ServerOptions = {}) {
  const requests: Array<{ path: string; query: URLSearchParams; at: number }> = [];
  let emptyLeft = opts.emptyPagesAt10 ?? 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const q = url.searchParams;
    requests.push({ path: url.pathname, query: q, at: now() });
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/xml; charset=utf-8' });
      res.end(body);
    };
    const fixture = (rel: string) => (existsSync(fixturePath(rel)) ? readFixture(rel) : null);

    if (url.pathname === '/api/query') {
      const ids = q.get('id_list');
      const search = q.get('search_query');
      let body: string | null = null;
      if (ids === 'bad400') {
        body = readFixture('arxiv/api/id_0000.0000_s0_m100.xml');
        return send(400, body);
      }
      if (ids !== null) {
        body = fixture(`arxiv/api/id_${ids.replace(/[/,]/g, '_')}_s0_m100.xml`);
      } else if (search !== null) {
        body = fixture(`arxiv/api/q_${search}_s${q.get('start')}_m${q.get('max_results')}.xml`);
        if (body && q.get('start') === '10' && emptyLeft > 0) {
          emptyLeft--;
          body = body.replace(/<entry>[\s\S]*<\/entry>\s*/, '');
        }
        if (body && opts.totalResults !== undefined) {
          body = body.replace(/<opensearch:totalResults>\d+</, `<opensearch:totalResults>${opts.totalResults}<`);
        }
      }
      if (body === null) return send(404, 'no fixture');
      // arXiv sends its error entries with HTTP 400.
      return send(body.includes('arxiv.org/api/errors#') ? 400 : 200, body);
    }
    if (url.pathname === '/oai' && q.get('verb') === 'ListRecords') {
      const token = q.get('resumptionToken');
      if (token === null) return send(200, readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml'));
      if (token === OAI_FIRST_TOKEN) return send(200, OAI_LAST_PAGE);
      if (token === 'loop|1') return send(200, OAI_LOOP_PAGE);
      return send(404, 'unknown token');
    }
    if (url.pathname === '/atom/cs.AI') return send(200, readFixture('arxiv/rss/cs.AI.atom.xml'));
    send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    apiUrl: `${base}/api/query`,
    oaiUrl: `${base}/oai`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client on a clock that only moves when the client sleeps. */
function fakeClient() {
  const clock = { t: 1_700_000_000_000 };
  const now = () => clock.t;
  const client = createArxivClient({
    userAgent: 'DailyPapers/test',
    minIntervalMs: 3000,
    timeoutMs: 5000,
    maxRetries: 0,
    now,
    sleep: async (ms) => {
      clock.t += ms;
    },
  });
  return { client, now };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function withLogs<T>(fn: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const prev = setLogSink((line) => lines.push(line));
  try {
    return await fn(lines);
  } finally {
    setLogSink(prev);
  }
}

test('buildApiUrl encodes the API parameters', () => {
  assert.equal(
    buildApiUrl('https://export.arxiv.org/api/query', { idList: ['1605.08386', 'hep-th/9901001'], start: 0, maxResults: 100 }),
    'https://export.arxiv.org/api/query?id_list=1605.08386%2Chep-th%2F9901001&start=0&max_results=100',
  );
  const url = new URL(
    buildApiUrl('https://export.arxiv.org/api/query', {
      searchQuery: 'cat:cs.LG AND submittedDate:[202501010000 TO 202501312359]',
      start: 200,
      maxResults: 100,
      sortBy: 'submittedDate',
      sortOrder: 'descending',
    }),
  );
  assert.equal(url.searchParams.get('search_query'), 'cat:cs.LG AND submittedDate:[202501010000 TO 202501312359]');
  assert.equal(url.searchParams.get('start'), '200');
  assert.equal(url.searchParams.get('sortBy'), 'submittedDate');
  assert.equal(url.searchParams.get('sortOrder'), 'descending');
});

test('buildSearchQuery joins query, category and submission dates', () => {
  assert.equal(
    buildSearchQuery({ category: 'cs.LG', from: '2025-01-01', until: '2025-01-31' }),
    'cat:cs.LG AND submittedDate:[202501010000 TO 202501312359]',
  );
  assert.equal(buildSearchQuery({ query: 'testing' }), 'testing');
  assert.equal(buildSearchQuery({ query: 'ti:llm OR abs:llm', category: 'cs.CL' }), '(ti:llm OR abs:llm) AND cat:cs.CL');
  assert.throws(() => buildSearchQuery({}), /needs a query, a category or a date range/);
  assert.throws(() => buildSearchQuery({ from: '2025-1-1' }), /"2025-1-1" is not a date/);
  assert.throws(() => buildSearchQuery({ category: 'cs LG' }), /not an arXiv category/);
});

test('buildOaiUrl: a resumptionToken is sent alone with the verb (OAI-PMH exclusive argument)', () => {
  const fresh = new URL(buildOaiUrl('https://oaipmh.arxiv.org/oai', { metadataPrefix: 'arXivRaw', set: 'cs', from: '2025-01-01', until: '2025-01-02' }));
  assert.deepEqual([...fresh.searchParams], [
    ['verb', 'ListRecords'],
    ['metadataPrefix', 'arXivRaw'],
    ['set', 'cs'],
    ['from', '2025-01-01'],
    ['until', '2025-01-02'],
  ]);
  const resumed = new URL(buildOaiUrl('https://oaipmh.arxiv.org/oai', { metadataPrefix: 'arXivRaw', set: 'cs', from: '2025-01-01', resumptionToken: '496549|47001' }));
  assert.deepEqual([...resumed.searchParams], [
    ['verb', 'ListRecords'],
    ['resumptionToken', '496549|47001'],
  ]);
});

test('fetchArxivByIds chunks the id list and yields a page per chunk, spaced 3 s apart', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const pages = await collect(fetchArxivByIds(client, srv.apiUrl, ['0808.05394', '1707.08567', '1605.08386'], 2));
    assert.deepEqual(
      srv.requests.map((r) => [r.query.get('id_list'), r.query.get('start'), r.query.get('max_results')]),
      [
        ['0808.05394,1707.08567', '0', '2'],
        ['1605.08386', '0', '2'],
      ],
    );
    assert.deepEqual(
      pages.map((p) => p.papers.map((paper) => paper.id)),
      [['1707.08567'], ['1605.08386']],
      '0808.05394 does not exist: arXiv leaves it out',
    );
    assert.equal(srv.requests[1]!.at - srv.requests[0]!.at, 3000);
  } finally {
    await srv.close();
  }
});

test('fetchArxivByIds yields empty pages too; max_results defaults to 100', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const pages = await collect(fetchArxivByIds(client, srv.apiUrl, ['0000.0000', 'astro-ph/0601001'], 1));
    assert.deepEqual(
      pages.map((p) => p.papers.map((paper) => paper.id)),
      [[], ['astro-ph/0601001']],
    );
    await collect(fetchArxivByIds(client, srv.apiUrl, ['1605.08386']));
    assert.deepEqual(
      srv.requests.map((r) => r.query.get('max_results')),
      ['1', '1', '100'],
    );
  } finally {
    await srv.close();
  }
});

test("arXiv's error entry (HTTP 400) becomes ArxivApiError: incorrect id format for abc", async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    await assert.rejects(collect(fetchArxivByIds(client, srv.apiUrl, ['abc'])), (err: unknown) => {
      assert.ok(err instanceof ArxivApiError, String(err));
      assert.match(err.message, /incorrect id format for abc/);
      return true;
    });
    assert.equal(srv.requests.length, 1, 'a 400 is not retried');
  } finally {
    await srv.close();
  }
});

test('a 400 without an error entry is an HTTP error naming the URL', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    await assert.rejects(collect(fetchArxivByIds(client, srv.apiUrl, ['bad400'])), (err: unknown) => {
      assert.ok(err instanceof ArxivRequestError, String(err));
      assert.equal(err.httpStatus, 400);
      assert.match(err.message, /arXiv answered HTTP 400 for http:\/\/127\.0\.0\.1:\d+\/api\/query\?id_list=bad400/);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('searchArxiv pages with start and max_results and stops at maxResults', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const pages = await collect(searchArxiv(client, srv.apiUrl, { query: 'testing', pageSize: 10, maxResults: 20 }));
    assert.deepEqual(
      srv.requests.map((r) => [r.query.get('search_query'), r.query.get('start'), r.query.get('max_results'), r.query.get('sortBy'), r.query.get('sortOrder')]),
      [
        ['testing', '0', '10', 'relevance', 'descending'],
        ['testing', '10', '10', 'relevance', 'descending'],
      ],
    );
    assert.deepEqual(pages.map((p) => [p.startIndex, p.papers.length]), [[0, 10], [10, 10]]);
    assert.equal(pages[1]!.papers[0]!.id, '2403.16981');
    assert.equal(srv.requests[1]!.at - srv.requests[0]!.at, 3000);
  } finally {
    await srv.close();
  }
});

test('searchArxiv stops at totalResults', async () => {
  const { client, now } = fakeClient();
  // The recorded pages say 214881 results; claim 20 so the end comes after the two recorded pages.
  const srv = await startArxiv(now, { totalResults: 20 });
  try {
    const pages = await collect(searchArxiv(client, srv.apiUrl, { query: 'testing', pageSize: 10 }));
    assert.equal(pages.length, 2);
    assert.deepEqual(srv.requests.map((r) => r.query.get('start')), ['0', '10']);
  } finally {
    await srv.close();
  }
});

test('searchArxiv asks an empty page again once before going on', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now, { emptyPagesAt10: 1 });
  try {
    await withLogs(async (lines) => {
      const pages = await collect(searchArxiv(client, srv.apiUrl, { query: 'testing', pageSize: 10, maxResults: 20 }));
      assert.deepEqual(pages.map((p) => p.papers.length), [10, 10]);
      assert.deepEqual(srv.requests.map((r) => r.query.get('start')), ['0', '10', '10']);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /empty page before the end, asking again/);
    });
  } finally {
    await srv.close();
  }
});

test('searchArxiv stops when the same page comes back empty twice', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now, { emptyPagesAt10: 2 });
  try {
    await withLogs(async (lines) => {
      const pages = await collect(searchArxiv(client, srv.apiUrl, { query: 'testing', pageSize: 10, maxResults: 30 }));
      assert.equal(pages.length, 1);
      assert.deepEqual(srv.requests.map((r) => r.query.get('start')), ['0', '10', '10']);
      assert.match(lines.at(-1)!, /empty twice, stopping early/);
    });
  } finally {
    await srv.close();
  }
});

test('searchArxiv with no results yields nothing', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now, { totalResults: 0, emptyPagesAt10: 1 });
  try {
    const pages = await collect(searchArxiv(client, srv.apiUrl, { query: 'testing', start: 10, pageSize: 10 }));
    assert.deepEqual(pages, []);
    assert.equal(srv.requests.length, 1, 'an empty page at the end is not asked again');
  } finally {
    await srv.close();
  }
});

test('harvestOai follows the resumptionToken, then stops at the empty one', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const pages = await collect(harvestOai(client, srv.oaiUrl, { metadataPrefix: 'arXivRaw', set: 'physics', from: '2008-01-01' }));
    assert.equal(pages.length, 2);
    assert.deepEqual([...srv.requests[0]!.query], [
      ['verb', 'ListRecords'],
      ['metadataPrefix', 'arXivRaw'],
      ['set', 'physics'],
      ['from', '2008-01-01'],
    ]);
    assert.deepEqual([...srv.requests[1]!.query], [
      ['verb', 'ListRecords'],
      ['resumptionToken', OAI_FIRST_TOKEN],
    ]);
    assert.equal(pages[0]!.request, `${srv.oaiUrl}?verb=ListRecords&metadataPrefix=arXivRaw&set=physics&from=2008-01-01`);
    assert.equal(pages[0]!.page.resumptionToken, OAI_FIRST_TOKEN);
    assert.equal(pages[0]!.page.papers.length + pages[0]!.page.errors.length, 1000);
    assert.equal(pages[1]!.request, `${srv.oaiUrl}?verb=ListRecords&resumptionToken=496549%7C47001`);
    assert.equal(pages[1]!.page.resumptionToken, null);
    assert.deepEqual(pages[1]!.page.papers.map((p) => p.id), ['0801.3999']);
    assert.equal(srv.requests[1]!.at - srv.requests[0]!.at, 3000);
  } finally {
    await srv.close();
  }
});

test('harvestOai resumes from a stored resumptionToken', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const pages = await collect(harvestOai(client, srv.oaiUrl, { metadataPrefix: 'arXivRaw', resumptionToken: OAI_FIRST_TOKEN }));
    assert.equal(pages.length, 1);
    assert.deepEqual([...srv.requests[0]!.query], [
      ['verb', 'ListRecords'],
      ['resumptionToken', OAI_FIRST_TOKEN],
    ]);
  } finally {
    await srv.close();
  }
});

test('harvestOai stops with a clear error when the server repeats a token', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    await assert.rejects(collect(harvestOai(client, srv.oaiUrl, { metadataPrefix: 'arXivRaw', resumptionToken: 'loop|1' })), (err: unknown) => {
      assert.ok(err instanceof FormatError);
      assert.equal(err.code, 'oai_token_loop');
      return true;
    });
    assert.equal(srv.requests.length, 1);
  } finally {
    await srv.close();
  }
});

test('fetchArxivRss reads /atom/<category>', async () => {
  const { client, now } = fakeClient();
  const srv = await startArxiv(now);
  try {
    const feed = await fetchArxivRss(client, `${srv.base}/`, 'cs.AI');
    assert.equal(srv.requests[0]!.path, '/atom/cs.AI');
    assert.equal(feed.entries.length, 7);
    assert.equal(feed.entries[0]!.paper.id, '2508.13426');
    await assert.rejects(fetchArxivRss(client, srv.base, '../etc'), /not an arXiv category/);
    assert.equal(srv.requests.length, 1);
  } finally {
    await srv.close();
  }
});
