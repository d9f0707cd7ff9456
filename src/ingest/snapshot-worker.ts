/**
 * Reads and parses a JSON Lines snapshot on a worker thread.
 *
 * Two modes:
 * - post (PostgreSQL): parsed batches are posted to the main thread, which stores them; parsing
 *   and storing overlap on two cores.
 * - store (SQLite): the worker stores each batch itself, on its own connection, with the import's
 *   position in the same transaction, and posts only what the main thread reports (records,
 *   errors, the position). Posting a batch costs a structured clone on both sides, measured at
 *   ~57 µs a paper (serialize 30, deserialize 27): more than storing it (~35 µs). Storing here
 *   leaves the other core to the search indexer (src/search/lexical-worker.ts). A batch is one
 *   transaction, parsed and written a chunk at a time inside it (storeBatches).
 *
 * Protocol: the parent posts { credit: n } to allow n more batches; the worker posts { batch }
 * or { stored } messages and finally { done }. At most the granted number of batches is ever in
 * flight, so memory stays bounded however far the reader could run ahead. { stop: true } (an
 * interrupted import): the worker finishes the batch it is storing, stores no more and posts
 * { done }; every { stored } it posted is committed.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { positionAfter, readSnapshotBatches, type SnapshotBatch, type SnapshotPosition } from './snapshot-reader.js';
import { checkpoint, openStore, type Store } from '../db/connect.js';
import { upsertItems, type UpsertStats } from '../papers/upsert.js';
import type { Calendar } from '../papers/calendar.js';
import type { RecordError } from './types.js';

export interface WorkerInput {
  path: string;
  offset: number;
  line: number;
  batchSize: number;
  /** store the batches into this SQLite catalog instead of posting them */
  store?: {
    database: string;
    calendar: Calendar;
    /** the ingest_state key of the import's position (null: not resumable) */
    key: string | null;
    /** the position the import starts from */
    position: SnapshotPosition;
  };
}

/** A batch the worker stored (and committed, with the position). */
export interface StoredBatch {
  records: number;
  errors: RecordError[];
  position: SnapshotPosition;
}

export type WorkerMessage = { batch: SnapshotBatch } | { stored: StoredBatch } | { done: true } | { failed: string };
export type WorkerCommand = { credit: number } | { stop: true };

async function main(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  let credit = 0;
  let stopping = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: WorkerCommand) => {
    if ('stop' in m) stopping = true;
    else credit += m.credit;
    wake?.();
  });
  // store mode: the target, its connection, and the position reached (advanced batch by batch)
  const storing = input.store ? { ...input.store, db: await openStore(input.store.database) } : null;
  // A 32 MB page cache instead of the store's 64: appending papers touches few pages again
  // (measured: the same µs a paper at 16, 32 and 64 MB), and the import's peak memory is bounded
  // (the lexical indexer's token table grew from ~21 to 32 MB at 2.7 million synthetic papers,
  // 344,000 tokens: src/search/lexical/builder.ts).
  storing?.db.sqlite?.pragma('cache_size = -32768');
  // No checkpoint on commit: the main thread checkpoints after every batch, this connection
  // every RESTART_EVERY commits (src/db/connect.ts checkpoint).
  storing?.db.sqlite?.pragma('wal_autocheckpoint = 0');
  const granted = async (): Promise<boolean> => {
    while (credit === 0 && !stopping) await new Promise<void>((r) => (wake = r));
    if (stopping) return false;
    credit--;
    return true;
  };
  try {
    const stream = createReadStream(input.path, { start: input.offset, highWaterMark: 1 << 20 });
    if (!storing) {
      for await (const batch of readSnapshotBatches(stream, input, input.batchSize)) {
        if (!(await granted())) break;
        port.postMessage({ batch } satisfies WorkerMessage);
      }
    } else {
      await storeBatches(stream, input, storing, granted, (stored) => port.postMessage({ stored } satisfies WorkerMessage));
    }
  } finally {
    await storing?.db.close();
  }
  port.postMessage({ done: true } satisfies WorkerMessage);
}

/**
 * Papers parsed and stored a chunk at a time. A batch of `batchSize` records is one transaction
 * (with the import's position), but its papers are parsed and written CHUNK at a time, so that
 * each chunk's objects die young: parsed a whole batch ahead, 5,000 papers' objects survived
 * young-generation collections (copied, then promoted). Measured on 200,000 synthetic papers, one
 * thread: GC pauses 6.3–8.5 → 4.3–4.5 µs a paper.
 */
const CHUNK = 500;

/**
 * Every this many commits the storing connection checkpoints the write-ahead log itself, between
 * transactions, so that the log restarts from its beginning and stays a few batches long; the
 * main thread's checkpoints after every batch (src/db/connect.ts checkpoint) have copied most of
 * it by then.
 */
const RESTART_EVERY = 4;

/** The catalog a worker stores into (WorkerInput.store), its connection, and the position reached. */
type Storing = NonNullable<WorkerInput['store']> & { db: Store };

async function storeBatches(stream: AsyncIterable<Buffer>, input: WorkerInput, storing: Storing, granted: () => Promise<boolean>, stored: (b: StoredBatch) => void): Promise<void> {
  const sqlite = storing.db.sqlite!;
  /** the open transaction's records and bad records */
  let open: { records: number; errors: RecordError[] } | null = null;
  let commits = 0;
  const commit = () => {
    sqlite.exec('COMMIT');
    stored({ records: open!.records, errors: open!.errors, position: storing.position });
    open = null;
    if (++commits % RESTART_EVERY === 0) checkpoint(sqlite);
  };
  try {
    for await (const chunk of readSnapshotBatches(stream, input, Math.min(CHUNK, input.batchSize))) {
      if (!open) {
        if (!(await granted())) break;
        sqlite.exec('BEGIN IMMEDIATE');
        open = { records: 0, errors: [] };
      }
      const before = storing.position;
      // the saved position includes this chunk's totals: computed inside the transaction
      const state = storing.key ? { key: storing.key, value: (st: UpsertStats) => positionAfter(before, chunk, st) } : undefined;
      const stats = await upsertItems(storing.db, chunk.papers.map((paper) => ({ paper })), { calendar: storing.calendar, state });
      storing.position = positionAfter(before, chunk, stats);
      open.records += chunk.records;
      for (const e of chunk.errors) open.errors.push(e);
      if (open.records >= input.batchSize) commit();
    }
    if (open) commit();
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}

main(workerData as WorkerInput).catch((err) => parentPort!.postMessage({ failed: (err as Error).message } satisfies WorkerMessage));
