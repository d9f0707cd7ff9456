/**
 * The ingest runner: reads an input in any supported format, hands the records to the store
 * in batches, reports bad records with their numbers, and keeps a resumable position.
 *
 * - JSON Lines (the arXiv snapshot, millions of lines) is streamed. After each batch the byte
 *   offset and line number are written in the same transaction as the papers, so after a crash,
 *   `kill -9` or Ctrl-C the same command continues from the last committed batch: no record is
 *   lost and none is stored twice (the store merges by arXiv id anyway).
 * - Documents (XML pages, Hugging Face JSON) are parsed whole before anything is written and
 *   stored in one transaction: a truncated or foreign document writes nothing.
 */
import { createReadStream, openSync, readSync, closeSync, statSync, realpathSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { checkpoint, withSqlite, type Store } from '../db/connect.js';
import { emptyStats, upsertItems, type UpsertStats } from '../papers/upsert.js';
import { deletePapers, getIngestState, setIngestState } from '../papers/repository.js';
import type { Calendar } from '../papers/calendar.js';
import { UserError } from '../errors.js';
import { FormatError, INPUT_FORMATS, type IngestItem, type InputFormat, type RecordError } from './types.js';
import { detectFormat } from './detect.js';
import { parseHfDailyPapers } from './hf-daily.js';
import { parseArxivApiFeed } from './arxiv-api.js';
import { parseOaiListRecords } from './oai-pmh.js';
import { parseArxivRss } from './rss.js';
import { createProgress, type Progress } from './progress.js';
import { positionAfter, readSnapshotBatches, type SnapshotBatch, type SnapshotPosition } from './snapshot-reader.js';
import type { StoredBatch, WorkerCommand, WorkerInput, WorkerMessage } from './snapshot-worker.js';
import type { LexicalWorkerCommand, LexicalWorkerInput, LexicalWorkerMessage, LexicalWorkerReport } from '../search/lexical-worker.js';
import { lexicalDir, searchRoot } from '../search/paths.js';
import { Worker } from 'node:worker_threads';
import { logger } from '../log.js';

const log = logger('import');

export interface ImportOptions {
  format?: InputFormat;
  calendar: Calendar;
  /** records per transaction for streamed inputs */
  batchSize?: number;
  /** forget a saved position and start from the beginning */
  restart?: boolean;
  /** show progress on this stream (a TTY gets a bar) */
  progress?: NodeJS.WriteStream | null;
  /** stop cleanly after the batch in flight (Ctrl-C) */
  signal?: AbortSignal;
  /** called for every bad record, as it is found */
  onRecordError?: (e: RecordError) => void;
  /** stdin, when the input is "-" (tests pass their own) */
  stdin?: Readable;
  /** the instance's search directory (search/paths.ts searchRoot; default: the one of the SQLite file) */
  searchRoot?: string;
  /** told what a SQLite snapshot import did to the search index, once it has caught up (benchmarks) */
  onSearchIndex?: (outcome: BulkIndexOutcome) => void;
}

export interface ImportReport extends UpsertStats {
  format: InputFormat;
  /** records read, good and bad */
  records: number;
  deleted: number;
  errors: number;
  /** the first bad records (all of them are passed to onRecordError) */
  errorSamples: RecordError[];
  /** line the run resumed after, when it continued a previous run */
  resumedAfterLine: number | null;
  interrupted: boolean;
  /** the input had been imported completely before: nothing done */
  alreadyDone: boolean;
}

const MAX_ERROR_SAMPLES = 50;
const HEAD_BYTES = 64 * 1024;

/** Imports a file (or "-" for standard input) in any supported format. */
export async function importInput(store: Store, input: string, opts: ImportOptions): Promise<ImportReport> {
  const fromStdin = input === '-';
  let head: Buffer;
  let stdinHead: Buffer | null = null;
  const stdinStream = opts.stdin ?? process.stdin;
  if (fromStdin) {
    stdinHead = await readStreamHead(stdinStream, HEAD_BYTES);
    head = stdinHead;
  } else {
    head = readFileHead(input, HEAD_BYTES);
  }
  const format = opts.format ?? detectFormat(head.toString('utf8'));
  if (!format) {
    throw new FormatError(
      'unknown_format',
      `Cannot tell the format of ${fromStdin ? 'standard input' : input}: it is not arXiv snapshot JSON Lines, Hugging Face daily papers JSON, an arXiv API or RSS feed, or an OAI-PMH page. Pass --format (${INPUT_FORMATS.join(', ')}) if it is one of them.`,
    );
  }
  if (format === 'snapshot') {
    const stream = fromStdin ? prepend(stdinHead!, stdinStream) : null;
    return importSnapshot(store, input, stream, opts);
  }
  const text = fromStdin ? Buffer.concat([stdinHead!, ...(await collect(stdinStream))]).toString('utf8') : await readWhole(input);
  return importDocument(store, format, text, opts);
}

// ---------------------------------------------------------------- documents

/** Parses a whole document and stores it in one transaction. */
export async function importDocument(store: Store, format: Exclude<InputFormat, 'snapshot'>, text: string, opts: ImportOptions): Promise<ImportReport> {
  const { items, errors, deleted } = parseDocument(format, text);
  for (const e of errors) opts.onRecordError?.(e);
  const stats = items.length > 0 ? await upsertItems(store, items, { calendar: opts.calendar }) : emptyStats();
  const removed = deleted.length > 0 ? await deletePapers(store, deleted) : 0;
  return {
    format,
    records: items.length + errors.length + deleted.length,
    ...stats,
    deleted: removed,
    errors: errors.length,
    errorSamples: errors.slice(0, MAX_ERROR_SAMPLES),
    resumedAfterLine: null,
    interrupted: false,
    alreadyDone: false,
  };
}

/** Parses a document of a known format into items; throws FormatError if the document as a whole is unreadable. */
export function parseDocument(format: Exclude<InputFormat, 'snapshot'>, text: string): { items: IngestItem[]; errors: RecordError[]; deleted: string[] } {
  switch (format) {
    case 'hf': {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new FormatError('malformed_json', `Not valid JSON: ${(err as Error).message}`);
      }
      const r = parseHfDailyPapers(json);
      return { items: r.items, errors: r.errors, deleted: [] };
    }
    case 'arxiv-api': {
      const page = parseArxivApiFeed(text);
      return { items: page.papers.map((paper) => ({ paper })), errors: page.errors, deleted: [] };
    }
    case 'oai': {
      const page = parseOaiListRecords(text);
      return { items: page.papers.map((paper) => ({ paper })), errors: page.errors, deleted: page.deleted };
    }
    case 'rss': {
      const feed = parseArxivRss(text);
      return { items: rssItems(feed), errors: feed.errors, deleted: [] };
    }
  }
}

/** RSS entries as items; a first version announced as new (or cross-listed at once) is listed on the feed's day. */
export function rssItems(feed: ReturnType<typeof parseArxivRss>): IngestItem[] {
  return feed.entries.map(({ paper, announceType }) => {
    const firstVersion = paper.versions.length > 0 && paper.versions.every((v) => v.version === 1);
    if (feed.day && firstVersion && (announceType === 'new' || announceType === 'cross')) {
      return { paper: { ...paper, announceDay: feed.day } };
    }
    return { paper };
  });
}

// ---------------------------------------------------------------- JSON Lines, streamed and resumable

async function importSnapshot(store: Store, input: string, stdin: AsyncIterable<Buffer> | null, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = opts.batchSize ?? 5000;
  let key: string | null = null;
  let total: number | null = null;
  let pos: SnapshotPosition = { offset: 0, line: 0, records: 0, errors: 0, stats: emptyStats(), done: false };
  let resumedAfterLine: number | null = null;

  if (!stdin) {
    const st = statSync(input);
    total = st.size;
    key = `import:${realpathSync(input)}:${st.size}:${Math.floor(st.mtimeMs)}`;
    const saved = opts.restart ? null : await getIngestState<SnapshotPosition>(store, key);
    if (saved) {
      if (saved.done) {
        return { format: 'snapshot', ...saved.stats, records: saved.records, deleted: 0, errors: saved.errors, errorSamples: [], resumedAfterLine: null, interrupted: false, alreadyDone: true };
      }
      pos = saved;
      resumedAfterLine = saved.line;
    }
  }

  const progress: Progress | null = opts.progress ? createProgress({ total, out: opts.progress }) : null;
  const samples: RecordError[] = [];
  const noteErrors = (errors: RecordError[]) => {
    for (const e of errors) {
      if (samples.length < MAX_ERROR_SAMPLES) samples.push(e);
      opts.onRecordError?.(e);
    }
  };
  let interrupted = false;
  const bulk = await beginBulkLoad(store, opts.searchRoot, opts.signal);
  try {
    if (store.sqlite && !stdin) {
      // a file into SQLite: parsed and stored on a worker thread
      const worker = storingWorker(input, batchSize, { database: store.sqlite.name, calendar: opts.calendar, key, position: pos });
      try {
        for (let m = await worker.next(); m; m = await worker.next()) {
          // the storing connection leaves checkpoints to this thread (src/db/connect.ts checkpoint)
          checkpoint(store.sqlite);
          noteErrors(m.errors);
          pos = m.position;
          progress?.update(pos.offset, pos.records);
          if (interrupted) continue; // the batches stored before the worker saw the stop
          await bulk.keepUp();
          if (opts.signal?.aborted) {
            interrupted = true;
            worker.stop();
          } else worker.more();
        }
      } finally {
        await worker.close();
      }
    } else {
      const batches = stdin ? readSnapshotBatches(stdin, pos, batchSize) : workerBatches(input, pos, batchSize);
      for await (const b of batches) {
        noteErrors(b.errors);
        const items = b.papers.map((paper) => ({ paper }));
        await bulk.keepUp();
        // The saved position includes this batch's totals: computed inside its transaction.
        const before = pos;
        const stats = await upsertItems(store, items, { calendar: opts.calendar, state: key ? { key, value: (st: UpsertStats) => positionAfter(before, b, st) } : undefined });
        pos = positionAfter(before, b, stats);
        progress?.update(pos.offset, pos.records);
        // Batches can arrive back to back without the event loop turning; let Ctrl-C be seen.
        await new Promise((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted) {
          interrupted = true;
          break; // leaving the loop stops the reader (and its worker)
        }
      }
    }
    if (!interrupted && key) await setIngestState(store, key, { ...pos, done: true });
  } catch (err) {
    // the index keeps what it applied; the import's own error is the one to report
    await bulk.end(true).catch(() => {});
    throw err;
  }
  const search = await bulk.end(interrupted);
  if (search) {
    if (!search.indexed) log.info(`not indexing for search: ${search.reason}; the process holding the index follows the change log itself`);
    opts.onSearchIndex?.(search);
  }
  progress?.finish(pos.records);
  return {
    format: 'snapshot',
    ...pos.stats,
    records: pos.records,
    deleted: 0,
    errors: pos.errors,
    errorSamples: samples,
    resumedAfterLine,
    interrupted,
    alreadyDone: false,
  };
}

/** Messages of a snapshot worker, one at a time; throws what the worker failed with. */
function workerMessages(worker: Worker, path: string): () => Promise<Exclude<WorkerMessage, { failed: string }>> {
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let exitError: Error | null = null;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    exitError = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    exitError ??= new Error(`the snapshot reader stopped (exit ${code})`);
    wake?.();
  });
  return async () => {
    while (queue.length === 0 && !exitError) await new Promise<void>((r) => (wake = r));
    const m = queue.shift();
    if (!m) throw exitError!;
    if ('failed' in m) throw new UserError('cannot_read_input', `Cannot import ${path}: ${m.failed}`);
    return m;
  };
}

/** Batches parsed on a worker thread: parsing overlaps with the main thread's storing (PostgreSQL). */
async function* workerBatches(path: string, start: { offset: number; line: number }, batchSize: number): AsyncGenerator<SnapshotBatch> {
  const worker = new Worker(new URL('./snapshot-worker.js', import.meta.url), {
    workerData: { path, offset: start.offset, line: start.line, batchSize } satisfies WorkerInput,
  });
  const next = workerMessages(worker, path);
  // Two batches ahead: one being stored, one being parsed.
  worker.postMessage({ credit: 2 } satisfies WorkerCommand);
  try {
    for (;;) {
      const m = await next();
      if ('done' in m) return;
      if (!('batch' in m)) continue;
      yield m.batch;
      worker.postMessage({ credit: 1 } satisfies WorkerCommand);
    }
  } finally {
    await worker.terminate();
  }
}

interface StoringWorker {
  /** the next batch stored (committed with its position), or null when the worker is done */
  next(): Promise<StoredBatch | null>;
  /** allows one more batch */
  more(): void;
  /** no more batches after the one being stored; next() still returns those already stored */
  stop(): void;
  close(): Promise<void>;
}

/** A worker thread that parses a snapshot file from `store.position` on and stores it into a SQLite catalog (see snapshot-worker.ts). */
function storingWorker(path: string, batchSize: number, store: NonNullable<WorkerInput['store']>): StoringWorker {
  const worker = new Worker(new URL('./snapshot-worker.js', import.meta.url), {
    workerData: { path, offset: store.position.offset, line: store.position.line, batchSize, store } satisfies WorkerInput,
  });
  const next = workerMessages(worker, path);
  // Two batches ahead: one stored while the last is reported and checked against the index.
  worker.postMessage({ credit: 2 } satisfies WorkerCommand);
  let done = false;
  return {
    next: async () => {
      if (done) return null;
      for (;;) {
        const m = await next();
        if ('done' in m) {
          done = true;
          return null;
        }
        if ('stored' in m) return m.stored;
      }
    },
    more: () => worker.postMessage({ credit: 1 } satisfies WorkerCommand),
    stop: () => worker.postMessage({ stop: true } satisfies WorkerCommand),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** What the bulk load did to the search index (SQLite). */
export type BulkIndexOutcome =
  | ({ indexed: true } & LexicalWorkerReport)
  /** another process (a running server) writes the index: it follows the change log itself */
  | { indexed: false; reason: string };

interface BulkLoad {
  /** waits while the search index lags too far behind the papers stored */
  keepUp(): Promise<void>;
  /** the index caught up and committed (after an interruption: what it has, committed) */
  end(interrupted: boolean): Promise<BulkIndexOutcome | null>;
}

/**
 * Changes the search index may lag behind the store before the import waits for it. Without a
 * bound the three threads share the two cores evenly, the indexer (the most work a paper) falls
 * behind and finishes alone on one core; waiting leaves it a core while storing and parsing share
 * the other. The bound covers a merge of segments, when the indexer applies nothing: at 2.7
 * million papers the merges of eight segments take 6–7 s, while storing runs at ~10,000 papers a
 * second. With 60,000 the import waited 19 s in all for the index (2.7 million synthetic papers,
 * 336 s); with 200,000, 0.1 s (325 s), and the index still caught up within 5 s of the last paper.
 */
const MAX_INDEX_LAG = 200_000;

/**
 * During a bulk load into SQLite the lexical search index is built on a worker thread that tails
 * the change log (src/search/lexical-worker.ts), so analysis runs on the other core while this
 * thread stores papers. PostgreSQL: no worker; the instances' search services follow the change
 * log.
 */
async function beginBulkLoad(store: Store, root: string | undefined, signal: AbortSignal | undefined): Promise<BulkLoad> {
  if (!store.sqlite) return { keepUp: async () => {}, end: async () => null };
  const catalogPath = store.sqlite.name;
  const input: LexicalWorkerInput = { catalogPath, dir: lexicalDir(root ?? searchRoot(catalogPath)) };
  const worker = new Worker(new URL('../search/lexical-worker.js', import.meta.url), { workerData: input });
  const newest = store.sqlite.prepare<[], number | null>('SELECT max(change_seq) FROM papers').pluck();
  /** the change position the index has reached (−1: not known yet) */
  let indexed = -1;
  let stopped = false;
  let wake: (() => void) | null = null;
  const finished = new Promise<BulkIndexOutcome>((resolve, reject) => {
    worker.on('message', (m: LexicalWorkerMessage) => {
      if ('progress' in m) {
        indexed = m.progress;
        wake?.();
        return;
      }
      if ('failed' in m) reject(new Error(`search indexing failed: ${m.failed}`));
      else if ('locked' in m) resolve({ indexed: false, reason: m.locked });
      else resolve({ indexed: true, ...m.done });
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the search indexer stopped (exit ${code})`)));
  });
  // Failures surface in end(); until then nobody awaits this promise.
  finished
    .catch(() => {})
    .finally(() => {
      stopped = true;
      wake?.();
    });
  // Ctrl-C while waiting for the index: stop waiting
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    keepUp: async () => {
      if (stopped) return;
      const stored = (await withSqlite(store, () => newest.get())) ?? 0;
      if (stored - indexed <= MAX_INDEX_LAG) return;
      // down to half the bound, so that storing resumes for a while
      const target = stored - MAX_INDEX_LAG / 2;
      while (!stopped && indexed < target && !signal?.aborted) await new Promise<void>((r) => (wake = r));
    },
    end: async (interrupted) => {
      signal?.removeEventListener('abort', onAbort);
      worker.postMessage((interrupted ? 'stop' : 'finish') satisfies LexicalWorkerCommand);
      try {
        return await finished;
      } finally {
        await worker.terminate();
      }
    },
  };
}

// ---------------------------------------------------------------- helpers

function readFileHead(path: string, bytes: number): Buffer {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UserError('cannot_read_input', `Cannot read ${path}: ${why}.`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

async function readWhole(path: string): Promise<string> {
  const chunks = await collect(createReadStream(path));
  return Buffer.concat(chunks).toString('utf8');
}

async function collect(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return chunks;
}

/** Reads at least `bytes` (or to the end) from a stream, leaving the rest unread. */
async function readStreamHead(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  while (n < bytes) {
    const chunk: Buffer | null = stream.read();
    if (chunk === null) {
      if (stream.readableEnded) break;
      const more = await new Promise<boolean>((resolve) => {
        const onReadable = () => done(true);
        const onEnd = () => done(false);
        const done = (v: boolean) => {
          stream.off('readable', onReadable);
          stream.off('end', onEnd);
          resolve(v);
        };
        stream.once('readable', onReadable);
        stream.once('end', onEnd);
      });
      if (!more) break;
      continue;
    }
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(b);
    n += b.length;
  }
  return Buffer.concat(chunks);
}

/** `head`, then the rest of the stream (whose first bytes were read into `head`). */
async function* prepend(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for await (const c of rest) yield typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
}
