/**
 * The arXiv HTTP client against a real local server: rate limiting on a fake clock, retries,
 * Retry-After, timeouts and an unreachable network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createArxivClient, ArxivRequestError, NetworkUnavailableError, type ArxivClientOptions } from '../../src/ingest/http.js';
import { setLogSink } from '../../src/log.js';
import { readFixture } from '../helpers.js';

const UA = 'DailyPapers/0.1 (Test; http://localhost; mailto:test@example.org)';

/** A clock that only moves when the client sleeps, so waits are exact and instant. */
function fakeClock() {
  const clock = {
    t: 1_700_000_000_000,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

interface Hit {
  path: string;
  userAgent: string | undefined;
  /** fake-clock time the request arrived */
  at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => unknown;

/** A node:http server on 127.0.0.1 that records every request and the most requests it held at once. */
async function startServer(handler: Handler, now: () => number) {
  const hits: Hit[] = [];
  const state = { inFlight: 0, maxInFlight: 0 };
  const server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', userAgent: req.headers['user-agent'], at: now() });
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on('close', () => state.inFlight--);
    void handler(req, res, hits.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    state,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function client(clock: ReturnType<typeof fakeClock>, extra: Partial<ArxivClientOptions> = {}) {
  return createArxivClient({
    userAgent: UA,
    minIntervalMs: 3000,
    timeoutMs: 5000,
    maxRetries: 3,
    now: clock.now,
    sleep: clock.sleep,
    ...extra,
  });
}

/** Runs fn with log lines captured. */
async function withLogs<T>(fn: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const prev = setLogSink((line) => lines.push(line));
  try {
    return await fn(lines);
  } finally {
    setLogSink(prev);
  }
}

test('sends the User-Agent and returns status, body and URL', async () => {
  const clock = fakeClock();
  const srv = await startServer((_req, res) => res.end('<feed/>'), clock.now);
  try {
    const res = await client(clock).get(`${srv.base}/api/query?id_list=1605.08386`);
    assert.equal(res.status, 200);
    assert.equal(res.body, '<feed/>');
    assert.equal(res.url, `${srv.base}/api/query?id_list=1605.08386`);
    assert.equal(srv.hits[0]?.userAgent, UA);
    assert.deepEqual(clock.sleeps, [], 'the first request does not wait');
  } finally {
    await srv.close();
  }
});

test('consecutive requests start exactly minIntervalMs apart', async () => {
  const clock = fakeClock();
  const srv = await startServer((_req, res) => res.end('ok'), clock.now);
  try {
    const c = client(clock);
    for (let i = 0; i < 3; i++) await c.get(`${srv.base}/${i}`);
    const starts = srv.hits.map((h) => h.at - srv.hits[0]!.at);
    assert.deepEqual(starts, [0, 3000, 6000]);
    assert.deepEqual(clock.sleeps, [3000, 3000]);
  } finally {
    await srv.close();
  }
});

test('concurrent callers are queued: never two requests in flight, starts spaced', async () => {
  const clock = fakeClock();
  // Each answer takes real time, so unserialized requests would overlap on the server.
  const srv = await startServer(async (_req, res) => {
    await delay(15);
    res.end('ok');
  }, clock.now);
  try {
    const c = client(clock);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => c.get(`${srv.base}/${i}`)));
    assert.equal(results.length, 5);
    assert.equal(srv.state.maxInFlight, 1);
    assert.deepEqual(
      srv.hits.map((h) => h.path),
      ['/1', '/2', '/3', '/4', '/5'],
      'served in call order',
    );
    for (let i = 1; i < srv.hits.length; i++) {
      assert.ok(srv.hits[i]!.at - srv.hits[i - 1]!.at >= 3000, `request ${i + 1} started too early`);
    }
  } finally {
    await srv.close();
  }
});

test('a failing caller does not block the queue for the next one', async () => {
  const clock = fakeClock();
  const srv = await startServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end('x');
  }, clock.now);
  try {
    const c = client(clock);
    const [missing, ok] = await Promise.allSettled([c.get(`${srv.base}/missing`), c.get(`${srv.base}/ok`)]);
    assert.equal(missing.status, 'rejected');
    assert.equal(ok.status, 'fulfilled');
    assert.equal(srv.hits[1]!.at - srv.hits[0]!.at, 3000);
  } finally {
    await srv.close();
  }
});

test('503 with Retry-After: 7 waits 7 s, then succeeds; the retry is logged with its wait', async () => {
  const clock = fakeClock();
  const srv = await startServer((_req, res, n) => {
    if (n === 1) {
      res.writeHead(503, { 'Retry-After': '7' });
      res.end('<html>busy: a long page that must never reach the log</html>');
    } else {
      res.end('fine');
    }
  }, clock.now);
  try {
    await withLogs(async (lines) => {
      const res = await client(clock).get(`${srv.base}/q`);
      assert.equal(res.body, 'fine');
      assert.deepEqual(clock.sleeps, [7000]);
      assert.equal(srv.hits[1]!.at - srv.hits[0]!.at, 7000);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /warn .*HTTP 503.*waitMs=7000/);
      assert.doesNotMatch(lines[0]!, /long page/);
    });
  } finally {
    await srv.close();
  }
});

test('Retry-After as an HTTP date is honoured; a huge one is capped at 10 minutes', async () => {
  const clock = fakeClock();
  const srv = await startServer((_req, res, n) => {
    const dates = [new Date(clock.t + 20_000).toUTCString(), new Date(clock.t + 86_400_000).toUTCString()];
    if (n <= 2) res.writeHead(429, { 'Retry-After': dates[n - 1]! });
    res.end('x');
  }, clock.now);
  try {
    await withLogs(async () => {
      const res = await client(clock).get(`${srv.base}/q`);
      assert.equal(res.status, 200);
      assert.deepEqual(clock.sleeps, [20_000, 600_000]);
    });
  } finally {
    await srv.close();
  }
});

test('429 beyond maxRetries: exponential backoff, then a clear error', async () => {
  const clock = fakeClock();
  const srv = await startServer((_req, res) => {
    res.statusCode = 429;
    res.end('slow down');
  }, clock.now);
  try {
    await withLogs(async (lines) => {
      await assert.rejects(client(clock, { maxRetries: 2 }).get(`${srv.base}/q`), (err: unknown) => {
        assert.ok(err instanceof ArxivRequestError);
        assert.equal(err.code, 'arxiv_busy');
        assert.equal(err.httpStatus, 429);
        assert.match(err.message, /arXiv is busy or rate-limiting \(HTTP 429 Too Many Requests\) after 3 attempts/);
        return true;
      });
      assert.equal(srv.hits.length, 3);
      assert.deepEqual(clock.sleeps, [3000, 6000]);
      assert.equal(lines.length, 2);
    });
  } finally {
    await srv.close();
  }
});

test('HTTP 400 (arXiv API error entry) is returned to the caller, not retried', async () => {
  const clock = fakeClock();
  const body = readFixture('arxiv/api/id_abc_s0_m100.xml');
  const srv = await startServer((_req, res) => {
    res.writeHead(400, { 'Content-Type': 'application/atom+xml' });
    res.end(body);
  }, clock.now);
  try {
    const res = await client(clock).get(`${srv.base}/api/query?id_list=abc`);
    assert.equal(res.status, 400);
    assert.equal(res.body, body);
    assert.equal(srv.hits.length, 1);
  } finally {
    await srv.close();
  }
});

test('other statuses (404, 500) fail at once with the status in the message', async () => {
  const clock = fakeClock();
  const srv = await startServer((req, res) => {
    res.statusCode = req.url === '/a' ? 404 : 500;
    res.end('nope');
  }, clock.now);
  try {
    const c = client(clock);
    for (const [path, status] of [['/a', 404], ['/b', 500]] as const) {
      await assert.rejects(c.get(`${srv.base}${path}`), (err: unknown) => {
        assert.ok(err instanceof ArxivRequestError);
        assert.equal(err.code, 'arxiv_http_error');
        assert.equal(err.httpStatus, status);
        assert.match(err.message, new RegExp(`arXiv answered HTTP ${status}`));
        return true;
      });
    }
    assert.equal(srv.hits.length, 2);
  } finally {
    await srv.close();
  }
});

test('a dropped connection (ECONNRESET) is retried', async () => {
  const clock = fakeClock();
  const srv = await startServer((req, res, n) => {
    if (n === 1) req.socket.destroy();
    else res.end('back');
  }, clock.now);
  try {
    await withLogs(async (lines) => {
      const res = await client(clock).get(`${srv.base}/q`);
      assert.equal(res.body, 'back');
      assert.equal(srv.hits.length, 2);
      assert.deepEqual(clock.sleeps, [3000]);
      assert.equal(lines.length, 1);
    });
  } finally {
    await srv.close();
  }
});

test('a timeout (no headers, or a stalled body) is a clear error after the retries', async () => {
  const clock = fakeClock();
  const srv = await startServer((req, res) => {
    if (req.url === '/stalled-body') {
      res.writeHead(200);
      res.write('<feed>');
    }
    // otherwise never answer
  }, clock.now);
  try {
    await withLogs(async () => {
      const c = client(clock, { timeoutMs: 150, maxRetries: 1 });
      for (const path of ['/silent', '/stalled-body']) {
        const started = Date.now();
        await assert.rejects(c.get(`${srv.base}${path}`), (err: unknown) => {
          assert.ok(err instanceof ArxivRequestError);
          assert.equal(err.code, 'arxiv_timeout');
          assert.match(err.message, /arXiv did not answer in time \(no answer within 150 ms\) after 2 attempts/);
          return true;
        });
        assert.ok(Date.now() - started < 3000, 'gave up promptly');
      }
      assert.equal(srv.hits.length, 4);
    });
  } finally {
    await srv.close();
  }
});

test('a closed port: NetworkUnavailableError quickly, at most one retry, at most two log lines', async () => {
  const clock = fakeClock();
  const probe = await startServer(() => undefined, clock.now);
  const base = probe.base;
  await probe.close();
  let attempts = 0;
  const counting = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    attempts++;
    return fetch(input, init);
  }) as typeof fetch;
  await withLogs(async (lines) => {
    await assert.rejects(client(clock, { fetch: counting }).get(`${base}/api/query`), (err: unknown) => {
      assert.ok(err instanceof NetworkUnavailableError);
      assert.equal(err.code, 'network_unavailable');
      assert.match(err.message, /^arXiv is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): no network\?$/);
      return true;
    });
    assert.ok(attempts <= 2, `${attempts} attempts`);
    assert.ok(lines.length <= 2, lines.join('\n'));
  });
});

test('an unresolvable host: NetworkUnavailableError naming the DNS failure', async () => {
  const clock = fakeClock();
  let attempts = 0;
  const counting = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    attempts++;
    return fetch(input, init);
  }) as typeof fetch;
  await withLogs(async (lines) => {
    const started = Date.now();
    await assert.rejects(client(clock, { fetch: counting }).get('http://nonexistent.invalid/'), (err: unknown) => {
      assert.ok(err instanceof NetworkUnavailableError);
      assert.match(err.message, /^arXiv is unreachable \(getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent\.invalid\): no network\?$/);
      return true;
    });
    assert.ok(Date.now() - started < 5000, 'quick');
    assert.ok(attempts <= 2, `${attempts} attempts`);
    assert.ok(lines.length <= 2, lines.join('\n'));
  });
});

test('maxRetries 0: an unreachable host is tried exactly once', async () => {
  const clock = fakeClock();
  let attempts = 0;
  const failing = (async () => {
    attempts++;
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo EAI_AGAIN export.arxiv.org'), { code: 'EAI_AGAIN' }) });
  }) as typeof fetch;
  await assert.rejects(
    client(clock, { fetch: failing, maxRetries: 0 }).get('https://export.arxiv.org/api/query'),
    /^NetworkUnavailableError: arXiv is unreachable \(getaddrinfo EAI_AGAIN export\.arxiv\.org\): no network\?$/,
  );
  assert.equal(attempts, 1);
  assert.deepEqual(clock.sleeps, []);
});

test('a URL that is not http(s) is a clear error, not a request', async () => {
  const clock = fakeClock();
  await assert.rejects(client(clock).get('export.arxiv.org/api/query'), /is not an http\(s\) URL; check ARXIV_API_URL/);
});

test('an aborted signal stops the client with its reason', async () => {
  const clock = fakeClock();
  const controller = new AbortController();
  controller.abort(new Error('shutting down'));
  await assert.rejects(client(clock, { signal: controller.signal }).get('http://127.0.0.1:1/'), /shutting down/);
});

test('aborting during a real wait throws the reason promptly', async () => {
  const controller = new AbortController();
  const c = createArxivClient({ userAgent: UA, minIntervalMs: 60_000, timeoutMs: 5000, maxRetries: 0, signal: controller.signal });
  const srv = await startServer((_req, res) => res.end('ok'), Date.now);
  try {
    await c.get(`${srv.base}/1`);
    const second = c.get(`${srv.base}/2`);
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await assert.rejects(second, /shutting down/);
    assert.equal(srv.hits.length, 1);
  } finally {
    await srv.close();
  }
});
