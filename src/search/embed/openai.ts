/**
 * An OpenAI-compatible embeddings service: POST {baseUrl}/v1/embeddings with {model, input}.
 * Text Embeddings Inference, Ollama, vLLM, LocalAI and OpenAI itself speak it.
 *
 * - Batches of `batchSize` texts, one request at a time, answers put back in input order.
 * - 429 and 5xx: retried up to `maxRetries` times after Retry-After (seconds or an HTTP date,
 *   capped at 2 minutes) or an exponential backoff (1 s, 2 s, 4 s … capped at 30 s). Timeouts
 *   (`timeoutMs` per request, body included) and dropped connections: retried the same way.
 *   Host unreachable (DNS failure, connection refused): retried once, then a UserError.
 * - 401/403: the API key is wrong or missing. Other 4xx: the service's own message, shortened.
 * - The answer must be JSON with one vector per input, all of the expected dimensions; vectors
 *   are normalized here (not every service does). An empty text gets the zero vector without a
 *   request.
 * - The API key goes in the Authorization header only: never in a log line or an error message.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { UserError } from '../../errors.js';
import { logger } from '../../log.js';
import type { EmbeddingProvider } from '../types.js';
import { networkCause, parseRetryAfter } from '../../ingest/http.js';

const log = logger('embeddings');

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const RETRY_AFTER_MAX_MS = 120_000;
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNREFUSED', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'EHOSTDOWN']);

export interface OpenAiOptions {
  /** the service's base URL: http://localhost:8080 (TEI), http://localhost:11434 (Ollama), https://api.openai.com; a trailing /v1 is fine */
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  /** expected dimensions; when absent, one probe request measures them */
  dims?: number | null;
  /** texts per request; default 64 */
  batchSize?: number;
  /** milliseconds one request may take, body included; default 60,000 */
  timeoutMs?: number;
  /** retries after the first attempt; default 4 */
  maxRetries?: number;
  /** texts prepended to queries and documents (instruction-tuned models); default none */
  queryPrefix?: string;
  documentPrefix?: string;
  /** injectable for tests */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export class EmbeddingServiceError extends UserError {
  constructor(code: string, message: string, status = 502) {
    super(code, message, status);
    this.name = 'EmbeddingServiceError';
  }
}

interface Failure {
  retry: 'yes' | 'once' | 'no';
  error: EmbeddingServiceError;
  retryAfterMs: number | null;
}

export class OpenAiProvider implements EmbeddingProvider {
  readonly id: string;
  readonly url: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  private constructor(
    private readonly opts: OpenAiOptions,
    readonly dims: number,
  ) {
    this.url = embeddingsUrl(opts.baseUrl);
    this.fetchFn = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? ((ms) => delay(ms, undefined, { signal: opts.signal }));
    const settings = createHash('sha256')
      .update(JSON.stringify([opts.queryPrefix ?? '', opts.documentPrefix ?? '']))
      .digest('hex')
      .slice(0, 8);
    this.id = `openai-${opts.model}-${dims}-${settings}`;
  }

  /** A provider for the service; measures the dimensions with one request when `dims` is not given. */
  static async connect(opts: OpenAiOptions): Promise<OpenAiProvider> {
    const url = embeddingsUrl(opts.baseUrl); // validates
    if (!opts.model) throw new UserError('bad_config', 'EMBEDDINGS_MODEL must name the model the embeddings service should use.');
    if (opts.dims) return new OpenAiProvider(opts, opts.dims);
    const probe = new OpenAiProvider(opts, 0);
    const [v] = await probe.request(['dimension probe'], 0);
    const dims = v?.length ?? 0;
    if (!(dims > 0)) throw new EmbeddingServiceError('embeddings_bad_response', `The embeddings service at ${url} returned an empty vector.`);
    log.info('embeddings service connected', { url, model: opts.model, dims });
    return new OpenAiProvider(opts, dims);
  }

  async embed(texts: string[], kind: 'document' | 'query'): Promise<Float32Array[]> {
    const prefix = (kind === 'query' ? this.opts.queryPrefix : this.opts.documentPrefix) ?? '';
    const out: Float32Array[] = new Array(texts.length);
    const todo: number[] = [];
    texts.forEach((t, i) => {
      if (t.trim() === '') out[i] = new Float32Array(this.dims);
      else todo.push(i);
    });
    const size = Math.max(1, this.opts.batchSize ?? 64);
    for (let from = 0; from < todo.length; from += size) {
      const idx = todo.slice(from, from + size);
      const vectors = await this.request(
        idx.map((i) => prefix + texts[i]),
        this.dims,
      );
      idx.forEach((i, j) => (out[i] = vectors[j] as Float32Array));
    }
    return out;
  }

  /** One batch, with retries: unit vectors in input order, each of `dims` dimensions (0: any, the probe). */
  private async request(input: string[], dims: number): Promise<Float32Array[]> {
    const maxRetries = this.opts.maxRetries ?? 4;
    for (let attempt = 1; ; attempt++) {
      const result = await this.once(input, dims);
      if (Array.isArray(result)) return result;
      const retries = result.retry === 'yes' ? maxRetries : result.retry === 'once' ? Math.min(1, maxRetries) : 0;
      if (attempt > retries) {
        if (attempt > 1) result.error.message += ` (after ${attempt} attempts)`;
        throw result.error;
      }
      const waitMs = result.retryAfterMs ?? Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
      log.warn(`embeddings request failed, retrying: ${result.error.message}`, { url: this.url, waitMs, attempt, attempts: retries + 1 });
      await this.sleep(waitMs);
      this.opts.signal?.throwIfAborted();
    }
  }

  private async once(input: string[], dims: number): Promise<Float32Array[] | Failure> {
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await this.fetchFn(this.url, { method: 'POST', headers, body: JSON.stringify({ model: this.opts.model, input }), signal });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (this.opts.signal?.aborted) throw this.opts.signal.reason;
      if (timeout.aborted) {
        return { retry: 'yes', retryAfterMs: null, error: new EmbeddingServiceError('embeddings_timeout', `The embeddings service at ${this.url} did not answer within ${timeoutMs} ms.`, 504) };
      }
      const cause = networkCause(err);
      if (cause.code !== undefined && UNREACHABLE.has(cause.code)) {
        return {
          retry: 'once',
          retryAfterMs: null,
          error: new EmbeddingServiceError(
            'embeddings_unreachable',
            `The embeddings service at ${this.url} is unreachable (${cause.message}): is it running, and is EMBEDDINGS_URL right?`,
            503,
          ),
        };
      }
      return {
        retry: 'yes',
        retryAfterMs: null,
        error: new EmbeddingServiceError('embeddings_connection_failed', `The connection to the embeddings service at ${this.url} failed (${cause.message}).`),
      };
    }
    const detail = (): string => this.redact(shorten(text));
    if (status === 429 || status >= 500) {
      return {
        retry: 'yes',
        retryAfterMs: parseRetryAfter(retryAfter, Date.now(), RETRY_AFTER_MAX_MS),
        error: new EmbeddingServiceError(
          status === 429 ? 'embeddings_busy' : 'embeddings_http_error',
          `The embeddings service at ${this.url} answered HTTP ${status}${text ? `: ${detail()}` : ''}`,
          status === 429 ? 503 : 502,
        ),
      };
    }
    if (status === 401 || status === 403) {
      return {
        retry: 'no',
        retryAfterMs: null,
        error: new EmbeddingServiceError(
          'embeddings_unauthorized',
          `The embeddings service at ${this.url} refused the request (HTTP ${status}): ${this.opts.apiKey ? 'check EMBEDDINGS_API_KEY' : 'it needs an API key (EMBEDDINGS_API_KEY)'}.`,
        ),
      };
    }
    if (status < 200 || status >= 300) {
      return {
        retry: 'no',
        retryAfterMs: null,
        error: new EmbeddingServiceError(
          'embeddings_http_error',
          `The embeddings service at ${this.url} answered HTTP ${status}${text ? `: ${detail()}` : ''}. Check EMBEDDINGS_URL and EMBEDDINGS_MODEL ("${this.opts.model}").`,
        ),
      };
    }
    return this.parse(text, input.length, dims);
  }

  private parse(text: string, count: number, dims: number): Float32Array[] | Failure {
    const bad = (why: string): Failure => ({
      retry: 'no',
      retryAfterMs: null,
      error: new EmbeddingServiceError('embeddings_bad_response', `The embeddings service at ${this.url} sent ${why}: ${this.redact(shorten(text))}`),
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return bad('something that is not JSON');
    }
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return bad('JSON without a "data" list of embeddings');
    if (data.length !== count) return bad(`${data.length} embeddings for ${count} texts`);
    const out: Float32Array[] = new Array(count);
    for (let i = 0; i < data.length; i++) {
      const item = data[i] as { embedding?: unknown; index?: unknown } | null;
      const index = typeof item?.index === 'number' ? item.index : i;
      const e = item?.embedding;
      if (!Array.isArray(e) || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) return bad('an embedding that is not a list of numbers');
      if (!Number.isInteger(index) || index < 0 || index >= count || out[index]) return bad(`a bad or repeated index ${JSON.stringify(item?.index)}`);
      if (dims > 0 && e.length !== dims) {
        return {
          retry: 'no',
          retryAfterMs: null,
          error: new EmbeddingServiceError(
            'embeddings_wrong_dims',
            `The embeddings service at ${this.url} returned ${e.length}-dimensional vectors, but ${dims} were expected (EMBEDDINGS_DIMS or the first answer). ` +
              'A vector index built with one model cannot take another model\'s vectors: check EMBEDDINGS_MODEL.',
          ),
        };
      }
      out[index] = normalized(e as number[]);
    }
    return out;
  }

  /** Nothing to release (HTTP keep-alive sockets close on their own). */
  async close(): Promise<void> {}

  private redact(s: string): string {
    const key = this.opts.apiKey;
    return key ? s.split(key).join('***') : s;
  }
}

/** {base}/v1/embeddings, whether or not the base already ends with /v1. */
export function embeddingsUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UserError('bad_config', `EMBEDDINGS_URL must be an http(s) URL such as http://localhost:8080, not "${base}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('bad_config', `EMBEDDINGS_URL must be an http(s) URL such as http://localhost:8080, not "${base}".`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1') ? `${path}/embeddings` : `${path}/v1/embeddings`;
  url.username = '';
  url.password = '';
  return url.toString();
}

function normalized(e: number[]): Float32Array {
  let n = 0;
  for (const x of e) n += x * x;
  const out = Float32Array.from(e);
  if (n > 0) {
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
  }
  return out;
}

function shorten(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t || '(empty body)';
}

