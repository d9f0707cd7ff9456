/**
 * `npm run bench:server`: the whole server's memory on a large catalog, measured the way a user
 * runs it. Starts `dailypapers serve` on a database (by default the 2.7-million-paper catalog
 * `npm run bench:import -- --count 2700000 --engines sqlite` leaves in .bench/import/bench.db),
 * samples the process's resident memory from /proc every second, waits until search has caught
 * up with the catalog (GET /healthz: every paper indexed and embedded; on a first start that
 * includes training the built-in model and embedding every paper), then sends a mix of searches
 * (the /search page and the JSON API; plain words, very common words, phrases, authors,
 * categories, dates) and paper pages (each with its similar papers) over HTTP, and reports RSS:
 * peak while catching up, once ready, after the requests, and the process's high-water mark.
 *
 *   npm run bench:server -- [--db .bench/import/bench.db] [--port 8199] [--rounds 4] [--concurrency 4]
 *
 * The server is a child process, so nothing of the benchmark's own counts in its memory.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openStore } from '../src/db/connect.js';
import { COMMON_QUERIES } from './search-queries.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '.bench/import/bench.db' },
    port: { type: 'string', default: '8199' },
    rounds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '4' },
    papers: { type: 'string', default: '60' },
    'ready-timeout': { type: 'string', default: '3600' },
  },
});
const port = Number(values.port);
const base = `http://127.0.0.1:${port}`;
const OUT = '.bench/server';
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const MiB = (kb: number) => kb / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM (kB) of a process. */
function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

interface Health {
  papers: number;
  search: { indexed: number; semantic: 'off' | 'starting' | 'ready'; embedded: number | null; provider: string | null };
}

async function health(): Promise<Health | null> {
  try {
    const r = await fetch(`${base}/healthz`);
    return r.ok ? ((await r.json()) as Health) : null;
  } catch {
    return null;
  }
}

/** Searches and paper pages drawn from random papers of the catalog. */
async function requestMix(dbUrl: string, papers: number): Promise<string[]> {
  const store = await openStore(dbUrl, { readonly: true });
  try {
    const total = Number((await sql<{ n: number }>`select max(seq) as n from papers`.execute(store.db)).rows[0]?.n ?? 0);
    const seqs = Array.from({ length: papers * 3 }, (_, i) => 1 + Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 32 * total));
    const rows = await store.db.selectFrom('papers').select(['id', 'title', 'author_names', 'primary_category']).where('seq', 'in', seqs).limit(papers).execute();
    const paths: string[] = [];
    const q = (text: string) => [`/search?q=${encodeURIComponent(text)}`, `/api/papers/search?q=${encodeURIComponent(text)}&limit=50`];
    for (const text of COMMON_QUERIES) paths.push(...q(text));
    for (const r of rows) {
      const words = r.title.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}-]/gu, '')).filter((w) => w.length > 3);
      const author = r.author_names.split(/,| and /)[0]?.trim();
      if (words.length >= 2) paths.push(...q(words.slice(0, 2).join(' ')), ...q(`"${words.slice(-2).join(' ')}"`));
      if (words.length >= 1) paths.push(...q(`${words[0]} cat:${r.primary_category ?? 'cs.LG'} since:2015`));
      if (author) paths.push(...q(`author:"${author}"`));
      paths.push(`/papers/${r.id}`);
    }
    return paths;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const dbUrl = values.db;
  if (!dbUrl.includes('://') && !existsSync(dbUrl)) {
    throw new Error(`no database at ${dbUrl}: run npm run bench:import -- --count 2700000 --engines sqlite first, or pass --db`);
  }
  mkdirSync(OUT, { recursive: true });
  const serverLog = createWriteStream(join(OUT, 'serve.log'));
  const started = Date.now();
  const child = spawn(process.execPath, ['bin/dailypapers.js', 'serve', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(serverLog);
  child.stderr.pipe(serverLog);
  const pid = child.pid!;
  let exited = false;
  child.on('exit', () => (exited = true));
  // Peak RSS of each phase, as /healthz last described it.
  let phase = 'starting';
  const peaks = new Map<string, number>();
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    if (m && m.rss > (peaks.get(phase) ?? 0)) peaks.set(phase, m.rss);
  }, 250);

  try {
    // Ready: every paper in the lexical index and, when semantic search is on, embedded.
    let loggedAt = 0;
    let h: Health | null = null;
    for (;;) {
      if (exited) throw new Error(`the server exited; see ${join(OUT, 'serve.log')}`);
      if (Date.now() - started > Number(values['ready-timeout']) * 1000) throw new Error('the server did not catch up in time');
      h = await health();
      if (h) {
        phase = h.search.indexed < h.papers ? 'indexing' : h.search.semantic === 'starting' ? 'model' : h.search.embedded !== null && h.search.embedded < h.papers ? 'embedding' : phase;
        const line = `papers ${h.papers}, indexed ${h.search.indexed}, semantic ${h.search.semantic}, embedded ${h.search.embedded ?? '-'}, RSS ${MiB(memoryOf(pid)?.rss ?? 0).toFixed(0)} MiB`;
        if (Date.now() - loggedAt >= 30_000) {
          log(line);
          loggedAt = Date.now();
        }
        if (h.search.indexed === h.papers && h.search.semantic !== 'starting' && (h.search.embedded === null || h.search.embedded === h.papers)) break;
      }
      await sleep(2000);
    }
    const readyS = (Date.now() - started) / 1000;
    const catchUpPeakMiB = MiB(Math.max(0, ...peaks.values()));
    const phasePeaks = Object.fromEntries([...peaks].map(([k, v]) => [k, Math.round(MiB(v))]));
    phase = 'serving';
    await sleep(5000);
    const readyMiB = MiB(memoryOf(pid)!.rss);
    log(`ready in ${readyS.toFixed(0)} s (${h.papers} papers, provider ${h.search.provider ?? 'none'}): RSS ${readyMiB.toFixed(0)} MiB, peak so far ${catchUpPeakMiB.toFixed(0)} MiB ${JSON.stringify(phasePeaks)}`);

    const mix = await requestMix(dbUrl, Number(values.papers));
    const rounds = Number(values.rounds);
    const queue = Array.from({ length: rounds }, () => mix).flat();
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const path = queue[next++]!;
        const t = performance.now();
        const r = await fetch(base + path);
        await r.arrayBuffer();
        latencies.push(performance.now() - t);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
    const requestsS = (Date.now() - t0) / 1000;
    await sleep(3000);
    const after = memoryOf(pid)!;
    latencies.sort((a, b) => a - b);
    const result = {
      database: dbUrl,
      papers: h.papers,
      provider: h.search.provider,
      readyS,
      rssMiB: { catchUpPeak: catchUpPeakMiB, phasePeaks, ready: readyMiB, afterRequests: MiB(after.rss), highWater: MiB(after.hwm) },
      requests: { count: queue.length, distinct: mix.length, seconds: requestsS, statuses: Object.fromEntries(statuses), p50ms: latencies[Math.floor(latencies.length / 2)], p99ms: latencies[Math.floor(latencies.length * 0.99)] },
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavg: loadavg() },
      at: new Date().toISOString(),
    };
    writeFileSync(join(OUT, 'result.json'), JSON.stringify(result, null, 2));
    const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
    const ok = statuses.get(200) ?? 0;
    process.stdout.write(
      [
        `| catalog | ready after | RSS peak while catching up | RSS ready | RSS after ${n0(queue.length)} requests | high-water mark |`,
        '|---|---|---|---|---|---|',
        `| ${n0(h.papers)} papers (${h.search.provider ?? 'lexical only'}) | ${n0(readyS)} s | ${n0(catchUpPeakMiB)} MiB | ${n0(readyMiB)} MiB | ${n0(MiB(after.rss))} MiB | ${n0(MiB(after.hwm))} MiB |`,
        '',
        `Peak RSS by phase before ready (MiB, sampled every 250 ms): ${JSON.stringify(phasePeaks)}.`,
        `${ok} of ${queue.length} requests answered 200 (${JSON.stringify(Object.fromEntries(statuses))}), p50 ${result.requests.p50ms?.toFixed(1)} ms, p99 ${result.requests.p99ms?.toFixed(1)} ms at concurrency ${values.concurrency}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
        '',
      ].join('\n'),
    );
    if (ok !== queue.length) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    await new Promise((r) => (exited ? r(null) : child.once('exit', r)));
    serverLog.end();
  }
}

main().catch((err) => {
  process.stderr.write(`bench:server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
