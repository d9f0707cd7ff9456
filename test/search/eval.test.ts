/**
 * The search relevance evaluation: the corpus is what the fixtures produce, the metrics match
 * hand-computed values, the labelled queries are well-formed (and the "paraphrase" ones really
 * share no content word with their papers), and the baseline rankers keep their floors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCorpus, corpusToJsonl, loadCorpus } from '../../src/search/eval/build-corpus.js';
import { CORPUS_PATH } from '../../src/search/eval/paths.js';
import { dcgAt, mean, ndcgAt, reciprocalRankAt } from '../../src/search/eval/metrics.js';
import { contentStems, sharedStems } from '../../src/search/eval/text.js';
import { allTasks, knownItemTask, loadQueries, KNOWN_ITEM, TASK_NAMES } from '../../src/search/eval/tasks.js';
import { BASELINES, RANKERS, rankerFactory, registerRanker } from '../../src/search/eval/registry.js';
import { Fts5Bm25Ranker, RandomRanker, orQuery } from '../../src/search/eval/baselines.js';
import { formatPerQuery, formatTable, runEval, type TaskResult } from '../../src/search/eval/run.js';
import { checkFloors, loadFloors } from '../../src/search/eval/floors.js';
import type { EvalDoc, Ranker } from '../../src/search/eval/types.js';

const docs = loadCorpus();
const byId = new Map(docs.map((d) => [d.id, d]));
const queries = loadQueries();
const close = (actual: number, expected: number, msg?: string) => assert.ok(Math.abs(actual - expected) < 1e-4, `${msg ?? ''} ${actual} ≈ ${expected}`);

// ---------------------------------------------------------------- corpus

test('eval/corpus.jsonl is exactly what build-corpus produces from the fixtures', () => {
  const committed = readFileSync(CORPUS_PATH, 'utf8');
  const built = corpusToJsonl(buildCorpus());
  assert.ok(committed === built, 'eval/corpus.jsonl is stale: run `npm run build --silent && node dist/src/search/eval/build-corpus.js`');
});

test('the corpus: every distinct paper once, sorted, with text', () => {
  assert.ok(docs.length > 1400, `${docs.length} papers`);
  const ids = docs.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.deepEqual(ids, [...ids].sort(), 'sorted by id');
  for (const d of docs) {
    assert.deepEqual(Object.keys(d), ['id', 'title', 'abstract', 'authors', 'categories', 'day'], d.id);
    assert.ok(d.title !== '' && d.abstract !== '', `${d.id} has a title and an abstract`);
    assert.ok(d.day === null || /^\d{4}-\d{2}-\d{2}$/.test(d.day), `${d.id} day ${d.day}`);
  }
  // Hugging Face says nothing of categories; arXiv's sources do.
  assert.deepEqual(byId.get('2509.04664')?.categories, []);
  assert.deepEqual(byId.get('2508.13428')?.categories.slice(0, 1), ['cs.CV']);
  // Sources are all there: the snapshot, OAI-PMH (old-style ids), the API, RSS, Hugging Face.
  for (const id of ['0704.0001', 'hep-ph/0301050', 'astro-ph/0601001', '2104.12255', '2508.14002', '2509.04664', '2610.02206']) assert.ok(byId.has(id), id);
});

// ---------------------------------------------------------------- metrics

test('reciprocal rank: the first relevant result within k, any grade', () => {
  const rel = new Map([['c', 1], ['e', 2]]);
  assert.equal(reciprocalRankAt(['a', 'b', 'c', 'd', 'e'], rel, 10), 1 / 3);
  assert.equal(reciprocalRankAt(['e', 'c'], rel, 10), 1);
  assert.equal(reciprocalRankAt(['a', 'b'], rel, 10), 0, 'nothing relevant');
  assert.equal(reciprocalRankAt([], rel, 10), 0, 'no results');
  const eleven = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'c'];
  assert.equal(reciprocalRankAt(eleven, rel, 10), 0, 'rank 11 is beyond the cutoff');
  assert.equal(reciprocalRankAt(eleven, rel, 11), 1 / 11);
  close(mean([1, 1 / 3, 0, 0.5]), (1 + 1 / 3 + 0 + 0.5) / 4);
  assert.equal(mean([]), 0);
});

test('DCG with exponential gain and log2(rank + 1) discount, by hand', () => {
  // (2^2-1)/log2(2) + (2^1-1)/log2(3) + 0 + (2^1-1)/log2(5) = 3 + 0.63093 + 0 + 0.43068
  close(dcgAt([2, 1, 0, 1], 10), 4.06161);
  close(dcgAt([2, 1, 0, 1], 2), 3.63093, 'cut at k = 2');
  assert.equal(dcgAt([], 10), 0);
});

test('nDCG: DCG of the ranking over the DCG of the ideal ordering of all judged grades', () => {
  const rel = new Map([['d2', 2], ['d4', 1], ['d9', 1]]);
  // DCG = 3/log2(3) + 1/log2(5) = 1.89279 + 0.43068 = 2.32347
  // IDCG (grades 2, 1, 1) = 3 + 1/log2(3) + 1/log2(4) = 3 + 0.63093 + 0.5 = 4.13093
  close(ndcgAt(['d1', 'd2', 'd3', 'd4'], rel, 10), 2.32347 / 4.13093);
  assert.equal(ndcgAt(['d2', 'd4', 'd9'], rel, 10), 1, 'ideal order');
  close(ndcgAt(['d2', 'd9', 'd4', 'x'], rel, 10), 1, 'ties between equal grades do not matter');
  close(ndcgAt(['d4', 'd2'], rel, 10), (1 + 3 / Math.log2(3)) / 4.13093, 'grade 2 below grade 1');
  assert.equal(ndcgAt(['x', 'y'], rel, 10), 0);
  assert.equal(ndcgAt(['d2'], new Map(), 10), 0, 'no relevant paper: 0 by definition');
  // Known-item: one grade-2 paper at rank r scores 1/log2(r + 1).
  close(ndcgAt(['a', 'b', 'k'], new Map([['k', 2]]), 10), 1 / Math.log2(4));
  // The ideal is cut at k too: with 12 relevant papers, 10 perfect results give 1.
  const many = new Map(Array.from({ length: 12 }, (_, i) => [`r${i}`, 1]));
  assert.equal(ndcgAt([...many.keys()].slice(0, 10), many, 10), 1);
});

test('a repeated id counts once', () => {
  const rel = new Map([['a', 2], ['b', 1]]);
  // DCG = 3 + 0 (repeat); IDCG = 3 + 1/log2(3)
  close(ndcgAt(['a', 'a'], rel, 10), 3 / (3 + 1 / Math.log2(3)));
  assert.equal(reciprocalRankAt(['x', 'x', 'b'], rel, 10), 1 / 3);
});

// ---------------------------------------------------------------- the labelled queries

test('text analysis: NLTK stopwords removed, Porter stems', () => {
  assert.deepEqual(contentStems("Why don't the models hallucinate? Hallucinations!"), ['model', 'hallucin']);
  assert.deepEqual(sharedStems('fewer sampling steps', 'one-step samplers'), ['step']);
  assert.deepEqual(sharedStems('Self-supervised ViTs', 'supervision of vision transformers'), ['supervis']);
  assert.deepEqual(sharedStems('fewer sampling steps for video diffusion', 'one-pass film generation'), []);
});

test('queries.json: at least 40 well-formed queries of both kinds, across fields', () => {
  assert.ok(queries.length >= 40, `${queries.length} queries`);
  assert.equal(new Set(queries.map((q) => q.id)).size, queries.length, 'ids are unique');
  const keyword = queries.filter((q) => q.kind === 'keyword');
  const paraphrase = queries.filter((q) => q.kind === 'paraphrase');
  assert.equal(keyword.length + paraphrase.length, queries.length, 'every kind is keyword or paraphrase');
  assert.ok(keyword.length >= 15, `${keyword.length} keyword queries`);
  assert.ok(paraphrase.length >= 25, `${paraphrase.length} paraphrase queries`);
  for (const q of queries) {
    assert.ok(q.query.trim() !== '' && q.note.trim() !== '' && q.field.trim() !== '', `${q.id} has a query, a note and a field`);
    const grades = Object.values(q.relevant);
    assert.ok(grades.length > 0, `${q.id} has relevant papers`);
    assert.ok(grades.every((g) => g === 1 || g === 2), `${q.id} grades are 1 or 2`);
    assert.ok(grades.includes(2), `${q.id} has a grade-2 paper`);
  }
  assert.ok(queries.filter((q) => Object.keys(q.relevant).length >= 3).length >= 15, 'many queries have several relevant papers');
  assert.ok(paraphrase.filter((q) => Object.keys(q.relevant).length >= 2).length >= 10, 'paraphrase queries with several relevant papers');
  assert.ok(new Set(queries.map((q) => q.field)).size >= 6, 'fields');
});

test('every labelled paper is in the corpus', () => {
  const missing = queries.flatMap((q) => Object.keys(q.relevant).filter((id) => !byId.has(id)).map((id) => `${q.id}: ${id}`));
  assert.deepEqual(missing, []);
});

test('paraphrase queries share no stemmed content word with any relevant paper’s title and abstract', () => {
  const shared: string[] = [];
  for (const q of queries.filter((x) => x.kind === 'paraphrase')) {
    for (const id of Object.keys(q.relevant)) {
      const d = byId.get(id);
      if (!d) continue;
      const s = sharedStems(q.query, `${d.title} ${d.abstract}`);
      if (s.length > 0) shared.push(`${q.id} / ${id}: ${s.join(', ')}`);
    }
  }
  assert.deepEqual(shared, []);
});

test('keyword queries share a content word with each paper they ask for (grade 2)', () => {
  const none: string[] = [];
  for (const q of queries.filter((x) => x.kind === 'keyword')) {
    for (const [id, grade] of Object.entries(q.relevant)) {
      const d = byId.get(id);
      if (d && grade === 2 && sharedStems(q.query, `${d.title} ${d.abstract}`).length === 0) none.push(`${q.id} / ${id}`);
    }
  }
  assert.deepEqual(none, []);
});

// ---------------------------------------------------------------- tasks, rankers, runner

test('known-item: one query per paper, the paper itself the only answer; a sample is seeded', () => {
  const t = knownItemTask(docs);
  assert.equal(t.name, KNOWN_ITEM);
  assert.equal(t.withTitles, false);
  assert.equal(t.queries.length, docs.length);
  const q = t.queries.find((x) => x.id === '2509.04664')!;
  assert.equal(q.query, 'Why Language Models Hallucinate');
  assert.deepEqual([...q.relevant], [['2509.04664', 2]]);
  const a = knownItemTask(docs, { sample: 100 });
  const b = knownItemTask(docs, { sample: 100 });
  assert.equal(a.queries.length, 100);
  assert.deepEqual(a.queries.map((x) => x.id), b.queries.map((x) => x.id));
});

test('the runner hides titles from title-less builds and builds once per index', async () => {
  const builds: Array<{ withTitles: boolean; titled: number }> = [];
  const spy = (): Ranker => ({
    name: 'spy',
    async build(d: EvalDoc[], opts) {
      builds.push({ withTitles: opts.withTitles, titled: d.filter((x) => x.title !== '').length });
    },
    async search() {
      return [];
    },
  });
  const results = await runEval([{ name: 'spy', create: spy }], allTasks(docs, queries), docs);
  assert.deepEqual(builds, [
    { withTitles: false, titled: 0 },
    { withTitles: true, titled: docs.length },
  ]);
  assert.deepEqual(results.map((r) => r.task), [...TASK_NAMES]);
  assert.ok(results.every((r) => r.mrr === 0 && r.ndcg === 0));
  assert.ok(docs.every((d) => d.title !== ''), 'the caller’s docs are not modified');
});

test('the registry: names match, duplicates refused, unknown names listed', () => {
  for (const name of Object.keys(RANKERS)) assert.equal((RANKERS[name]!() as Ranker).name, name);
  for (const name of BASELINES) assert.ok(name in RANKERS);
  assert.throws(() => registerRanker('random', () => new RandomRanker()), /already registered/);
  assert.throws(() => rankerFactory('nope'), /unknown ranker "nope"; known: fts5-bm25, random/);
});

test('fts5-bm25: quoted OR query, no query syntax reaches FTS5', async () => {
  assert.equal(orQuery('Why "LLMs" hallucinate?'), '"why" OR "llms" OR "hallucinate"');
  assert.equal(orQuery('?!'), null);
  const r = new Fts5Bm25Ranker();
  await r.build(docs, { withTitles: true });
  try {
    assert.deepEqual(await r.search('', 10), []);
    assert.ok((await r.search('NEAR(a b) OR * ^title:x "', 10)).length >= 0);
    const top = await r.search('Why Language Models Hallucinate', 10);
    assert.equal(top[0], '2509.04664');
    assert.ok(top.length <= 10);
  } finally {
    await r.close();
  }
});

test('random: seeded, k distinct papers, the same list for the same query', async () => {
  const r = new RandomRanker(7);
  await r.build(docs, { withTitles: true });
  const a = await r.search('dark energy', 10);
  assert.equal(a.length, 10);
  assert.equal(new Set(a).size, 10);
  assert.deepEqual(await r.search('dark energy', 10), a);
  assert.notDeepEqual(await r.search('graphene', 10), a);
});

test('the baselines keep their floors in eval/floors.json; random stays at chance', async () => {
  const results = await runEval(
    BASELINES.map((name) => ({ name, create: rankerFactory(name) })),
    allTasks(docs, queries),
    docs,
  );
  const floors = loadFloors();
  for (const task of TASK_NAMES) assert.ok(floors['fts5-bm25']?.[task], `fts5-bm25 has a floor for ${task}`);
  assert.deepEqual(checkFloors(results, floors), []);
  for (const r of results.filter((x) => x.ranker === 'random')) {
    assert.ok(r.mrr < 0.05 && r.ndcg < 0.05, `random on ${r.task}: ${r.mrr}, ${r.ndcg}`);
  }
  const table = formatTable(results);
  assert.match(table, /^\| ranker \| task \| queries \| MRR@10 \| nDCG@10 \|/);
  assert.match(table, /\| fts5-bm25 \| known-item \| \d+ \| 0\.9\d\d \|/);
  assert.match(formatPerQuery(results, new Map(docs.map((d) => [d.id, d.title]))), /### fts5-bm25 · queries:paraphrase/);
});

test('checkFloors reports each metric below its floor', () => {
  const r = { ranker: 'x', task: 'queries', mrr: 0.5, ndcg: 0.3 } as TaskResult;
  assert.deepEqual(checkFloors([r], { x: { queries: { mrr: 0.4, ndcg: 0.35 } } }), ['x on queries: nDCG@10 0.3000 is below its floor 0.35']);
  assert.deepEqual(checkFloors([r], { y: { queries: { mrr: 1, ndcg: 1 } } }), [], 'rankers not run are not checked');
});

test('the command line prints the table, checks floors and refuses bad arguments', () => {
  const cli = fileURLToPath(new URL('../../src/search/eval/cli.js', import.meta.url));
  const out = execFileSync(process.execPath, [cli, '--ranker', 'fts5-bm25', '--task', 'queries:keyword', '--check-floors', '--verbose'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(out, /\| fts5-bm25 \| queries:keyword \| \d+ \| 1\.000 \|/);
  assert.match(out, /k-flaky: flaky tests/);
  const bad = spawnSync(process.execPath, [cli, '--ranker', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown ranker "nope"/);
});
