/**
 * The product's own search, wrapped as rankers, so the evaluation measures what users get:
 *
 * - lexical: the BM25F engine (src/search/lexical), built with `buildIndex` as a rebuild does;
 * - semantic: the built-in embedding provider (src/search/embed) trained on the corpus handed
 *   to `build` — what an instance does with its own catalog; with titles blanked (known-item)
 *   it is trained on the title-less text, the text the index sees — the paper vectors in the
 *   product's vector index (src/search/vectors);
 * - hybrid: both, fused by the product's defaults (DEFAULT_FUSION in src/search/fusion.ts).
 *
 * Every query is parsed by `parseQuery` and answered by `runSearch` (src/search/engine.ts), the
 * function the web search calls, in the ranker's mode. What differs from a running instance:
 * - the indexes live in a temporary directory removed by `close()`;
 * - seqs are the corpus order (1, 2, …); upvotes are 0 (the corpus has none): no upvote boost;
 * - `today` is fixed at the newest announcement day of the corpus, so the recency boost, and
 *   with it every run, is reproducible;
 * - phrases ("…" in a query: four known-item titles have some) are checked by `phraseChecker`
 *   on the in-memory title and abstract, the text the index was given.
 *
 * Training the model costs seconds (about 9 s for the 1,479 papers); it is deterministic (same
 * papers in the same order, same options, same model), so models are cached by a hash of exactly
 * what they are trained on: the semantic and hybrid rankers on the same index share one, the
 * title-less and titled corpora each get their own. It runs on the calling thread (`trainBuiltin`)
 * rather than on a worker like an instance's (`trainBuiltinInWorker`): the model is the same,
 * byte for byte (same hash, same provider id), and the second training in a process reuses the
 * WordNet tables the first one parsed (a worker parses them again: about a third of the time).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayNumber } from '../changes.js';
import { runSearch, type SearchEngines, type SearchMode } from '../engine.js';
import { BuiltinProvider, paperText, readEmbeddingConfig, trainBuiltin, type BuiltinModel, type TrainOptions } from '../embed/index.js';
import type { FusionWeights } from '../fusion.js';
import { buildIndex } from '../lexical/bulk.js';
import { tokenize } from '../lexical/analyzer.js';
import type { LexicalIndex } from '../lexical/index.js';
import { parseQuery } from '../query.js';
import type { SearchDoc } from '../types.js';
import { openVectorIndex, type PaperVectorIndex } from '../vectors/index.js';
import type { EvalDoc, Ranker } from './types.js';

export interface ProductRankerOptions {
  mode: SearchMode;
  /** the ranker's name (default: the mode) */
  name?: string;
  /** fusion weights; default: the product's (DEFAULT_FUSION) — experiments only */
  weights?: FusionWeights;
  /** training options of the built-in model; default: the product's (dims from the default configuration) */
  training?: Omit<TrainOptions, 'onProgress' | 'signal'>;
}

/** The product's training options: what an instance with the default configuration trains with. */
export function productTrainingOptions(): Omit<TrainOptions, 'onProgress' | 'signal'> {
  return { dims: readEmbeddingConfig({}).dims ?? 256 };
}

const models = new Map<string, Promise<BuiltinModel>>();

/**
 * The built-in model trained on `docs` (title and abstract, in order) with `opts`; trained once
 * per distinct input in this process (training is deterministic, so a cached model is the model
 * a fresh training would give).
 */
export function trainedModel(docs: ReadonlyArray<{ title: string; abstract: string }>, opts: Omit<TrainOptions, 'onProgress' | 'signal'>): Promise<BuiltinModel> {
  const h = createHash('sha256').update(JSON.stringify(opts));
  for (const d of docs) h.update('\u0000').update(d.title).update('\u0001').update(d.abstract);
  const key = h.digest('hex');
  let model = models.get(key);
  if (!model) {
    model = trainBuiltin(
      docs.map((d) => ({ title: d.title, abstract: d.abstract })),
      opts,
    );
    models.set(key, model);
    model.catch(() => models.delete(key));
  }
  return model;
}

/** Forgets the cached models (tests; memory). */
export function clearModelCache(): void {
  models.clear();
}

/** The newest announcement day of the docs, as days since 1970-01-01 (0 when none has one). */
export function newestDay(docs: readonly EvalDoc[]): number {
  let newest = 0;
  for (const d of docs) newest = Math.max(newest, dayNumber(d.day));
  return newest;
}

/**
 * A `checkPhrases` over in-memory papers: a paper passes when its title or abstract contains every
 * phrase and none of the excluded ones, compared as sequences of words (the lexical analyzer's
 * tokens: case and accents folded, punctuation between words ignored, word boundaries respected:
 * "neural net" does not match "neural network").
 */
export function phraseChecker(textOf: (seq: number) => { title: string; abstract: string } | undefined) {
  const key = (words: readonly string[]): string => tokenize(words.join(' ')).join(' ');
  return async (seqs: number[], phrases: string[][], excluded: string[][]): Promise<Set<number>> => {
    const want = phrases.map(key).filter((p) => p !== '');
    const avoid = excluded.map(key).filter((p) => p !== '');
    const ok = new Set<number>();
    for (const seq of seqs) {
      const d = textOf(seq);
      if (!d) continue;
      // title and abstract apart: a phrase does not run from the end of one into the other
      const fields = [d.title, d.abstract].map((t) => ` ${tokenize(t).join(' ')} `);
      const has = (p: string): boolean => fields.some((f) => f.includes(` ${p} `));
      if (want.every(has) && !avoid.some(has)) ok.add(seq);
    }
    return ok;
  };
}

/** The product's search in one mode: lexical, semantic or hybrid. */
export class ProductRanker implements Ranker {
  readonly name: string;
  private dir: string | null = null;
  private lexical: LexicalIndex | null = null;
  private provider: BuiltinProvider | null = null;
  private vectors: PaperVectorIndex | null = null;
  private docs: SearchDoc[] = [];
  private today = 0;

  constructor(private readonly opts: ProductRankerOptions) {
    this.name = opts.name ?? opts.mode;
  }

  async build(docs: EvalDoc[], _opts: { withTitles: boolean }): Promise<void> {
    await this.close();
    // Titles are already blanked by the runner when withTitles is false: everything below
    // (index, model, vectors, phrase checks) sees exactly the docs given.
    this.dir = mkdtempSync(join(tmpdir(), `dailypapers-eval-${this.name}-`));
    this.docs = docs.map((d, i) => ({
      seq: i + 1,
      id: d.id,
      title: d.title,
      authors: d.authors,
      abstract: d.abstract,
      categories: d.categories,
      day: dayNumber(d.day),
      upvotes: 0,
    }));
    this.today = newestDay(docs);
    // runSearch always needs the lexical index (filters, counts), even in semantic mode.
    this.lexical = await buildIndex(join(this.dir, 'lexical'), this.docs);
    if (this.opts.mode !== 'lexical') {
      const model = await trainedModel(docs, this.opts.training ?? productTrainingOptions());
      this.provider = new BuiltinProvider(model);
      this.vectors = await openVectorIndex(join(this.dir, 'vectors'), { dims: this.provider.dims, providerId: this.provider.id });
      const vecs = await this.provider.embed(this.docs.map(paperText), 'document');
      this.docs.forEach((d, i) => this.vectors!.upsert(d.seq, vecs[i]!));
    }
  }

  async search(query: string, k: number): Promise<string[]> {
    if (!this.lexical) throw new Error(`${this.name}: search before build`);
    const engines: SearchEngines = {
      lexical: this.lexical,
      semantic: this.provider && this.vectors ? { provider: this.provider, vectors: this.vectors } : null,
      ...(this.opts.weights ? { weights: this.opts.weights } : {}),
    };
    const out = await runSearch(engines, {
      query: parseQuery(query),
      offset: 0,
      limit: k,
      mode: this.opts.mode,
      today: this.today,
      checkPhrases: phraseChecker((seq) => this.docs[seq - 1]),
    });
    return out.hits.map((h) => this.docs[h.seq - 1]!.id);
  }

  async close(): Promise<void> {
    this.lexical?.close();
    this.lexical = null;
    await this.provider?.close();
    this.provider = null;
    await this.vectors?.close();
    this.vectors = null;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
