/**
 * The contracts between the parts of search: documents as the indexes see them, ranked results
 * as (seq, score) lists that can be fused, embedding providers and vector indexes. Every index
 * is kept in step by tailing the catalog's change log (papers.change_seq + paper_tombstones).
 */

/** A paper as the search indexes see it. `seq` is the catalog's integer key. */
export interface SearchDoc {
  seq: number;
  /** canonical arXiv id */
  id: string;
  title: string;
  /** the authors in order: names, or their keys (src/papers/names.ts authorKey), which index alike */
  authors: string[];
  abstract: string;
  /** primary first */
  categories: string[];
  /** announcement (or first submission) day as days since 1970-01-01 UTC; 0 when unknown */
  day: number;
  upvotes: number;
}

/** One ranked result: the catalog seq and a score (higher is better; scales differ by ranker). */
export interface Scored {
  seq: number;
  score: number;
}

/** Turns texts into unit-length vectors. Implementations: built-in (offline), ONNX (local model), OpenAI-compatible HTTP. */
export interface EmbeddingProvider {
  /** identifies the model and its settings: a vector index built with another id must be rebuilt */
  readonly id: string;
  readonly dims: number;
  /** documents and queries may be embedded differently (e.g. instruction prefixes) */
  embed(texts: string[], kind: 'document' | 'query'): Promise<Float32Array[]>;
  /**
   * Nothing to embed for now: release what only large batches need (the built-in provider's
   * worker threads, ~110 MB each on a 100,000-term model). A later embed works as before.
   */
  idle?(): Promise<void>;
}

/** Nearest-neighbour search over paper vectors, persisted, updated incrementally. */
export interface VectorIndex {
  readonly dims: number;
  /** the provider id the vectors came from */
  readonly providerId: string;
  readonly size: number;
  upsert(seq: number, vector: Float32Array): void;
  remove(seq: number): void;
  /** the k nearest (cosine similarity as score), optionally only seqs passing `accept` */
  search(vector: Float32Array, k: number, accept?: (seq: number) => boolean): Scored[];
  /** the stored vector of a paper, if any (similar papers) */
  vectorOf(seq: number): Float32Array | null;
  save(): Promise<void>;
}
