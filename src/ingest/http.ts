/**
 * The one way this program talks to arXiv, following its terms of use
 * (https://info.arxiv.org/help/api/tou.html): a User-Agent naming the instance and a contact,
 * one request at a time, and at least `minIntervalMs` (3 s by default) between the starts of two
 * requests — across every caller of the same client, retries included.
 *
 * What `get` does with each outcome:
 * - 2xx: returned.
 * - 400: returned. arXiv's API reports a bad query (such as a malformed id) as an Atom error entry
 *   sent with HTTP 400; the parser turns that entry into a clear error, so the body must reach it.
 * - 429, 502, 503, 504: arXiv asking us to slow down, or a gateway hiccup. Retried up to
 *   `maxRetries` times, waiting as long as Retry-After says (seconds or an HTTP date, capped at
 *   10 minutes), else 3 s, 6 s, 12 s … (capped at 2 minutes); then ArxivRequestError `arxiv_busy`.
 * - any other status: ArxivRequestError `arxiv_http_error` at once (no retry can fix a 404).
 * - timeout (`timeoutMs` for the whole exchange, body included) and dropped connections
 *   (ECONNRESET …): retried like a 503; then `arxiv_timeout` / `arxiv_connection_failed`.
 * - host unreachable (DNS failure, connection refused, no route): retried once at most, then
 *   NetworkUnavailableError, so an offline machine gets one clear line and no retry storm.
 * - the caller's `signal` aborted: its reason is thrown at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../errors.js';
import { logger } from '../log.js';

const log = logger('arxiv-http');

const BACKOFF_BASE_MS = 3_000;
const BACKOFF_MAX_MS = 120_000;
const RETRY_AFTER_MAX_MS = 600_000;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Error codes meaning "this machine cannot reach the host at all". */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ECONNREFUSED',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
]);

/** How to build an arXiv client; `fetch`, `now` and `sleep` are injectable for tests. */
export interface ArxivClientOptions {
  userAgent: string;
  /** minimum milliseconds between the starts of two requests */
  minIntervalMs: number;
  /** milliseconds one attempt (headers and body) may take */
  timeoutMs: number;
  /** retries after the first attempt for 429/5xx, timeouts and dropped connections */
  maxRetries: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** aborts waits and requests; its reason is thrown */
  signal?: AbortSignal;
}

/** A response `get` hands back: 2xx or 400, body read in full. */
export interface ArxivResponse {
  status: number;
  body: string;
  /** the final URL, after redirects */
  url: string;
}

/** A rate-limited, serialized, retrying HTTP GET for arXiv. */
export interface ArxivClient {
  get(url: string): Promise<ArxivResponse>;
  /** The same client (same queue and rate) with fewer retries, for a caller a person waits on. */
  withMaxRetries(maxRetries: number): ArxivClient;
}

/** This machine cannot reach arXiv at all (no DNS, connection refused, no route). */
export class NetworkUnavailableError extends UserError {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super('network_unavailable', `arXiv is unreachable (${detail}): no network?`, 503);
    this.name = 'NetworkUnavailableError';
  }
}

/** arXiv was reached but the request failed: busy after every retry, timed out, or an unexpected status. */
export class ArxivRequestError extends UserError {
  constructor(
    code: 'arxiv_busy' | 'arxiv_timeout' | 'arxiv_connection_failed' | 'arxiv_http_error',
    message: string,
    readonly url: string,
    /** the last HTTP status, when there was one */
    readonly httpStatus: number | null,
  ) {
    super(code, message, 502);
    this.name = 'ArxivRequestError';
  }
}

/** What went wrong in one attempt. */
interface Failure {
  kind: 'busy' | 'status' | 'timeout' | 'connection' | 'unreachable';
  /** short text for logs and messages: "HTTP 503", "connect ECONNREFUSED 127.0.0.1:80" */
  detail: string;
  status: number | null;
  retryAfterMs: number | null;
}

/** Creates a client; share one per process so every caller is counted against the same rate. */
export function createArxivClient(opts: ArxivClientOptions): ArxivClient {
  const fetchFn = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const { signal } = opts;
  const pause = async (ms: number): Promise<void> => {
    if (opts.sleep) await opts.sleep(ms);
    else await delay(ms, undefined, { signal }).catch(() => undefined); // rejects only on abort, thrown below
    signal?.throwIfAborted();
  };

  let lastStart = -Infinity;
  const throttle = async (): Promise<void> => {
    signal?.throwIfAborted();
    const wait = lastStart + opts.minIntervalMs - now();
    if (wait > 0) await pause(wait);
    lastStart = now();
  };

  const once = async (url: string): Promise<ArxivResponse | Failure> => {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    try {
      const res = await fetchFn(url, {
        headers: { 'User-Agent': opts.userAgent },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const status = res.status;
      log.debug('GET', { url, status });
      if ((status >= 200 && status < 300) || status === 400) {
        return { status, body: await res.text(), url: res.url || url };
      }
      await res.body?.cancel();
      const detail = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`;
      if (!RETRY_STATUSES.has(status)) return { kind: 'status', detail, status, retryAfterMs: null };
      return { kind: 'busy', detail, status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), now()) };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { kind: 'timeout', detail: `no answer within ${opts.timeoutMs} ms`, status: null, retryAfterMs: null };
      const cause = networkCause(err);
      const kind = cause.code !== undefined && UNREACHABLE_CODES.has(cause.code) ? 'unreachable' : 'connection';
      return { kind, detail: cause.message, status: null, retryAfterMs: null };
    }
  };

  const send = async (url: string, maxRetries: number): Promise<ArxivResponse> => {
    checkUrl(url);
    for (let attempt = 1; ; attempt++) {
      await throttle();
      const result = await once(url);
      if (!('kind' in result)) return result;
      const retries = result.kind === 'status' ? 0 : result.kind === 'unreachable' ? Math.min(1, maxRetries) : maxRetries;
      if (attempt > retries) throw failureError(result, url, attempt);
      const waitMs = result.retryAfterMs ?? Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
      // An unreachable network is retried once quietly: offline, the caller's one line is all that is logged.
      (result.kind === 'unreachable' ? log.debug : log.warn)(`arXiv request failed (${result.detail}), retrying`, { url, waitMs, attempt, attempts: retries + 1 });
      await pause(waitMs);
    }
  };

  let tail: Promise<unknown> = Promise.resolve();
  const view = (maxRetries: number): ArxivClient => ({
    get(url: string): Promise<ArxivResponse> {
      const result = tail.then(() => send(url, maxRetries));
      tail = result.catch(() => undefined);
      return result;
    },
    withMaxRetries: (n) => view(Math.min(n, opts.maxRetries)),
  });
  return view(opts.maxRetries);
}

/** Milliseconds to wait from a Retry-After header (delta-seconds or HTTP date), capped at `maxMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number, maxMs = RETRY_AFTER_MAX_MS): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), maxMs);
}

/** The innermost system error behind a fetch failure ("fetch failed" → "getaddrinfo ENOTFOUND host"). */
export function networkCause(err: unknown): { code?: string; message: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 5; depth++) {
    if (e instanceof AggregateError && e.errors.length > 0) e = e.errors[0];
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && e instanceof Error) return { code, message: e.message };
    const next = (e as { cause?: unknown } | null)?.cause;
    if (next === undefined) break;
    e = next;
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

function checkUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UserError('bad_url', `"${url}" is not an http(s) URL; check ARXIV_API_URL, ARXIV_OAI_URL and ARXIV_RSS_URL.`);
  }
}

function failureError(f: Failure, url: string, attempts: number): Error {
  const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
  switch (f.kind) {
    case 'unreachable':
      return new NetworkUnavailableError(url, f.detail);
    case 'busy':
      return new ArxivRequestError('arxiv_busy', `arXiv is busy or rate-limiting (${f.detail})${tries}: ${url}. Try again later.`, url, f.status);
    case 'timeout':
      return new ArxivRequestError('arxiv_timeout', `arXiv did not answer in time (${f.detail})${tries}: ${url}`, url, null);
    case 'connection':
      return new ArxivRequestError('arxiv_connection_failed', `The connection to arXiv failed (${f.detail})${tries}: ${url}`, url, null);
    case 'status':
      return new ArxivRequestError('arxiv_http_error', `arXiv answered ${f.detail} for ${url}`, url, f.status);
  }
}
