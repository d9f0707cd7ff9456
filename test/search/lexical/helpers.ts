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
