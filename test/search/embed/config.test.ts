/** EMBEDDINGS* configuration and createProvider. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvider, describeEmbeddingConfig, readEmbeddingConfig, BuiltinProvider, OpenAiProvider, type TrainDoc } from '../../../src/search/embed/index.js';
import { UserError } from '../../../src/errors.js';
import { setLogSink } from '../../../src/log.js';

const badConfig = (re: RegExp) => (err: unknown) => err instanceof UserError && err.code === 'bad_config' && re.test(err.message);

describe('readEmbeddingConfig', () => {
  test('defaults: the built-in provider, its model file in the data directory, 256 dimensions', () => {
    const c = readEmbeddingConfig({}, { dataDir: '/srv/data' });
    assert.equal(c.provider, 'builtin');
    assert.equal(c.model, '/srv/data/embeddings/builtin.model');
    assert.equal(c.dims, 256);
    assert.equal(c.batchSize, 256);
    assert.equal(c.cacheDir, '/srv/data/models');
    assert.equal(c.offline, false);
    assert.ok(c.threads >= 1 && c.threads <= 4);
  });

  test('onnx: a default model, ids and directories accepted', () => {
    assert.equal(readEmbeddingConfig({ EMBEDDINGS: 'onnx' }).model, 'Xenova/bge-small-en-v1.5');
    const c = readEmbeddingConfig({ EMBEDDINGS: 'ONNX', EMBEDDINGS_MODEL: 'Xenova/all-MiniLM-L6-v2', EMBEDDINGS_CACHE_DIR: '/models', EMBEDDINGS_OFFLINE: 'yes', EMBEDDINGS_BATCH: '8' });
    assert.deepEqual([c.provider, c.model, c.cacheDir, c.offline, c.batchSize, c.dims], ['onnx', 'Xenova/all-MiniLM-L6-v2', '/models', true, 8, null]);
    assert.equal(readEmbeddingConfig({ EMBEDDINGS: 'onnx', EMBEDDINGS_MODEL: './models/mini' }).model, './models/mini');
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS: 'onnx', EMBEDDINGS_MODEL: 'not a model id' }), badConfig(/Hugging Face model id/));
  });

  test('openai: URL and model required; the key is kept but never described', () => {
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_MODEL: 'm' }), badConfig(/needs EMBEDDINGS_URL/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_URL: 'http://localhost:8080' }), badConfig(/needs EMBEDDINGS_MODEL/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_URL: 'localhost:8080', EMBEDDINGS_MODEL: 'm' }), badConfig(/http\(s\) URL/));
    const c = readEmbeddingConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_URL: 'http://tei:8080', EMBEDDINGS_MODEL: 'BAAI/bge-small-en-v1.5', EMBEDDINGS_API_KEY: 'sk-secret', EMBEDDINGS_DIMS: '384' });
    assert.deepEqual([c.url, c.apiKey, c.dims, c.batchSize, c.timeoutMs, c.maxRetries], ['http://tei:8080', 'sk-secret', 384, 64, 60000, 4]);
    assert.equal(JSON.stringify(describeEmbeddingConfig(c)).includes('sk-secret'), false);
  });

  test('bad values are one clear message each', () => {
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS: 'bert' }), badConfig(/EMBEDDINGS must be builtin .* onnx .* or openai .*, not "bert"/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS_BATCH: '0' }), badConfig(/EMBEDDINGS_BATCH must be a whole number from 1 to 4096, not "0"/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS_DIMS: '8' }), badConfig(/EMBEDDINGS_DIMS must be a whole number from 16 to 1024/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS_OFFLINE: 'maybe' }), badConfig(/EMBEDDINGS_OFFLINE must be true or false/));
    assert.throws(() => readEmbeddingConfig({ EMBEDDINGS_THREADS: '-1' }), badConfig(/EMBEDDINGS_THREADS/));
  });
});

describe('createProvider', () => {
  let dir: string;
  let restore: (line: string) => void;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dp-embed-config-'));
    restore = setLogSink(() => undefined);
  });
  after(() => {
    setLogSink(restore);
    rmSync(dir, { recursive: true, force: true });
  });

  const docs: TrainDoc[] = [
    { title: 'Electric car batteries', abstract: 'Batteries of electric cars and their charging.' },
    { title: 'Protein folding', abstract: 'Proteins fold into native structures.' },
    { title: 'Galaxy formation', abstract: 'Disk galaxies form in cosmological simulations.' },
  ];

  test('builtin: a missing model is trained from the given papers and saved; the next start loads it', async () => {
    const config = readEmbeddingConfig({ EMBEDDINGS_DIMS: '32', EMBEDDINGS_THREADS: '0' }, { dataDir: dir });
    await assert.rejects(createProvider(config), (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_missing');
    let trained = 0;
    const first = await createProvider(config, {
      trainingDocs: () => {
        trained++;
        return docs;
      },
    });
    assert.ok(first instanceof BuiltinProvider);
    assert.equal(first.dims, 32);
    assert.ok(existsSync(config.model));
    const second = await createProvider(config, { trainingDocs: () => (trained++, docs) });
    assert.equal(trained, 1, 'loaded, not trained again');
    assert.equal(second.id, first.id);
    assert.deepEqual(await second.embed(['electric cars'], 'query'), await first.embed(['electric cars'], 'query'));
    await first.close();
    await second.close();
  });

  test('openai: connects and measures the dimensions', async () => {
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const input = JSON.parse(body).input as string[];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: input.map((_, index) => ({ index, embedding: [1, 2, 2] })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const p = await createProvider(readEmbeddingConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_URL: url, EMBEDDINGS_MODEL: 'tiny' }));
      assert.ok(p instanceof OpenAiProvider);
      assert.equal(p.dims, 3);
      const [v] = await p.embed(['x'], 'query');
      assert.deepEqual(Array.from(v!), [1 / 3, 2 / 3, 2 / 3].map((x) => Math.fround(x)));
      await p.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
