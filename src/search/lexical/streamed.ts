/**
 * A committed segment read back for a merge without holding its postings in memory.
 *
 * A merge visits the terms in dictionary order, and each segment stores its postings in that
 * order, so an input's postings are read once, front to back. This reader keeps the segment's
 * docs, tombstones and dictionary sections in memory (about a quarter of a bulk segment) and
 * reads the postings section through a window of WINDOW bytes that slides forward (and grows to
 * hold a longer list whole). Measured at 2.7 million papers, a bulk import's merges read eight
 * inputs of ~16 MB each: read whole, they held ~130 MB during every merge, and those buffers, freed
 * at its end, stayed in the allocator's arena (docs/import-performance.md has the numbers).
 *
 * The file's crc32 is computed in file order as the bytes go by: `intact()` reads what the merge
 * did not, and compares. A damaged file is only known then, so the index checks every input
 * before it adopts the merge's output, and when a merge fails (garbage may fail to decode).
 */
import { closeSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { crc32 } from 'node:zlib';
import { MAIN_HEADER_WORDS, Segment, align8, readExactly, readSegmentMeta, type PostingsView } from './segment.js';

/** Bytes read from the file at a time. */
const WINDOW = 1 << 20;
const HEAD = MAIN_HEADER_WORDS * 4;
/** the main header's words: postings bytes, the sections' offsets, the postings' offset */
const W_POST_BYTES = 4;
const W_SECTIONS = 5;
const SECTIONS = 8;
const W_POST_AT = W_SECTIONS + SECTIONS;

export class StreamedSegment implements PostingsView {
  /** docs, tombstones and dictionary; its own postings section is empty */
  readonly seg: Segment;
  readonly postBytes: number;
  readonly id: number;
  readonly dirLast: Int32Array;
  readonly dirOff: Uint32Array;
  readonly dirMax: Uint8Array;
  readonly dirCount: Uint8Array;
  /** its file's name (for messages) */
  readonly file: string;
  /** the window: bytes [start, end) of the postings section (with its padding) */
  post: Uint8Array;
  postBase = 0;
  private start = 0;
  private end = 0;
  private fd: number | null;
  private crc: number;
  private checked: boolean | null = null;

  private constructor(
    path: string,
    fd: number,
    seg: Segment,
    postBytes: number,
    /** file position of the postings section and its length including the padding after it */
    private readonly streamAt: number,
    private readonly streamLen: number,
    /** the main part's bytes after the stream, in `seg.main` from this offset (checksummed last) */
    private readonly tailFrom: number,
    crc: number,
    private readonly expectedCrc: number,
    window: number,
  ) {
    this.post = new Uint8Array(window);
    this.file = basename(path);
    this.fd = fd;
    this.seg = seg;
    this.id = seg.id;
    this.postBytes = postBytes;
    this.dirLast = seg.dirLast;
    this.dirOff = seg.dirOff;
    this.dirMax = seg.dirMax;
    this.dirCount = seg.dirCount;
    this.crc = crc;
  }

  /**
   * Opens a segment file: `fileBytes` and `crc` are what the manifest recorded. Takes both main
   * layouts (postings right after the main header, or last). `window`: bytes read at a time.
   */
  static open(path: string, id: number, fileBytes: number, crc: number, window = WINDOW): StreamedSegment {
    const fd = openSync(path, 'r');
    try {
      const { meta, docs, tombs, mainBytes } = readSegmentMeta(fd);
      if (meta.length + mainBytes !== fileBytes) throw new Error('lexical segment: wrong size');
      if (mainBytes < HEAD) throw new Error('lexical segment: truncated');
      const head = Buffer.alloc(HEAD);
      readExactly(fd, head, meta.length);
      const word = (i: number) => head.readUInt32LE(i * 4);
      const postAt = word(W_POST_AT);
      const postBytes = word(W_POST_BYTES);
      if (postAt < HEAD || postAt + postBytes > mainBytes) throw new Error('lexical segment: bad main header');
      const tailAt = Math.min(align8(postAt + postBytes), mainBytes);
      // the main part without its postings: the header, the bytes before them, those after
      const dict = Buffer.alloc(postAt + (mainBytes - tailAt));
      head.copy(dict, 0);
      readExactly(fd, dict.subarray(HEAD, postAt), meta.length + HEAD);
      readExactly(fd, dict.subarray(postAt), meta.length + tailAt);
      let c = crc32(meta);
      c = crc32(dict.subarray(0, postAt), c);
      // its header: no postings, sections after them moved down
      dict.writeUInt32LE(0, W_POST_BYTES * 4);
      for (let i = W_SECTIONS; i < W_SECTIONS + SECTIONS; i++) {
        const o = word(i);
        if (o >= tailAt) dict.writeUInt32LE(o - (tailAt - postAt), i * 4);
      }
      const seg = new Segment(id, docs, tombs, dict);
      return new StreamedSegment(path, fd, seg, postBytes, meta.length + postAt, tailAt - postAt, postAt, c, crc, Math.max(1, window));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Makes the postings [from, to) readable through this view (offsets in the postings section, never backwards). */
  postings(from: number, to: number): PostingsView {
    if (from >= this.start && to <= this.end) return this;
    if (from < this.start || to < from) throw new Error('lexical segment: postings read out of order');
    if (to > this.streamLen) throw new Error('lexical segment: postings beyond their section');
    if (from >= this.end) this.skipTo(from);
    else {
      this.post.copyWithin(0, from - this.start, this.end - this.start);
      this.start = from;
    }
    if (to - from > this.post.length) {
      const grown = new Uint8Array(Math.max(to - from, 2 * this.post.length));
      grown.set(this.post.subarray(0, this.end - this.start));
      this.post = grown;
    }
    const kept = this.end - this.start;
    const n = Math.min(this.post.length - kept, this.streamLen - this.end);
    this.read(this.post.subarray(kept, kept + n));
    this.postBase = -this.start;
    return this;
  }

  /** Whether the file is what the manifest recorded: reads what the merge did not, and compares checksums. */
  intact(): boolean {
    if (this.checked === null) {
      try {
        this.skipTo(this.streamLen);
        this.checked = crc32(this.seg.main.subarray(this.tailFrom), this.crc) === this.expectedCrc;
      } catch {
        this.checked = false;
      }
    }
    return this.checked;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Reads the stream's next bytes into `into` (checksummed in file order). */
  private read(into: Uint8Array): void {
    if (this.fd === null) throw new Error('lexical segment: closed');
    readExactly(this.fd, into, this.streamAt + this.end);
    this.crc = crc32(into, this.crc);
    this.end += into.length;
  }

  /** Reads (and checksums) the stream up to `to`, keeping nothing: the window is then empty at `to`. */
  private skipTo(to: number): void {
    while (this.end < to) this.read(this.post.subarray(0, Math.min(this.post.length, to - this.end)));
    this.start = this.end;
  }
}
