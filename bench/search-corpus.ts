/**
 * The search benchmark's corpus on disk (bench/search.ts): the synthetic snapshot's papers as
 * SearchDocs, one JSON object a line (`docs.ndjson`, seq = line number from 1), with a file of
 * byte offsets (`docs.off`, Float64 per seq, plus the end) so any paper can be read back by seq.
 * It stands in for the catalog: the indexes are built from it and the phrase check reads texts
 * from it.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import type { SearchDoc } from '../src/search/types.js';
import { parseSnapshotLine } from '../src/ingest/snapshot.js';
import { paperToDoc } from './lexical.js';

/** The lines of a text file (without their line breaks), read in large chunks. */
export function* readLines(path: string, chunkBytes = 8 << 20): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const got = readSync(fd, buf, filled, buf.length - filled, null);
      const end = filled + got;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0 || nl >= end) break;
        if (nl > start) yield buf.toString('utf8', start, nl);
        start = nl + 1;
      }
      if (got === 0) {
        if (end > start) yield buf.toString('utf8', start, end);
        return;
      }
      buf.copy(buf, 0, start, end);
      filled = end - start;
    }
  } finally {
    closeSync(fd);
  }
}

export interface CatalogResult {
  docs: number;
  skipped: number;
  seconds: number;
  bytes: number;
}

/** Parses the snapshot into `docs.ndjson` + `docs.off` in `dir` (written under temporary names, then renamed). */
export function writeCatalog(snapshot: string, dir: string, onProgress?: (n: number) => void): CatalogResult {
  const t0 = performance.now();
  const docsPath = `${dir}/docs.ndjson`;
  const fd = openSync(`${docsPath}.tmp`, 'w');
  let offsets = new Float64Array(1 << 20);
  let pos = 0;
  let seq = 0;
  let skipped = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const b = Buffer.from(pending.join(''), 'utf8');
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const line of readLines(snapshot)) {
      let doc: SearchDoc;
      try {
        doc = paperToDoc(parseSnapshotLine(line), seq + 1);
      } catch {
        skipped++;
        continue;
      }
      seq++;
      const text = `${JSON.stringify(doc)}\n`;
      if (seq >= offsets.length) {
        const bigger = new Float64Array(offsets.length * 2);
        bigger.set(offsets);
        offsets = bigger;
      }
      offsets[seq - 1] = pos;
      pos += Buffer.byteLength(text, 'utf8');
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes >= 8 << 20) flush();
      if (seq % 250_000 === 0) onProgress?.(seq);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  offsets[seq] = pos;
  const off = offsets.slice(0, seq + 1);
  const ofd = openSync(`${dir}/docs.off.tmp`, 'w');
  const ob = new Uint8Array(off.buffer);
  let w = 0;
  while (w < ob.length) w += writeSync(ofd, ob, w, ob.length - w);
  closeSync(ofd);
  renameSync(`${docsPath}.tmp`, docsPath);
  renameSync(`${dir}/docs.off.tmp`, `${dir}/docs.off`);
  return { docs: seq, skipped, seconds: (performance.now() - t0) / 1000, bytes: pos };
}

export function catalogExists(dir: string): boolean {
  return existsSync(`${dir}/docs.ndjson`) && existsSync(`${dir}/docs.off`);
}

/** Random and sequential access to the docs of a catalog directory. */
export class DocStore {
  readonly count: number;
  private offsets: Float64Array;
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(64 << 10);

  constructor(readonly dir: string) {
    const b = readFileSync(`${dir}/docs.off`);
    this.offsets = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    this.count = this.offsets.length - 1;
    this.fd = openSync(`${dir}/docs.ndjson`, 'r');
  }

  get path(): string {
    return `${this.dir}/docs.ndjson`;
  }

  get bytes(): number {
    return statSync(this.path).size;
  }

  /** The doc of `seq` (1 … count). */
  get(seq: number): SearchDoc {
    if (!(seq >= 1 && seq <= this.count)) throw new RangeError(`no doc ${seq}`);
    const from = this.offsets[seq - 1]!;
    const len = this.offsets[seq]! - from;
    if (len > this.buf.length) this.buf = Buffer.allocUnsafe(len * 2);
    let got = 0;
    while (got < len) {
      const r = readSync(this.fd, this.buf, got, len - got, from + got);
      if (r === 0) throw new Error('docs.ndjson is shorter than its offsets');
      got += r;
    }
    return JSON.parse(this.buf.toString('utf8', 0, len)) as SearchDoc;
  }

  /** Every doc in seq order (at most `limit`); `timing.ms` accumulates the time spent reading and parsing. */
  *all(limit = Infinity, timing?: { ms: number }): Generator<SearchDoc> {
    let n = 0;
    let t = performance.now();
    for (const line of readLines(this.path)) {
      const doc = JSON.parse(line) as SearchDoc;
      if (timing) timing.ms += performance.now() - t;
      yield doc;
      if (++n >= limit) return;
      t = performance.now();
    }
  }

  /** Every doc in batches of `size`. */
  *batches(size: number, timing?: { ms: number }): Generator<SearchDoc[]> {
    let batch: SearchDoc[] = [];
    let t = performance.now();
    for (const line of readLines(this.path)) {
      batch.push(JSON.parse(line) as SearchDoc);
      if (batch.length === size) {
        if (timing) timing.ms += performance.now() - t;
        yield batch;
        batch = [];
        t = performance.now();
      }
    }
    if (timing) timing.ms += performance.now() - t;
    if (batch.length > 0) yield batch;
  }

  /** Closes the file and lets the offsets go. */
  close(): void {
    closeSync(this.fd);
    this.offsets = new Float64Array(0);
  }
}

/** Lowercased letter-and-digit words joined by single spaces, padded with a space each side. */
export function phraseText(s: string): string {
  return ` ${(s.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ')} `;
}

/**
 * The `checkPhrases` of runSearch: the title and abstract of each candidate, looked up in an
 * in-memory cache (filled from the store on a miss: the warm-up run fills it, `stats.misses`
 * counts the lookups that went to disk).
 */
export function phraseChecker(store: DocStore, cache: Map<number, string>, stats: { misses: number; checked: number; bytes: number }) {
  return async (seqs: number[], phrases: string[][], excluded: string[][]): Promise<Set<number>> => {
    const need = phrases.map((p) => phraseText(p.join(' '))).filter((p) => p.trim() !== '');
    const avoid = excluded.map((p) => phraseText(p.join(' '))).filter((p) => p.trim() !== '');
    const ok = new Set<number>();
    for (const seq of seqs) {
      let text = cache.get(seq);
      if (text === undefined) {
        const d = store.get(seq);
        text = phraseText(`${d.title} ${d.abstract}`);
        cache.set(seq, text);
        stats.misses++;
        stats.bytes += text.length * 2;
      }
      stats.checked++;
      if (need.every((p) => text.includes(p)) && !avoid.some((p) => text.includes(p))) ok.add(seq);
    }
    return ok;
  };
}
