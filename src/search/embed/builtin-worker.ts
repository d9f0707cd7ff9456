/** A worker thread of the built-in provider: decodes the model once, then embeds the chunks it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { BuiltinEmbedder } from './embedder.js';
import { decodeModel } from './model.js';

interface Request {
  id: number;
  texts: string[];
  kind: 'document' | 'query';
}

const model = decodeModel(Buffer.from(workerData.model as SharedArrayBuffer), 'the model', { verify: false, share: true });
const embedder = new BuiltinEmbedder(model);
const port = parentPort!;

port.on('message', ({ id, texts, kind }: Request) => {
  try {
    const dims = model.dims;
    const out = new Float32Array(texts.length * dims);
    texts.forEach((t, i) => out.set(kind === 'query' ? embedder.embedQuery(t) : embedder.embedDocument(t), i * dims));
    port.postMessage({ id, out }, [out.buffer]);
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
