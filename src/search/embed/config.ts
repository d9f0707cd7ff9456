/**
 * The embedding settings, read from the environment and validated up front (one clear message
 * for a mistake, at start):
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | EMBEDDINGS | builtin, onnx or openai | builtin |
 * | EMBEDDINGS_MODEL | builtin: the model file; onnx: a Hugging Face id or a model directory; openai: the model name (required) | builtin: <data>/embeddings/builtin.model; onnx: Xenova/bge-small-en-v1.5 |
 * | EMBEDDINGS_URL | openai: the service's base URL (required) | |
 * | EMBEDDINGS_API_KEY | openai: sent as a bearer token, never logged | |
 * | EMBEDDINGS_CACHE_DIR | onnx: where downloaded models are kept | <data>/models |
 * | EMBEDDINGS_OFFLINE | onnx: never download (the model must be in the cache or a directory) | false |
 * | EMBEDDINGS_BATCH | texts per batch (builtin: per worker message; onnx: per inference; openai: per request) | 256, 16, 64 |
 * | EMBEDDINGS_DIMS | builtin: dimensions of a newly trained model; openai: the expected dimensions | 256; measured |
 * | EMBEDDINGS_THREADS | builtin: worker threads; onnx: onnxruntime threads | cores, at most 4 |
 * | EMBEDDINGS_TIMEOUT_MS | openai: one request, body included | 60000 |
 * | EMBEDDINGS_RETRIES | openai: retries of a failed request | 4 |
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../errors.js';

export type EmbeddingsKind = 'builtin' | 'onnx' | 'openai';
export const EMBEDDINGS_KINDS: readonly EmbeddingsKind[] = ['builtin', 'onnx', 'openai'];
export const DEFAULT_ONNX_MODEL = 'Xenova/bge-small-en-v1.5';

export interface EmbeddingConfig {
  provider: EmbeddingsKind;
  /** builtin: model file path; onnx: Hugging Face id or directory; openai: model name */
  model: string;
  /** openai: base URL */
  url: string | null;
  /** openai: bearer token */
  apiKey: string | null;
  /** onnx: download cache */
  cacheDir: string;
  /** onnx: never download */
  offline: boolean;
  batchSize: number;
  /** builtin: dimensions to train; openai: expected dimensions (null: measured) */
  dims: number | null;
  threads: number;
  timeoutMs: number;
  maxRetries: number;
}

export type Env = Record<string, string | undefined>;

/** Reads EMBEDDINGS* from the environment; `dataDir` is where the instance keeps its files (default ./data). Throws UserError on bad values. */
export function readEmbeddingConfig(env: Env = process.env, opts: { dataDir?: string } = {}): EmbeddingConfig {
  const dataDir = opts.dataDir ?? './data';
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const provider = (get('EMBEDDINGS') ?? 'builtin').toLowerCase() as EmbeddingsKind;
  if (!EMBEDDINGS_KINDS.includes(provider)) {
    throw new UserError('bad_config', `EMBEDDINGS must be builtin (offline, trained from your papers), onnx (a local model) or openai (an embeddings service), not "${env.EMBEDDINGS}".`);
  }
  const url = get('EMBEDDINGS_URL') ?? null;
  const apiKey = get('EMBEDDINGS_API_KEY') ?? null;
  let model = get('EMBEDDINGS_MODEL');
  if (provider === 'openai') {
    if (!url) {
      throw new UserError(
        'bad_config',
        'EMBEDDINGS=openai needs EMBEDDINGS_URL, the base URL of the embeddings service (http://localhost:8080 for Text Embeddings Inference, http://localhost:11434 for Ollama, https://api.openai.com).',
      );
    }
    if (!/^https?:\/\/[^\s/]+/i.test(url)) throw new UserError('bad_config', `EMBEDDINGS_URL must be an http(s) URL such as http://localhost:8080, not "${url}".`);
    if (!model) throw new UserError('bad_config', 'EMBEDDINGS=openai needs EMBEDDINGS_MODEL, the model name the service should use (for example BAAI/bge-small-en-v1.5, nomic-embed-text or text-embedding-3-small).');
  }
  if (provider === 'onnx') {
    model ??= DEFAULT_ONNX_MODEL;
    const isPath = model.startsWith('/') || model.startsWith('./') || model.startsWith('../');
    if (!isPath && !/^[\w.-]+(\/[\w.-]+)?$/.test(model)) {
      throw new UserError('bad_config', `EMBEDDINGS_MODEL must be a Hugging Face model id such as ${DEFAULT_ONNX_MODEL} or a directory path, not "${model}".`);
    }
  }
  if (provider === 'builtin') model ??= join(dataDir, 'embeddings', 'builtin.model');
  const defaults = { builtin: 256, onnx: 16, openai: 64 } as const;
  const dimsText = get('EMBEDDINGS_DIMS');
  const dims = dimsText === undefined ? (provider === 'builtin' ? 256 : null) : intIn(dimsText, 'EMBEDDINGS_DIMS', provider === 'builtin' ? 16 : 1, provider === 'builtin' ? 1024 : 65536);
  return {
    provider,
    model: model as string,
    url,
    apiKey,
    cacheDir: get('EMBEDDINGS_CACHE_DIR') ?? join(dataDir, 'models'),
    offline: bool(get('EMBEDDINGS_OFFLINE') ?? 'false', 'EMBEDDINGS_OFFLINE'),
    batchSize: intIn(get('EMBEDDINGS_BATCH') ?? String(defaults[provider]), 'EMBEDDINGS_BATCH', 1, 4096),
    dims,
    threads: intIn(get('EMBEDDINGS_THREADS') ?? String(Math.min(4, availableParallelism())), 'EMBEDDINGS_THREADS', 0, 64),
    timeoutMs: intIn(get('EMBEDDINGS_TIMEOUT_MS') ?? '60000', 'EMBEDDINGS_TIMEOUT_MS', 100, 600_000),
    maxRetries: intIn(get('EMBEDDINGS_RETRIES') ?? '4', 'EMBEDDINGS_RETRIES', 0, 20),
  };
}

/** The configuration as it may be shown (logs, status page): the API key masked. */
export function describeEmbeddingConfig(c: EmbeddingConfig): Record<string, unknown> {
  return { ...c, apiKey: c.apiKey ? '***' : null };
}

function intIn(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new UserError('bad_config', `${name} must be a whole number from ${min} to ${max}, not "${v}".`);
  }
  return n;
}

function bool(v: string, name: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new UserError('bad_config', `${name} must be true or false, not "${v}".`);
}
