/**
 * Splits a JSON Lines stream into parsed batches, tracking the byte offset and line number after
 * each batch so an import can resume exactly there. Used on a worker thread for files and
 * directly for standard input.
 */
import { parseSnapshotLine } from './snapshot.js';
import type { NormalizedPaper } from '../papers/model.js';
import type { RecordError } from './types.js';
import { sumStats, type UpsertStats } from '../papers/upsert.js';

export interface SnapshotBatch {
  papers: NormalizedPaper[];
  errors: RecordError[];
  /** non-empty lines read in this batch, good and bad */
  records: number;
  /** byte offset just after the batch's last line */
  offset: number;
  /** number of the batch's last line */
  line: number;
}

/** Where a snapshot import stands (saved with each batch, so that a rerun continues there). */
export interface SnapshotPosition {
  offset: number;
  line: number;
  records: number;
  errors: number;
  stats: UpsertStats;
  done: boolean;
}

/** Where an import stands once `batch` is stored with `stats`: what that batch's transaction saves. */
export function positionAfter(before: SnapshotPosition, batch: SnapshotBatch, stats: UpsertStats): SnapshotPosition {
  return {
    ...before,
    offset: batch.offset,
    line: batch.line,
    records: before.records + batch.records,
    errors: before.errors + batch.errors.length,
    stats: sumStats(before.stats, stats),
  };
}

/** Yields batches of up to `batchSize` records; the last one may be smaller (or empty at end of input). */
export async function* readSnapshotBatches(stream: AsyncIterable<Buffer | string>, start: { offset: number; line: number }, batchSize: number): AsyncGenerator<SnapshotBatch> {
  let offset = start.offset;
  let line = start.line;
  let batch: SnapshotBatch = { papers: [], errors: [], records: 0, offset, line };
  const handle = (buf: Buffer, from: number, to: number) => {
    line++;
    if (to > from && buf[to - 1] === 13) to--; // CRLF
    if (to <= from) return;
    batch.records++;
    try {
      batch.papers.push(parseSnapshotLine(buf.toString('utf8', from, to)));
    } catch (err) {
      batch.errors.push({ record: line, line, reason: (err as Error).message });
    }
  };
  const take = (): SnapshotBatch => {
    const full = { ...batch, offset, line };
    batch = { papers: [], errors: [], records: 0, offset, line };
    return full;
  };

  let carry: Buffer | null = null;
  for await (const chunk of stream) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf: Buffer = carry ? Buffer.concat([carry, data]) : data;
    let from = 0;
    let nl: number;
    while ((nl = buf.indexOf(10, from)) !== -1) {
      handle(buf, from, nl);
      offset += nl + 1 - from;
      from = nl + 1;
      if (batch.records >= batchSize) yield take();
    }
    carry = from < buf.length ? buf.subarray(from) : null;
  }
  if (carry && carry.length > 0) {
    handle(carry, 0, carry.length); // a last line without a newline
    offset += carry.length;
  }
  yield take();
}
