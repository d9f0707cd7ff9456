/**
 * The lexical indexer on a worker thread, for bulk imports into SQLite: while the main thread
 * stores papers, this thread tails the catalog's change log (its own read-only connection) into
 * the lexical index, on the other core.
 *
 * - It writes the index directory only if it can take the writer lock. If another live process
 *   holds it (a running `serve`), or this process does (a SearchService open on another thread),
 *   it posts { locked } and stops: the import then does not index, and the lock holder follows
 *   the change log itself.
 * - Bulk settings: buffers of 65,536 docs (each becomes one segment), merges by size tier as
 *   segments accumulate (they overlap with storing instead of adding a long merge after the
 *   import; a small index is merged into one segment at the end), and a commit each time a
 *   buffer becomes a segment, so a killed import keeps most of its index.
 *   The manifest holds the change position: a rerun resumes from it and the change log replays
 *   the rest (a change applied twice is harmless).
 * - Write-only: nothing queries this index, so committed segments leave memory (a merge reads
 *   their postings from their files as it goes); the worker holds the buffer and the merge in
 *   progress, not the whole index (measured at 2.7 million papers: docs/import-performance.md).
 * - The parent posts 'finish' when the import is done: the worker catches up completely, turns
 *   the last buffer into a segment, merges what is due, commits and posts { done }. 'stop' (an
 *   interrupted import) commits what was applied without catching up.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { LexicalIndex, type LexicalChange, type LexicalOptions } from './lexical/index.js';
import { readChangesSqlite } from './changes.js';

export interface LexicalWorkerInput {
  /** the SQLite catalog file */
  catalogPath: string;
  /** the lexical index directory (paths.ts lexicalDir) */
  dir: string;
  /** docs per buffer, i.e. per new segment (default 65,536) */
  flushDocs?: number;
  /** segments of a size tier merged into one (default 8, the index's own) */
  mergeFactor?: number;
  /** merge everything into one segment at the end (default: only when the index is small) */
  optimize?: boolean;
}

export interface LexicalWorkerReport {
  /** changes applied by this run */
  applied: number;
  /** the change position committed */
  changeSeq: number;
  /** live papers in the index */
  docs: number;
  segments: number;
  /** bytes of the segments (on disk and in memory) */
  bytes: number;
  /** milliseconds from 'finish' to the commit: how far behind the import the index was */
  finishMs: number;
}

export type LexicalWorkerMessage =
  | { locked: string }
  /** after each batch applied: the change position reached (the importer paces itself by it) */
  | { progress: number }
  | { done: LexicalWorkerReport }
  | { failed: string };
export type LexicalWorkerCommand = 'finish' | 'stop';

/**
 * Changes read per step. The batch's documents are what survives a young-generation collection
 * (they are copied, and promoted when they survive two): measured on 300,000 synthetic papers,
 * scavenges took ~1.5 s with 2,000 changes a step and ~0.45 s with 1,000 or 500 (~3 µs a paper
 * less, and ~60 MB less peak RSS); 5,000 costs ~130 MB more peak RSS.
 */
const BATCH = 1000;
/**
 * Docs per buffer. Measured on 2.7 million synthetic papers: 131,072 costs the same CPU (fewer
 * merges, larger buffers to sort) and ~100 MB more memory; 32,768 adds a merge level.
 */
const FLUSH_DOCS = 65_536;
/** Nothing new to index: look again after this long. */
const IDLE_MS = 20;
/** Below this many papers a final merge into one segment takes well under a second. */
const OPTIMIZE_MAX_DOCS = 300_000;
const LOCKED = /is locked by process|already open for writing/;
const DAMAGED = /unreadable|damaged|unsupported manifest/;

/**
 * A LOCK file written by this process (another thread of it holds the index): the index's own
 * check only looks for other processes. A LOCK older than this process is a dead process's whose
 * pid was reused, and is taken over as usual.
 */
function lockedByThisProcess(dir: string): boolean {
  const path = join(dir, 'LOCK');
  try {
    if (Number(readFileSync(path, 'utf8').trim()) !== process.pid) return false;
    const started = Date.now() - process.uptime() * 1000;
    return statSync(path).mtimeMs >= started - 1000;
  } catch {
    return false;
  }
}

function openIndex(dir: string, opts: LexicalOptions): LexicalIndex | { locked: string } {
  if (lockedByThisProcess(dir)) return { locked: `lexical index ${dir} is open for writing in this process` };
  try {
    return LexicalIndex.open(dir, opts);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (LOCKED.test(msg)) return { locked: msg };
    // derived data: a damaged index is rebuilt from the whole change log
    if (DAMAGED.test(msg)) return LexicalIndex.create(dir, opts);
    throw err;
  }
}

function main(input: LexicalWorkerInput): void {
  const port = parentPort!;
  const flushDocs = Math.max(1, input.flushDocs ?? FLUSH_DOCS);
  const opened = openIndex(input.dir, { flushDocs, mergeFactor: input.mergeFactor, autoMerge: true, writeOnly: true });
  if (!(opened instanceof LexicalIndex)) {
    port.postMessage(opened satisfies LexicalWorkerMessage);
    port.close();
    return;
  }
  const index = opened;
  let catalog: BetterSqlite3.Database | null = null;
  let command: LexicalWorkerCommand | null = null;
  let finishAt = 0;
  let applied = 0;
  port.on('message', (m: LexicalWorkerCommand) => {
    if (m !== 'finish' && m !== 'stop') return;
    command ??= m;
    finishAt ||= performance.now();
  });

  const close = () => {
    index.close();
    catalog?.close();
    port.close();
  };
  const fail = (err: unknown) => {
    port.postMessage({ failed: err instanceof Error ? err.message : String(err) } satisfies LexicalWorkerMessage);
    close();
  };

  /** Applies one batch; true when the change log may hold more right now. */
  const applyBatch = (): boolean => {
    const st = index.stats();
    // a batch that fills the buffer exactly: it becomes a segment with nothing left over, and
    // the commit after it writes that segment as it is
    const room = flushDocs - st.buffered;
    const batch = readChangesSqlite(catalog!, index.changeSeq, room > 0 ? Math.min(BATCH, room) : BATCH);
    if (batch.changes.length > 0) {
      const changes: LexicalChange[] = new Array(batch.changes.length);
      for (let i = 0; i < changes.length; i++) {
        const c = batch.changes[i]!;
        changes[i] = 'deleted' in c ? { seq: c.seq, deleted: true } : { seq: c.seq, doc: c.doc };
      }
      index.apply(changes, batch.last);
      applied += changes.length;
      // the buffer just became a segment: make it (and the position) durable
      if (index.stats().buffered === 0) index.commit();
      port.postMessage({ progress: index.changeSeq } satisfies LexicalWorkerMessage);
    }
    return batch.more;
  };

  /** Commits; `complete` (caught up): the final merges first. */
  const finish = (complete: boolean) => {
    if (complete) {
      index.flush();
      if (input.optimize ?? index.size <= OPTIMIZE_MAX_DOCS) index.optimize();
    }
    index.commit();
    const st = index.stats();
    const report: LexicalWorkerReport = {
      applied,
      changeSeq: index.committedChangeSeq,
      docs: st.docs,
      segments: st.segments.length,
      bytes: st.segmentBytes,
      finishMs: performance.now() - finishAt,
    };
    index.close();
    catalog?.close();
    port.postMessage({ done: report } satisfies LexicalWorkerMessage);
    port.close();
  };

  const step = () => {
    try {
      if (command === 'stop') return finish(false);
      const more = applyBatch();
      if (more) return void setImmediate(step);
      if (command === 'finish') {
        // the import has committed its last batch: one more read sees everything
        while (applyBatch());
        return finish(true);
      }
      setTimeout(step, IDLE_MS);
    } catch (err) {
      fail(err);
    }
  };

  try {
    catalog = new BetterSqlite3(input.catalogPath, { readonly: true, fileMustExist: true });
    catalog.pragma('busy_timeout = 10000');
  } catch (err) {
    return fail(err);
  }
  step();
}

main(workerData as LexicalWorkerInput);
