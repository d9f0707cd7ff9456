/**
 * The ONNX provider with a real model: a tiny BERT-shaped graph that make-tiny-model.py writes
 * (word + token-type embeddings, masked), run by @huggingface/transformers on onnxruntime-node.
 * The vectors are checked against a hand computation from the generated weights.
 * Without python3 and its onnx package the file is skipped, or fails with CI=true.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxProvider } from '../../../src/search/embed/onnx.js';
import { UserError } from '../../../src/errors.js';

const SCRIPT = fileURLToPath(new URL('../../../../test/search/embed/make-tiny-model.py', import.meta.url));

/** Reason to skip, or false; with CI=true a missing python3/onnx throws. */
function skipReason(): string | false {
  const r = spawnSync('python3', ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  const why = r.error ? 'python3 is not installed' : `the onnx Python package is not importable (${r.stderr.trim().split('\n').at(-1)}); python3 -m pip install onnx`;
  if (process.env.CI === 'true') throw new Error(`The ONNX provider test needs python3 with onnx in CI: ${why}`);
  return why;
}

interface Weights {
  vocab: string[];
  E: number[][];
  T: number[][];
}

/** Mean of E[id] + T[0] over the tokens, normalized: what the pipeline must return. */
function expected(w: Weights, tokens: string[]): number[] {
  const dims = w.E[0]!.length;
  const sum = new Array<number>(dims).fill(0);
  for (const t of tokens) {
    const id = w.vocab.indexOf(t);
    assert.ok(id >= 0, t);
    for (let j = 0; j < dims; j++) sum[j]! += w.E[id]![j]! + w.T[0]![j]!;
  }
  const mean = sum.map((x) => x / tokens.length);
  const n = Math.hypot(...mean);
  return mean.map((x) => x / n);
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-5): boolean => a.length === b.length && Array.from(a).every((x, i) => Math.abs(x - (b[i] as number)) < eps);

const skip = skipReason();
describe('ONNX provider on a generated tiny model', { skip }, () => {
  let dir: string;
  let modelDir: string;
  let weights: Weights;
  let provider: OnnxProvider;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dp-onnx-'));
    modelDir = join(dir, 'tiny-bert');
    const r = spawnSync('python3', [SCRIPT, modelDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    weights = JSON.parse(readFileSync(join(modelDir, 'weights.json'), 'utf8'));
    provider = await OnnxProvider.load({ model: modelDir, allowRemote: false, batchSize: 2 });
  });
  after(async () => {
    await provider?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('loads from a directory; dimensions measured; the id names the model and its settings', () => {
    assert.equal(provider.dims, 8);
    assert.match(provider.id, /^onnx-tiny-bert-[0-9a-f]{12}-fp32-8-[0-9a-f]{8}$/);
  });

  test('real inference: mean pooling and normalization match a hand computation from the weights', async () => {
    const [a, b, c] = await provider.embed(['Hello world', 'quantum field theory of black holes', 'zzz'], 'document');
    assert.ok(close(a!, expected(weights, ['[CLS]', 'hello', 'world', '[SEP]'])), `${Array.from(a!)}`);
    assert.ok(close(b!, expected(weights, ['[CLS]', 'quantum', 'field', 'theory', 'of', 'black', 'hole', '##s', '[SEP]'])));
    assert.ok(close(c!, expected(weights, ['[CLS]', '[UNK]', '[SEP]'])), 'an unknown word is [UNK]');
  });

  test('unit length; identical texts give identical vectors; different texts differ; batches do not matter', async () => {
    const texts = ['neural network', 'hello world', 'neural network', 'the graph of a paper', 'black holes'];
    const batched = await provider.embed(texts, 'document'); // batches of 2, padded
    for (const v of batched) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    assert.deepEqual(batched[0], batched[2]);
    assert.ok(!close(batched[0]!, batched[1]!, 1e-3));
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await provider.embed([texts[i]!], 'document');
      assert.ok(close(alone!, batched[i]!), `padding changed "${texts[i]}"`);
    }
  });

  test('query and document prefixes are prepended', async () => {
    const prefixed = await OnnxProvider.load({ model: modelDir, allowRemote: false, queryPrefix: 'hello ' });
    const [q] = await prefixed.embed(['world'], 'query');
    const [d] = await prefixed.embed(['hello world'], 'document');
    assert.ok(close(q!, d!));
    assert.notEqual(prefixed.id, provider.id, 'settings are part of the id');
    await prefixed.close();
  });

  test('a model id is read from localModelPath without any network', async () => {
    const models = join(dir, 'models');
    mkdirSync(join(models, 'test-org'), { recursive: true });
    cpSync(modelDir, join(models, 'test-org', 'tiny-bert'), { recursive: true });
    const byId = await OnnxProvider.load({ model: 'test-org/tiny-bert', localModelPath: models, cacheDir: join(dir, 'cache'), allowRemote: false });
    assert.equal(byId.dims, 8);
    assert.match(byId.id, /^onnx-test-org\/tiny-bert@main-fp32-8-/);
    assert.deepEqual(await byId.embed(['hello world'], 'document'), await provider.embed(['hello world'], 'document'));
    await byId.close();
  });

  test('offline, a model that is nowhere is one clear UserError', async () => {
    await assert.rejects(
      OnnxProvider.load({ model: 'test-org/not-there', localModelPath: join(dir, 'models'), cacheDir: join(dir, 'cache'), allowRemote: false }),
      (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_missing' && /EMBEDDINGS_OFFLINE/.test(err.message),
    );
    await assert.rejects(
      OnnxProvider.load({ model: join(dir, 'no-such-dir'), allowRemote: false }),
      (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_missing' && /not a model directory/.test(err.message),
    );
  });
});
