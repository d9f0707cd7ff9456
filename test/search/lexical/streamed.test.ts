/**
 * Committed segments read for a merge through a sliding window (streamed.ts): every list decodes
 * exactly as from the segment read whole, in both main layouts and with windows far smaller than
 * the lists; damage is found by the checksum wherever it is; a merge over a damaged file fails
 * and leaves the index as it was.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LexicalIndex, MANIFEST, type ManifestSegment } from '../../../src/search/lexical/index.js';
import { DictReader, decodeList, readSegment, type PostingsView, type TermEntry } from '../../../src/search/lexical/segment.js';
import { StreamedSegment } from '../../../src/search/lexical/streamed.js';
import type { SearchDoc } from '../../../src/search/types.js';
import { postingsLast, scratchDir, syntheticDocs } from './helpers.js';

let docs: SearchDoc[];
before(async () => {
  docs = await syntheticDocs(3000, 5);
});

/** An index of the 3,000 papers in three committed segments (and one holding a deletion). */
function committedIndex(): { dir: string; segments: ManifestSegment[] } {
  const dir = scratchDir();
  const index = LexicalIndex.open(dir, { flushDocs: 1000, mergeFactor: 10 });
  index.apply(docs.map((d) => ({ seq: d.seq, doc: d })), 3000);
  index.apply([{ seq: 9, deleted: true }], 3001);
  index.commit();
  index.close();
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { segments: ManifestSegment[] };
  return { dir, segments: manifest.segments };
}

function decoded(view: PostingsView, e: TermEntry): number[][] {
  const d = new Int32Array(e.df);
  const t = new Int32Array(e.df);
  const n = decodeList(view, e, d, t, 0, null);
  return [Array.from(d.subarray(0, n)), Array.from(t.subarray(0, n))];
}

/**
 * Reads every `stride`-th term's list from the file through a window of `window` bytes and
 * compares it with the segment read whole; returns the reader (its checksum not yet checked).
 */
function compareLists(path: string, s: ManifestSegment, window: number, stride: number): StreamedSegment {
  const whole = readSegment(path, s.id).seg;
  const streamed = StreamedSegment.open(path, s.id, s.bytes, s.crc, window);
  assert.deepEqual(Array.from(streamed.seg.docs), Array.from(whole.docs));
  assert.deepEqual(Array.from(streamed.seg.tombs), Array.from(whole.tombs));
  assert.equal(streamed.postBytes, whole.postBytes);
  assert.equal(streamed.seg.termCount, whole.termCount);
  const a = new DictReader(whole);
  const b = new DictReader(streamed.seg);
  let i = 0;
  let lists = 0;
  while (a.next()) {
    assert.ok(b.next());
    assert.equal(b.term, a.term);
    const e = a.entry();
    assert.deepEqual(b.entry(), e);
    if (i++ % stride !== 0) continue;
    assert.deepEqual(decoded(streamed.postings(e.off, e.off + e.len), e), decoded(whole, e), a.term);
    lists++;
  }
  assert.equal(b.next(), false);
  assert.ok(lists > 100, `${lists} lists compared`);
  return streamed;
}

test('lists read through a sliding window decode as from the segment read whole, in both layouts', () => {
  const { dir, segments } = committedIndex();
  assert.equal(segments.length, 4);
  for (const layout of ['postings first', 'postings last']) {
    if (layout === 'postings last') {
      for (const s of segments) {
        const old = postingsLast(readFileSync(join(dir, s.file)));
        writeFileSync(join(dir, s.file), old);
        s.bytes = old.length;
        s.crc = crc32(old);
      }
    }
    for (const s of segments.filter((x) => x.docs > 0)) {
      // a window of 64 bytes slides and grows for most lists; 1 MB holds the whole section
      for (const [window, stride] of [
        [64, 1],
        [64, 7],
        [1 << 20, 3],
      ] as const) {
        const streamed = compareLists(join(dir, s.file), s, window, stride);
        if (window === 64) assert.ok(streamed.post.length > 64, 'the window grew for a longer list');
        assert.equal(streamed.intact(), true, `${layout}, window ${window}, every ${stride}`);
        streamed.close();
      }
    }
  }
});

test('a damaged segment file is found by its checksum; reading backwards is refused', () => {
  const { dir, segments } = committedIndex();
  const s = segments[0]!;
  const path = join(dir, s.file);
  const good = readFileSync(path);
  const metaBytes = good.readUInt32LE(16);
  const postBytes = good.readUInt32LE(metaBytes + 16);
  // a byte in the postings, one in the dictionary sections after them, one in the per-doc part
  for (const at of [metaBytes + 64 + (postBytes >> 1), good.length - 40, 40]) {
    const bad = Buffer.from(good);
    bad[at] = bad[at]! ^ 0x5a;
    writeFileSync(path, bad);
    const streamed = StreamedSegment.open(path, s.id, s.bytes, s.crc, 256);
    const r = new DictReader(streamed.seg);
    try {
      while (r.next()) streamed.postings(r.off, r.off + r.len);
    } catch {
      // garbage may not decode; the checksum still answers
    }
    assert.equal(streamed.intact(), false, `byte ${at}`);
    streamed.close();
  }
  writeFileSync(path, good.subarray(0, good.length - 10));
  assert.throws(() => StreamedSegment.open(path, s.id, s.bytes, s.crc), /wrong size|truncated/);
  writeFileSync(path, good);
  const streamed = StreamedSegment.open(path, s.id, s.bytes, s.crc, 256);
  streamed.postings(1000, 1100);
  assert.throws(() => streamed.postings(10, 20), /out of order/);
  assert.throws(() => streamed.postings(postBytes, postBytes + 1000), /beyond/);
  assert.equal(streamed.intact(), true);
  streamed.close();
});

test('a merge over a damaged committed segment fails, names the file, and changes nothing', () => {
  // damaged postings (the merge may fail as it decodes them), and a damaged day in the per-doc
  // part (which a merge does not read: only the checksum finds it, after the merge is written)
  const dayAt = (b: Buffer) => 32 + 4 * b.readUInt32LE(8) + 4 * b.readUInt32LE(12);
  for (const where of [(b: Buffer) => b.readUInt32LE(16) + 64 + 500, dayAt]) {
    const dir = scratchDir();
    const index = LexicalIndex.open(dir, { flushDocs: 500, mergeFactor: 10, writeOnly: true });
    for (let i = 0; i < 1500; i += 500) {
      index.apply(docs.slice(i, i + 500).map((d) => ({ seq: d.seq, doc: d })), i + 500);
      index.commit();
    }
    const before = index.stats().segments.map((s) => [s.id, s.docs, s.released]);
    assert.equal(before.length, 3);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { segments: ManifestSegment[] };
    const victim = manifest.segments[1]!;
    const bytes = readFileSync(join(dir, victim.file));
    const at = where(bytes);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(join(dir, victim.file), bytes);
    const files = readdirSync(dir).sort();
    assert.throws(() => index.optimize(), new RegExp(`segment ${victim.file} is damaged`));
    assert.deepEqual(
      index.stats().segments.map((s) => [s.id, s.docs, s.released]),
      before,
    );
    // the merge's output, written as it was built, is gone
    assert.deepEqual(readdirSync(dir).sort(), files);
    index.close();
  }
});
