/**
 * `npm run bench:import`: generate a synthetic snapshot with real length distributions and
 * import it into SQLite and PostgreSQL, side by side. On SQLite the full-text index is included:
 * the lexical index built by the import's worker thread, src/search/lexical-worker.ts. On
 * PostgreSQL the import only stores: each app instance builds its own lexical index from the
 * change log (migration 3 dropped the GIN-indexed tsvector). Prints records per second, the
 * importing process's peak RSS and, for SQLite, the lexical index (segments, bytes) and when the
 * papers were stored and when they were searchable (the index caught up and committed: the
 * import's end), as Markdown for the README.
 *
 *   npm run bench:import -- [--count 200000] [--engines sqlite,postgres] [--seed 1]
 *
 * The snapshot is cached in .bench/ by count and seed. PostgreSQL is the server at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a scratch schema.
 * BENCH_NODE_ARGS are passed to the importing process's node (a profile of every thread:
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench/prof").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateSnapshot } from './generate.js';
import { lexicalDir, searchRoot } from '../src/search/paths.js';
import type { ImportChildResult } from './import-child.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    seed: { type: 'string', default: '1' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const engines = values.engines!.split(',');
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

mkdirSync('.bench', { recursive: true });
const file = `.bench/snapshot-${count}-${seed}.jsonl`;
if (!existsSync(file)) {
  process.stderr.write(`generating ${count} records → ${file}\n`);
  const t0 = performance.now();
  await generateSnapshot({ count, seed, out: file });
  process.stderr.write(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
const bytes = statSync(file).size;

interface Result extends ImportChildResult {
  engine: string;
  /** the catalog (with its write-ahead log) or the PostgreSQL schema */
  sizeMb: number;
  /** the lexical index directory (SQLite) */
  indexMb: number | null;
}

/** Bytes of the files in a directory (not recursive). */
function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
const results: Result[] = [];
for (const engine of engines) {
  let url: string;
  let size: () => Promise<number>;
  let root: string | null = null;
  if (engine === 'sqlite') {
    rmSync('.bench/import', { recursive: true, force: true });
    url = '.bench/import/bench.db';
    // the catalog with its write-ahead log; the search index is beside it (SEARCH_DIR ignored here)
    const files = [url, `${url}-wal`];
    size = async () => files.reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
    root = searchRoot(url, {});
  } else if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query('DROP SCHEMA IF EXISTS bench_import CASCADE');
    await admin.query('CREATE SCHEMA bench_import');
    await admin.end();
    const u = new URL(PG_URL);
    u.searchParams.set('options', '-c search_path=bench_import');
    url = u.toString();
    size = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      const r = await c.query(`SELECT sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))::bigint AS n FROM pg_tables WHERE schemaname = 'bench_import'`);
      await c.end();
      return Number(r.rows[0].n);
    };
  } else throw new Error(`unknown engine ${engine}`);
  process.stderr.write(`importing into ${engine}…\n`);
  const childArgs = [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'dist/bench/import-child.js', file, url];
  if (root) childArgs.push(root);
  const out = execFileSync(process.execPath, childArgs, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
    env: { ...process.env, SEARCH_DIR: '' },
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as ImportChildResult;
  results.push({ engine, ...r, sizeMb: (await size()) / 1e6, indexMb: root ? dirBytes(lexicalDir(root)) / 1e6 : null });
  process.stderr.write(`${engine}: ${JSON.stringify(results[results.length - 1])}\n`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nImport of ${count.toLocaleString('en-US')} synthetic snapshot records (${(bytes / 1e6).toFixed(0)} MB), ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
console.log('| engine | records | stored after | searchable after | records/s (searchable) | peak RSS | database size | search index |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
const mbs = (n: number) => `${Math.round(n).toLocaleString('en-US')} MB`;
for (const r of results) {
  const stored = r.search?.indexed ? r.seconds - r.search.finishMs / 1000 : r.seconds;
  const index = r.search?.indexed
    ? `lexical: ${r.search.segments} segment${r.search.segments === 1 ? '' : 's'}, ${mbs(r.indexMb ?? r.search.bytes / 1e6)}`
    : r.search
      ? `not built (${r.search.reason})`
      : 'none in the import: each app instance indexes the change log';
  console.log(
    `| ${r.engine} | ${r.records.toLocaleString('en-US')} | ${stored.toFixed(1)} s | ${r.seconds.toFixed(1)} s | ${Math.round(r.records / r.seconds).toLocaleString('en-US')} | ${r.maxRssMb.toFixed(0)} MB | ${mbs(r.sizeMb)} | ${index} |`,
  );
}
// CPU of the importing process (all its threads): what the run cost whatever else the machine did
console.log('');
for (const r of results) {
  console.log(`${r.engine}: ${r.cpuSeconds.toFixed(0)} s of CPU, ${((r.cpuSeconds * 1e6) / r.records).toFixed(0)} µs a record (${(r.cpuSeconds / r.seconds).toFixed(2)} cores busy on average)`);
}
