/**
 * `npm run bench:import`: generate a synthetic snapshot with real length distributions and
 * import it into SQLite and PostgreSQL, side by side, full-text index included (FTS5 on SQLite,
 * the GIN-indexed tsvector on PostgreSQL). Prints records per second and the importing
 * process's peak RSS as a Markdown table for the README.
 *
 *   npm run bench:import -- [--count 200000] [--engines sqlite,postgres] [--seed 1]
 *
 * The snapshot is cached in .bench/ by count and seed. PostgreSQL is the server at
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a scratch schema.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateSnapshot } from './generate.js';
import { searchDbPath } from '../src/search/fts-index.js';

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

interface Result {
  engine: string;
  records: number;
  seconds: number;
  maxRssMb: number;
  sizeMb: number;
}
const results: Result[] = [];
for (const engine of engines) {
  let url: string;
  let size: () => Promise<number>;
  if (engine === 'sqlite') {
    rmSync('.bench/import', { recursive: true, force: true });
    url = '.bench/import/bench.db';
    // The catalog and its search index file, with their write-ahead logs.
    const files = [url, `${url}-wal`, searchDbPath(url), `${searchDbPath(url)}-wal`];
    size = async () => files.reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
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
  const out = execFileSync(process.execPath, ['dist/bench/import-child.js', file, url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { records: number; seconds: number; maxRssMb: number };
  results.push({ engine, ...r, sizeMb: (await size()) / 1e6 });
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nImport of ${count.toLocaleString('en-US')} synthetic snapshot records (${(bytes / 1e6).toFixed(0)} MB), ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
console.log('| engine | records | seconds | records/s | peak RSS | database size |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(`| ${r.engine} | ${r.records.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} | ${Math.round(r.records / r.seconds).toLocaleString('en-US')} | ${r.maxRssMb.toFixed(0)} MB | ${r.sizeMb.toFixed(0)} MB |`);
}
