/**
 * The indexer on a worker thread, for bulk imports: while the main thread stores papers, this
 * thread tails the change log into the full-text index on the other core. The parent posts
 * 'finish' when the import is done; the worker catches up completely, restores FTS5's merging
 * and posts { done: applied }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { catchUp, openSearchDb, setAutomerge } from './fts-index.js';

export interface IndexWorkerInput {
  catalogPath: string;
  searchPath: string;
}

export type IndexWorkerMessage = { done: number } | { failed: string };

const BATCH = 5000;
const IDLE_MS = 50;

function main(input: IndexWorkerInput): void {
  const port = parentPort!;
  const search = openSearchDb(input.searchPath);
  const catalog = new BetterSqlite3(input.catalogPath, { readonly: true });
  catalog.pragma('busy_timeout = 10000');
  let finishing = false;
  let applied = 0;
  port.on('message', (m: string) => {
    if (m === 'finish') finishing = true;
  });
  setAutomerge(search, 0);
  const step = () => {
    try {
      const r = catchUp(search, catalog, BATCH);
      applied += r.applied;
      if (r.more || (!finishing && r.applied > 0)) return void setImmediate(step);
      if (!finishing) return void setTimeout(step, IDLE_MS);
      setAutomerge(search, 4);
      search.close();
      catalog.close();
      port.postMessage({ done: applied } satisfies IndexWorkerMessage);
    } catch (err) {
      port.postMessage({ failed: String((err as Error).message ?? err) } satisfies IndexWorkerMessage);
    }
  };
  step();
}

main(workerData as IndexWorkerInput);
