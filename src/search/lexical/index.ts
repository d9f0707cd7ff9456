/**
 * The lexical search engine: BM25F top-k over millions of papers in a few milliseconds, kept in
 * step with the catalog's change log like the FTS5 index it replaces.
 *
 * Structure
 * - Immutable segments (segment.ts), each one file in the index directory. Changes accumulate in
 *   a DocBuffer (builder.ts) that becomes an in-memory segment when it holds `flushDocs` docs,
 *   before a search, and on commit; `commit()` writes the segments not yet on disk and then the
 *   manifest. Segments are merged by size tiers (`mergeFactor` of a tier → one of the next).
 * - `owner[seq]`: the segment holding a doc's current version (−1: absent or deleted, 0: in the
 *   buffer). A segment's postings of a doc it no longer owns are skipped at query time and
 *   dropped by merges. Segment ids grow; a segment only ever holds versions that were current
 *   when it was written, so replaying segments by id (each one's docs, then its tombstones)
 *   rebuilds `owner` on open.
 * - `days[seq]`, `upvotes[seq]` and, per window of 65,536 seqs, the largest day / upvotes and the
 *   smallest day: day-range filters and the newest / most-upvoted sorts.
 *
 * Scoring (format.ts): impacts are quantized at index time with average field lengths that are
 * frozen when the index is created: measured on the first buffer when it holds at least 1,000
 * docs (a bulk build), else arXiv-like defaults. Every segment then uses the same lengths, so
 * merges copy impacts without re-scoring and all segments rank alike. The price is drift: if the
 * corpus's real averages move away (stats() reports both), impacts are slightly off until the
 * index is rebuilt (buildIndex, or `dailypapers search rebuild`), which measures them again.
 * Averages move slowly on arXiv (abstract lengths change by a few percent over years); BM25 is
 * insensitive to that (a 10% error in avglen changes a typical impact by about 1–2%). idf uses
 * the live N and the df summed over segments (postings of stale versions count until merged
 * away, as in Lucene).
 *
 * Persistence and crash safety: a directory of `seg-<id>.lex` files and `manifest.json`, replaced
 * atomically (write a temporary file, fsync, rename, fsync the directory) after the segment files
 * it lists are written and fsynced. The manifest records the change_seq covered, so a crash at
 * any point leaves the last manifest and its files: the tailer re-applies what came after (a
 * change applied twice is harmless: the newer version wins). On open, a writer removes files the
 * manifest does not list (a crash's orphans, temporary manifests). One writer per directory
 * (a LOCK file with its pid); other processes may open it read-only and tail in memory.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Scored, SearchDoc } from '../types.js';
import { AUTHOR_PREFIX, authorTerms, categoryTerms, queryTerms, tokenize } from './analyzer.js';
import { DocBuffer } from './builder.js';
import { AndIter, AuthorFieldIter, DayWindowIter, OrIter, PartCursor, TermIter, WINDOW_SHIFT, type DocIter } from './cursor.js';
import { relevanceTopK, sortedTopK, TopK, type EvalStats, type Reject, type WindowIters } from './evaluate.js';
import { DEFAULT_AVG_LEN, DONE, HI_SUFFIX, Impacts, MIN_DOCS_FOR_STATS, SCORE_UNIT, growInt32, idfWeight } from './format.js';
import { inMemory, mergeSegments } from './merge.js';
import { decodeList, readSegment, segmentFileMeta, writeAllAt, type LoadedSegment, type Segment, type SegmentFileTarget, type TermEntry } from './segment.js';
import { StreamedSegment } from './streamed.js';

export type LexicalSort = 'relevance' | 'newest' | 'upvotes';

export interface LexicalQuery {
  /** words as typed (analyzed here); they score */
  terms?: string[];
  /** 'any' (default): a doc needs one term, more matching terms score higher; 'all': every term required */
  mode?: 'any' | 'all';
  /** words every result must contain, scored too (a phrase's words: the caller checks the phrase on the text) */
  require?: string[];
  /** words no result may contain */
  exclude?: string[];
  /** author names (or their tokens): every token of every name must be among the doc's author tokens */
  authors?: Array<string | string[]>;
  /** categories or archives ("cs.LG", "cs", "hep-th"): a doc must be in one of them */
  categories?: string[];
  /** inclusive day bounds, days since 1970-01-01 */
  dayFrom?: number;
  dayTo?: number;
  /** relevance (default; without terms: newest), newest (day, then seq), upvotes; the sorts require every term */
  sort?: LexicalSort;
  /** any further condition of the caller's */
  accept?: (seq: number) => boolean;
}

export type LexicalChange = { seq: number; doc: SearchDoc; deleted?: false } | { seq: number; deleted: true };

export interface LexicalOptions {
  /** no commits, no lock, no cleanup: apply changes in memory only */
  readOnly?: boolean;
  /** buffered docs that make a segment (default 65,536) */
  flushDocs?: number;
  /** segments of one size tier that are merged into one (default 8) */
  mergeFactor?: number;
  /** merge as segments accumulate (default true; a bulk build merges once at the end) */
  autoMerge?: boolean;
  /** average field lengths (title, authors, abstract) for a new index instead of measuring them */
  avgLen?: [number, number, number];
  /**
   * A writer that never queries (a bulk import's indexer): committed segments keep only their
   * docs in memory and a merge reads their postings from their files as it goes (streamed.ts),
   * so memory holds the buffer and the merge in progress instead of the whole index. Queries
   * throw.
   */
  writeOnly?: boolean;
}

export interface LexicalStats {
  /** live docs */
  docs: number;
  maxSeq: number;
  /** `released`: a write-only index's committed segment, not in memory (its terms then read 0) */
  segments: Array<{ id: number; docs: number; live: number; tombstones: number; terms: number; bytes: number; persisted: boolean; released: boolean }>;
  /** docs and deletions not yet in a segment */
  buffered: number;
  /** bytes of all segments (the index's memory, besides ~12 bytes per seq of arrays; released segments count their file) */
  segmentBytes: number;
  /** bytes of the per-seq arrays */
  arrayBytes: number;
  changeSeq: number;
  committedChangeSeq: number;
  /** frozen average field lengths used for impacts, and the averages of the docs indexed since */
  avgLen: [number, number, number] | null;
  observedAvgLen: [number, number, number] | null;
}

/** A segment as the manifest lists it. */
export interface ManifestSegment {
  id: number;
  file: string;
  bytes: number;
  crc: number;
  docs: number;
}

interface Manifest {
  format: 1;
  generation: number;
  changeSeq: number;
  nextId: number;
  avgLen: [number, number, number] | null;
  lenDocs: number;
  lenSums: [number, number, number];
  segments: ManifestSegment[];
  /** file of [seq, upvotes] int32 pairs set through setUpvotes */
  upvotes: string | null;
}

export const MANIFEST = 'manifest.json';
const LOCK = 'LOCK';
/** a tier's smallest size: segments below it are tier 0 */
const TIER_BASE = 4096;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const lockedHere = new Set<string>();

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a directory
  }
}

function writeFileDurable(path: string, parts: Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    for (const data of parts) {
      writeAllAt(fd, data, at);
      at += data.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const segmentFileName = (id: number) => `seg-${id}.lex`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A query term's postings, found in the segments. */
interface TermInfo {
  term: string;
  /** postings over all segments and tiers */
  df: number;
  parts: Array<{ seg: Segment; e: TermEntry; hi: boolean }>;
}

export class LexicalIndex {
  private segments: Segment[] = [];
  private readonly byId = new Map<number, Segment>();
  private owner = new Int32Array(1024).fill(-1);
  private days = new Int32Array(1024);
  private ups = new Int32Array(1024);
  /** field lengths of each seq's current version: 3 per seq */
  private lens = new Uint16Array(3 * 1024);
  private impacts: Impacts | null = null;
  private winMaxDay = new Int32Array(16).fill(INT_MIN);
  private winMinDay = new Int32Array(16).fill(INT_MAX);
  private winMaxUp = new Int32Array(16).fill(INT_MIN);
  private maxSeq = -1;
  private live = 0;
  private buffer = new DocBuffer();
  private avgLen: [number, number, number] | null;
  private lenDocs = 0;
  private lenSums: [number, number, number] = [0, 0, 0];
  private nextId = 1;
  private generation = 0;
  private applied = 0;
  private committed = 0;
  private upvoteOverrides = new Map<number, number>();
  private upvoteFile: string | null = null;
  /** persisted segments merged away: their files go once a manifest no longer lists them */
  private obsolete: string[] = [];
  private readonly flushDocs: number;
  private readonly mergeFactor: number;
  private readonly autoMerge: boolean;
  private closed = false;

  private constructor(readonly dir: string, private readonly opts: LexicalOptions) {
    this.flushDocs = Math.max(1, opts.flushDocs ?? 65536);
    this.mergeFactor = Math.max(2, opts.mergeFactor ?? 8);
    this.autoMerge = opts.autoMerge ?? true;
    this.avgLen = opts.avgLen ? [...opts.avgLen] : null;
  }

  /** Opens (creating when needed) the index in `dir`. */
  static open(dir: string, opts: LexicalOptions = {}): LexicalIndex {
    const index = new LexicalIndex(dir, opts);
    mkdirSync(dir, { recursive: true });
    if (!opts.readOnly) index.lock();
    try {
      index.load();
    } catch (err) {
      index.close();
      throw err;
    }
    return index;
  }

  /** A fresh index in `dir`, replacing whatever was there. */
  static create(dir: string, opts: LexicalOptions = {}): LexicalIndex {
    mkdirSync(dir, { recursive: true });
    const index = new LexicalIndex(dir, opts);
    if (!opts.readOnly) index.lock();
    for (const f of readdirSync(dir)) if (f !== LOCK) rmSync(join(dir, f), { force: true, recursive: true });
    return index;
  }

  private lock(): void {
    const path = join(this.dir, LOCK);
    const key = join(this.dir);
    if (lockedHere.has(key)) throw new Error(`lexical index ${this.dir} is already open for writing in this process`);
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new Error(`lexical index ${this.dir} is locked by process ${pid}`);
      }
      const fd = openSync(path, 'w');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    }
    lockedHere.add(key);
  }

  /** Releases the lock (unsaved changes are lost: commit first). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.opts.readOnly && lockedHere.has(join(this.dir))) {
      lockedHere.delete(join(this.dir));
      rmSync(join(this.dir, LOCK), { force: true });
    }
  }

  private load(): void {
    let manifest: Manifest | null = null;
    try {
      manifest = JSON.parse(readFileSync(join(this.dir, MANIFEST), 'utf8')) as Manifest;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`lexical index ${this.dir}: unreadable manifest: ${(err as Error).message}`);
    }
    const keep = new Set<string>([MANIFEST, LOCK]);
    if (manifest) {
      if (manifest.format !== 1) throw new Error(`lexical index ${this.dir}: unsupported manifest format ${String(manifest.format)}`);
      this.generation = manifest.generation;
      this.applied = this.committed = manifest.changeSeq;
      this.nextId = manifest.nextId;
      this.avgLen = manifest.avgLen ?? this.avgLen;
      this.lenDocs = manifest.lenDocs ?? 0;
      this.lenSums = manifest.lenSums ?? [0, 0, 0];
      const loaded: LoadedSegment[] = [];
      for (const m of manifest.segments) {
        let l: LoadedSegment;
        try {
          l = readSegment(join(this.dir, m.file), m.id);
        } catch (err) {
          throw new Error(`lexical index ${this.dir}: segment ${m.file} is unreadable: ${(err as Error).message}`);
        }
        if (l.bytes !== m.bytes || l.crc !== m.crc) throw new Error(`lexical index ${this.dir}: segment ${m.file} is damaged`);
        l.seg.persisted = true;
        l.seg.file = m.file;
        l.seg.crc = m.crc;
        l.seg.fileBytes = l.bytes;
        loaded.push(l);
        keep.add(m.file);
      }
      loaded.sort((a, b) => a.seg.id - b.seg.id);
      for (const l of loaded) {
        this.segments.push(l.seg);
        this.byId.set(l.seg.id, l.seg);
      }
      this.replay(loaded);
      if (this.opts.writeOnly) this.releaseCommitted();
      if (manifest.upvotes) {
        keep.add(manifest.upvotes);
        this.upvoteFile = manifest.upvotes;
        const b = readFileSync(join(this.dir, manifest.upvotes));
        const pairs = new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~7)));
        for (let i = 0; i + 1 < pairs.length; i += 2) this.setUpvotes(pairs[i]!, pairs[i + 1]!);
      }
    }
    if (!this.opts.readOnly) {
      // a crash's leftovers: segment files never listed, temporary manifests, old upvote files
      for (const f of readdirSync(this.dir)) if (!keep.has(f)) rmSync(join(this.dir, f), { force: true, recursive: true });
    }
  }

  /** Rebuilds owner, days, upvotes, lengths and the window bounds from the segments (by id). */
  private replay(loaded: LoadedSegment[]): void {
    let max = -1;
    for (const { seg: s } of loaded) {
      if (s.docCount > 0) max = Math.max(max, s.docs[s.docCount - 1]!);
      if (s.tombs.length > 0) max = Math.max(max, s.tombs[s.tombs.length - 1]!);
    }
    this.ensure(max, true);
    const owner = this.owner;
    const lens = this.lens;
    for (const l of loaded) {
      const s = l.seg;
      const docs = s.docs;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        owner[d] = s.id;
        this.days[d] = l.days[i]!;
        this.ups[d] = l.upvotes[i]!;
        lens[3 * d] = l.lens[3 * i]!;
        lens[3 * d + 1] = l.lens[3 * i + 1]!;
        lens[3 * d + 2] = l.lens[3 * i + 2]!;
      }
      for (let i = 0; i < s.tombs.length; i++) owner[s.tombs[i]!] = -1;
    }
    this.live = 0;
    for (const s of this.segments) {
      let n = 0;
      for (let i = 0; i < s.docs.length; i++) if (owner[s.docs[i]!] === s.id) n++;
      s.live = n;
      this.live += n;
    }
    for (let d = 0; d <= max; d++) if (owner[d]! > 0) this.bound(d);
  }

  /** Makes room for `seq` (growing by half, or exactly when `exact`). */
  private ensure(seq: number, exact = false): void {
    if (seq > this.maxSeq) this.maxSeq = seq;
    if (seq >= this.owner.length) {
      const cap = exact ? seq + 1 : Math.max(seq + 1, Math.ceil(this.owner.length * 1.5));
      const owner = new Int32Array(cap).fill(-1);
      owner.set(this.owner);
      this.owner = owner;
      const days = new Int32Array(cap);
      days.set(this.days);
      this.days = days;
      const ups = new Int32Array(cap);
      ups.set(this.ups);
      this.ups = ups;
      const lens = new Uint16Array(3 * cap);
      lens.set(this.lens);
      this.lens = lens;
    }
    const w = (seq >>> WINDOW_SHIFT) + 1;
    if (w > this.winMaxDay.length) {
      this.winMaxDay = growInt32(this.winMaxDay, w, INT_MIN);
      this.winMinDay = growInt32(this.winMinDay, w, INT_MAX);
      this.winMaxUp = growInt32(this.winMaxUp, w, INT_MIN);
    }
  }

  /** Widens the window bounds for a doc's day and upvotes. */
  private bound(seq: number): void {
    const w = seq >>> WINDOW_SHIFT;
    const day = this.days[seq]!;
    if (day > this.winMaxDay[w]!) this.winMaxDay[w] = day;
    if (day < this.winMinDay[w]!) this.winMinDay[w] = day;
    const up = this.ups[seq]!;
    if (up > this.winMaxUp[w]!) this.winMaxUp[w] = up;
  }

  // -------------------------------------------------------------------------------------------
  // Changes

  /** Applies changes in change-log order; `changeSeq` is the position they bring the index to. */
  apply(changes: Iterable<LexicalChange>, changeSeq?: number): void {
    for (const c of changes) {
      if (c.deleted === true) this.delete(c.seq);
      else this.add(c.doc);
    }
    if (changeSeq !== undefined && changeSeq > this.applied) this.applied = changeSeq;
  }

  /** Adds or replaces a paper. */
  add(doc: SearchDoc): void {
    const seq = doc.seq;
    if (!Number.isInteger(seq) || seq < 0 || seq >= DONE) throw new RangeError(`lexical index: invalid seq ${String(seq)}`);
    this.ensure(seq);
    const prev = this.owner[seq]!;
    if (prev > 0) this.byId.get(prev)!.live--;
    if (prev === -1) this.live++;
    this.owner[seq] = 0;
    this.days[seq] = Number.isFinite(doc.day) ? doc.day | 0 : 0;
    this.ups[seq] = Number.isFinite(doc.upvotes) ? doc.upvotes | 0 : 0;
    this.upvoteOverrides.delete(seq);
    this.bound(seq);
    this.buffer.add(doc);
    if (this.buffer.size >= this.flushDocs) this.flush();
  }

  /** Deletes a paper (nothing happens for one the index does not have). */
  delete(seq: number): void {
    if (!Number.isInteger(seq) || seq < 0 || seq > this.maxSeq) return;
    const prev = this.owner[seq]!;
    if (prev === -1) return;
    if (prev > 0) this.byId.get(prev)!.live--;
    this.live--;
    this.owner[seq] = -1;
    this.upvoteOverrides.delete(seq);
    this.buffer.delete(seq);
    if (this.buffer.size >= this.flushDocs) this.flush();
  }

  /** Sets a paper's upvotes (the upvotes sort); kept across commits. */
  setUpvotes(seq: number, upvotes: number): void {
    if (!Number.isInteger(seq) || seq < 0 || seq > this.maxSeq || this.owner[seq] === -1) return;
    const v = Number.isFinite(upvotes) ? upvotes | 0 : 0;
    this.ups[seq] = v;
    this.upvoteOverrides.set(seq, v);
    this.bound(seq);
  }

  /** The change_seq applied (in memory) and the one committed to disk. */
  get changeSeq(): number {
    return this.applied;
  }

  get committedChangeSeq(): number {
    return this.committed;
  }

  /** Live papers. */
  get size(): number {
    return this.live;
  }

  /** Turns the buffered changes into a segment (in memory until commit), then merges if due. */
  flush(merge = this.autoMerge): void {
    if (!this.buffer.empty) {
      if (this.avgLen === null) {
        const st = this.buffer.lengthStats();
        this.avgLen = st.docs >= MIN_DOCS_FOR_STATS ? [st.sums[0] / st.docs, st.sums[1] / st.docs, st.sums[2] / st.docs] : [...DEFAULT_AVG_LEN];
        // no segment was scored with another
        this.impacts = null;
      }
      const id = this.nextId++;
      const frozen = this.buffer.freeze(id, this.getImpacts());
      const seg = frozen.seg;
      const owner = this.owner;
      const lens = this.lens;
      for (let i = 0; i < seg.docs.length; i++) {
        const d = seg.docs[i]!;
        owner[d] = id;
        lens[3 * d] = frozen.lens[3 * i]!;
        lens[3 * d + 1] = frozen.lens[3 * i + 1]!;
        lens[3 * d + 2] = frozen.lens[3 * i + 2]!;
      }
      seg.live = seg.docCount;
      this.lenDocs += seg.docCount;
      for (let f = 0; f < 3; f++) this.lenSums[f]! += frozen.lenSums[f]!;
      this.segments.push(seg);
      this.byId.set(id, seg);
    }
    if (merge) this.maybeMerge();
  }

  private getImpacts(): Impacts {
    if (!this.impacts) this.impacts = new Impacts(this.avgLen ?? DEFAULT_AVG_LEN);
    return this.impacts;
  }

  /** Merges every segment into one (after a bulk build; queries are fastest on one segment). */
  optimize(): void {
    this.flush(false);
    if (this.segments.length > 1 || (this.segments.length === 1 && this.segments[0]!.live !== this.segments[0]!.docCount)) this.merge(this.segments.slice());
  }

  private tier(s: Segment): number {
    const n = s.live;
    if (n < TIER_BASE) return 0;
    return Math.floor(Math.log(n / TIER_BASE) / Math.log(this.mergeFactor)) + 1;
  }

  private maybeMerge(): void {
    for (;;) {
      // a segment mostly made of stale versions is rewritten
      const dead = this.segments.find((s) => s.docCount >= TIER_BASE && s.live * 2 < s.docCount);
      if (dead) {
        this.merge([dead]);
        continue;
      }
      const tiers = new Map<number, Segment[]>();
      for (const s of this.segments) {
        const t = this.tier(s);
        let list = tiers.get(t);
        if (!list) tiers.set(t, (list = []));
        list.push(s);
      }
      let picked: Segment[] | null = null;
      for (const t of [...tiers.keys()].sort((a, b) => a - b)) {
        const list = tiers.get(t)!;
        if (list.length >= this.mergeFactor) {
          picked = list;
          break;
        }
      }
      if (!picked) return;
      this.merge(picked);
    }
  }

  private merge(inputs: Segment[]): void {
    if (inputs.length === 0) return;
    const id = this.nextId++;
    // released segments are read from their files as the merge goes; each file is checked
    // against its checksum before the output replaces it, and when the merge fails
    const streamed: StreamedSegment[] = [];
    let seg: Segment | null = null;
    let failure: unknown = null;
    try {
      const sources = inputs.map((s) => {
        if (!s.released) return inMemory(s);
        const r = this.openStreamed(s);
        streamed.push(r);
        return r;
      });
      // a write-only index writes the output straight to its file (it would be released at the
      // next commit anyway): memory holds the merge's buffers, not the merged segment
      const toFile = this.opts.writeOnly ? (docs: Int32Array, tombs: Int32Array) => this.fileTarget(id, docs, tombs) : null;
      seg = mergeSegments(id, sources, this.owner, this.lens, this.getImpacts(), toFile);
    } catch (err) {
      failure = err;
    }
    try {
      const bad = streamed.find((r) => !r.intact());
      if (bad) throw new Error(`lexical index ${this.dir}: segment ${bad.file} is damaged`);
      if (!seg) throw failure;
    } catch (err) {
      if (seg?.persisted) rmSync(join(this.dir, seg.file), { force: true });
      throw err;
    } finally {
      for (const r of streamed) r.close();
    }
    const owner = this.owner;
    for (let i = 0; i < seg.docs.length; i++) owner[seg.docs[i]!] = id;
    seg.live = seg.docCount;
    const gone = new Set(inputs);
    this.segments = this.segments.filter((s) => !gone.has(s));
    for (const s of inputs) {
      this.byId.delete(s.id);
      if (s.persisted) this.obsolete.push(s.file);
    }
    if (seg.docCount > 0 || seg.tombs.length > 0) {
      this.segments.push(seg);
      this.byId.set(id, seg);
    }
  }

  /**
   * Where a segment is written as it is built: its file (listed by the next commit's manifest;
   * removed on reopen if none lists it) and its per-doc part. The per-doc values are those of
   * now, not of that commit: what can change in between is harmless on reopen, where segments
   * are replayed in id order (a doc added again belongs to a later segment, whose values win) and
   * upvotes set since are in the commit's upvotes file, applied after the replay.
   */
  private fileTarget(id: number, docs: Int32Array, tombs: Int32Array): SegmentFileTarget | null {
    // an output with nothing in it is dropped after the merge, so it gets no file
    if (docs.length === 0 && tombs.length === 0) return null;
    return { path: join(this.dir, segmentFileName(id)), meta: segmentFileMeta(docs, tombs, 0, this.days, this.ups, this.lens) };
  }

  /** A released segment opened for a merge, its postings read from its file as the merge goes. */
  private openStreamed(s: Segment): StreamedSegment {
    let r: StreamedSegment;
    try {
      r = StreamedSegment.open(join(this.dir, s.file), s.id, s.fileBytes, s.crc);
    } catch (err) {
      throw new Error(`lexical index ${this.dir}: segment ${s.file} is damaged (${(err as Error).message})`);
    }
    r.seg.live = s.live;
    return r;
  }

  /** Write-only: drops the dictionaries and postings of the committed segments from memory. */
  private releaseCommitted(): void {
    this.segments = this.segments.map((s) => {
      if (!s.persisted || s.released) return s;
      const r = s.release();
      this.byId.set(r.id, r);
      return r;
    });
  }

  /**
   * Makes everything applied durable: flushes the buffer, writes the segments not yet on disk,
   * then atomically replaces the manifest (with the change_seq applied).
   */
  commit(): void {
    if (this.opts.readOnly) throw new Error('lexical index opened read-only');
    if (this.closed) throw new Error('lexical index closed');
    this.flush();
    for (const s of this.segments) {
      if (s.persisted) continue;
      const file = segmentFileName(s.id);
      const parts = s.fileParts(this.days, this.ups, this.lens);
      writeFileDurable(join(this.dir, file), parts);
      s.file = file;
      s.crc = parts.reduce((c, p) => crc32(p, c), 0);
      s.fileBytes = parts.reduce((n, p) => n + p.length, 0);
      s.persisted = true;
    }
    const generation = this.generation + 1;
    let upvotes: string | null = null;
    if (this.upvoteOverrides.size > 0) {
      upvotes = `upvotes-${generation}.bin`;
      const pairs = new Int32Array(this.upvoteOverrides.size * 2);
      let i = 0;
      for (const [seq, v] of this.upvoteOverrides) {
        pairs[i++] = seq;
        pairs[i++] = v;
      }
      writeFileDurable(join(this.dir, upvotes), [new Uint8Array(pairs.buffer)]);
    }
    const manifest: Manifest = {
      format: 1,
      generation,
      changeSeq: this.applied,
      nextId: this.nextId,
      avgLen: this.avgLen,
      lenDocs: this.lenDocs,
      lenSums: this.lenSums,
      segments: this.segments.map((s) => ({ id: s.id, file: s.file, bytes: s.fileBytes, crc: s.crc, docs: s.docCount })),
      upvotes,
    };
    const tmp = join(this.dir, `${MANIFEST}.tmp-${generation}`);
    writeFileDurable(tmp, [Buffer.from(JSON.stringify(manifest))]);
    renameSync(tmp, join(this.dir, MANIFEST));
    fsyncDir(this.dir);
    this.generation = generation;
    this.committed = this.applied;
    // what the new manifest no longer lists
    const old = this.obsolete;
    this.obsolete = [];
    if (this.upvoteFile && this.upvoteFile !== upvotes) old.push(this.upvoteFile);
    this.upvoteFile = upvotes;
    for (const f of old) rmSync(join(this.dir, f), { force: true });
    if (this.opts.writeOnly) this.releaseCommitted();
  }

  private assertQueryable(): void {
    if (this.opts.writeOnly) throw new Error('lexical index opened write-only: it cannot be queried');
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** The stems a query's words match (for highlighting). */
  matchedTerms(q: LexicalQuery): string[] {
    this.assertQueryable();
    return queryTerms([...(q.terms ?? []), ...(q.require ?? [])]);
  }

  /**
   * Postings of the rarest of the words' terms (every segment and tier, stale versions included):
   * what requiring all of them costs to walk. 0 when a word has no term the index holds.
   */
  rarestPostings(words: string[]): number {
    this.assertQueryable();
    const terms = queryTerms(words);
    if (terms.length === 0) return 0;
    let min = Infinity;
    for (const t of terms) min = Math.min(min, this.termInfo(t).df);
    return min;
  }

  /** A term's lists in every segment: the term's, and its high-impact tier's (format.ts). */
  private termInfo(term: string): TermInfo {
    const parts: TermInfo['parts'] = [];
    let df = 0;
    for (const seg of this.segments) {
      for (const hi of [false, true]) {
        const e = seg.lookup(hi ? term + HI_SUFFIX : term);
        if (e) {
          parts.push({ seg, e, hi });
          df += e.df;
        }
      }
    }
    return { term, df, parts };
  }

  /** An iterator over a term's lists (one tier only when `tier` is given). */
  private iter(info: TermInfo, w: number, tier?: boolean): TermIter {
    let largest = 0;
    for (const s of this.segments) if (s.docCount > largest) largest = s.docCount;
    const ctx = { impacts: this.getImpacts(), lens: this.lens, owner: this.owner };
    const parts = info.parts.filter((p) => tier === undefined || p.hi === tier).map(({ seg, e }) => new PartCursor(seg, e, ctx, seg.docCount * 8 < largest));
    return new TermIter(info.term, parts, w, info.df);
  }

  /** The k best matches (k ≤ 10,000). */
  search(q: LexicalQuery, k = 20, onMatch?: (seq: number) => boolean | void, stats?: EvalStats): Scored[] {
    this.assertQueryable();
    k = Math.max(0, Math.min(10_000, Math.floor(k)));
    if (k === 0 && !onMatch) return [];
    if (!this.buffer.empty) this.flush(false);
    const strings = (xs: unknown): string[] => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string') : []);
    const mode = q.mode === 'all' ? 'all' : 'any';
    const positive = queryTerms([...strings(q.terms), ...strings(q.require)]);
    const required = mode === 'all' ? positive : queryTerms(strings(q.require));
    const excluded = queryTerms(strings(q.exclude));
    const n = Math.max(1, this.live);

    const infos = new Map<string, TermInfo>();
    const info = (t: string): TermInfo => {
      let i = infos.get(t);
      if (!i) infos.set(t, (i = this.termInfo(t)));
      return i;
    };
    // filters
    const authorSets: TermInfo[][] = [];
    for (const a of Array.isArray(q.authors) ? q.authors : []) {
      const terms = authorTerms(typeof a === 'string' ? a : strings(a));
      if (terms.length === 0) continue;
      const set = [...new Set(terms)].map(info);
      if (set.some((i) => i.df === 0)) return [];
      authorSets.push(set);
    }
    const cats: TermInfo[] = [];
    let catsAsked = false;
    for (const c of strings(q.categories)) {
      const t = categoryTerms(c)[0];
      if (!t) continue;
      catsAsked = true;
      const i = info(t);
      if (i.df > 0) cats.push(i);
    }
    if (catsAsked && cats.length === 0) return [];
    for (const t of required) if (info(t).df === 0) return [];
    const from = Number.isFinite(q.dayFrom) ? (q.dayFrom as number) : null;
    const to = Number.isFinite(q.dayTo) ? (q.dayTo as number) : null;
    if (from !== null && to !== null && from > to) return [];
    const accept = typeof q.accept === 'function' ? q.accept : null;
    const excludedInfos = excluded.map(info).filter((i) => i.df > 0);

    const filterIters = (): DocIter[] => {
      const its: Array<{ it: DocIter; cost: number }> = [];
      for (const set of authorSets) {
        for (const i of set) its.push({ it: i.term.startsWith(AUTHOR_PREFIX) ? this.iter(i, 0) : new AuthorFieldIter(this.iter(i, 0)), cost: i.df });
      }
      if (cats.length === 1) its.push({ it: this.iter(cats[0]!, 0), cost: cats[0]!.df });
      else if (cats.length > 1) its.push({ it: new OrIter(cats.map((c) => this.iter(c, 0))), cost: cats.reduce((s, c) => s + c.df, 0) });
      its.sort((a, b) => a.cost - b.cost);
      const out = its.map((x) => x.it);
      if (from !== null || to !== null) {
        const windows = (this.maxSeq >>> WINDOW_SHIFT) + 1;
        out.push(new DayWindowIter(this.winMinDay, this.winMaxDay, windows, from ?? INT_MIN, to ?? INT_MAX));
      }
      return out;
    };
    const makeReject = (): Reject | null => {
      const ex = excludedInfos.map((i) => this.iter(i, 0));
      const days = this.days;
      if (ex.length === 0 && from === null && to === null && accept === null) return null;
      return (d: number): boolean => {
        for (let i = 0; i < ex.length; i++) if (ex[i]!.advance(d) === d) return true;
        if (from !== null && days[d]! < from) return true;
        if (to !== null && days[d]! > to) return true;
        return accept !== null && !accept(d);
      };
    };

    let sort: LexicalSort = q.sort === 'newest' || q.sort === 'upvotes' ? q.sort : 'relevance';
    const scoring = positive.map(info).filter((i) => i.df > 0);
    if (sort === 'relevance' && scoring.length === 0) {
      // words that are all stopwords (or unknown) match nothing; no words at all: the filters
      // alone list the newest (no words and no filters find nothing)
      const words = [...strings(q.terms), ...strings(q.require)].some((w) => tokenize(w).length > 0);
      if (words || (authorSets.length === 0 && cats.length === 0 && from === null && to === null)) return [];
      sort = 'newest';
    }

    if (sort === 'relevance') {
      // OR ranking reads a term's two impact tiers as two lists (their bounds differ); AND as one
      const its: TermIter[] = [];
      const byTerm = new Map<string, TermIter[]>();
      scoring.forEach((i, group) => {
        const w = idfWeight(n, i.df);
        const tiers = mode === 'all' || !i.parts.some((p) => p.hi) ? [this.iter(i, w)] : i.parts.some((p) => !p.hi) ? [this.iter(i, w, true), this.iter(i, w, false)] : [this.iter(i, w, true)];
        for (const it of tiers) {
          it.group = group;
          its.push(it);
        }
        byTerm.set(i.term, tiers);
      });
      const gateIts: DocIter[] = [];
      // A required word's gate walks the very cursors its tiers score with (every consumer asks
      // only for docs at or past the current candidate): each block is decoded once, not twice.
      if (mode === 'any') {
        for (const t of required) {
          const tiers = byTerm.get(t);
          gateIts.push(tiers ? new TermIter(t, tiers.flatMap((x) => x.parts), 0, info(t).df) : this.iter(info(t), 0));
        }
      }
      gateIts.push(...filterIters());
      const gate = gateIts.length === 0 ? null : gateIts.length === 1 ? gateIts[0]! : new AndIter(gateIts);
      return relevanceTopK(its, mode === 'all', gate, makeReject(), k, stats);
    }

    const windows = (this.maxSeq >>> WINDOW_SHIFT) + 1;
    if (onMatch) {
      // listing every match in seq order (counting, filter sets): in 'any' mode a doc needs one
      // of the terms, otherwise all; onMatch returning false stops
      const anyOf = mode === 'any' && scoring.length > 1;
      if (!anyOf && scoring.length < positive.length) return [];
      if (anyOf && scoring.length === 0) return [];
      const termIts: DocIter[] = anyOf
        ? [new OrIter(scoring.map((i) => this.iter(i, 0)))]
        : scoring
            .slice()
            .sort((a, b) => a.df - b.df)
            .map((i) => this.iter(i, 0));
      if (anyOf) for (const t of required) termIts.push(this.iter(info(t), 0));
      const its: DocIter[] = [...termIts, ...filterIters()];
      const reject = makeReject();
      if (its.length === 0) {
        for (let d = 0; d <= this.maxSeq; d++) if (this.owner[d]! >= 0 && (reject === null || !reject(d)) && onMatch(d) === false) break;
      } else {
        const it = its.length === 1 ? its[0]! : new AndIter(its);
        for (let d = it.advance(0); d < DONE; d = it.advance(d + 1)) if ((reject === null || !reject(d)) && onMatch(d) === false) break;
      }
      return [];
    }

    // sorted: every positive term required
    if (scoring.length < positive.length) return [];
    const byCost = scoring.slice().sort((a, b) => a.df - b.df);
    return sortedTopK(
      {
        key: sort === 'newest' ? this.days : this.ups,
        windowMax: sort === 'newest' ? this.winMaxDay : this.winMaxUp,
        maxSeq: this.maxSeq,
        owner: this.owner,
        skipWindow:
          from !== null || to !== null
            ? (w: number) => w >= windows || this.winMaxDay[w]! < (from ?? INT_MIN) || this.winMinDay[w]! > (to ?? INT_MAX)
            : null,
        makeIters: (): WindowIters => {
          const its: DocIter[] = [...byCost.map((i) => this.iter(i, 0)), ...filterIters()];
          return { required: its.length === 0 ? null : its.length === 1 ? its[0]! : new AndIter(its), reject: makeReject() };
        },
      },
      k,
    );
  }

  /** How many docs match every word and filter of `q` (its mode and sort ignored). */
  countMatches(q: LexicalQuery): number {
    let n = 0;
    this.search({ ...q, mode: 'all', sort: 'newest' }, 0, () => {
      n++;
    });
    return n;
  }

  /**
   * How many docs `q` finds in its own mode ('any': one of the words is enough), counting up to
   * `cap` (the count is then `cap` and `exact` false): a bounded cost for very common words.
   */
  count(q: LexicalQuery, cap = Infinity): { count: number; exact: boolean } {
    let n = 0;
    this.search({ ...q, sort: 'newest' }, 0, () => ++n < cap);
    return { count: n, exact: n < cap };
  }

  /**
   * The docs passing the filters of `q` (authors, categories, exclusions, days; its words
   * ignored) as a bitmap by seq, or null when `q` has no filter.
   */
  filterBitmap(q: LexicalQuery): Uint8Array | null {
    const filtered = (q.authors?.length ?? 0) > 0 || (q.categories?.length ?? 0) > 0 || (q.exclude?.length ?? 0) > 0 || Number.isFinite(q.dayFrom) || Number.isFinite(q.dayTo);
    if (!filtered) return null;
    const bits = new Uint8Array((this.maxSeq >>> 3) + 1);
    const f: LexicalQuery = { exclude: q.exclude, mode: 'all', sort: 'newest' };
    if (q.authors) f.authors = q.authors;
    if (q.categories) f.categories = q.categories;
    if (q.dayFrom !== undefined) f.dayFrom = q.dayFrom;
    if (q.dayTo !== undefined) f.dayTo = q.dayTo;
    this.search(f, 0, (d) => {
      bits[d >>> 3]! |= 1 << (d & 7);
    });
    return bits;
  }

  /** Upvotes of a paper as indexed (0 when absent). */
  upvotesOf(seq: number): number {
    return seq >= 0 && seq <= this.maxSeq && this.owner[seq]! !== -1 ? this.ups[seq]! : 0;
  }

  /**
   * The same ranking by brute force: every posting of every term decoded and scored, no pruning.
   * The oracle of the tests (relevance only; filters and exclusions included).
   */
  searchExhaustive(q: LexicalQuery, k = 20): Scored[] {
    this.assertQueryable();
    if (!this.buffer.empty) this.flush(false);
    const mode = q.mode === 'all' ? 'all' : 'any';
    const positive = queryTerms([...(q.terms ?? []), ...(q.require ?? [])]);
    const required = new Set(mode === 'all' ? positive : queryTerms(q.require ?? []));
    const n = Math.max(1, this.live);
    /** doc → [q, packed field frequencies] of a term's live postings */
    const postings = (term: string): Map<number, [number, number]> => {
      const m = new Map<number, [number, number]>();
      for (const seg of this.segments) for (const name of [term, term + HI_SUFFIX]) {
        const e = seg.lookup(name);
        if (!e) continue;
        const docs = new Int32Array(e.df);
        const tfs = new Int32Array(e.df);
        const got = decodeList(seg, e, docs, tfs, 0, this.owner);
        const impacts = this.getImpacts();
        for (let i = 0; i < got; i++) {
          const d = docs[i]!;
          m.set(d, e.hasQ ? [impacts.q(tfs[i]!, this.lens[3 * d]!, this.lens[3 * d + 1]!, this.lens[3 * d + 2]!), tfs[i]!] : [0, 0]);
        }
      }
      return m;
    };
    const scores = new Map<number, number>();
    const reqCount = new Map<number, number>();
    for (const t of positive) {
      const p = postings(t);
      let df = 0;
      for (const seg of this.segments) df += (seg.lookup(t)?.df ?? 0) + (seg.lookup(t + HI_SUFFIX)?.df ?? 0);
      const w = idfWeight(n, df);
      for (const [d, [qv]] of p) {
        scores.set(d, (scores.get(d) ?? 0) + w * qv);
        if (required.has(t)) reqCount.set(d, (reqCount.get(d) ?? 0) + 1);
      }
    }
    /** docs with every term of an author filter in the authors field */
    const authorSet = (terms: string[]): Set<number> => {
      let acc: number[] | null = null;
      for (const t of terms) {
        const p = postings(t);
        const ok = (d: number) => p.has(d) && (t.startsWith(AUTHOR_PREFIX) || (p.get(d)![1] & 0xf000) !== 0);
        acc = acc === null ? [...p.keys()].filter(ok) : acc.filter(ok);
      }
      return new Set(acc ?? []);
    };
    const authorOk: Array<Set<number>> = (q.authors ?? []).map((a) => authorSet(authorTerms(a))).filter((_, i) => authorTerms((q.authors ?? [])[i]!).length > 0);
    let catOk: Set<number> | null = null;
    if ((q.categories ?? []).length > 0) {
      catOk = new Set();
      for (const c of q.categories!) {
        const t = categoryTerms(c)[0];
        if (t) for (const d of postings(t).keys()) catOk.add(d);
      }
    }
    const ex = new Set<number>();
    for (const t of queryTerms(q.exclude ?? [])) for (const d of postings(t).keys()) ex.add(d);
    const heap = new TopK(k);
    for (const [d, s] of scores) {
      if ((reqCount.get(d) ?? 0) < required.size) continue;
      if (authorOk.some((set) => !set.has(d))) continue;
      if (catOk && !catOk.has(d)) continue;
      if (ex.has(d)) continue;
      if (q.dayFrom !== undefined && this.days[d]! < q.dayFrom) continue;
      if (q.dayTo !== undefined && this.days[d]! > q.dayTo) continue;
      if (q.accept && !q.accept(d)) continue;
      heap.push(s, d);
    }
    return heap.results(SCORE_UNIT);
  }

  /** Day of a paper as indexed (−1 when absent). */
  dayOf(seq: number): number {
    return seq >= 0 && seq <= this.maxSeq && this.owner[seq]! !== -1 ? this.days[seq]! : -1;
  }

  /** Whether the index holds a live version of a paper. */
  has(seq: number): boolean {
    return seq >= 0 && seq <= this.maxSeq && this.owner[seq]! !== -1;
  }

  stats(): LexicalStats {
    const observed: [number, number, number] | null = this.lenDocs > 0 ? [this.lenSums[0] / this.lenDocs, this.lenSums[1] / this.lenDocs, this.lenSums[2] / this.lenDocs] : null;
    return {
      docs: this.live,
      maxSeq: this.maxSeq,
      segments: this.segments.map((s) => ({ id: s.id, docs: s.docCount, live: s.live, tombstones: s.tombs.length, terms: s.termCount, bytes: s.bytes, persisted: s.persisted, released: s.released })),
      buffered: this.buffer.size,
      segmentBytes: this.segments.reduce((a, s) => a + (s.released ? s.fileBytes : s.bytes), 0),
      arrayBytes: this.owner.byteLength + this.days.byteLength + this.ups.byteLength + this.lens.byteLength + this.winMaxDay.byteLength * 3,
      changeSeq: this.applied,
      committedChangeSeq: this.committed,
      avgLen: this.avgLen ? [...this.avgLen] : null,
      observedAvgLen: observed,
    };
  }
}
