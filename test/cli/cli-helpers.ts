/**
 * Helpers for end-to-end CLI tests: run the real compiled `dailypapers` program in a child
 * process against a test database, count rows with SQL on either engine, and generate a large
 * JSON Lines snapshot from the recorded fixture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.js';
import { fixturePath } from '../helpers.js';

/** bin/dailypapers.js (tests run from dist/test/cli). */
export const BIN = fileURLToPath(new URL('../../../bin/dailypapers.js', import.meta.url));
export const SNAPSHOT_FIXTURE = 'arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl';

export interface CliResult {
  /** exit code, null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** wall time in milliseconds */
  ms: number;
  /** killed because it ran past timeoutMs */
  timedOut: boolean;
}

export interface CliOptions {
  /** DATABASE_URL for the child; omitted means "leave it unset" (only with env overriding it) */
  databaseUrl?: string;
  /** extra environment (undefined deletes a variable) */
  env?: Record<string, string | undefined>;
  /** text or bytes for standard input, or { file } to stream a file into it */
  stdin?: string | Buffer | { file: string };
  /** SIGKILL the child after this long (default 60 s) */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** stderr so far */
  stderr(): string;
  result: Promise<CliResult>;
}

/** A port on 127.0.0.1 that nothing listens on (taken and released at once). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let deadPort: Promise<number> | null = null;

/** Environment for the child: arXiv URLs point at a closed local port so nothing can reach the internet. */
async function childEnv(opts: CliOptions): Promise<NodeJS.ProcessEnv> {
  deadPort ??= closedPort();
  const port = await deadPort;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.LOG_LEVEL;
  env.ARXIV_API_URL = `http://127.0.0.1:${port}/api/query`;
  env.ARXIV_OAI_URL = `http://127.0.0.1:${port}/oai`;
  env.ARXIV_RSS_URL = `http://127.0.0.1:${port}`;
  env.ARXIV_MIN_INTERVAL_MS = '0';
  env.ARXIV_MAX_RETRIES = '0';
  env.ARXIV_TIMEOUT_MS = '2000';
  if (opts.databaseUrl !== undefined) env.DATABASE_URL = opts.databaseUrl;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `node bin/dailypapers.js …`; the caller may signal the child before awaiting `result`. */
export async function startCli(args: string[], opts: CliOptions = {}): Promise<RunningCli> {
  const env = await childEnv(opts);
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd: opts.cwd,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (opts.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // the child may exit before reading everything
    const input = opts.stdin;
    if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
    else createReadStream(input.file).on('error', () => child.stdin!.end()).pipe(child.stdin);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
  return { child, stderr: () => stderr, result };
}

/** Runs `node bin/dailypapers.js …` to the end. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return (await startCli(args, opts)).result;
}

/** The last non-empty line of a text (the import's totals line is the last thing on stderr). */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}

/** A JavaScript stack frame ("    at fn (file:1:2)") anywhere in the text. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at /m.test(text);
}

/** For assertion messages: what the child printed. */
export function show(r: CliResult): string {
  return `exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

// ---------------------------------------------------------------- SQL on either engine

const TABLES = ['papers', 'paper_categories', 'featured', 'ingest_state'] as const;
export type Table = (typeof TABLES)[number];

/** Rows in a table. */
export async function countRows(store: Store, table: Table): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.db);
  return Number(r.rows[0]!.n);
}

/** Rows in papers, paper_categories, featured and ingest_state. */
export async function countAll(store: Store): Promise<Record<Table, number>> {
  const out = {} as Record<Table, number>;
  for (const t of TABLES) out[t] = await countRows(store, t);
  return out;
}

/** Runs a query and returns its rows. */
export async function query<T>(store: Store, text: string): Promise<T[]> {
  return (await sql<T>`${sql.raw(text)}`.execute(store.db)).rows;
}

/** Saved positions of file imports (ingest_state rows whose key starts with "import:"). */
export async function importStates(store: Store): Promise<Array<{ key: string; value: ImportPosition }>> {
  const rows = await query<{ key: string; value: string }>(store, `SELECT key, value FROM ingest_state WHERE key LIKE 'import:%'`);
  return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as ImportPosition }));
}

export interface ImportPosition {
  offset: number;
  line: number;
  records: number;
  errors: number;
  done: boolean;
  stats: { inserted: number; updated: number; unchanged: number; featured: number };
}

/**
 * Checks papers and paper_categories agree: every listing row belongs to an existing paper, on
 * that paper's announcement day, for one of its categories; every announced paper has exactly
 * one row per category. Returns a list of problems (empty when consistent).
 */
export async function listingProblems(store: Store): Promise<string[]> {
  const papers = await query<{ seq: number | string; id: string; categories: string; announce_day: string | null }>(
    store,
    'SELECT seq, id, categories, announce_day FROM papers',
  );
  const bySeq = new Map(papers.map((p) => [Number(p.seq), p]));
  const rows = await query<{ category: string; announce_day: string; paper_seq: number | string; is_primary: number | string }>(
    store,
    'SELECT category, announce_day, paper_seq, is_primary FROM paper_categories',
  );
  const problems: string[] = [];
  const seen = new Map<number, string[]>();
  for (const r of rows) {
    const p = bySeq.get(Number(r.paper_seq));
    if (!p) {
      problems.push(`paper_categories row for missing paper_seq ${r.paper_seq}`);
      continue;
    }
    const cats = p.categories ? p.categories.split(' ') : [];
    if (r.announce_day !== p.announce_day) problems.push(`${p.id}: listed on ${r.announce_day}, announced ${p.announce_day}`);
    if (!cats.includes(r.category)) problems.push(`${p.id}: listed in ${r.category}, not one of its categories ${p.categories}`);
    if (Number(r.is_primary) !== (cats[0] === r.category ? 1 : 0)) problems.push(`${p.id}: is_primary wrong for ${r.category}`);
    const list = seen.get(Number(r.paper_seq)) ?? [];
    list.push(r.category);
    seen.set(Number(r.paper_seq), list);
  }
  for (const p of papers) {
    const cats = p.categories ? p.categories.split(' ') : [];
    const expected = p.announce_day ? cats.length : 0;
    const got = seen.get(Number(p.seq))?.length ?? 0;
    if (got !== expected) problems.push(`${p.id}: ${got} listing rows, expected ${expected}`);
  }
  return problems;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------- a big snapshot

/** The 200 recorded snapshot lines. */
export function snapshotLines(): string[] {
  return readFileSync(fixturePath(SNAPSHOT_FIXTURE), 'utf8').split('\n').filter((l) => l !== '');
}

/** The i-th (0-based) generated id: 1501.00001, 1501.00002, … 1501.99999, 1502.00001, … (valid new-style ids). */
export function bigId(i: number): string {
  const month = 1 + Math.floor(i / 99_999);
  if (month > 12) throw new Error('bigId: at most 12 × 99,999 ids');
  return `15${String(month).padStart(2, '0')}.${String((i % 99_999) + 1).padStart(5, '0')}`;
}

/**
 * Writes a JSON Lines snapshot of `n` records: the recorded lines in turn, each with its id
 * rewritten to a unique new-style id and every other byte kept. Returns the path.
 */
export function writeBigSnapshot(path: string, n: number): string {
  const lines = snapshotLines();
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const line = lines[i % lines.length]!;
    const rewritten = line.replace(/^\{"id":"0704\.\d{4}"/, `{"id":"${bigId(i)}"`);
    if (rewritten === line) throw new Error(`fixture line ${(i % lines.length) + 1} does not start with an old id`);
    out[i] = rewritten;
  }
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}
