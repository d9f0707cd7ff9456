/**
 * One import, measured from inside the importing process: `node dist/bench/import-child.js
 * <file> <database-url> [search-root]` prints an ImportChildResult as JSON. `seconds` runs to
 * the import's end, which on SQLite waits for the search index to catch up and commit (the
 * papers are searchable then); the index's own report says how long that wait was. Peak RSS
 * comes from getrusage, which covers the worker threads too.
 */
import { openStore } from '../src/db/connect.js';
import { migrate } from '../src/db/migrations.js';
import { importInput, type BulkIndexOutcome } from '../src/ingest/runner.js';
import { DEFAULT_CALENDAR } from '../src/papers/calendar.js';

export interface ImportChildResult {
  records: number;
  errors: number;
  seconds: number;
  maxRssMb: number;
  /** CPU of the whole process (all threads), seconds */
  cpuSeconds: number;
  search: BulkIndexOutcome | null;
}

const [file, url, root] = process.argv.slice(2);
if (!file || !url) {
  process.stderr.write('usage: import-child <file> <database-url> [search-root]\n');
  process.exit(2);
}
const store = await openStore(url);
await migrate(store);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let search: BulkIndexOutcome | null = null;
const report = await importInput(store, file, { calendar: DEFAULT_CALENDAR, restart: true, searchRoot: root, onSearchIndex: (o) => (search = o) });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await store.close();
const result: ImportChildResult = {
  records: report.inserted + report.updated + report.unchanged,
  errors: report.errors,
  seconds,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  search,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
