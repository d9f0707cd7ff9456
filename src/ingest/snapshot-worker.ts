/**
 * Reads and parses a JSON Lines snapshot on a worker thread, so the main thread spends its time
 * in SQLite: on two cores, parsing (JSON, TeX, author lists, dates) and storing overlap.
 *
 * Protocol: the parent posts { credit: n } to allow n more batches; the worker posts
 * { batch } messages and finally { done }. At most the granted number of batches is ever in
 * flight, so memory stays bounded however far the reader could run ahead.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readSnapshotBatches, type SnapshotBatch } from './snapshot-reader.js';

export interface WorkerInput {
  path: string;
  offset: number;
  line: number;
  batchSize: number;
}

export type WorkerMessage = { batch: SnapshotBatch } | { done: true } | { failed: string };

async function main(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  let credit = 0;
  let wake: (() => void) | null = null;
  port.on('message', (m: { credit: number }) => {
    credit += m.credit;
    wake?.();
  });
  const stream = createReadStream(input.path, { start: input.offset, highWaterMark: 1 << 20 });
  for await (const batch of readSnapshotBatches(stream, input, input.batchSize)) {
    while (credit === 0) await new Promise<void>((r) => (wake = r));
    credit--;
    port.postMessage({ batch } satisfies WorkerMessage);
  }
  port.postMessage({ done: true } satisfies WorkerMessage);
}

main(workerData as WorkerInput).catch((err) => parentPort!.postMessage({ failed: (err as Error).message } satisfies WorkerMessage));
