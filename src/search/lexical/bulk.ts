/**
 * Bulk build: a whole index from a stream of documents (a rebuild, or the first import), meant
 * to run on a worker thread. Documents are analyzed into large buffers (131,072 docs → one
 * segment each, average field lengths measured on the first), and the segments are merged into
 * one at the end, the fastest shape to query. Memory: about twice the final index at the merge.
 */
import type { SearchDoc } from '../types.js';
import { LexicalIndex, type LexicalOptions } from './index.js';

export interface BuildOptions extends Pick<LexicalOptions, 'avgLen'> {
  /** docs per intermediate segment (default 131,072) */
  chunkDocs?: number;
  /** the change_seq the documents bring the index to */
  changeSeq?: number;
  /** called every `chunkDocs` docs with the count so far */
  onProgress?: (docs: number) => void;
  /** merge into a single segment at the end (default true) */
  optimize?: boolean;
}

/**
 * Builds a fresh index in `dir` (replacing what is there) from `docs` (each seq once; a later
 * one replaces an earlier) and commits it. Returns the open index.
 */
export async function buildIndex(dir: string, docs: AsyncIterable<SearchDoc> | Iterable<SearchDoc>, opts: BuildOptions = {}): Promise<LexicalIndex> {
  const chunk = Math.max(1, opts.chunkDocs ?? 131_072);
  const index = LexicalIndex.create(dir, { flushDocs: chunk, autoMerge: false, avgLen: opts.avgLen });
  try {
    let n = 0;
    for await (const doc of docs) {
      index.add(doc);
      if (++n % chunk === 0) opts.onProgress?.(n);
    }
    if (opts.optimize !== false) index.optimize();
    index.apply([], opts.changeSeq ?? 0);
    index.commit();
    return index;
  } catch (err) {
    index.close();
    throw err;
  }
}

/** The brief's name for the same thing. */
export const buildSegments = buildIndex;
