/**
 * The relevance evaluation's contracts: the documents it indexes, the queries it asks with their
 * graded judgments, and the Ranker every search implementation is wrapped in to be measured.
 */

/** A paper of the evaluation corpus (one line of eval/corpus.jsonl). */
export interface EvalDoc {
  /** canonical arXiv id without version */
  id: string;
  title: string;
  abstract: string;
  /** author names in order */
  authors: string[];
  /** primary first; empty when no source said (Hugging Face only papers) */
  categories: string[];
  /** arXiv announcement day (YYYY-MM-DD) as the catalog computes it; null when unknown */
  day: string | null;
}

/**
 * A search implementation under evaluation. `build` is called once per task with the whole
 * corpus; `search` then answers that task's queries with arXiv ids, best first. When
 * `withTitles` is false the runner has already blanked every doc's title (an index of abstract,
 * authors and categories only); the flag tells the ranker so it can skip the field.
 */
export interface Ranker {
  name: string;
  build(docs: EvalDoc[], opts: { withTitles: boolean }): Promise<void>;
  search(query: string, k: number): Promise<string[] /* arXiv ids */>;
  /** releases what build made (temporary files, workers); optional */
  close?(): Promise<void>;
}

/** Graded relevance: 2 = the paper asked for / highly relevant, 1 = relevant. Unlisted ids are 0. */
export type Grade = 1 | 2;

/** One labelled query of eval/queries.json. */
export interface LabelledQuery {
  id: string;
  query: string;
  /**
   * keyword: shares key words with its relevant papers. paraphrase: shares no stemmed content
   * word with any relevant paper's title or abstract (checked by test/search/eval.test.ts).
   */
  kind: 'keyword' | 'paraphrase';
  /** the corpus area, for the composition report: ml, cv, nlp, physics, math, astro, … */
  field: string;
  relevant: Record<string, Grade>;
  /** why these papers and grades */
  note: string;
}

/** One query of a task, ready to run. */
export interface TaskQuery {
  id: string;
  query: string;
  relevant: ReadonlyMap<string, Grade>;
}

/** A set of queries run against one index build. */
export interface EvalTask {
  name: string;
  description: string;
  /** whether the index the queries run against contains titles */
  withTitles: boolean;
  queries: TaskQuery[];
}
