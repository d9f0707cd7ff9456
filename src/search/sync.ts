/**
 * Keeping the search index in step with the catalog, from the application's side: before a
 * search (bounded, so a reader never waits on a large backlog), at the end of a command
 * (complete), in the background inside `serve`, and as a full rebuild. PostgreSQL's tsvector
 * is a generated column and needs none of this.
 */
import type { Store } from '../db/connect.js';
import { catchUp, indexIntact, pendingChanges, removeSearchDb, openSearchDb } from './fts-index.js';
import { logger } from '../log.js';
import { errorMessage } from '../errors.js';

const log = logger('search');
/** Rows a reader applies before searching: a few tens of milliseconds at most. */
const READER_BUDGET = 2000;
const BATCH = 2000;

/** Applies pending changes before a search; another process busy indexing is not waited for. */
export function refreshBeforeSearch(store: Store): void {
  if (!store.search) return;
  catchUp(store.search.writer, store.search.reader, READER_BUDGET, false);
}

/** Paper seqs of an FTS5 query on the index (SQLite), after applying pending changes. */
export function ftsSeqs(store: Store, sqlText: string, params: unknown[]): number[] {
  if (!store.search) throw new Error('ftsSeqs needs the SQLite search index');
  refreshBeforeSearch(store);
  return store.search.writer.prepare(sqlText).pluck().all(...params) as number[];
}

/** Applies every pending change (end of a command, tests). Returns how many were applied. */
export function finishIndexing(store: Store): number {
  if (!store.search) return 0;
  let applied = 0;
  for (;;) {
    const r = catchUp(store.search.writer, store.search.reader, 5000);
    applied += r.applied;
    if (!r.more) return applied;
  }
}

/** At most this many changes are not yet in the index (0 on PostgreSQL). */
export function searchBacklog(store: Store): number {
  return store.search ? pendingChanges(store.search.writer, store.search.reader) : 0;
}

/** Whether the index structure is sound and covers exactly the catalog's papers. */
export async function checkSearchIndex(store: Store): Promise<boolean> {
  if (!store.search) return true;
  finishIndexing(store);
  if (!indexIntact(store.search.writer)) return false;
  const indexed = store.search.writer.prepare('SELECT count(*) FROM papers_fts').pluck().get() as number;
  const papers = store.search.reader.prepare('SELECT count(*) FROM papers').pluck().get() as number;
  return indexed === papers;
}

/** Drops the index and builds it again from the catalog (`dailypapers search rebuild`). Returns the papers indexed. */
export function rebuildSearchIndex(store: Store, onProgress?: (done: number) => void): number {
  const search = store.search;
  if (!search) return 0;
  search.writer.close();
  removeSearchDb(search.path);
  search.writer = openSearchDb(search.path);
  let done = 0;
  for (;;) {
    const r = catchUp(search.writer, search.reader, BATCH);
    done += r.applied;
    onProgress?.(done);
    if (!r.more) return search.writer.prepare('SELECT count(*) FROM papers_fts').pluck().get() as number;
  }
}

/** Inside `serve`: index other processes' and this one's writes a little at a time. Returns a stop function. */
export function startIndexLoop(store: Store, everyMs = 1000): () => void {
  if (!store.search) return () => {};
  let stopped = false;
  let timer: NodeJS.Timeout;
  const tick = () => {
    if (stopped) return;
    let delay = everyMs;
    try {
      const r = catchUp(store.search!.writer, store.search!.reader, 500, false);
      // A backlog: keep going soon, yielding to requests in between.
      if (r.more) delay = 10;
    } catch (err) {
      log.error(`search indexing failed: ${errorMessage(err)}`);
    }
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
