/**
 * `npm run bench:search`: the search engines on a synthetic corpus from the import benchmark's
 * generator (bench/generate.ts: Zipfian vocabulary, real length distributions), side by side with
 * PostgreSQL full text (ts_rank over a GIN index) and plain FTS5 (ORDER BY bm25) on the same
 * corpus and queries. Prints a Markdown table for the README and writes it to --out.
 *
 *   npm run bench:search -- [--count 2700000] [--seed 1] [--queries 200] [--out bench/search-results.md]
 *        [--skip-pg] [--skip-fts5] [--work /tmp/dailypapers-bench-search] [--snapshot FILE]
 *        [--reuse [--redo serve,pg-query,…]] [--keep-pg] [--pg-budget 120] [--fts5-budget 60]
 *
 * Steps, each in a child process of its own (so that memory is measured alone):
 * 1. corpus: the snapshot (generated once per count and seed into --work, or the import
 *    benchmark's .bench/snapshot-<count>-<seed>.jsonl when present), parsed once into
 *    docs.ndjson, the stand-in for the catalog (not timed as part of search);
 * 2. lexical: buildIndex (src/search/lexical/bulk.ts) over every paper: time, size on disk,
 *    memory (stats());
 * 3. train: the built-in embedding model on a worker thread (trainBuiltinInWorker) from an evenly
 *    spread sample of at most 200,000 papers (what the product trains on, see shouldRetrain);
 * 4. embed: every paper (paperText) through BuiltinProvider with 2 threads into the IVF-int8
 *    vector index (upserts, then train() and save()), as a rebuild does;
 * 5. serve: a fresh process loads the three from disk the way a server starts (RSS measured),
 *    builds the query mix (bench/search-queries.ts) and times runSearch (src/search/engine.ts),
 *    parseQuery included, in the lexical, semantic and hybrid modes: each distinct query once to
 *    warm up, then --queries runs per class in a shuffled order. Phrase queries check the
 *    candidates' texts in memory (filled from docs.ndjson during the warm-up);
 * 6. fts5 and postgres: built from the same docs, then the word classes of the same mix timed
 *    (at most --fts5-budget / --pg-budget seconds of runs per class: PostgreSQL's ts_rank over
 *    the most common words takes seconds a query at 2.7 million papers).
 *
 * Built artifacts live in --work/n<count>-s<seed>/; --reuse skips the steps whose results are
 * there (PostgreSQL's only with the table kept by --keep-pg), except those named in --redo (the
 * query mix is seeded, so `--reuse --redo serve` times our engine again against the same
 * baseline results). Steps: catalog, lexical, train, embed, serve, fts5-build, fts5-query,
 * pg-build, pg-query. The PostgreSQL server is BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test); the table lives in schema bench_search
 * and is dropped at the end unless --keep-pg.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSnapshot, Rng } from './generate.js';
import { catalogExists, DocStore, phraseChecker, writeCatalog } from './search-corpus.js';
import { buildQueryMix, CLASS_LABEL, QUERY_CLASSES, quantile, schedule, Timings, BASELINE_CLASSES, type BenchQuery, type EngineSummary, type QueryClass } from './search-queries.js';
import { buildFts5, buildPg, dropPg, fileBytes, pgTableReady, queryFts5, queryPg, type Fts5BuildResult, type PgBuildResult } from './search-baselines.js';
import { buildIndex } from '../src/search/lexical/bulk.js';
import { LexicalIndex } from '../src/search/lexical/index.js';
import { BuiltinProvider, isZeroVector, loadModel, saveModel, trainBuiltinInWorker, type TrainDoc } from '../src/search/embed/index.js';
import { paperText } from '../src/search/embed/index.js';
import { openVectorIndex } from '../src/search/vectors/index.js';
import { runSearch, type SearchEngines, type SearchMode } from '../src/search/engine.js';
import { parseQuery } from '../src/search/query.js';

const SELF = fileURLToPath(import.meta.url);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TRAIN_MAX_DOCS = 200_000;
const EMBED_THREADS = 2;
const MODES: readonly SearchMode[] = ['lexical', 'semantic', 'hybrid'];

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const MB = (b: number) => b / 2 ** 20;
/** 1.5 GB (10^9 bytes) in MiB, the issue's memory target read strictly */
const GB_1_5 = 1.5e9 / 2 ** 20;
const rssMB = () => MB(process.memoryUsage().rss);
const peakRssMB = () => process.resourceUsage().maxRSS / 1024;
function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function cpuSince(c: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
}

function dirBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((s, name) => s + dirBytes(join(path, name)), 0);
}

// ---------------------------------------------------------------------------------------------
// Steps (each runs in a child process: `node dist/bench/search.js --phase NAME --job JSON`)

interface Job {
  dir: string;
  count: number;
  seed: number;
  snapshot: string;
  queries: number;
  pgUrl: string;
  pgBudget: number;
  fts5Budget: number;
}

interface LexicalResult {
  docs: number;
  wallS: number;
  /** CPU time of the process (all threads) */
  cpuS: number;
  readS: number;
  indexS: number;
  segments: number;
  terms: number;
  segmentBytes: number;
  arrayBytes: number;
  diskBytes: number;
  peakRssMB: number;
}

interface TrainResult {
  sampleDocs: number;
  readS: number;
  trainS: number;
  cpuS: number;
  terms: number;
  dims: number;
  modelBytes: number;
  providerId: string;
}

interface EmbedResult {
  docs: number;
  zero: number;
  wallS: number;
  /** CPU time of the process (main thread and embedding workers) during the embedding */
  cpuS: number;
  readS: number;
  upsertS: number;
  trainS: number;
  lists: number;
  saveS: number;
  fileBytes: number;
  memoryBytes: number;
  peakRssMB: number;
}

interface ModeResult extends EngineSummary {
  overall: { runs: number; p50: number; p99: number };
  /** the same runs in CPU time of this process (the machine's other load left out) */
  cpu: { overall: { p50: number; p99: number }; classes: Partial<Record<QueryClass, { p50: number; p99: number }>> };
  /** per query text: results returned, total, whether the semantic list was used */
  results: Record<string, { hits: number; total: number; semantic: boolean }>;
}

interface ServeResult {
  load: { lexicalS: number; modelS: number; vectorsS: number };
  rss: {
    beforeMB: number;
    loadedMB: number;
    /** after the timed queries, the benchmark's phrase-text cache and doc offsets still held */
    afterQueriesMB: number;
    /** the same after dropping them (and a GC): the server's own footprint */
    serverAfterQueriesMB: number;
    peakMB: number;
    phraseCacheMB: number;
    heapUsedMB: number;
    arrayBuffersMB: number;
  };
  parts: { lexicalSegmentsMB: number; lexicalArraysMB: number; vectorsMB: number; modelFileMB: number };
  modes: Record<string, ModeResult>;
  queries: BenchQuery[];
  phrase: { misses: number; checked: number };
  loadavg: number[];
}

async function phaseCatalog(job: Job): Promise<unknown> {
  log(`catalog: parsing ${job.snapshot}`);
  const r = writeCatalog(job.snapshot, job.dir, (n) => log(`  ${n} papers`));
  log(`catalog: ${r.docs} papers in ${r.seconds.toFixed(0)} s`);
  return r;
}

async function phaseLexical(job: Job): Promise<LexicalResult> {
  const store = new DocStore(job.dir);
  const timing = { ms: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const index = await buildIndex(join(job.dir, 'lexical'), store.all(Infinity, timing), {
    changeSeq: store.count,
    onProgress: (n) => {
      if (n % (131_072 * 4) === 0) log(`  lexical: ${n} docs, ${((performance.now() - t0) / 1000).toFixed(0)} s, rss ${rssMB().toFixed(0)} MB`);
    },
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSince(cpu0);
  const st = index.stats();
  index.close();
  store.close();
  const r: LexicalResult = {
    docs: st.docs,
    wallS,
    cpuS,
    readS: timing.ms / 1000,
    indexS: wallS - timing.ms / 1000,
    segments: st.segments.length,
    terms: st.segments.reduce((a, s) => a + s.terms, 0),
    segmentBytes: st.segmentBytes,
    arrayBytes: st.arrayBytes,
    diskBytes: dirBytes(join(job.dir, 'lexical')),
    peakRssMB: peakRssMB(),
  };
  log(`lexical: ${r.docs} docs in ${wallS.toFixed(1)} s (reading ${r.readS.toFixed(1)} s), ${MB(r.diskBytes).toFixed(0)} MB on disk`);
  return r;
}

async function phaseTrain(job: Job): Promise<TrainResult> {
  const store = new DocStore(job.dir);
  const t0 = performance.now();
  const n = Math.min(TRAIN_MAX_DOCS, store.count);
  const stride = store.count / n;
  const sample: TrainDoc[] = [];
  for (let i = 0; i < n; i++) {
    const d = store.get(1 + Math.floor(i * stride));
    sample.push({ title: d.title, abstract: d.abstract });
  }
  store.close();
  const readS = (performance.now() - t0) / 1000;
  log(`train: ${n} papers read in ${readS.toFixed(1)} s; training`);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = await trainBuiltinInWorker(sample, { dims: 256, onProgress: (stage) => log(`  train: ${stage}`) });
  const trainS = (performance.now() - t1) / 1000;
  const cpuS = cpuSince(cpu0);
  const path = join(job.dir, 'model.bin');
  await saveModel(model, path);
  const provider = new BuiltinProvider(model);
  log(`train: ${trainS.toFixed(1)} s, ${model.stats.terms} terms`);
  return { sampleDocs: n, readS, trainS, cpuS, terms: model.stats.terms, dims: model.dims, modelBytes: statSync(path).size, providerId: provider.id };
}

async function phaseEmbed(job: Job): Promise<EmbedResult> {
  const model = await loadModel(join(job.dir, 'model.bin'));
  const provider = new BuiltinProvider(model, { threads: EMBED_THREADS });
  const index = await openVectorIndex(join(job.dir, 'vectors'), { dims: model.dims, providerId: provider.id, autoTrain: false, rebuild: true });
  const store = new DocStore(job.dir);
  const timing = { ms: 0 };
  let upsertMs = 0;
  let zero = 0;
  let docs = 0;
  type InFlight = { seqs: number[]; vectors: Promise<Float32Array[]> };
  const drain = async (x: InFlight) => {
    const vs = await x.vectors;
    const t = performance.now();
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      if (isZeroVector(v)) zero++;
      else index.upsert(x.seqs[i]!, v);
    }
    upsertMs += performance.now() - t;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let prev: InFlight | null = null;
  let next = 250_000;
  // Two batches in flight: the workers embed one while this thread reads the next and stores the last.
  for (const batch of store.batches(4096, timing)) {
    const cur: InFlight = { seqs: batch.map((d) => d.seq), vectors: provider.embed(batch.map(paperText), 'document') };
    if (prev) await drain(prev);
    prev = cur;
    docs += batch.length;
    if (docs >= next) {
      next += 250_000;
      log(`  embed: ${docs} papers, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  if (prev) await drain(prev);
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSince(cpu0);
  await provider.close();
  store.close();
  log(`embed: ${docs} papers in ${wallS.toFixed(1)} s; training the lists`);
  const t1 = performance.now();
  index.train();
  const trainS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  await index.save();
  const saveS = (performance.now() - t2) / 1000;
  return {
    docs,
    zero,
    wallS,
    cpuS,
    readS: timing.ms / 1000,
    upsertS: upsertMs / 1000,
    trainS,
    lists: index.lists,
    saveS,
    fileBytes: dirBytes(join(job.dir, 'vectors')),
    memoryBytes: index.memoryBytes,
    peakRssMB: peakRssMB(),
  };
}

async function phaseServe(job: Job): Promise<ServeResult> {
  gc();
  const beforeMB = rssMB();
  const t0 = performance.now();
  const lexical = LexicalIndex.open(join(job.dir, 'lexical'), { readOnly: true });
  const t1 = performance.now();
  const model = await loadModel(join(job.dir, 'model.bin'));
  const provider = new BuiltinProvider(model);
  const t2 = performance.now();
  const vectors = await openVectorIndex(join(job.dir, 'vectors'), { dims: model.dims, providerId: provider.id });
  const t3 = performance.now();
  gc();
  const loadedMB = rssMB();
  const st = lexical.stats();
  log(`serve: loaded in ${((t3 - t0) / 1000).toFixed(1)} s, RSS ${loadedMB.toFixed(0)} MB`);
  const engines: SearchEngines = { lexical, semantic: { provider, vectors } };

  // the query mix, from random papers
  const store = new DocStore(job.dir);
  const rng = new Rng(job.seed, 0x5e4c);
  const sample = Array.from({ length: Math.min(3000, store.count) }, () => store.get(1 + rng.int(store.count)));
  const queries = buildQueryMix(lexical, sample, store.count, job.seed);
  sample.length = 0;
  const perClass = Object.fromEntries(QUERY_CLASSES.map((c) => [c, queries.filter((q) => q.cls === c).length]));
  log(`serve: ${queries.length} distinct queries ${JSON.stringify(perClass)}`);
  writeFileSync(join(job.dir, 'queries.json'), JSON.stringify(queries, null, 1));

  const cache = new Map<number, string>();
  const phraseStats = { misses: 0, checked: 0, bytes: 0 };
  const checkPhrases = phraseChecker(store, cache, phraseStats);
  const today = Math.floor(Date.now() / 86_400_000);
  const search = (text: string, mode: SearchMode) => runSearch(engines, { query: parseQuery(text), offset: 0, limit: 20, mode, today, checkPhrases });

  const modes: Record<string, ModeResult> = {};
  for (const [mi, mode] of MODES.entries()) {
    const results: ModeResult['results'] = {};
    for (const q of queries) {
      const r = await search(q.text, mode);
      results[q.text] = { hits: r.hits.length, total: r.total, semantic: r.used.semantic };
    }
    const missesAfterWarmup = phraseStats.misses;
    const runs = schedule(queries, QUERY_CLASSES, job.queries, job.seed + mi);
    const timings = new Timings();
    const cpuTimings = new Timings();
    const all: number[] = [];
    const allCpu: number[] = [];
    const started = performance.now();
    for (const q of runs) {
      const c = process.cpuUsage();
      const t = performance.now();
      await search(q.text, mode);
      const ms = performance.now() - t;
      const cu = process.cpuUsage(c);
      const cpuMs = (cu.user + cu.system) / 1000;
      timings.add(q, ms);
      cpuTimings.add(q, cpuMs);
      all.push(ms);
      allCpu.push(cpuMs);
    }
    const s = timings.summary(queries);
    const cpuClasses: ModeResult['cpu']['classes'] = {};
    for (const [cls, xs] of cpuTimings.byClass) cpuClasses[cls] = { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) };
    modes[mode] = { ...s, overall: { runs: all.length, p50: quantile(all, 0.5), p99: quantile(all, 0.99) }, cpu: { overall: { p50: quantile(allCpu, 0.5), p99: quantile(allCpu, 0.99) }, classes: cpuClasses }, results };
    log(`serve: ${mode}: ${runs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s, p50 ${quantile(all, 0.5).toFixed(2)} ms, p99 ${quantile(all, 0.99).toFixed(2)} ms${phraseStats.misses > missesAfterWarmup ? `, ${phraseStats.misses - missesAfterWarmup} phrase texts read from disk during timing` : ''}`);
  }
  gc();
  const mem = process.memoryUsage();
  cache.clear();
  store.close();
  gc();
  await new Promise((r) => setTimeout(r, 1000));
  gc();
  const serverAfterQueriesMB = rssMB();
  log(`serve: RSS ${MB(mem.rss).toFixed(0)} MB after the queries, ${serverAfterQueriesMB.toFixed(0)} MB without the benchmark's caches`);
  return {
    load: { lexicalS: (t1 - t0) / 1000, modelS: (t2 - t1) / 1000, vectorsS: (t3 - t2) / 1000 },
    rss: { beforeMB, loadedMB, afterQueriesMB: MB(mem.rss), serverAfterQueriesMB, peakMB: peakRssMB(), phraseCacheMB: MB(phraseStats.bytes), heapUsedMB: MB(mem.heapUsed), arrayBuffersMB: MB(mem.arrayBuffers) },
    parts: { lexicalSegmentsMB: MB(st.segmentBytes), lexicalArraysMB: MB(st.arrayBytes), vectorsMB: MB(vectors.memoryBytes), modelFileMB: MB(statSync(join(job.dir, 'model.bin')).size) },
    modes,
    queries,
    phrase: { misses: phraseStats.misses, checked: phraseStats.checked },
    loadavg: loadavg(),
  };
}

async function phaseFts5Build(job: Job): Promise<Fts5BuildResult> {
  const store = new DocStore(job.dir);
  log('fts5: loading');
  const r = buildFts5(store, join(job.dir, 'fts5.db'));
  store.close();
  log(`fts5: ${r.docs} docs in ${r.loadS.toFixed(0)} s + optimize ${r.optimizeS.toFixed(0)} s, ${MB(r.bytes).toFixed(0)} MB`);
  return r;
}

function readQueries(job: Job): BenchQuery[] {
  return JSON.parse(readFileSync(join(job.dir, 'queries.json'), 'utf8')) as BenchQuery[];
}

async function phaseFts5Query(job: Job): Promise<unknown> {
  log('fts5: queries');
  return queryFts5(join(job.dir, 'fts5.db'), readQueries(job), { perClass: job.queries, budgetS: job.fts5Budget, seed: job.seed });
}

async function phasePgBuild(job: Job): Promise<PgBuildResult> {
  const store = new DocStore(job.dir);
  log('postgres: loading');
  const r = await buildPg(store, job.pgUrl);
  store.close();
  return r;
}

async function phasePgQuery(job: Job): Promise<unknown> {
  log('postgres: queries');
  return queryPg(job.pgUrl, readQueries(job), { perClass: job.queries, budgetS: job.pgBudget, seed: job.seed });
}

const PHASES: Record<string, (job: Job) => Promise<unknown>> = {
  catalog: phaseCatalog,
  lexical: phaseLexical,
  train: phaseTrain,
  embed: phaseEmbed,
  serve: phaseServe,
  'fts5-build': phaseFts5Build,
  'fts5-query': phaseFts5Query,
  'pg-build': phasePgBuild,
  'pg-query': phasePgQuery,
};

/** What runPhase adds to a step's result. */
interface PhaseMeta {
  /** mean of the 1-minute load average sampled every 5 s during the step (this benchmark's own threads included) */
  meanLoad: number;
  stepS: number;
}

/** Runs a step in a child process; its result is kept in dir/phase-NAME.json. */
async function runPhase<T>(name: string, job: Job, reuse: boolean): Promise<T & PhaseMeta> {
  const file = join(job.dir, `phase-${name}.json`);
  if (reuse && existsSync(file)) {
    log(`${name}: reusing ${file}`);
    return JSON.parse(readFileSync(file, 'utf8')) as T & PhaseMeta;
  }
  const loads: number[] = [loadavg()[0]!];
  const timer = setInterval(() => loads.push(loadavg()[0]!), 5000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=6144', SELF, '--phase', name, '--job', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
  clearInterval(timer);
  if (code !== 0 || !existsSync(`${file}.tmp`)) throw new Error(`step ${name} failed (status ${code}, signal ${signal})`);
  renameSync(`${file}.tmp`, file);
  const out = JSON.parse(readFileSync(file, 'utf8')) as T & PhaseMeta;
  out.meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
  out.stepS = (performance.now() - t0) / 1000;
  writeFileSync(file, JSON.stringify(out, null, 1));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The report

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? n0(x) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const secs = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? `${n0(x)} s` : `${x.toFixed(1)} s`);
const mbs = (b: number) => `${n0(MB(b))} MiB`;

interface Report {
  count: number;
  seed: number;
  snapshotBytes: number;
  machine: string;
  budgets: { pg: number; fts5: number };
  catalog: { docs: number; seconds: number };
  lexical: LexicalResult & PhaseMeta;
  train: TrainResult & PhaseMeta;
  embed: EmbedResult & PhaseMeta;
  serve: ServeResult & PhaseMeta;
  fts5?: { build: Fts5BuildResult & PhaseMeta; query: EngineSummary & { hits: Record<string, number> } & PhaseMeta };
  pg?: { build: PgBuildResult & PhaseMeta; query: EngineSummary & { hits: Record<string, number>; plan: string } & PhaseMeta };
}

function cell(s: EngineSummary | undefined, cls: QueryClass): string {
  const c = s?.classes[cls];
  if (!c) return '—';
  return `${ms(c.p50)} / ${ms(c.p99)}${c.capped ? ` (${c.runs} runs)` : ''}`;
}

export function renderReport(r: Report): string {
  const out: string[] = [];
  const { lexical: lx, train, embed, serve } = r;
  out.push(`Search on ${n0(r.count)} synthetic papers (bench/generate.ts, seed ${r.seed}, ${(r.snapshotBytes / 1e9).toFixed(1)} GB snapshot), ${r.machine}.`);
  out.push('');
  const load = (x: Partial<PhaseMeta>) => (x.meanLoad === undefined ? '' : x.meanLoad.toFixed(1));
  out.push('| step | time | CPU | load | on disk | in memory |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| lexical index: bulk build (buildIndex, one thread) | ${secs(lx.wallS)} (${n0(lx.docs / lx.wallS)} papers/s; reading the docs ${secs(lx.readS)}) | ${secs(lx.cpuS)} | ${load(lx)} | ${mbs(lx.diskBytes)} | ${mbs(lx.segmentBytes + lx.arrayBytes)} (stats(); build peak RSS ${n0(lx.peakRssMB)} MiB) |`);
  out.push(`| built-in model: training on ${n0(train.sampleDocs)} papers (worker thread) | ${secs(train.trainS)} | ${secs(train.cpuS)} | ${load(train)} | ${mbs(train.modelBytes)} | |`);
  out.push(`| embedding all ${n0(embed.docs)} papers (built-in, ${EMBED_THREADS} threads; reading the docs and upserts included) | ${secs(embed.wallS)} (${n0(embed.docs / embed.wallS)} papers/s) | ${secs(embed.cpuS)} (${n0(embed.docs / embed.cpuS)} papers/CPU-s) | ${load(embed)} | | |`);
  out.push(`| vector index (IVF int8, ${n0(embed.lists)} lists): upserts (during the embedding), train(), save() | ${secs(embed.upsertS)} + ${secs(embed.trainS)} + ${secs(embed.saveS)} | | | ${mbs(embed.fileBytes)} | ${mbs(embed.memoryBytes)} |`);
  if (r.fts5) out.push(`| FTS5 (porter unicode61, contentless): load + optimize | ${secs(r.fts5.build.loadS)} + ${secs(r.fts5.build.optimizeS)} | | ${load(r.fts5.build)} | ${mbs(r.fts5.build.bytes)} | |`);
  if (r.pg) out.push(`| PostgreSQL: load with tsvector (2 connections) + GIN index + VACUUM ANALYZE | ${secs(r.pg.build.loadS)} + ${secs(r.pg.build.indexS)} + ${secs(r.pg.build.vacuumS)} | | ${load(r.pg.build)} | ${mbs(r.pg.build.tableBytes)} table + ${mbs(r.pg.build.indexBytes)} GIN | |`);
  out.push('');
  out.push('CPU: CPU time of the step\'s process, all threads. Load: mean 1-minute load average during the step, this benchmark\'s own threads included (the machine is shared).');
  out.push('');
  out.push(
    `Server memory (a fresh process loading the lexical index, the model and the vector index from disk in ${secs(serve.load.lexicalS + serve.load.modelS + serve.load.vectorsS)}): ` +
      `RSS ${n0(serve.rss.loadedMB)} MiB loaded, ${n0(serve.rss.serverAfterQueriesMB)} MiB after all the queries below ` +
      `(${n0(serve.rss.afterQueriesMB)} MiB before dropping the benchmark's own phrase-text cache and doc offsets; peak ${n0(serve.rss.peakMB)} MiB). ` +
      `Parts: lexical ${n0(serve.parts.lexicalSegmentsMB + serve.parts.lexicalArraysMB)} MiB, vectors ${n0(serve.parts.vectorsMB)} MiB in memory (their codes, ${mbs(embed.fileBytes)}, are read from the index file as lists are scanned), model file ${n0(serve.parts.modelFileMB)} MiB, JS heap ${n0(serve.rss.heapUsedMB)} MiB.`,
  );
  out.push('');
  const runs = serve.modes.lexical!.classes.common?.runs ?? 0;
  out.push(
    `Latency in ms, p50 / p99 (wall clock), through runSearch (parse included, 20 results and the bounded count), ${n0(runs)} runs per class and mode after a warm-up; ` +
      `FTS5 and PostgreSQL run the word classes (no category, author or date columns), at most ${r.budgets.fts5} s and ${r.budgets.pg} s of runs per class (runs shown when cut short). ` +
      `Mean load during our queries ${load(serve)}, during FTS5's ${r.fts5 ? load(r.fts5.query) : '—'}, PostgreSQL's ${r.pg ? load(r.pg.query) : '—'} (the machine is shared; the CPU-time row is ours without the others' load).`,
  );
  out.push('');
  out.push('| queries | distinct | lexical | semantic | hybrid | FTS5 bm25 | PostgreSQL ts_rank |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const cls of QUERY_CLASSES) {
    const d = serve.queries.filter((q) => q.cls === cls).length;
    out.push(`| ${CLASS_LABEL[cls]} | ${d} | ${MODES.map((m) => cell(serve.modes[m], cls)).join(' | ')} | ${BASELINE_CLASSES.includes(cls) && r.fts5 ? cell(r.fts5.query, cls) : '—'} | ${BASELINE_CLASSES.includes(cls) && r.pg ? cell(r.pg.query, cls) : '—'} |`);
  }
  out.push(`| **whole mix** | ${serve.queries.length} | ${MODES.map((m) => `**${ms(serve.modes[m]!.overall.p50)} / ${ms(serve.modes[m]!.overall.p99)}**`).join(' | ')} | | |`);
  out.push(`| whole mix, CPU time of the process | | ${MODES.map((m) => `${ms(serve.modes[m]!.cpu.overall.p50)} / ${ms(serve.modes[m]!.cpu.overall.p99)}`).join(' | ')} | | |`);
  out.push('');
  // single common words, the slowest for the baselines
  const named = ['learning', 'model', 'neural network', 'deep learning', 'language model'];
  out.push(`p50 of single queries (ms): ${named.map((q) => `"${q}" ${ms(serve.modes.lexical!.perQuery[q])} lexical / ${ms(serve.modes.hybrid!.perQuery[q])} hybrid${r.fts5 ? ` / ${ms(r.fts5.query.perQuery[q])} FTS5` : ''}${r.pg ? ` / ${ms(r.pg.query.perQuery[q])} PostgreSQL` : ''}`).join('; ')}.`);
  out.push('');
  // targets
  const lexAll = serve.modes.lexical!.overall;
  const hybAll = serve.modes.hybrid!.overall;
  const worst = (m: string, k: 'p50' | 'p99') => {
    let best: [string, number] = ['', -1];
    for (const [cls, c] of Object.entries(serve.modes[m]!.classes)) if (c && c[k] > best[1]) best = [CLASS_LABEL[cls as QueryClass], c[k]];
    return `${best[0]} ${ms(best[1])}`;
  };
  const yes = (ok: boolean) => (ok ? 'met' : '**not met**');
  out.push('| target | measured | |');
  out.push('| --- | --- | --- |');
  const lexCpu = serve.modes.lexical!.cpu.overall;
  const hybCpu = serve.modes.hybrid!.cpu.overall;
  out.push(`| lexical p50 ≤ 10 ms | ${ms(lexAll.p50)} ms whole mix, CPU ${ms(lexCpu.p50)} ms (slowest class: ${worst('lexical', 'p50')}) | ${yes(lexAll.p50 <= 10)} |`);
  out.push(`| lexical p99 ≤ 50 ms | ${ms(lexAll.p99)} ms, CPU ${ms(lexCpu.p99)} ms (slowest class: ${worst('lexical', 'p99')}) | ${yes(lexAll.p99 <= 50)} |`);
  out.push(`| hybrid p50 ≤ 30 ms | ${ms(hybAll.p50)} ms, CPU ${ms(hybCpu.p50)} ms (slowest class: ${worst('hybrid', 'p50')}) | ${yes(hybAll.p50 <= 30)} |`);
  out.push(`| hybrid p99 ≤ 100 ms | ${ms(hybAll.p99)} ms, CPU ${ms(hybCpu.p99)} ms (slowest class: ${worst('hybrid', 'p99')}) | ${yes(hybAll.p99 <= 100)} |`);
  const pgCommon = r.pg?.query.classes.common?.p50;
  const lexCommon = serve.modes.lexical!.classes.common!.p50;
  const hybCommon = serve.modes.hybrid!.classes.common!.p50;
  if (pgCommon !== undefined) {
    out.push(`| ≥ 10× faster than PostgreSQL ts_rank at p50, common terms | ${n0(pgCommon / lexCommon)}× lexical, ${n0(pgCommon / hybCommon)}× hybrid (${ms(pgCommon)} ms vs ${ms(lexCommon)} / ${ms(hybCommon)} ms) | ${yes(pgCommon / hybCommon >= 10 && pgCommon / lexCommon >= 10)} |`);
  } else out.push('| ≥ 10× faster than PostgreSQL ts_rank at p50, common terms | not measured (--skip-pg) | |');
  out.push(`| whole corpus embedded in ≤ 10 min | ${(embed.wallS / 60).toFixed(1)} min wall at load ${load(embed)}; ${n0(embed.cpuS)} CPU-s, i.e. ${(embed.cpuS / 2 / 60).toFixed(1)} min on 2 idle cores | ${yes(embed.wallS <= 600)} |`);
  const server = serve.rss.serverAfterQueriesMB ?? serve.rss.afterQueriesMB;
  out.push(
    // this process holds the search indexes only; the whole server (HTTP, SQLite, caches) is measured by running it (README)
    `| server memory ≤ 1.5 GB (1,431 MiB) with everything loaded | ${n0(server)} MiB RSS after the queries (${n0(serve.rss.loadedMB)} MiB just loaded), the search indexes alone | ${server <= GB_1_5 ? `search alone within it, ${n0(GB_1_5 - server)} MiB left for the rest of the server: the whole server is measured by npm run bench:server` : '**not met** by search alone'} |`,
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phase: { type: 'string' },
      job: { type: 'string' },
      count: { type: 'string', default: '2700000' },
      seed: { type: 'string', default: '1' },
      queries: { type: 'string', default: '200' },
      out: { type: 'string', default: 'bench/search-results.md' },
      work: { type: 'string', default: '/tmp/dailypapers-bench-search' },
      snapshot: { type: 'string' },
      'skip-pg': { type: 'boolean', default: false },
      'skip-fts5': { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      'keep-pg': { type: 'boolean', default: false },
      redo: { type: 'string', default: '' },
      'pg-budget': { type: 'string', default: '120' },
      'fts5-budget': { type: 'string', default: '60' },
    },
  });
  if (values.phase) {
    const job = JSON.parse(values.job!) as Job;
    const result = await PHASES[values.phase]!(job);
    writeFileSync(join(job.dir, `phase-${values.phase}.json.tmp`), JSON.stringify(result));
    process.exit(0);
  }
  const count = Number(values.count!.replace(/_/g, ''));
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(count) || count < 1000) throw new Error('--count must be a whole number ≥ 1000');
  const work = resolve(values.work!);
  const dir = join(work, `n${count}-s${seed}`);
  mkdirSync(dir, { recursive: true });
  const redo = new Set(values.redo!.split(',').filter(Boolean));
  for (const step of redo) if (!(step in PHASES)) throw new Error(`--redo: unknown step ${step} (${Object.keys(PHASES).join(', ')})`);
  const reuse = values.reuse!;
  /** whether a step's earlier result may stand: --reuse, not named in --redo, and its artifact present */
  const keep = (step: string, artifact = true) => reuse && !redo.has(step) && artifact;

  // the corpus
  let snapshot = values.snapshot ? resolve(values.snapshot) : join(work, `snapshot-${count}-${seed}.jsonl`);
  const importCache = resolve(`.bench/snapshot-${count}-${seed}.jsonl`);
  if (!values.snapshot && !existsSync(snapshot) && existsSync(importCache)) snapshot = importCache;
  if (!existsSync(snapshot)) {
    log(`generating ${count} papers → ${snapshot}`);
    const t0 = performance.now();
    await generateSnapshot({ count, seed, out: `${snapshot}.tmp` });
    renameSync(`${snapshot}.tmp`, snapshot);
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const job: Job = { dir, count, seed, snapshot, queries: Number(values.queries), pgUrl: PG_URL, pgBudget: Number(values['pg-budget']), fts5Budget: Number(values['fts5-budget']) };
  const catalog = await runPhase<{ docs: number; seconds: number }>('catalog', job, catalogExists(dir));

  const lexical = await runPhase<LexicalResult>('lexical', job, keep('lexical', existsSync(join(dir, 'lexical'))));
  const train = await runPhase<TrainResult>('train', job, keep('train', existsSync(join(dir, 'model.bin'))));
  const embed = await runPhase<EmbedResult>('embed', job, keep('embed', existsSync(join(dir, 'vectors'))));
  const serve = await runPhase<ServeResult>('serve', job, keep('serve'));
  const report: Report = { count: catalog.docs, seed, snapshotBytes: statSync(snapshot).size, machine: '', budgets: { pg: job.pgBudget, fts5: job.fts5Budget }, catalog, lexical, train, embed, serve };
  let sqliteVersion = '';
  if (!values['skip-fts5']) {
    const build = await runPhase<Fts5BuildResult>('fts5-build', job, keep('fts5-build', existsSync(join(dir, 'fts5.db'))));
    sqliteVersion = build.sqlite;
    report.fts5 = { build, query: await runPhase('fts5-query', job, keep('fts5-query')) };
  }
  let pgVersion = '';
  if (!values['skip-pg']) {
    const ready = keep('pg-build') && (await pgTableReady(PG_URL, catalog.docs).catch(() => false));
    const build = await runPhase<PgBuildResult>('pg-build', job, ready);
    pgVersion = build.version;
    report.pg = { build, query: await runPhase('pg-query', job, keep('pg-query') && ready) };
    if (!values['keep-pg']) await dropPg(PG_URL);
  }
  report.machine =
    `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}` +
    `${sqliteVersion ? `, SQLite ${sqliteVersion}` : ''}${pgVersion ? `, PostgreSQL ${pgVersion}` : ''}, measured ${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(join(dir, 'results.json'), JSON.stringify(report, null, 1));
  const md = renderReport(report);
  mkdirSync(dirname(resolve(values.out!)), { recursive: true });
  writeFileSync(values.out!, `${md}\n`);
  process.stdout.write(`\n${md}\n`);
  // slowest queries per class (for the log)
  for (const m of MODES) {
    const s = serve.modes[m]!;
    process.stderr.write(`\nslowest ${m}: ${QUERY_CLASSES.map((c) => `${c}: ${(s.classes[c]?.slowest ?? []).map((x) => `${x.text} ${ms(x.p50)}`).join(', ')}`).join(' | ')}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
