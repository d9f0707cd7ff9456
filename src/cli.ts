/**
 * `dailypapers`: every command of the product. Each command opens the store, does one thing,
 * prints what happened, and exits with a documented code. Errors a user can fix print one line
 * (`error: …`); anything else prints "internal error" and, with LOG_LEVEL=debug, the stack.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from './config.js';
import { openStore, type Store } from './db/connect.js';
import { migrate, schemaVersion } from './db/migrations.js';
import { backupSqlite } from './db/backup.js';
import { isUserError, errorMessage } from './errors.js';
import { setLogLevel } from './log.js';
import { importInput, type ImportReport } from './ingest/runner.js';
import { INPUT_FORMATS, type InputFormat, type RecordError } from './ingest/types.js';
import { addPaper, arxivClientFor, ingestArxivIds, ingestArxivSearch, ingestDaily, ingestOai, type JobDeps, type JobReport } from './ingest/jobs.js';
import { countPapers } from './papers/repository.js';
import { serve } from './server.js';
import { refreshTrending } from './feed/trending.js';
import { rebuildSearch } from './search/service.js';
import { searchRoot } from './search/paths.js';
import { readEmbeddingConfig } from './search/embed/index.js';
import { dirname } from 'node:path';

export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, interrupted: 130 } as const;

const HELP = `dailypapers: a self-hostable daily feed of arXiv papers

Usage: dailypapers <command> [options]

Commands:
  serve                         run the site (default http://localhost:8080)
      --port N, --host H          where to listen (env PORT, HOST)
      --no-schedule               do not run the daily ingest inside the server
      --no-sample                 do not load the bundled sample into an empty database
  import <file|->               import a file or standard input; the format is detected
      --format F                  one of: ${INPUT_FORMATS.join(', ')}
      --batch-size N              records per transaction for JSON Lines (default 5000)
      --restart                   forget the saved position of this file and start over
      --quiet                     no progress output
  ingest daily [--categories a,b] the scheduled job, once: announcement feeds + API details
  ingest rss <category...>      same as daily, for the categories given
  ingest arxiv                  the arXiv API:
      --ids ID,ID                 papers by id
      --query Q                   arXiv search syntax ("ti:transformer AND au:vaswani")
      --category C                a category (cs.LG)
      --from YYYY-MM-DD --until YYYY-MM-DD   submission dates
      --max N                     stop after N papers
  ingest oai                    OAI-PMH harvest, incremental from the last complete run
      --prefix arXiv|arXivRaw     metadata format (default arXivRaw)
      --set S                     e.g. cs or physics:hep-th
      --from D --until D          datestamps (YYYY-MM-DD)
      --restart                   ignore the stored position
  paper add <id|URL>            fetch one paper from arXiv and store it
  trending refresh              recompute trending scores (serve does this every 10 minutes)
  search rebuild                rebuild the search indexes (lexical and embeddings) from the catalog
  db migrate                    apply pending migrations
  db backup <file>              consistent online backup of the SQLite database
  db status                     schema version and paper count

Global options:
  --database-url URL            SQLite file path or postgres://… (env DATABASE_URL,
                                default ./data/dailypapers.db)
  --log-level L                 debug, info, warn, error (env LOG_LEVEL)
  -h, --help                    this help

Exit codes:
  0  success
  1  failed: the message says why (bad input, unreachable database or network)
  2  wrong usage
  3  finished, but some records were bad (each reported with its line or record number)
  130 interrupted (Ctrl-C); run the same command again to resume
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'database-url': { type: 'string' },
  'log-level': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'no-schedule': { type: 'boolean' },
  'no-sample': { type: 'boolean' },
  format: { type: 'string' },
  'batch-size': { type: 'string' },
  restart: { type: 'boolean' },
  quiet: { type: 'boolean' },
  categories: { type: 'string' },
  ids: { type: 'string' },
  query: { type: 'string' },
  category: { type: 'string' },
  from: { type: 'string' },
  until: { type: 'string' },
  max: { type: 'string' },
  prefix: { type: 'string' },
  set: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs the CLI and exits the process with the command's code. */
export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  // serve keeps running; everything else exits with its code.
  if (code !== null) process.exit(code);
}

/** Runs one command; returns the exit code, or null for a command that keeps running (serve). */
export async function run(argv: string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number | null> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    err.write(`error: ${errorMessage(e)}\n\nRun "dailypapers --help" for usage.\n`);
    return EXIT.usage;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    out.write(HELP);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const config = loadConfig(process.env, flagOverrides(values));
    setLogLevel(config.logLevel);
    switch (command) {
      case 'serve':
        await serve(config);
        return null;
      case 'import':
        checkImportArgs(rest, values);
        return await withStore(config, (store) => importCommand(store, config, rest, values, err));
      case 'ingest':
        return await withStore(config, (store) => ingestCommand(store, config, rest, values, out));
      case 'paper':
        return await withStore(config, (store) => paperCommand(store, config, rest, out));
      case 'db':
        return await dbCommand(config, rest, out);
      case 'search':
        if (rest.join(' ') !== 'rebuild') throw usage('usage: dailypapers search rebuild');
        return await withStore(config, async (store) => {
          const root = searchRoot(config.databaseUrl);
          const embeddings = readEmbeddingConfig(process.env, { dataDir: dirname(root) });
          const r = await rebuildSearch(store, root, { embeddings });
          out.write(`indexed ${r.papers} papers; embedded ${r.vectors}\n`);
          return EXIT.ok;
        });
      case 'trending':
        if (rest.join(' ') !== 'refresh') throw usage('usage: dailypapers trending refresh');
        return await withStore(config, async (store) => {
          out.write(`scored ${await refreshTrending(store, new Date())} featured papers\n`);
          return EXIT.ok;
        });
      default:
        throw usage(`unknown command "${command}"`);
    }
  } catch (e) {
    return reportError(e, err);
  }
}

class UsageError extends Error {}
function usage(message: string): UsageError {
  return new UsageError(message);
}

function reportError(e: unknown, err: NodeJS.WriteStream): number {
  if (e instanceof UsageError) {
    err.write(`error: ${e.message}\n\nRun "dailypapers --help" for usage.\n`);
    return EXIT.usage;
  }
  if (isUserError(e)) {
    err.write(`error: ${e.message}\n`);
    return EXIT.failed;
  }
  err.write(`internal error: ${errorMessage(e)}\n`);
  if (process.env.LOG_LEVEL === 'debug' && e instanceof Error && e.stack) err.write(`${e.stack}\n`);
  return EXIT.failed;
}

function flagOverrides(v: Values): Record<string, string> {
  const o: Record<string, string> = {};
  if (v['database-url'] !== undefined) o['database-url'] = v['database-url'];
  if (v['log-level'] !== undefined) o['log-level'] = v['log-level'];
  if (v.port !== undefined) o.port = v.port;
  if (v.host !== undefined) o.host = v.host;
  if (v['no-schedule']) o.schedule = 'false';
  if (v['no-sample']) o.sample = 'false';
  if (v.categories !== undefined) o.categories = v.categories;
  return o;
}

/** Opens and migrates the store, runs `fn`, closes the store. */
async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.databaseUrl);
  try {
    await migrate(store);
    // The search indexes follow the catalog's change log: a running server picks these writes
    // up within a second, a server started later on its start.
    return await fn(store);
  } finally {
    await store.close();
  }
}

function wholeNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw usage(`--${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

// ---------------------------------------------------------------- import

/** Usage errors are found before the database is opened (or created). */
function checkImportArgs(args: string[], v: Values): void {
  if (args.length !== 1) throw usage('import takes one file (or - for standard input)');
  if (v.format !== undefined && !INPUT_FORMATS.includes(v.format as InputFormat)) throw usage(`--format must be one of ${INPUT_FORMATS.join(', ')}`);
  wholeNumber(v['batch-size'], 'batch-size', 1, 1_000_000);
}

async function importCommand(store: Store, config: Config, args: string[], v: Values, err: NodeJS.WriteStream): Promise<number> {
  const format = v.format as InputFormat | undefined;
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    err.write('\nstopping after the current batch (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let shown = 0;
  try {
    const report = await importInput(store, args[0]!, {
      format,
      calendar: config.calendar,
      batchSize: wholeNumber(v['batch-size'], 'batch-size', 1, 1_000_000),
      restart: v.restart ?? false,
      progress: v.quiet ? null : err,
      signal: controller.signal,
      onRecordError: (e) => {
        if (shown++ < 100) err.write(`${describeRecordError(e)}\n`);
      },
    });
    if (shown > 100) err.write(`… and ${shown - 100} more bad records\n`);
    if (report.featured > 0) await refreshTrending(store, new Date());
    err.write(`${summarize(report)}\n`);
    if (report.interrupted) return EXIT.interrupted;
    return report.errors > 0 && !report.alreadyDone ? EXIT.partial : EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function describeRecordError(e: RecordError): string {
  const where = e.line !== undefined ? `line ${e.line}` : `record ${e.record}`;
  return `bad record at ${where}${e.id ? ` (${e.id})` : ''}: ${e.reason}`;
}

/** The totals line printed after an import. */
export function summarize(r: ImportReport): string {
  if (r.alreadyDone) {
    return `already imported: this file was imported completely before (${r.records} records). Use --restart to import it again.`;
  }
  const parts = [
    `${r.format}: ${r.records} records read`,
    `${r.inserted} new`,
    `${r.updated} updated`,
    `${r.unchanged} unchanged`,
  ];
  if (r.featured) parts.push(`${r.featured} featured`);
  if (r.deleted) parts.push(`${r.deleted} deleted`);
  parts.push(`${r.errors} bad`);
  let line = parts.join(', ');
  if (r.resumedAfterLine !== null) line += ` (resumed after line ${r.resumedAfterLine}; totals include the earlier run)`;
  if (r.interrupted) line += '. Interrupted: run the same command again to continue.';
  return line;
}

// ---------------------------------------------------------------- ingest, paper

async function ingestCommand(store: Store, config: Config, args: string[], v: Values, out: NodeJS.WriteStream): Promise<number> {
  const [source, ...more] = args;
  const deps: JobDeps = { store, config, client: arxivClientFor(config) };
  let report: JobReport;
  switch (source) {
    case 'daily':
      if (more.length > 0) throw usage('ingest daily takes no arguments (use --categories)');
      report = await ingestDaily(deps);
      break;
    case 'rss':
      report = await ingestDaily(deps, more.length > 0 ? more : config.categories);
      break;
    case 'arxiv': {
      if (v.ids) {
        report = await ingestArxivIds(deps, v.ids.split(/[\s,]+/).filter(Boolean));
      } else if (v.query || v.category || v.from || v.until) {
        report = await ingestArxivSearch(deps, {
          query: v.query,
          category: v.category,
          from: v.from,
          until: v.until,
          maxResults: wholeNumber(v.max, 'max', 1, 10_000_000),
        });
      } else throw usage('ingest arxiv needs --ids, --query, --category or a date range');
      break;
    }
    case 'oai': {
      const prefix = v.prefix ?? 'arXivRaw';
      if (prefix !== 'arXiv' && prefix !== 'arXivRaw') throw usage('--prefix must be arXiv or arXivRaw');
      report = await ingestOai(deps, { metadataPrefix: prefix, set: v.set, from: v.from, until: v.until }, { restart: v.restart });
      break;
    }
    default:
      throw usage('ingest needs a source: daily, rss, arxiv or oai');
  }
  for (const e of report.errors.slice(0, 100)) out.write(`${describeRecordError(e)}\n`);
  out.write(`${report.pages} pages: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.deleted} deleted, ${report.errors.length} bad\n`);
  return report.errors.length > 0 ? EXIT.partial : EXIT.ok;
}

async function paperCommand(store: Store, config: Config, args: string[], out: NodeJS.WriteStream): Promise<number> {
  const [sub, id, ...more] = args;
  if (sub !== 'add' || !id || more.length > 0) throw usage('usage: dailypapers paper add <arXiv id or URL>');
  const paper = await addPaper({ store, config, client: arxivClientFor(config) }, id);
  out.write(`${paper.id}v${paper.version}: ${paper.title}\n`);
  return EXIT.ok;
}

// ---------------------------------------------------------------- db

async function dbCommand(config: Config, args: string[], out: NodeJS.WriteStream): Promise<number> {
  const [sub, ...more] = args;
  switch (sub) {
    case 'migrate': {
      const store = await openStore(config.databaseUrl);
      try {
        const applied = await migrate(store);
        out.write(applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'the schema is up to date\n');
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    case 'backup': {
      if (more.length !== 1) throw usage('usage: dailypapers db backup <file>');
      const result = await backupSqlite(config.databaseUrl, more[0]!);
      out.write(`backed up ${result.pages} pages to ${result.file}\n`);
      return EXIT.ok;
    }
    case 'status': {
      const store = await openStore(config.databaseUrl);
      try {
        out.write(`database: ${store.label} (${store.dialect})\nschema version: ${await schemaVersion(store)}\npapers: ${await countPapers(store).catch(() => 0)}\n`);
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    default:
      throw usage('db needs a subcommand: migrate, backup or status');
  }
}

