/**
 * One import, measured from inside the importing process: `node dist/bench/import-child.js
 * <file> <database-url>` prints { records, seconds, maxRssMb } as JSON. Peak RSS comes from
 * getrusage, which covers the worker thread too.
 */
import { openStore } from '../src/db/connect.js';
import { migrate } from '../src/db/migrations.js';
import { importInput } from '../src/ingest/runner.js';
import { DEFAULT_CALENDAR } from '../src/papers/calendar.js';

const [file, url] = process.argv.slice(2);
if (!file || !url) {
  process.stderr.write('usage: import-child <file> <database-url>\n');
  process.exit(2);
}
const store = await openStore(url);
await migrate(store);
const t0 = performance.now();
const report = await importInput(store, file, { calendar: DEFAULT_CALENDAR, restart: true });
const seconds = (performance.now() - t0) / 1000;
await store.close();
process.stdout.write(
  `${JSON.stringify({ records: report.inserted + report.updated + report.unchanged, errors: report.errors, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
