/**
 * A segment written to its file as it is built (a write-only index's merges) is the segment a
 * writer builds in memory and a commit writes, byte for byte, including when its postings are
 * written out in several pieces; a writer that fails leaves no file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Rng } from '../../../bench/generate.js';
import { TF_CODES, packTf } from '../../../src/search/lexical/format.js';
import { DictReader, SegmentWriter, readSegment, segmentFileMeta, type Segment } from '../../../src/search/lexical/segment.js';
import { scratchDir } from './helpers.js';

const SEQS = 200_000;

interface List {
  term: string;
  docs: Int32Array;
  /** null: a filter term (doc ids only) */
  tfs: Int32Array | null;
  qs: Uint8Array | null;
}

/**
 * 400 terms of 2,000–20,000 docs each (about 4 MB of postings, so a file-backed writer writes
 * them out several times), a fifth of them filter terms; every 50th is begun and ended with
 * nothing pushed, which the writer takes back.
 */
function lists(): List[] {
  const rng = new Rng(11);
  const out: List[] = [];
  for (let t = 0; t < 400; t++) {
    const n = t % 50 === 7 ? 0 : 2000 + Math.floor(rng.next() * 18000);
    const docs = new Int32Array(n);
    let d = -1;
    for (let i = 0; i < n; i++) docs[i] = d += 1 + Math.floor(rng.next() * ((2 * (SEQS - d)) / (n - i + 1)));
    const text = t % 5 !== 0;
    const tfs = text ? Int32Array.from(docs, () => (rng.next() < 0.9 ? TF_CODES[Math.floor(rng.next() * TF_CODES.length)]! : packTf(1 + Math.floor(rng.next() * 3), 0, 4 + Math.floor(rng.next() * 20)))) : null;
    const qs = text ? Uint8Array.from(docs, () => Math.floor(rng.next() * 256)) : null;
    out.push({ term: `t${String(t).padStart(4, '0')}`, docs, tfs, qs });
  }
  return out;
}

function write(w: SegmentWriter, ls: List[]): void {
  for (const l of ls) {
    if (l.docs.length === 0) {
      w.beginTerm(true);
      w.endTerm(l.term);
    } else w.addTerm(l.term, l.docs, l.tfs, l.qs, 0, l.docs.length);
  }
}

/** The multi-block lists of `from`, copied block by block (a merge's fast path). */
function copy(w: SegmentWriter, from: Segment): void {
  const r = new DictReader(from);
  while (r.next()) {
    const e = r.entry();
    if (e.nb < 2) continue;
    w.beginTerm(e.hasQ);
    w.copyBlocks(from, e);
    w.endTerm(r.term);
  }
}

/** The index's per-seq arrays a segment file's per-doc part is taken from. */
function perSeq(): { days: Int32Array; ups: Int32Array; lens: Uint16Array } {
  return {
    days: Int32Array.from({ length: SEQS }, (_, i) => 19000 + (i % 2000)),
    ups: Int32Array.from({ length: SEQS }, (_, i) => (i * 7) % 13),
    lens: Uint16Array.from({ length: 3 * SEQS }, (_, i) => 1 + (i % 300)),
  };
}

test('a segment written to its file as it is built is the one built in memory and committed, byte for byte', () => {
  const ls = lists();
  const { days, ups, lens } = perSeq();
  const docs = Int32Array.from({ length: 5000 }, (_, i) => 3 * i + 1);
  const tombs = Int32Array.of(2, 5, 199_999);
  const dir = scratchDir();
  let source: Segment | null = null;
  for (const fill of [(w: SegmentWriter) => write(w, ls), (w: SegmentWriter) => copy(w, source!)]) {
    const mem = new SegmentWriter();
    fill(mem);
    const seg = mem.finish(1, docs, tombs);
    source ??= seg;
    const want = Buffer.concat(seg.fileParts(days, ups, lens));
    const path = join(dir, `seg-${source === seg ? 1 : 2}.lex`);
    const fw = new SegmentWriter(1 << 16, { path, meta: segmentFileMeta(docs, tombs, 0, days, ups, lens) });
    fill(fw);
    const out = fw.finish(1, docs, tombs);
    assert.ok(seg.postBytes > 3 << 20, `${seg.postBytes} bytes of postings`);
    const got = readFileSync(path);
    assert.equal(got.length, want.length);
    assert.ok(got.equals(want), 'the file is the committed segment');
    assert.equal(out.released, true);
    assert.equal(out.persisted, true);
    assert.equal(out.file, path.slice(dir.length + 1));
    assert.equal(out.fileBytes, got.length);
    assert.equal(out.crc, crc32(got));
    assert.deepEqual(Array.from(out.docs), Array.from(docs));
    assert.deepEqual(Array.from(out.tombs), Array.from(tombs));
    const back = readSegment(path, 1);
    assert.equal(back.seg.termCount, seg.termCount);
    assert.deepEqual(Array.from(back.days.subarray(0, 3)), [days[1], days[4], days[7]]);
  }
  // both passes wrote terms: 400 less the 8 taken back, and the high tiers of the long text lists
  assert.ok(source!.termCount > 392, `${source!.termCount} terms`);
});

test('a file-backed writer that is aborted (as a failed merge does) leaves no file', () => {
  const ls = lists().slice(0, 120);
  const { days, ups, lens } = perSeq();
  const dir = scratchDir();
  const path = join(dir, 'seg-3.lex');
  const target = () => ({ path, meta: segmentFileMeta(new Int32Array(0), new Int32Array(0), 0, days, ups, lens) });
  const fw = new SegmentWriter(1 << 16, target());
  write(fw, ls);
  assert.ok(existsSync(path));
  fw.abort();
  assert.equal(existsSync(path), false);
  fw.abort();
  // terms out of order: the error, and no file
  const bad = new SegmentWriter(1 << 16, target());
  write(bad, ls);
  assert.throws(() => bad.addTerm('a', ls[1]!.docs, null, null, 0, 10), /terms out of order/);
  bad.abort();
  assert.equal(existsSync(path), false);
});
