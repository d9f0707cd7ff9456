/**
 * `npm run bench:http`: requests/s and p50/p99 latency of the home page, paper pages and
 * /api/daily_papers at 64 connections, on SQLite and PostgreSQL, over a catalog of synthetic
 * papers from the import benchmark's generator (default 100,000) with 60 days of featured
 * papers. The load comes from wrk (Debian: apt-get install wrk), a second process on the same
 * machine, so the numbers include its share of the CPU.
 *
 *   npm run bench:http -- [--count 100000] [--engines sqlite,postgres] [--duration 15]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateSnapshot } from './generate.js';
import { openStore } from '../src/db/connect.js';
import { migrate } from '../src/db/migrations.js';
import { importInput } from '../src/ingest/runner.js';
import { DEFAULT_CALENDAR, addDays } from '../src/papers/calendar.js';
import { upsertItems } from '../src/papers/upsert.js';
import { refreshTrending } from '../src/feed/trending.js';
import { setLogLevel } from '../src/log.js';
import type { IngestItem } from '../src/ingest/types.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '64' },
  },
});
const count = Number(values.count);
const duration = Number(values.duration);
const connections = Number(values.connections);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FEATURED_DAYS = 60;
const FEATURED_PER_DAY = 50;
setLogLevel('warn');

try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (err) {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error('bench:http needs wrk: apt-get install wrk');
    process.exit(1);
  }
}

mkdirSync('.bench', { recursive: true });
const snapshot = `.bench/snapshot-${count}-1.jsonl`;
if (!existsSync(snapshot)) {
  console.error(`generating ${count} records → ${snapshot}`);
  await generateSnapshot({ count, seed: 1, out: snapshot });
}

/** Imports the snapshot and features FEATURED_PER_DAY papers a day over the last FEATURED_DAYS days. */
async function prepare(url: string): Promise<string[]> {
  const store = await openStore(url);
  await migrate(store);
  await importInput(store, snapshot, { calendar: DEFAULT_CALENDAR, restart: true });
  const recent = await store.db.selectFrom('papers').select(['id', 'title', 'abstract', 'authors']).orderBy('seq', 'desc').limit(FEATURED_DAYS * FEATURED_PER_DAY).execute();
  const today = new Date().toISOString().slice(0, 10);
  const items: IngestItem[] = recent.map((r, i) => ({
    paper: { id: r.id, title: r.title, abstract: r.abstract, authors: JSON.parse(r.authors), versions: [], categories: [] },
    featured: {
      paperId: r.id,
      featuredAt: `${addDays(today, -Math.floor(i / FEATURED_PER_DAY))}T0${i % 10}:00:00.000Z`,
      upvotes: (i * 7919) % 120,
      numComments: (i * 31) % 9,
      submittedBy: `user${i % 40}`,
    },
  }));
  await upsertItems(store, items, { calendar: DEFAULT_CALENDAR });
  await refreshTrending(store, new Date());
  const ids = recent.slice(0, 10_000).map((r) => r.id);
  await store.close();
  return ids;
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/dailypapers.js', 'serve', '--no-schedule', '--no-sample'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('the server did not start');
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Runs wrk against a URL (or a Lua script choosing paths) and reads its latency distribution. */
function wrk(url: string, script?: string): Measure {
  const args = ['-t2', `-c${connections}`, `-d${duration}s`, '--latency', '--timeout', '5s'];
  if (script) args.push('-s', script);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8' });
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!m) throw new Error(`wrk output without ${label}%:\n${out}`);
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  return { rps, p50: ms('50'), p99: ms('99'), errors };
}

const rows: string[] = [];
let port = 18900;
for (const engine of values.engines!.split(',')) {
  let url: string;
  if (engine === 'sqlite') {
    rmSync('.bench/http', { recursive: true, force: true });
    url = '.bench/http/bench.db';
  } else {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query('DROP SCHEMA IF EXISTS bench_http CASCADE');
    await admin.query('CREATE SCHEMA bench_http');
    await admin.end();
    const u = new URL(PG_URL);
    u.searchParams.set('options', '-c search_path=bench_http');
    url = u.toString();
  }
  console.error(`${engine}: preparing ${count} papers…`);
  const ids = await prepare(url);
  const script = `.bench/paper-${engine}.lua`;
  writeFileSync(
    script,
    `local ids = {${ids.map((id) => `"${id}"`).join(',')}}\nrequest = function()\n  return wrk.format("GET", "/papers/" .. ids[math.random(#ids)])\nend\n`,
  );
  const server = await startServer(url, ++port);
  try {
    const base = `http://127.0.0.1:${port}`;
    for (const [label, path, lua] of [
      ['/ (home)', '/', undefined],
      ['/papers/<id> (10,000 different papers)', '/', script],
      ['/api/daily_papers', '/api/daily_papers', undefined],
    ] as const) {
      wrk(base + path, lua); // warm-up run, discarded
      const m = wrk(base + path, lua);
      console.error(`${engine} ${label}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}`);
      rows.push(`| ${engine} | ${label} | ${Math.round(m.rps).toLocaleString('en-US')} | ${m.p50.toFixed(2)} ms | ${m.p99.toFixed(2)} ms | ${m.errors} |`);
    }
  } finally {
    server.kill('SIGTERM');
  }
}

console.log(`\nHTTP at ${connections} connections, ${duration} s per run after a warm-up run, ${count.toLocaleString('en-US')} papers (${FEATURED_DAYS * FEATURED_PER_DAY} featured), wrk on the same machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
console.log('| engine | route | requests/s | p50 | p99 | errors |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
