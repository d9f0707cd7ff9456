/**
 * The search benchmark's baselines (bench/search.ts), on the same corpus and query mix:
 *
 * - PostgreSQL full text: a table like the catalog's (seq, title, abstract, authors and the
 *   tsvector the product's migration generates: english title 'A', simple author names 'B',
 *   english abstract 'C'), a GIN index, and
 *   `SELECT seq … WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT 20`, the words OR-ed
 *   (our lexical engine ranks 'any' word too), phrases as `a <-> b`, AND-ed with the rest. The
 *   table is UNLOGGED (the load writes no WAL; reads are the same) in schema `bench_search`.
 * - SQLite FTS5 as the product configures it (contentless, porter unicode61 remove_diacritics 2,
 *   src/search/fts-index.ts), optimized into one b-tree after the load, and
 *   `… MATCH '"a" OR "b"' ORDER BY bm25(papers_fts, 10, 5, 1) LIMIT 20` (src/search/simple.ts).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DocStore } from './search-corpus.js';
import { BASELINE_CLASSES, Timings, type BenchQuery, type EngineSummary, type QueryClass } from './search-queries.js';
import { parseQuery } from '../src/search/query.js';

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** Letter-and-digit pieces of a word ("x-ray" → x, ray): nothing typed reaches an engine's syntax. */
function pieces(w: string): string[] {
  return w.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** to_tsquery text: (w1 | w2 | …) & (p1 <-> p2) & … ; null when nothing is left. */
export function pgTsquery(text: string): string | null {
  const q = parseQuery(text);
  const parts: string[] = [];
  const ws = q.words.flatMap(pieces);
  if (ws.length > 0) parts.push(`(${ws.join(' | ')})`);
  for (const p of q.phrases) {
    const ps = p.flatMap(pieces);
    if (ps.length > 0) parts.push(`(${ps.join(' <-> ')})`);
  }
  return parts.length > 0 ? parts.join(' & ') : null;
}

/** FTS5 MATCH text: ("w1" OR "w2" …) AND "p1 p2" … ; null when nothing is left. */
export function fts5Match(text: string): string | null {
  const q = parseQuery(text);
  const parts: string[] = [];
  const ws = q.words.flatMap(pieces);
  if (ws.length > 0) parts.push(`(${ws.map((w) => `"${w}"`).join(' OR ')})`);
  for (const p of q.phrases) {
    const ps = p.flatMap(pieces);
    if (ps.length > 0) parts.push(`"${ps.join(' ')}"`);
  }
  return parts.length > 0 ? parts.join(' AND ') : null;
}

/** Distinct queries of a class timed at least once, whatever the budget. */
const MIN_TIMED_DISTINCT = 12;

export interface TimedRunOptions {
  perClass: number;
  /** seconds of timed runs per class at most (at least one run of each distinct query) */
  budgetS: number;
  seed: number;
}

/**
 * Warm-up: per class, its distinct queries once each, for at most a quarter of the budget (the
 * first query of a class always; the corpus is then in the page cache, the slowest queries take
 * seconds). Then per class: its distinct queries in turn until `perClass` runs or the budget is
 * spent (at least one timed run of each of its first MIN_TIMED_DISTINCT queries).
 */
async function timedRuns(queries: BenchQuery[], run: (q: BenchQuery) => Promise<number> | number, opts: TimedRunOptions): Promise<{ timings: Timings; hits: Record<string, number> }> {
  const timings = new Timings();
  const hits: Record<string, number> = {};
  const baseline = queries.filter((q) => BASELINE_CLASSES.includes(q.cls));
  for (const cls of BASELINE_CLASSES) {
    const started = performance.now();
    let n = 0;
    for (const q of baseline.filter((x) => x.cls === cls)) {
      if (n > 0 && performance.now() - started > (opts.budgetS * 1000) / 4) break;
      hits[q.text] = await run(q);
      n++;
    }
    log(`  warm-up ${cls}: ${n} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const cls of BASELINE_CLASSES) {
    const qs = baseline.filter((q) => q.cls === cls);
    if (qs.length === 0) continue;
    const started = performance.now();
    for (let i = 0; i < opts.perClass; i++) {
      if (i >= Math.min(qs.length, MIN_TIMED_DISTINCT) && performance.now() - started > opts.budgetS * 1000) {
        timings.capped.add(cls);
        break;
      }
      const q = qs[i % qs.length]!;
      const t = performance.now();
      await run(q);
      timings.add(q, performance.now() - t);
    }
    const xs = timings.byClass.get(cls)!;
    log(`  ${cls}: ${xs.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s${timings.capped.has(cls) ? ' (budget reached)' : ''}`);
  }
  return { timings, hits };
}

// ---------------------------------------------------------------------------------------------
// SQLite FTS5

export interface Fts5BuildResult {
  docs: number;
  loadS: number;
  optimizeS: number;
  bytes: number;
  sqlite: string;
}

export function buildFts5(store: DocStore, path: string): Fts5BuildResult {
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(path + s, { force: true });
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE VIRTUAL TABLE papers_fts USING fts5(
      title, author_names, abstract,
      content='', contentless_delete=1,
      tokenize='porter unicode61 remove_diacritics 2'
    )`);
  const insert = db.prepare('INSERT INTO papers_fts (rowid, title, author_names, abstract) VALUES (?, ?, ?, ?)');
  const load = db.transaction((docs: ReturnType<DocStore['get']>[]) => {
    for (const d of docs) insert.run(d.seq, d.title, d.authors.join(', '), d.abstract);
  });
  const t0 = performance.now();
  let n = 0;
  for (const batch of store.batches(20_000)) {
    load(batch);
    n += batch.length;
    if (n % 500_000 < 20_000) log(`  fts5: ${n} docs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const loadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  db.exec(`INSERT INTO papers_fts (papers_fts) VALUES ('optimize')`);
  const optimizeS = (performance.now() - t1) / 1000;
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
  db.close();
  return { docs: n, loadS, optimizeS, bytes: statSync(path).size, sqlite };
}

export async function queryFts5(path: string, queries: BenchQuery[], opts: TimedRunOptions): Promise<EngineSummary & { hits: Record<string, number> }> {
  const db = new BetterSqlite3(path, { readonly: true });
  const stmt = db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 10.0, 5.0, 1.0) LIMIT 20').pluck();
  const { timings, hits } = await timedRuns(queries, (q) => {
    const m = fts5Match(q.text);
    return m === null ? 0 : stmt.all(m).length;
  }, opts);
  db.close();
  return { ...timings.summary(queries), hits };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PgBuildResult {
  docs: number;
  loadS: number;
  indexS: number;
  vacuumS: number;
  tableBytes: number;
  indexBytes: number;
  version: string;
}

const SCHEMA = 'bench_search';

const noNul = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '') : s);

export async function pgTableReady(url: string, count: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT to_regclass('${SCHEMA}.papers_tsv') IS NOT NULL AS ok`);
    if (!r.rows[0].ok) return false;
    const n = await c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.papers`);
    return n.rows[0].n === count;
  } finally {
    await c.end();
  }
}

export async function dropPg(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await c.end();
}

export async function buildPg(store: DocStore, url: string): Promise<PgBuildResult> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.query(`CREATE SCHEMA ${SCHEMA}`);
  await admin.query(`CREATE UNLOGGED TABLE ${SCHEMA}.papers (seq int NOT NULL, title text NOT NULL, abstract text NOT NULL, authors text NOT NULL, tsv tsvector NOT NULL)`);
  const version = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  // Two connections, so that both cores compute tsvectors.
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  for (const c of clients) await c.connect();
  const sql = `INSERT INTO ${SCHEMA}.papers (seq, title, abstract, authors, tsv)
    SELECT s, t, a, au, setweight(to_tsvector('english', t), 'A') || setweight(to_tsvector('simple', au), 'B') || setweight(to_tsvector('english', a), 'C')
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS x(s, t, a, au)`;
  const inflight: Array<Promise<unknown> | null> = [null, null];
  const t0 = performance.now();
  let n = 0;
  let k = 0;
  for (const batch of store.batches(1000)) {
    const i = k++ % 2;
    if (inflight[i]) await inflight[i];
    inflight[i] = clients[i]!.query(sql, [batch.map((d) => d.seq), batch.map((d) => noNul(d.title)), batch.map((d) => noNul(d.abstract)), batch.map((d) => noNul(d.authors.join(', ')))]);
    n += batch.length;
    if (n % 250_000 === 0) log(`  postgres: ${n} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await Promise.all(inflight);
  for (const c of clients) await c.end();
  const loadS = (performance.now() - t0) / 1000;
  log(`  postgres: loaded ${n} rows in ${loadS.toFixed(0)} s; building the GIN index`);
  const t1 = performance.now();
  await admin.query(`SET maintenance_work_mem = '1GB'`);
  await admin.query(`CREATE INDEX papers_tsv ON ${SCHEMA}.papers USING gin (tsv)`);
  const indexS = (performance.now() - t1) / 1000;
  log(`  postgres: GIN index in ${indexS.toFixed(0)} s; VACUUM ANALYZE`);
  const t2 = performance.now();
  await admin.query(`VACUUM ANALYZE ${SCHEMA}.papers`);
  const vacuumS = (performance.now() - t2) / 1000;
  const size = await admin.query(`SELECT pg_total_relation_size('${SCHEMA}.papers')::bigint AS total, pg_relation_size('${SCHEMA}.papers_tsv')::bigint AS idx`);
  await admin.end();
  const total = Number(size.rows[0].total);
  const idx = Number(size.rows[0].idx);
  return { docs: n, loadS, indexS, vacuumS, tableBytes: total - idx, indexBytes: idx, version };
}

export async function queryPg(url: string, queries: BenchQuery[], opts: TimedRunOptions): Promise<EngineSummary & { hits: Record<string, number>; plan: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`SET statement_timeout = '600s'`);
  const text = `SELECT seq FROM ${SCHEMA}.papers, to_tsquery('english', $1) q WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT 20`;
  const plan = (await c.query(`EXPLAIN ${text.replace('$1', `'learning'`)}`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  const { timings, hits } = await timedRuns(queries, async (q) => {
    const tq = pgTsquery(q.text);
    if (tq === null) return 0;
    const r = await c.query({ name: 'bench_search_q', text, values: [tq] });
    return r.rowCount ?? 0;
  }, opts);
  await c.end();
  return { ...timings.summary(queries), hits, plan };
}

export function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

export type { QueryClass };
