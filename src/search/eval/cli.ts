/**
 * npm run eval:search [-- options]: runs the relevance evaluation and prints a Markdown table
 * (ranker × task × MRR@10 × nDCG@10). Progress goes to stderr, results to stdout.
 *
 *   --ranker a,b       rankers to run (default: every registered one; see registry.ts)
 *   --task a,b         known-item, queries, queries:keyword, queries:paraphrase (default: all)
 *   --sample N         known-item on a seeded sample of N papers instead of all of them
 *   --verbose          also per-query results
 *   --json FILE        also write every result, per query included, as JSON
 *   --check-floors     exit 1 when a result is below its floor in eval/floors.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from './build-corpus.js';
import { checkFloors, loadFloors } from './floors.js';
import { chanceReciprocalRankAt, mean } from './metrics.js';
import { RANKERS, rankerFactory } from './registry.js';
import { formatPerQuery, formatTable, K, runEval } from './run.js';
import { allTasks, loadQueries, TASK_NAMES } from './tasks.js';

const USAGE = `Usage: npm run eval:search -- [--ranker a,b] [--task a,b] [--sample N] [--verbose] [--json FILE] [--check-floors]
  rankers: ${Object.keys(RANKERS).join(', ')}
  tasks:   ${TASK_NAMES.join(', ')}`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        ranker: { type: 'string' },
        task: { type: 'string' },
        sample: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
        json: { type: 'string' },
        'check-floors': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const list = (s: string | undefined): string[] | null => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : null);
  const rankerNames = list(args.ranker) ?? Object.keys(RANKERS);
  const taskNames = list(args.task) ?? [...TASK_NAMES];
  const sample = args.sample === undefined ? undefined : Number(args.sample);
  if (sample !== undefined && !(Number.isInteger(sample) && sample > 0)) {
    console.error(`--sample needs a positive whole number\n${USAGE}`);
    return 2;
  }
  const unknownTask = taskNames.find((t) => !(TASK_NAMES as readonly string[]).includes(t));
  if (unknownTask) {
    console.error(`unknown task "${unknownTask}"\n${USAGE}`);
    return 2;
  }
  let rankers;
  try {
    rankers = rankerNames.map((name) => ({ name, create: rankerFactory(name) }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  const t0 = performance.now();
  const docs = loadCorpus();
  const tasks = allTasks(docs, loadQueries(), sample === undefined ? {} : { sample }).filter((t) => taskNames.includes(t.name));
  const results = await runEval(rankers, tasks, docs, { onProgress: (m) => process.stderr.write(`${m}\n`) });
  const seconds = (performance.now() - t0) / 1000;

  console.log(`## Search relevance (${docs.length} papers, metrics at rank 10)\n`);
  console.log(formatTable(results));
  console.log('');
  for (const t of tasks) console.log(`- ${t.name}: ${t.description}`);
  const chance = tasks.map((t) => `${t.name} ${mean(t.queries.map((q) => chanceReciprocalRankAt(docs.length, q.relevant.size, K))).toFixed(4)}`);
  console.log(`\nChance level (expected MRR@${K} of a uniformly random ranking): ${chance.join(', ')}.`);
  console.log(`\nTotal time ${seconds.toFixed(1)} s.`);
  if (args.verbose) {
    console.log('\n## Per query\n');
    console.log(formatPerQuery(results, new Map(docs.map((d) => [d.id, d.title]))));
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 1));
  if (args['check-floors']) {
    const broken = checkFloors(results, loadFloors());
    for (const b of broken) console.error(`below floor: ${b}`);
    if (broken.length > 0) return 1;
    console.error('every result is at or above its floor');
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}
