/**
 * The OpenAI-compatible provider against a real local node:http server: batching, order,
 * normalization, retries (429 with Retry-After, 5xx, dropped connections, timeouts), and clear
 * errors (unreachable, 401, bad JSON, wrong dimensions) that never show the API key.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiProvider, embeddingsUrl, type OpenAiOptions } from '../../../src/search/embed/openai.js';
import { UserError } from '../../../src/errors.js';
import { setLogSink } from '../../../src/log.js';

const KEY = 'sk-test-SECRET-0123456789';
const DIMS = 4;

interface Request {
  path: string;
  auth: string | undefined;
  body: { model: string; input: string[] };
}

/** A deterministic embedding of a text: not normalized, so the provider's normalization shows. */
function fakeVector(text: string, dims = DIMS): number[] {
  const v = Array.from({ length: dims }, (_, j) => ((text.length + 1) * (j + 1)) % 7 + 1);
  v[0] = text.charCodeAt(0);
  return v;
}

type Handler = (req: Request, res: ServerResponse, n: number) => void;

let server: Server;
let base: string;
let handler: Handler;
let requests: Request[];
let logs: string[];
let restoreLog: (line: string) => void;

const ok = (res: ServerResponse, input: string[], dims = DIMS, shuffle = false): void => {
  const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t, dims) }));
  if (shuffle) data.reverse();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: 'm' }));
};

before(async () => {
  restoreLog = setLogSink((line) => logs.push(line));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r: Request = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body || '{}') };
      requests.push(r);
      handler(r, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  setLogSink(restoreLog);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sleeps: number[] = [];
function options(extra: Partial<OpenAiOptions> = {}): OpenAiOptions {
  requests = [];
  logs = [];
  sleeps.length = 0;
  return {
    baseUrl: base,
    model: 'test-embedder',
    apiKey: KEY,
    dims: DIMS,
    batchSize: 3,
    timeoutMs: 2_000,
    maxRetries: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  };
}

const isError = (code: string, re?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof UserError, String(err));
  assert.equal(err.code, code, err.message);
  if (re) assert.match(err.message, re);
  assert.ok(!err.message.includes(KEY), 'the key is never in a message');
  return true;
};

describe('requests', () => {
  test('POST /v1/embeddings with the model, the texts in batches and the key as a bearer token', async () => {
    handler = (r, res) => ok(res, r.body.input, DIMS, true);
    const p = await OpenAiProvider.connect(options());
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', '', 'zeta', 'eta'];
    const vs = await p.embed(texts, 'document');
    assert.deepEqual(
      requests.map((r) => r.body.input),
      [
        ['alpha', 'beta', 'gamma'],
        ['delta', 'epsilon', 'zeta'],
        ['eta'],
      ],
      'batches of 3; the empty text is not sent',
    );
    for (const r of requests) {
      assert.equal(r.path, '/v1/embeddings');
      assert.equal(r.auth, `Bearer ${KEY}`);
      assert.equal(r.body.model, 'test-embedder');
    }
    assert.equal(vs.length, texts.length);
    texts.forEach((t, i) => {
      const v = vs[i]!;
      assert.equal(v.length, DIMS);
      if (t === '') return assert.ok(v.every((x) => x === 0), 'empty text: zero vector');
      const raw = fakeVector(t);
      const n = Math.hypot(...raw);
      raw.forEach((x, j) => assert.ok(Math.abs((v[j] as number) - x / n) < 1e-6, `${t}[${j}] in input order, normalized`));
    });
    assert.equal(logs.join('\n').includes(KEY), false);
  });

  test('without configured dimensions one probe measures them; the URL may end in /v1', async () => {
    handler = (r, res) => ok(res, r.body.input, 6);
    const p = await OpenAiProvider.connect(options({ dims: null, baseUrl: `${base}/v1/` }));
    assert.equal(p.dims, 6);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.path, '/v1/embeddings');
    assert.match(p.id, /^openai-test-embedder-6-[0-9a-f]{8}$/);
    assert.equal(embeddingsUrl('https://api.openai.com'), 'https://api.openai.com/v1/embeddings');
    assert.equal(embeddingsUrl('http://h:8080/prefix/'), 'http://h:8080/prefix/v1/embeddings');
  });

  test('query and document prefixes', async () => {
    handler = (r, res) => ok(res, r.body.input);
    const p = await OpenAiProvider.connect(options({ queryPrefix: 'query: ', documentPrefix: 'passage: ' }));
    await p.embed(['a'], 'query');
    await p.embed(['b'], 'document');
    assert.deepEqual(
      requests.map((r) => r.body.input),
      [['query: a'], ['passage: b']],
    );
  });
});

describe('retries', () => {
  test('429 waits as long as Retry-After says, then succeeds', async () => {
    handler = (r, res, n) => (n === 1 ? res.writeHead(429, { 'retry-after': '7' }).end('slow down') : ok(res, r.body.input));
    const p = await OpenAiProvider.connect(options());
    const [v] = await p.embed(['x'], 'document');
    assert.equal(v!.length, DIMS);
    assert.equal(requests.length, 2);
    assert.deepEqual(sleeps, [7000]);
    assert.match(logs.join('\n'), /HTTP 429/);
  });

  test('5xx backs off exponentially; after the last retry the error says so', async () => {
    handler = (_r, res) => res.writeHead(503).end('overloaded');
    const p = await OpenAiProvider.connect(options());
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_http_error', /HTTP 503: overloaded.*after 4 attempts/));
    assert.equal(requests.length, 4);
    assert.deepEqual(sleeps, [1000, 2000, 4000]);
  });

  test('a dropped connection is retried', async () => {
    handler = (r, res, n) => (n === 1 ? res.socket?.destroy() : ok(res, r.body.input));
    const p = await OpenAiProvider.connect(options());
    await p.embed(['x'], 'document');
    assert.equal(requests.length, 2);
  });

  test('a request that takes too long times out and is retried', async () => {
    handler = (r, res, n) => {
      if (n === 1) setTimeout(() => ok(res, r.body.input), 1_500);
      else ok(res, r.body.input);
    };
    const p = await OpenAiProvider.connect(options({ timeoutMs: 300 }));
    await p.embed(['x'], 'document');
    assert.equal(requests.length, 2);
    assert.match(logs.join('\n'), /did not answer within 300 ms/);
  });
});

describe('clear errors', () => {
  test('unreachable: retried once, then embeddings_unreachable naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      OpenAiProvider.connect(options({ baseUrl: `http://127.0.0.1:${port}`, dims: null })),
      isError('embeddings_unreachable', new RegExp(`127\\.0\\.0\\.1:${port}/v1/embeddings is unreachable`)),
    );
    assert.equal(sleeps.length, 1);
  });

  test('401: the key is refused, not retried, never shown', async () => {
    handler = (r, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${r.auth?.slice(7)}` } }));
    const p = await OpenAiProvider.connect(options());
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_unauthorized', /EMBEDDINGS_API_KEY/));
    assert.equal(requests.length, 1);
    assert.equal(logs.join('\n').includes(KEY), false);
  });

  test('other 4xx: the service message, with a pointer to the settings; the key is masked in it', async () => {
    handler = (r, res) => res.writeHead(404).end(`model not found (key ${r.auth})`);
    const p = await OpenAiProvider.connect(options());
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_http_error', /HTTP 404: model not found \(key Bearer \*\*\*\).*EMBEDDINGS_MODEL/));
  });

  test('bad JSON and a wrong shape are embeddings_bad_response', async () => {
    handler = (_r, res) => res.writeHead(200).end('<html>proxy error</html>');
    let p = await OpenAiProvider.connect(options());
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_bad_response', /not JSON: <html>proxy error/));
    handler = (_r, res) => res.writeHead(200).end(JSON.stringify({ data: [] }));
    p = await OpenAiProvider.connect(options());
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_bad_response', /0 embeddings for 1 texts/));
  });

  test('wrong dimensions are embeddings_wrong_dims', async () => {
    handler = (r, res) => ok(res, r.body.input, 5);
    const p = await OpenAiProvider.connect(options({ dims: 4 }));
    await assert.rejects(p.embed(['x'], 'document'), isError('embeddings_wrong_dims', /returned 5-dimensional vectors, but 4 were expected/));
  });

  test('a bad URL is a config error', async () => {
    await assert.rejects(OpenAiProvider.connect(options({ baseUrl: 'localhost:8080' })), isError('bad_config', /EMBEDDINGS_URL/));
  });
});
