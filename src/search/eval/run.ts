/**
 * Runs rankers on tasks and reports. For each ranker and each index a task needs (without
 * titles for known-item, with titles for the labelled queries), a fresh ranker is created and
 * built once, and every task on that index is run against it. Titles are blanked in the docs
 * handed to a title-less build, so no ranker can use them by mistake.
 */
import { performance } from 'node:perf_hooks';
import type { EvalDoc, EvalTask } from './types.js';
import { mean, ndcgAt, reciprocalRankAt } from './metrics.js';
import type { RankerFactory } from './registry.js';

/** The cutoff of every reported metric. */
export const K = 10;

export interface QueryResult {
  id: string;
  query: string;
  /** the ranker's ids, best first, at most K */
  ranked: string[];
  rr: number;
  ndcg: number;
  /** each judged paper with its grade and rank (1-based) within the K results, null when not among them */
  judged: Array<{ id: string; grade: number; rank: number | null }>;
}

export interface TaskResult {
  ranker: string;
  task: string;
  description: string;
  queries: number;
  /** MRR@K and nDCG@K, means over the task's queries */
  mrr: number;
  ndcg: number;
  /** time to build the index this task ran on (shared by tasks on the same index) */
  buildMs: number;
  /** mean time of one search */
  msPerQuery: number;
  perQuery: QueryResult[];
}

export interface RunOptions {
  /** called before each build and task: progress on stderr for the CLI */
  onProgress?: (message: string) => void;
}

/** Runs every ranker on every task; results in ranker order, then task order. */
export async function runEval(
  rankers: ReadonlyArray<{ name: string; create: RankerFactory }>,
  tasks: readonly EvalTask[],
  docs: readonly EvalDoc[],
  opts: RunOptions = {},
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const { name, create } of rankers) {
    for (const withTitles of [false, true]) {
      const group = tasks.filter((t) => t.withTitles === withTitles);
      if (group.length === 0) continue;
      const indexDocs = withTitles ? docs.map((d) => ({ ...d })) : docs.map((d) => ({ ...d, title: '' }));
      opts.onProgress?.(`${name}: building the index ${withTitles ? 'with' : 'without'} titles (${docs.length} papers)`);
      const ranker = await create();
      try {
        const t0 = performance.now();
        await ranker.build(indexDocs, { withTitles });
        const buildMs = performance.now() - t0;
        for (const task of group) {
          opts.onProgress?.(`${name}: ${task.name} (${task.queries.length} queries)`);
          const perQuery: QueryResult[] = [];
          let searchMs = 0;
          for (const q of task.queries) {
            const s0 = performance.now();
            const ranked = (await ranker.search(q.query, K)).slice(0, K);
            searchMs += performance.now() - s0;
            const judged = [...q.relevant].map(([id, grade]) => {
              const at = ranked.indexOf(id);
              return { id, grade, rank: at < 0 ? null : at + 1 };
            });
            perQuery.push({ id: q.id, query: q.query, ranked, rr: reciprocalRankAt(ranked, q.relevant, K), ndcg: ndcgAt(ranked, q.relevant, K), judged });
          }
          results.push({
            ranker: name,
            task: task.name,
            description: task.description,
            queries: task.queries.length,
            mrr: mean(perQuery.map((r) => r.rr)),
            ndcg: mean(perQuery.map((r) => r.ndcg)),
            buildMs,
            msPerQuery: task.queries.length ? searchMs / task.queries.length : 0,
            perQuery,
          });
        }
      } finally {
        await ranker.close?.();
      }
    }
  }
  return results;
}

const f3 = (x: number): string => x.toFixed(3);

/** The summary: one Markdown table row per ranker × task. */
export function formatTable(results: readonly TaskResult[]): string {
  const lines = [
    `| ranker | task | queries | MRR@${K} | nDCG@${K} | build (s) | ms/query |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    lines.push(`| ${r.ranker} | ${r.task} | ${r.queries} | ${f3(r.mrr)} | ${f3(r.ndcg)} | ${(r.buildMs / 1000).toFixed(2)} | ${r.msPerQuery.toFixed(2)} |`);
  }
  return lines.join('\n');
}

/** Known-item misses listed per ranker by --verbose. */
const KNOWN_ITEM_ROWS = 100;

/**
 * Per-query results, for --verbose: for each ranker × task a Markdown table of every query with
 * its RR, nDCG and where each judged paper landed ("-" when outside the first K). The known-item
 * task lists only its misses (the paper not at rank 1), which is where the differences are, at
 * most KNOWN_ITEM_ROWS of them.
 */
export function formatPerQuery(results: readonly TaskResult[], titles: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  for (const r of results) {
    const misses = r.task === 'known-item' ? r.perQuery.filter((q) => q.rr < 1) : r.perQuery;
    const rows = r.task === 'known-item' ? misses.slice(0, KNOWN_ITEM_ROWS) : misses;
    const heading = r.task === 'known-item' ? ` (the ${misses.length} papers not found at rank 1${misses.length > rows.length ? `, first ${rows.length} by id` : ''})` : '';
    out.push(`### ${r.ranker} · ${r.task}${heading}`, '');
    out.push(`| query | RR | nDCG | judged papers: rank (grade) | top result |`, '| --- | ---: | ---: | --- | --- |');
    for (const q of rows) {
      const judged = q.judged.map((j) => `${j.id}: ${j.rank ?? '-'} (${j.grade})`).join(', ');
      const top = q.ranked[0] ? `${q.ranked[0]} ${clip(titles.get(q.ranked[0]) ?? '', 50)}` : '(none)';
      const label = r.task === 'known-item' ? clip(q.query, 70) : `${q.id}: ${clip(q.query, 70)}`;
      out.push(`| ${cell(label)} | ${f3(q.rr)} | ${f3(q.ndcg)} | ${judged} | ${cell(top)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}
