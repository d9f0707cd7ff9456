/**
 * Training on a worker thread, so a server's event loop stays free during the SVD (seconds on
 * the sample, about a minute on 200,000 papers). The calling thread streams the papers in
 * batches (at most a few in flight); the worker trains and sends back the model file's bytes.
 *
 * Protocol, calling thread → worker: {type: 'docs', docs} … {type: 'end'};
 * worker → calling thread: {type: 'ack'} per batch, {type: 'enough'} once it has read all it
 * wants, {type: 'progress', stage, fields}, then {type: 'done', bytes} or {type: 'error', message}.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { UserError } from '../../errors.js';
import { decodeModel, encodeModel, type BuiltinModel } from './model.js';
import { trainBuiltin, type TrainDoc, type TrainOptions } from './train.js';

const BATCH = 1_000;
const IN_FLIGHT = 4;

type ToWorker = { type: 'docs'; docs: TrainDoc[] } | { type: 'end' };
type FromWorker =
  | { type: 'ack' }
  | { type: 'enough' }
  | { type: 'progress'; stage: string; fields?: Record<string, unknown> }
  | { type: 'done'; bytes: Uint8Array }
  | { type: 'error'; message: string; code?: string };

/** trainBuiltin on a worker thread: same model, same hash. */
export async function trainBuiltinInWorker(docs: AsyncIterable<TrainDoc> | Iterable<TrainDoc>, opts: TrainOptions = {}): Promise<BuiltinModel> {
  const { onProgress, signal, ...rest } = opts;
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { workerData: { dailyPapersTraining: true, opts: rest } });
  let acks = 0;
  let sent = 0;
  let enough = false;
  let wake: (() => void) | null = null;
  const done = new Promise<BuiltinModel>((resolve, reject) => {
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ack') acks++;
      else if (msg.type === 'enough') enough = true;
      else if (msg.type === 'progress') onProgress?.(msg.stage, msg.fields);
      else if (msg.type === 'done') resolve(decodeModel(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength), 'the trained model', { verify: false }));
      else reject(msg.code ? new UserError(msg.code, msg.message, 500) : new Error(`training failed: ${msg.message}`));
      wake?.();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the training worker exited with code ${code}`)));
  });
  done.catch(() => undefined).finally(() => wake?.());
  const send = (m: ToWorker): void => worker.postMessage(m);
  let failed = false;
  done.catch(() => (failed = true));
  try {
    let batch: TrainDoc[] = [];
    for await (const d of docs) {
      signal?.throwIfAborted();
      batch.push({ title: d.title, abstract: d.abstract });
      if (batch.length < BATCH) continue;
      send({ type: 'docs', docs: batch });
      sent++;
      batch = [];
      // backpressure: at most IN_FLIGHT unread batches
      while (sent - acks >= IN_FLIGHT && !enough && !failed) await new Promise<void>((r) => (wake = r));
      if (enough || failed) break;
    }
    if (batch.length > 0 && !enough && !failed) send({ type: 'docs', docs: batch });
    send({ type: 'end' });
    const abort = (): void => void worker.terminate();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await done;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as { dailyPapersTraining?: unknown } | null)?.dailyPapersTraining === true) {
  const port = parentPort;
  const queue: Array<TrainDoc[] | null> = [];
  let waiting: (() => void) | null = null;
  port.on('message', (m: ToWorker) => {
    queue.push(m.type === 'docs' ? m.docs : null);
    waiting?.();
  });
  async function* feed(): AsyncGenerator<TrainDoc> {
    try {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (waiting = r));
        const batch = queue.shift();
        if (!batch) return;
        port.postMessage({ type: 'ack' } satisfies FromWorker);
        yield* batch;
      }
    } finally {
      port.postMessage({ type: 'enough' } satisfies FromWorker);
    }
  }
  const opts = (workerData as { opts: TrainOptions }).opts;
  trainBuiltin(feed(), { ...opts, onProgress: (stage, fields) => port.postMessage({ type: 'progress', stage, fields } satisfies FromWorker) })
    .then((model) => {
      const { bytes } = encodeModel(model);
      const copy = new Uint8Array(bytes);
      port.postMessage({ type: 'done', bytes: copy } satisfies FromWorker, [copy.buffer]);
    })
    .catch((err: unknown) => {
      port.postMessage({
        type: 'error',
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof UserError ? { code: err.code } : {}),
      } satisfies FromWorker);
    });
}
