/**
 * The evaluation tasks.
 *
 * (a) known-item: every paper's title is a query against an index built without titles
 *     (abstract, authors and categories only); the one relevant document is that paper (grade
 *     2). It measures whether a ranker finds a paper from a description of it worded differently
 *     from its text, at the scale of the whole corpus.
 * (b) queries: the labelled researcher queries of eval/queries.json against the full index
 *     (titles included), reported over all of them and separately for the "keyword" queries
 *     (sharing key words with their targets) and the "paraphrase" ones (sharing none).
 */
import { readFileSync } from 'node:fs';
import type { EvalDoc, EvalTask, Grade, LabelledQuery, TaskQuery } from './types.js';
import { QUERIES_PATH } from './paths.js';
import { seededShuffle } from './random.js';

export const KNOWN_ITEM = 'known-item';
export const QUERIES = 'queries';
export const QUERIES_KEYWORD = 'queries:keyword';
export const QUERIES_PARAPHRASE = 'queries:paraphrase';
export const TASK_NAMES = [KNOWN_ITEM, QUERIES, QUERIES_KEYWORD, QUERIES_PARAPHRASE] as const;

/** Reads eval/queries.json (or another file in its format). */
export function loadQueries(path: string = QUERIES_PATH): LabelledQuery[] {
  return JSON.parse(readFileSync(path, 'utf8')) as LabelledQuery[];
}

export interface KnownItemOptions {
  /** evaluate this many papers only, a seeded random sample (default: every paper) */
  sample?: number;
  seed?: number;
}

/** Task (a): each paper's title against the title-less index; the paper itself is the answer. */
export function knownItemTask(docs: readonly EvalDoc[], opts: KnownItemOptions = {}): EvalTask {
  let chosen = docs.filter((d) => d.title.trim() !== '');
  if (opts.sample !== undefined && opts.sample < chosen.length) {
    chosen = seededShuffle(chosen, opts.seed ?? 1).slice(0, opts.sample).sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  const queries: TaskQuery[] = chosen.map((d) => ({ id: d.id, query: d.title, relevant: new Map<string, Grade>([[d.id, 2]]) }));
  const scope = opts.sample !== undefined && opts.sample < docs.length ? `a seeded sample of ${queries.length} papers` : `all ${queries.length} papers`;
  return {
    name: KNOWN_ITEM,
    description: `title as the query against abstract + authors + categories, ${scope}`,
    withTitles: false,
    queries,
  };
}

/** Task (b) and its two halves: the labelled queries against the full index. */
export function labelledTasks(labelled: readonly LabelledQuery[]): EvalTask[] {
  const toTask = (q: LabelledQuery): TaskQuery => ({ id: q.id, query: q.query, relevant: new Map(Object.entries(q.relevant)) });
  const keyword = labelled.filter((q) => q.kind === 'keyword');
  const paraphrase = labelled.filter((q) => q.kind === 'paraphrase');
  return [
    { name: QUERIES, description: `all ${labelled.length} labelled queries`, withTitles: true, queries: labelled.map(toTask) },
    { name: QUERIES_KEYWORD, description: `${keyword.length} queries sharing key words with their targets`, withTitles: true, queries: keyword.map(toTask) },
    { name: QUERIES_PARAPHRASE, description: `${paraphrase.length} queries sharing no content word with their targets`, withTitles: true, queries: paraphrase.map(toTask) },
  ];
}

/** Every task, in report order. */
export function allTasks(docs: readonly EvalDoc[], labelled: readonly LabelledQuery[], opts: KnownItemOptions = {}): EvalTask[] {
  return [knownItemTask(docs, opts), ...labelledTasks(labelled)];
}
