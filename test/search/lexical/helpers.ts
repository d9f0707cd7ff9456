/** Shared pieces of the lexical engine's tests: a synthetic corpus and scratch directories. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSnapshot, Rng } from '../../../bench/generate.js';
import { paperToDoc } from '../../../bench/lexical.js';
import { parseSnapshotLine } from '../../../src/ingest/snapshot.js';
import type { SearchDoc } from '../../../src/search/types.js';

const corpora = new Map<string, SearchDoc[]>();

/** `count` synthetic arXiv-like papers (seq 1…count), some with upvotes. */
export async function syntheticDocs(count: number, seed = 3): Promise<SearchDoc[]> {
  const key = `${count}-${seed}`;
  const cached = corpora.get(key);
  if (cached) return cached;
  const dir = scratchDir();
  const file = join(dir, 'snapshot.jsonl');
  await generateSnapshot({ count, seed, out: file, workers: 0 });
  const rng = new Rng(seed);
  const docs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => paperToDoc(parseSnapshotLine(l), i + 1, rng.chance(0.05) ? 1 + rng.int(300) : 0));
  rmSync(dir, { recursive: true, force: true });
  corpora.set(key, docs);
  return docs;
}

const dirs: string[] = [];

/** A fresh temporary directory, removed at exit. */
export function scratchDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lexical-test-'));
  dirs.push(d);
  return d;
}

process.on('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The raw words of a text (as a user would type them). */
export function wordsOf(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/**
 * A segment file's main part rewritten in the layout written before 2026-11-28 (the postings
 * after every other section instead of right after the header); the header's offsets say where
 * each section is, so readers take either layout.
 */
export function postingsLast(file: Buffer): Buffer {
  const fileHeader = new DataView(file.buffer, file.byteOffset, 32);
  const metaBytes = fileHeader.getUint32(16, true);
  const main = file.subarray(metaBytes);
  const h = (i: number) => main.readUInt32LE(i * 4);
  const [dictBlocks, dirBlocks, dictBytes, postBytes] = [h(1), h(2), h(3), h(4)];
  const sizes = [4 * dictBlocks, 4 * dictBlocks, 4 * dictBlocks, 4 * dirBlocks, 4 * dirBlocks, dirBlocks, dirBlocks, dictBytes, postBytes];
  const align8 = (n: number) => (n + 7) & ~7;
  const offsets: number[] = [];
  let off = 64;
  for (const size of sizes) {
    offsets.push(off);
    off = align8(off + size);
  }
  const out = Buffer.alloc(off);
  main.copy(out, 0, 0, 20);
  sizes.forEach((size, i) => {
    out.writeUInt32LE(offsets[i]!, (5 + i) * 4);
    main.copy(out, offsets[i]!, h(5 + i), h(5 + i) + size);
  });
  const meta = Buffer.from(file.subarray(0, metaBytes));
  meta.writeUInt32LE(out.length, 20);
  return Buffer.concat([meta, out]);
}
