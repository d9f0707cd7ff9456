/**
 * Search inside a running instance: the lexical index and the embeddings kept in step with the
 * catalog's change log, and the queries of the site, the API and the feeds answered from them.
 *
 *   const search = await SearchService.open(store, { root: searchRoot(config.databaseUrl) });
 *   search.start();                      // serve: tail the change log in the background
 *   await search.query({ query: parseQuery(text), offset: 0, limit: 20 });
 *   await search.close();                // commits what was applied
 *
 * Two tailers read the change log (papers.change_seq and paper_tombstones, src/search/changes.ts)
 * from their own positions, kept with their data: the lexical index (fast: catches up before
 * each query too, within a budget, so a paper written by any process or app instance is found at
 * once) and the vectors (embedding costs more; it runs in the background). The built-in model is
 * trained from the catalog and stored in the database (models.ts). Until it is ready, or when an
 * embedding provider fails, search is lexical only and says so in the log.
 *
 * Each index directory has one writer. A second process finding it locked (another `serve` on the
 * same SQLite file, a PostgreSQL app instance sharing a directory) loads the index read-only and
 * tails the change log in memory: every instance answers the same.
 */
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../db/connect.js';
import { logger } from '../log.js';
import { errorMessage, UserError } from '../errors.js';
import { LexicalIndex, type LexicalChange } from './lexical/index.js';
import { openVectorIndex, PaperVectorIndex, VectorIndexError } from './vectors/index.js';
import { readChanges, dayNumber } from './changes.js';
import { lexicalDir, vectorsDir } from './paths.js';
import { runSearch, similarTo, type SearchEngines, type SearchMode, type SearchOutcome, type SearchRequest, type SemanticEngine } from './engine.js';
import { DEFAULT_FUSION, type FusionWeights } from './fusion.js';
import { ensureModel, latestGeneration, TRAIN_MAX_DOCS, trainingDocs } from './models.js';
import { BuiltinProvider, shouldRetrain, type TrainDoc } from './embed/builtin.js';
import { createProvider, paperText, readEmbeddingConfig, type ClosableProvider, type EmbeddingConfig } from './embed/index.js';
import { Phrase, PhraseText } from './phrase.js';
import type { Scored } from './types.js';
import { countPapers, getPapersBySeq, type Paper } from '../papers/repository.js';
import { parseQuery, type ParsedQuery } from './query.js';

const log = logger('search');

/** Changes applied to the lexical index before a query: a few milliseconds at most. */
const QUERY_BUDGET = 2000;
const LEXICAL_BATCH = 5000;
const EMBED_BATCH = 512;
/** Commit the lexical index after this many changes or this long. */
const COMMIT_CHANGES = 20_000;
const COMMIT_MS = 30_000;
/** Save the vector index (when it changed) at most this often... */
const SAVE_VECTORS_MS = 60_000;
/** ... or sooner, once this many bytes of vector codes wait in memory for the next save */
const SAVE_VECTORS_BYTES = 64 * 2 ** 20;
/** How often a server checks whether the built-in model should change. */
const MODEL_CHECK_MS = 10 * 60_000;

/** Semantic search as the service runs it: the provider and the vector index it fills. */
type Semantic = SemanticEngine & { vectors: PaperVectorIndex; provider: ClosableProvider };

export interface SearchServiceOptions {
  /** the instance's search directory (paths.ts searchRoot) */
  root: string;
  /** embeddings: false for lexical only (tests, tools); default from the environment */
  embeddings?: EmbeddingConfig | false;
  weights?: FusionWeights;
  now?: () => Date;
}

export type SearchQuery = Omit<SearchRequest, 'today' | 'checkPhrases'>;

export class SearchService {
  readonly lexical: LexicalIndex;
  /** whether this process writes the index directory (else it tails in memory) */
  readonly writer: boolean;
  private semantic: Semantic | null = null;
  private semanticReady: Promise<void> = Promise.resolve();
  private embeddingsConfig: EmbeddingConfig | null = null;
  /** when trainVectorsAhead last looked at each vector index */
  private trainAheadChecked = new WeakMap<PaperVectorIndex, number>();
  /** generation of the stored built-in model in use (0: none) */
  private generation = 0;
  private lastModelCheck = Date.now();
  private readonly weights: FusionWeights;
  private readonly now: () => Date;
  private lastCommit = Date.now();
  private lastSave = Date.now();
  private uncommitted = 0;
  private lexicalRunning: Promise<unknown> = Promise.resolve();
  private embedding = false;
  private embeddedSinceLog = 0;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly abort = new AbortController();

  private constructor(
    private readonly store: Store,
    private readonly opts: SearchServiceOptions,
    lexical: LexicalIndex,
    writer: boolean,
  ) {
    this.lexical = lexical;
    this.writer = writer;
    this.weights = opts.weights ?? DEFAULT_FUSION;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Opens the indexes and brings the lexical one up to date with the catalog. Embeddings load
   * (or train) in the background: `ready()` waits for them.
   */
  static async open(store: Store, opts: SearchServiceOptions): Promise<SearchService> {
    const dir = lexicalDir(opts.root);
    let lexical: LexicalIndex;
    let writer = true;
    try {
      lexical = openLexical(dir, false);
    } catch (err) {
      if (!/is locked by process|already open for writing/.test(errorMessage(err))) throw searchDirError(dir, err);
      log.info('the search index is being written by another process: reading it and following the catalog in memory', { dir });
      lexical = openLexical(dir, true);
      writer = false;
    }
    const service = new SearchService(store, opts, lexical, writer);
    try {
      await service.catchUpLexical(Infinity);
      await service.commitLexical(true);
    } catch (err) {
      lexical.close();
      throw err;
    }
    const embeddings = opts.embeddings === undefined ? readEmbeddingConfig(process.env, { dataDir: dirname(opts.root) }) : opts.embeddings;
    if (embeddings) {
      service.embeddingsConfig = embeddings;
      service.semanticReady = service.openSemantic(embeddings);
    }
    return service;
  }

  /** Resolves once the embeddings are loaded and caught up (or failed: search stays lexical). */
  async ready(): Promise<void> {
    await this.semanticReady;
    if (this.semantic) await this.catchUpVectors(Infinity);
  }

  /** Whether semantic search is available. */
  get hasSemantic(): boolean {
    return this.semantic !== null;
  }

  private engines(): SearchEngines {
    return { lexical: this.lexical, semantic: this.semantic, weights: this.weights };
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** Runs a query (after applying the newest changes, within a budget). */
  async query(q: SearchQuery): Promise<SearchOutcome> {
    await this.catchUpLexical(QUERY_BUDGET);
    const mode: SearchMode = q.mode ?? 'hybrid';
    return runSearch(this.engines(), {
      ...q,
      mode,
      today: dayNumber(this.now().toISOString()),
      checkPhrases: (seqs, phrases, excluded) => this.checkPhrases(seqs, phrases, excluded),
    });
  }

  /** A query typed by a user, answered with papers (the page, the API and the feeds). */
  async findPapers(text: string | ParsedQuery, page: Omit<SearchQuery, 'query'>): Promise<{ query: ParsedQuery; papers: Paper[]; outcome: SearchOutcome }> {
    const query = typeof text === 'string' ? parseQuery(text) : text;
    const outcome = await this.query({ ...page, query });
    return { query, papers: await getPapersBySeq(this.store, outcome.hits.map((h) => h.seq)), outcome };
  }

  /** The papers of `similar`. */
  async similarPapers(seq: number, k: number): Promise<Paper[]> {
    return getPapersBySeq(this.store, (await this.similar(seq, k)).map((h) => h.seq));
  }

  /** An author's papers by the lexical index's author filter: candidate seqs (newest first). */
  async authorCandidates(name: string, max: number): Promise<number[]> {
    await this.catchUpLexical(QUERY_BUDGET);
    return this.lexical.search({ authors: [name], sort: 'newest' }, max).map((h) => h.seq);
  }

  /** Papers like the paper `seq`, best first, itself excluded. */
  async similar(seq: number, k: number): Promise<Scored[]> {
    await this.catchUpLexical(QUERY_BUDGET);
    let fallback: { title: string } | undefined;
    if (!this.semantic?.vectors.has(seq)) {
      const row = await this.store.db.selectFrom('papers').select(['title', 'abstract']).where('seq', '=', seq).executeTakeFirst();
      if (!row) return [];
      fallback = { title: row.title };
      // not embedded yet (a brand-new paper): embed it now when possible
      if (this.semantic) {
        try {
          const [v] = await this.semantic.provider.embed([paperText(row)], 'document');
          if (v) return this.semantic.vectors.search(v, k + 1, (s) => s !== seq).filter((h) => h.seq !== seq).slice(0, k);
        } catch (err) {
          log.warn('embedding a paper for similar papers failed', { seq, error: errorMessage(err) });
        }
      }
    }
    return similarTo(this.engines(), seq, k, fallback);
  }

  /** The seqs whose title or abstract holds every phrase and none of the excluded ones. */
  private async checkPhrases(seqs: number[], phrases: string[][], excluded: string[][]): Promise<Set<number>> {
    const want = phrases.map(Phrase.of).filter((p): p is Phrase => p !== null);
    const avoid = excluded.map(Phrase.of).filter((p): p is Phrase => p !== null);
    const ok = new Set<number>();
    for (let i = 0; i < seqs.length; i += 500) {
      const rows = await this.store.db.selectFrom('papers').select(['seq', 'title', 'abstract']).where('seq', 'in', seqs.slice(i, i + 500)).execute();
      for (const r of rows) {
        const text = new PhraseText(r.title, r.abstract);
        if (want.every((p) => p.in(text)) && !avoid.some((p) => p.in(text))) ok.add(Number(r.seq));
      }
    }
    return ok;
  }

  // -------------------------------------------------------------------------------------------
  // Keeping up with the catalog

  /** Applies up to `budget` changes to the lexical index (one run at a time). Returns how many. */
  catchUpLexical(budget: number): Promise<number> {
    const run = this.lexicalRunning.then(() => this.applyLexical(budget));
    this.lexicalRunning = run.catch(() => {});
    return run;
  }

  private async applyLexical(budget: number): Promise<number> {
    let applied = 0;
    while (applied < budget && !this.closed) {
      const batch = await readChanges(this.store, this.lexical.changeSeq, Math.min(LEXICAL_BATCH, Math.max(1, budget - applied)));
      if (batch.changes.length === 0) break;
      const changes: LexicalChange[] = batch.changes.map((c) => ('deleted' in c ? { seq: c.seq, deleted: true } : { seq: c.seq, doc: c.doc }));
      this.lexical.apply(changes, batch.last);
      applied += changes.length;
      this.uncommitted += changes.length;
      if (applied % 100_000 < changes.length && applied >= 100_000) log.info('indexing the catalog', { papers: applied });
      if (!batch.more) break;
    }
    return applied;
  }

  /** Commits the lexical index when due (or now with `force`). */
  async commitLexical(force = false): Promise<void> {
    if (!this.writer || this.uncommitted === 0 && this.lexical.committedChangeSeq === this.lexical.changeSeq) return;
    if (!force && this.uncommitted < COMMIT_CHANGES && Date.now() - this.lastCommit < COMMIT_MS) return;
    await this.lexicalRunning;
    this.lexical.commit();
    this.uncommitted = 0;
    this.lastCommit = Date.now();
  }

  /** Whether the embeddings come from the built-in model kept in the database. */
  private storedModel(config: EmbeddingConfig): boolean {
    return config.provider === 'builtin' && !process.env.EMBEDDINGS_MODEL;
  }

  /**
   * Built-in model only, now and then: when another instance stored a newer model, or the
   * catalog has outgrown this one (a bulk import while serving), switch to the new model and
   * embed everything again (semantic results are partial while that runs: minutes at millions).
   */
  private async refreshModel(config: EmbeddingConfig): Promise<void> {
    const sem = this.semantic;
    if (!this.storedModel(config) || !(sem?.provider instanceof BuiltinProvider)) return;
    const newest = await latestGeneration(this.store);
    const papers = await countPapers(this.store);
    if (newest <= this.generation && !shouldRetrain(sem.provider.model, papers, TRAIN_MAX_DOCS)) return;
    const before = this.semantic;
    await this.openSemantic(config);
    if (this.semantic !== before) {
      await before?.vectors.close();
      await before?.provider.close();
    }
  }

  private async openSemantic(config: EmbeddingConfig): Promise<void> {
    try {
      let provider: ClosableProvider;
      if (this.storedModel(config)) {
        const papers = await countPapers(this.store);
        const stored = await ensureModel(this.store, papers, { dims: config.dims ?? 256, signal: this.abort.signal });
        if (!stored) {
          log.info('semantic search starts once there are papers to learn from');
          return;
        }
        if (stored.generation === this.generation && this.semantic) return;
        this.generation = stored.generation;
        provider = new BuiltinProvider(stored.model, { threads: Math.min(config.threads, availableParallelism()), chunk: config.batchSize });
      } else {
        provider = await createProvider(config);
      }
      if (this.closed) return void (await provider.close());
      const dir = vectorsDir(this.opts.root);
      let vectors: PaperVectorIndex;
      try {
        vectors = await openVectorIndex(dir, { dims: provider.dims, providerId: provider.id });
      } catch (err) {
        if (!(err instanceof VectorIndexError)) throw err;
        log.info('the vector index was built with another model or is damaged: rebuilding it', { reason: err.message });
        vectors = await openVectorIndex(dir, { dims: provider.dims, providerId: provider.id, rebuild: true });
      }
      this.semantic = { provider, vectors };
      log.info('semantic search ready', { provider: provider.id, vectors: vectors.size });
    } catch (err) {
      log.warn(`semantic search is unavailable, search is lexical only: ${errorMessage(err)}`);
    }
  }

  /**
   * Before a big embedding (a first start after a bulk import, a new model over a large
   * catalog): the vector index learns its lists from a sample of papers spread over the catalog,
   * for the catalog's size. Otherwise it would retrain itself at each 4× growth on the way
   * (20 k, 80 k, 320 k, 1.28 M vectors), the last ones holding a third of a gigabyte of codes in
   * memory at once. Checked once per vector index, then every MODEL_CHECK_MS (a bulk import while
   * serving).
   */
  private async trainVectorsAhead(sem: Semantic): Promise<void> {
    if ((this.trainAheadChecked.get(sem.vectors) ?? -Infinity) > Date.now() - MODEL_CHECK_MS) return;
    this.trainAheadChecked.set(sem.vectors, Date.now());
    const papers = await countPapers(this.store);
    if (!sem.vectors.wouldRetrainAt(papers)) return;
    const want = PaperVectorIndex.sampleSizeFor(papers);
    log.info('training the vector index on a sample of the catalog before embedding it', { papers, sample: want });
    const started = Date.now();
    const store = this.store;
    const stale = () => this.closed || this.semantic !== sem;
    async function* batches(): AsyncGenerator<Float32Array[]> {
      let batch: TrainDoc[] = [];
      for await (const doc of trainingDocs(store, want)) {
        if (stale()) return;
        batch.push(doc);
        if (batch.length < EMBED_BATCH) continue;
        yield await sem.provider.embed(batch.map(paperText), 'document');
        batch = [];
      }
      if (batch.length > 0) yield await sem.provider.embed(batch.map(paperText), 'document');
    }
    const used = await sem.vectors.trainFor(batches(), papers);
    log.info('vector index trained', { sample: used, lists: sem.vectors.lists, seconds: Math.round((Date.now() - started) / 1000) });
  }

  /** Embeds up to `budget` changes into the vector index. */
  async catchUpVectors(budget: number): Promise<number> {
    const sem = this.semantic;
    if (!sem || this.embedding) return 0;
    this.embedding = true;
    let applied = 0;
    try {
      await this.trainVectorsAhead(sem);
      while (applied < budget && !this.closed) {
        const batch = await readChanges(this.store, sem.vectors.coveredChangeSeq, EMBED_BATCH);
        if (batch.changes.length === 0) break;
        // the last version of each paper in the batch
        const docs = new Map<number, { title: string; abstract: string } | null>();
        for (const c of batch.changes) docs.set(c.seq, 'deleted' in c ? null : c.doc);
        const live = [...docs].filter((e): e is [number, { title: string; abstract: string }] => e[1] !== null);
        const vectors = live.length > 0 ? await sem.provider.embed(live.map(([, d]) => paperText(d)), 'document') : [];
        if (this.closed || this.semantic !== sem) break;
        live.forEach(([seq], i) => sem.vectors.upsert(seq, vectors[i]!));
        for (const [seq, d] of docs) if (d === null) sem.vectors.remove(seq);
        sem.vectors.coveredChangeSeq = batch.last;
        applied += batch.changes.length;
        // a big catalog (a first start after a bulk import) takes minutes: say how far it is
        this.embeddedSinceLog += live.length;
        if (this.embeddedSinceLog >= 100_000) {
          this.embeddedSinceLog = 0;
          log.info('embedding papers for semantic search', { vectors: sem.vectors.size });
        }
        if (!batch.more) break;
      }
    } finally {
      this.embedding = false;
    }
    return applied;
  }

  private async saveVectors(force = false): Promise<void> {
    const sem = this.semantic;
    if (!sem || !this.writer || !sem.vectors.unsaved) return;
    // Saving moves the codes out of the heap: do it early when many are waiting (a first embedding, a retraining).
    if (!force && Date.now() - this.lastSave < SAVE_VECTORS_MS && sem.vectors.unsavedCodeBytes < SAVE_VECTORS_BYTES) return;
    this.lastSave = Date.now();
    await sem.vectors.save();
  }

  /** Inside `serve`: follow the change log in the background. */
  start(everyMs = 1000): void {
    const loop = (fn: () => Promise<boolean>, name: string) => {
      const tick = async () => {
        if (this.closed) return;
        let soon = false;
        try {
          soon = await fn();
        } catch (err) {
          log.error(`search ${name} failed: ${errorMessage(err)}`);
        }
        if (this.closed) return;
        const t = setTimeout(() => void tick(), soon ? 5 : everyMs);
        t.unref();
        this.timers.push(t);
        if (this.timers.length > 8) this.timers.splice(0, this.timers.length - 2);
      };
      void tick();
    };
    loop(async () => {
      const n = await this.catchUpLexical(LEXICAL_BATCH);
      await this.commitLexical();
      return n >= LEXICAL_BATCH;
    }, 'indexing');
    loop(async () => {
      await this.semanticReady;
      if (this.embeddingsConfig && Date.now() - this.lastModelCheck > MODEL_CHECK_MS) {
        this.lastModelCheck = Date.now();
        this.semanticReady = this.refreshModel(this.embeddingsConfig);
        await this.semanticReady;
      }
      const n = await this.catchUpVectors(EMBED_BATCH * 8);
      await this.saveVectors(n === 0);
      // caught up: the embedding threads go until the next large batch (a first start's
      // embedding left them holding ~220 MB that serving queries never uses)
      if (n === 0 && !this.embedding) await this.semantic?.provider.idle?.();
      return n >= EMBED_BATCH * 8;
    }, 'embedding');
  }

  /** Catches up everything, writes it to disk and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    try {
      await this.lexicalRunning;
      await this.commitLexical(true);
      await this.semanticReady;
      await this.saveVectors(true);
    } finally {
      this.closed = true;
      this.lexical.close();
      await this.semantic?.vectors.close();
      await this.semantic?.provider.close();
    }
  }

  /** After catching up: whether the lexical index holds exactly the catalog's papers. */
  async check(): Promise<{ papers: number; indexed: number; ok: boolean }> {
    await this.catchUpLexical(Infinity);
    const papers = await countPapers(this.store);
    const indexed = this.lexical.size;
    return { papers, indexed, ok: papers === indexed };
  }

  /** What `dailypapers db status` shows. */
  status(): Record<string, unknown> {
    const s = this.lexical.stats();
    return {
      papers: s.docs,
      position: s.changeSeq,
      segments: s.segments.length,
      lexicalMB: +((s.segmentBytes + s.arrayBytes) / 1e6).toFixed(1),
      semantic: this.semantic ? { provider: this.semantic.provider.id, vectors: this.semantic.vectors.size, position: this.semantic.vectors.coveredChangeSeq } : null,
      /** whether semantic search is configured at all (semantic is null while it starts, and when it is off) */
      semanticConfigured: this.embeddingsConfig !== null,
      writer: this.writer,
    };
  }
}

/**
 * `dailypapers search rebuild`: both indexes from zero (the lexical index in the bulk builder's
 * way, the embeddings with the current model, retraining the built-in one when the catalog has
 * outgrown it). Returns the papers indexed.
 */
export async function rebuildSearch(store: Store, root: string, opts: { embeddings?: EmbeddingConfig | false; onProgress?: (stage: string, done: number) => void } = {}): Promise<{ papers: number; vectors: number }> {
  try {
    LexicalIndex.open(lexicalDir(root)).close();
  } catch (err) {
    throw new UserError('search_busy', `The search index in ${root} cannot be rebuilt now: ${errorMessage(err)}. Stop the server first.`);
  }
  for (const dir of [lexicalDir(root), vectorsDir(root)]) rmSync(dir, { recursive: true, force: true });
  const service = await SearchService.open(store, { root, embeddings: opts.embeddings ?? false });
  opts.onProgress?.('lexical', service.lexical.size);
  let vectors = 0;
  try {
    if (opts.embeddings !== false) {
      await service.ready();
      vectors = service.status().semantic ? ((service.status().semantic as { vectors: number }).vectors) : 0;
      opts.onProgress?.('vectors', vectors);
    }
    return { papers: service.lexical.size, vectors };
  } finally {
    await service.close();
  }
}

function openLexical(dir: string, readOnly: boolean): LexicalIndex {
  try {
    return LexicalIndex.open(dir, readOnly ? { readOnly: true } : {});
  } catch (err) {
    if (/unreadable|damaged|unsupported manifest/.test(errorMessage(err)) && !readOnly) {
      log.warn(`the search index is damaged and is rebuilt from the catalog: ${errorMessage(err)}`);
      return LexicalIndex.create(dir);
    }
    throw err;
  }
}

function searchDirError(dir: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  return new UserError('search_dir_unusable', `Cannot use the search index directory ${dir} (${code ?? errorMessage(err)}). Make it writable or choose another with SEARCH_DIR.`);
}
