/**
 * The built-in embedding provider: no download, no network, trained from the instance's own
 * papers (seconds on the bundled sample, about a minute on 200,000 papers), and fast: about
 * 15,000 papers per CPU-second (30,000 on real abstracts), so 2.7 million papers take ~3 minutes
 * of one core.
 *
 * Design (LSA + WordNet):
 * - Terms are Porter stems of title and abstract words (analyzer.ts).
 * - Term vectors come from a randomized truncated SVD of the TF-IDF document × term matrix of up
 *   to 200,000 papers (linalg.ts, train.ts): V Σ^0.25, 256 dimensions by default. The SVD runs
 *   on the 30,000 most frequent terms and 100,000 of the papers; every other term is folded in
 *   from the papers it occurs in (LSA fold-in), so a rare word still points at its topic.
 * - WordNet 3.1 connects words to the corpus vocabulary: synonyms, derived forms, similar words,
 *   hypernyms, hyponyms, domain terms, definition words (and words whose definitions use the
 *   word), weighted by relation and by how common the sense is (WordNet's sense tag counts), and
 *   toned down where the corpus uses the two words in unrelated contexts. The corpus's own acronym
 *   definitions ("large language models (LLMs)") are added both ways. This expansion table is
 *   stored in the model: queries use it (a word the corpus never used still finds papers through
 *   its synonyms), and the vocabulary's vectors are retrofitted toward their WordNet neighbours,
 *   which also helps documents.
 * - A document vector is the normalized TF-IDF-weighted sum of its term vectors, minus the
 *   corpus's mean document vector, normalized again (embedder.ts). A query is the same plus its
 *   expansions. Words the model does not know add nothing; a text of only such words gives the
 *   zero vector (isZeroVector).
 * - The model file (model.ts) holds the vocabulary, idf, int8 term vectors, the mean vector and the
 *   expansion table; its SHA-256 is part of the provider id, so an index built with another
 *   model is detected and rebuilt. Training is deterministic (seeded): same papers, same options,
 *   same hash.
 *
 * Training blocks its thread for its duration: trainBuiltinInWorker runs it on a worker thread.
 * Large embedding batches run on worker threads (`threads`); small ones on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { EmbeddingProvider } from '../types.js';
import { BuiltinEmbedder } from './embedder.js';
import { encodeModel, type BuiltinModel } from './model.js';

export { isZeroVector } from './embedder.js';
export { loadModel, saveModel, decodeModel, encodeModel, type BuiltinModel } from './model.js';
export { trainBuiltin, type TrainDoc, type TrainOptions } from './train.js';
export { trainBuiltinInWorker } from './train-worker.js';

export interface BuiltinProviderOptions {
  /** worker threads for batches of at least `minParallel` texts; 0 (default) embeds on the calling thread */
  threads?: number;
  /** texts per message to a worker; default 256 */
  chunk?: number;
  /** smallest batch sent to the workers; default 64 */
  minParallel?: number;
}

/** Every how many papers a training reads one, for a catalog of `papers` (at most `maxDocs` read). */
export function trainingStep(papers: number, maxDocs = 200_000): number {
  return Math.max(1, Math.ceil(papers / Math.max(1, maxDocs)));
}

/**
 * Whether a model is worth retraining for a catalog of `papers`: the catalog has grown to more
 * than four times what the model was trained on, and a training now would read clearly more
 * papers than it did (every trainingStep-th paper, at most `maxDocs`). A model trained on the
 * bundled sample knows little of a full import's vocabulary; one trained on a full sample of a
 * big catalog (192,857 of 2.7 million papers: every 14th) is not retrained however the catalog
 * grows. Retraining changes the provider id, so the vector index is rebuilt with it.
 */
export function shouldRetrain(model: Pick<BuiltinModel, 'stats'>, papers: number, maxDocs = 200_000): boolean {
  const wouldRead = Math.floor(papers / trainingStep(papers, maxDocs));
  return model.stats.docs * 4 < papers && model.stats.docs < 0.9 * wouldRead;
}

/** The provider id of a model: kind, dimensions and the first 16 hex digits of its hash. */
export function builtinProviderId(model: Pick<BuiltinModel, 'dims' | 'hash'>): string {
  return `builtin-lsa-${model.dims}-${model.hash.slice(0, 16)}`;
}

export class BuiltinProvider implements EmbeddingProvider {
  readonly id: string;
  readonly dims: number;
  private embedder: BuiltinEmbedder | null = null;
  private pool: Pool | null = null;
  private readonly threads: number;
  private readonly chunk: number;
  private readonly minParallel: number;

  constructor(
    readonly model: BuiltinModel,
    opts: BuiltinProviderOptions = {},
  ) {
    this.id = builtinProviderId(model);
    this.dims = model.dims;
    this.threads = Math.max(0, Math.floor(opts.threads ?? 0));
    this.chunk = Math.max(1, opts.chunk ?? 256);
    this.minParallel = Math.max(1, opts.minParallel ?? 64);
  }

  async embed(texts: string[], kind: 'document' | 'query'): Promise<Float32Array[]> {
    if (this.threads > 0 && texts.length >= this.minParallel) {
      this.pool ??= new Pool(this.model, this.threads);
      return this.pool.embed(texts, kind, this.chunk);
    }
    this.embedder ??= new BuiltinEmbedder(this.model);
    const e = this.embedder;
    return texts.map((t) => (kind === 'query' ? e.embedQuery(t) : e.embedDocument(t)));
  }

  /** worker threads running now (0 until a large batch, and after idle or close) */
  get threadsRunning(): number {
    return this.pool?.size ?? 0;
  }

  /** Nothing to embed for now (EmbeddingProvider.idle): the worker threads stop, as on close. */
  idle(): Promise<void> {
    return this.close();
  }

  /** Stops the worker threads (a later large batch starts them again). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }
}

interface Pending {
  resolve: (v: Float32Array) => void;
  reject: (e: Error) => void;
}

/** Worker threads sharing one copy of the model file's bytes; each embeds the chunks it is sent. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy: number[];
  private nextId = 1;
  private next = 0;
  private failed: Error | null = null;

  constructor(
    private readonly model: BuiltinModel,
    size: number,
  ) {
    const { bytes } = encodeModel(model);
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    this.busy = new Array<number>(size).fill(0);
    for (let i = 0; i < size; i++) {
      // A worker's garbage is per text and short-lived: a small young generation holds it (the
      // default grows to ~48 MB per worker; 8 MB embeds as fast, measured in CPU µs a text).
      const w = new Worker(new URL('./builtin-worker.js', import.meta.url), { workerData: { model: shared }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.unref();
      w.on('message', (msg: { id: number; out?: Float32Array; error?: string }) => {
        this.busy[i] = (this.busy[i] as number) - 1;
        if (this.busy[i] === 0) w.unref();
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.out) p.resolve(msg.out);
        else p.reject(new Error(`built-in embedding failed: ${msg.error}`));
      });
      const fail = (err: Error): void => {
        this.failed = err;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && !this.failed) fail(new Error(`built-in embedding worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  async embed(texts: string[], kind: 'document' | 'query', chunk: number): Promise<Float32Array[]> {
    if (this.failed) throw this.failed;
    const size = Math.min(chunk, Math.ceil(texts.length / this.workers.length));
    const parts: Array<Promise<Float32Array>> = [];
    for (let from = 0; from < texts.length; from += size) parts.push(this.send(texts.slice(from, from + size), kind));
    const dims = this.model.dims;
    const out: Float32Array[] = [];
    for (const block of await Promise.all(parts)) {
      for (let off = 0; off < block.length; off += dims) out.push(block.subarray(off, off + dims));
    }
    return out;
  }

  private send(texts: string[], kind: 'document' | 'query'): Promise<Float32Array> {
    const i = this.next;
    this.next = (this.next + 1) % this.workers.length;
    const w = this.workers[i] as Worker;
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // a worker with work to do keeps the process alive; an idle one does not
      if (this.busy[i] === 0) w.ref();
      this.busy[i] = (this.busy[i] as number) + 1;
      w.postMessage({ id, texts, kind });
    });
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    this.failed = new Error('the built-in embedding provider was closed');
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
