/**
 * The storing snapshot worker on its own (src/ingest/snapshot-worker.ts), driven through its
 * message protocol: its transactions, and the write-ahead log it leaves behind when nobody else
 * checkpoints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { freshDb } from '../engines.js';
import { fixturePath } from '../helpers.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { emptyStats } from '../../src/papers/upsert.js';
import type { StoredBatch, WorkerInput, WorkerMessage } from '../../src/ingest/snapshot-worker.js';
import { SNAPSHOT_FIXTURE } from '../cli/cli-helpers.js';

test('a storing worker that never waits restarts the write-ahead log every few commits by itself', async () => {
  const t = await freshDb('sqlite');
  try {
    const input: WorkerInput = {
      path: fixturePath(SNAPSHOT_FIXTURE),
      offset: 0,
      line: 0,
      batchSize: 5,
      store: { database: t.url, calendar: DEFAULT_CALENDAR, key: null, position: { offset: 0, line: 0, records: 0, errors: 0, stats: emptyStats(), done: false } },
    };
    const worker = new Worker(new URL('../../src/ingest/snapshot-worker.js', import.meta.url), { workerData: input });
    const stored: StoredBatch[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if ('stored' in m) stored.push(m.stored);
        else if ('done' in m) resolve();
        else if ('failed' in m) reject(new Error(m.failed));
      });
      worker.on('error', reject);
      // every batch granted at once: the worker goes from one transaction to the next without
      // waiting, and nothing else checkpoints (the import's main thread would after each batch)
      worker.postMessage({ credit: 1000 });
    });
    await worker.terminate();
    // one transaction per batch of 5, and a last empty one that records the end of the file
    assert.deepEqual(stored.map((b) => b.records), [...Array(40).fill(5), 0]);
    assert.equal(stored.at(-1)!.position.stats.inserted, 200);
    // This connection stayed open, so closing the worker's did not checkpoint and delete the log.
    // Restarted every 4 commits, it holds the last few batches' pages; grown since the start it
    // would hold every batch's (312 frames here).
    const [info] = t.store.sqlite!.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    assert.ok(info!.log < 60, `the write-ahead log holds ${info!.log} frames`);
  } finally {
    await t.cleanup();
  }
});
