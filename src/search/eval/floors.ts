/**
 * Relevance floors: eval/floors.json holds, per ranker and task, the minimum MRR@10 and nDCG@10
 * it must keep. test/search/eval.test.ts runs the rankers listed there and fails when one falls
 * below, so a change that makes search worse shows up in CI like any other regression.
 *
 * Set a floor from a measured value minus a small margin (0.02 for the baselines: their runs
 * are deterministic, so any drop is a real change). Raise it when a ranker improves.
 *
 *   {
 *     "fts5-bm25": { "known-item": { "mrr": 0.61, "ndcg": 0.64 }, "queries": { … } },
 *     …
 *   }
 */
import { readFileSync } from 'node:fs';
import { FLOORS_PATH } from './paths.js';
import type { TaskResult } from './run.js';

export interface Floor {
  mrr: number;
  ndcg: number;
}

/** ranker → task → floor; keys starting with "_" (comments) are ignored. */
export type Floors = Record<string, Record<string, Floor>>;

export function loadFloors(path: string = FLOORS_PATH): Floors {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const floors: Floors = {};
  for (const [ranker, tasks] of Object.entries(raw)) {
    if (ranker.startsWith('_')) continue;
    floors[ranker] = {};
    for (const [task, f] of Object.entries(tasks as Record<string, Floor>)) {
      if (typeof f?.mrr !== 'number' || typeof f?.ndcg !== 'number') throw new Error(`${path}: ${ranker} / ${task} needs numeric "mrr" and "ndcg"`);
      floors[ranker]![task] = { mrr: f.mrr, ndcg: f.ndcg };
    }
  }
  return floors;
}

/** Each floor the results break, as a sentence; floors of rankers or tasks not in `results` are not checked. */
export function checkFloors(results: readonly TaskResult[], floors: Floors): string[] {
  const broken: string[] = [];
  for (const r of results) {
    const f = floors[r.ranker]?.[r.task];
    if (!f) continue;
    if (r.mrr < f.mrr) broken.push(`${r.ranker} on ${r.task}: MRR@10 ${r.mrr.toFixed(4)} is below its floor ${f.mrr}`);
    if (r.ndcg < f.ndcg) broken.push(`${r.ranker} on ${r.task}: nDCG@10 ${r.ndcg.toFixed(4)} is below its floor ${f.ndcg}`);
  }
  return broken;
}
