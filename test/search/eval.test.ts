/**
 * The search relevance evaluation: the corpus is what the fixtures produce, the metrics match
 * hand-computed values, the labelled queries are well-formed (and the "paraphrase" ones really
 * share no content word with their papers), the baseline rankers keep their floors, and so does
 * the product's own search (lexical, semantic, hybrid through runSearch), with hybrid at least
 * as good as either half and semantic search far above chance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCorpus, corpusToJsonl, loadCorpus } from '../../src/search/eval/build-corpus.js';
import { CORPUS_PATH } from '../../src/search/eval/paths.js';
import { chanceReciprocalRankAt, dcgAt, mean, ndcgAt, reciprocalRankAt } from '../../src/search/eval/metrics.js';
import { contentStems, sharedStems } from '../../src/search/eval/text.js';
import { allTasks, knownItemTask, loadQueries, KNOWN_ITEM, QUERIES, TASK_NAMES } from '../../src/search/eval/tasks.js';
import { BASELINES, PRODUCT, RANKERS, rankerFactory, registerRanker } from '../../src/search/eval/registry.js';
import { ProductRanker, newestDay, phraseChecker } from '../../src/search/eval/product.js';
import { Fts5Bm25Ranker, RandomRanker, orQuery } from '../../src/search/eval/baselines.js';
import { formatPerQuery, formatTable, runEval, type TaskResult } from '../../src/search/eval/run.js';
import { checkFloors, loadFloors } from '../../src/search/eval/floors.js';
import { mulberry32 } from '../../src/random.js';
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

test('chance level: the expected reciprocal rank of a random ranking', () => {
  // one relevant paper among n: each rank up to k has probability 1/n
  close(chanceReciprocalRankAt(100, 1, 10), (1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6 + 1 / 7 + 1 / 8 + 1 / 9 + 1 / 10) / 100);
  // 2 of 3: rank 1 with 2/3, else rank 2 (the one left is relevant… or not: 1/3 · 1 · 1/2)
  close(chanceReciprocalRankAt(3, 2, 10), 2 / 3 + (1 / 3) * (1 / 2));
  assert.equal(chanceReciprocalRankAt(5, 5, 10), 1, 'everything relevant');
  assert.equal(chanceReciprocalRankAt(5, 0, 10), 0);
  // a simulation agrees
  let sum = 0;
  const n = 50;
  const rel = new Map([['r0', 1], ['r1', 1], ['r2', 1]]);
  const rnd = mulberry32(9);
  for (let t = 0; t < 20000; t++) {
    const ids = Array.from({ length: n }, (_, i) => (i < 3 ? `r${i}` : `x${i}`));
    for (let i = 0; i < 10; i++) {
      const j = i + Math.floor(rnd() * (n - i));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    sum += reciprocalRankAt(ids, rel, 10);
  }
  assert.ok(Math.abs(sum / 20000 - chanceReciprocalRankAt(n, 3, 10)) < 0.01);
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

// ---------------------------------------------------------------- the product's search

test('phraseChecker: case-insensitive, whole words, title or abstract, exclusions', async () => {
  const texts = new Map([
    [1, { title: 'Graph Neural Networks', abstract: 'We study message-passing schemes.' }],
    [2, { title: 'Neural networking', abstract: 'Message passing on graphs.' }],
    [3, { title: '', abstract: 'A survey of graph neural networks and MESSAGE PASSING.' }],
  ]);
  const check = phraseChecker((seq) => texts.get(seq));
  const all = [1, 2, 3, 4];
  assert.deepEqual([...(await check(all, [['graph', 'neural']], []))], [1, 3]);
  assert.deepEqual([...(await check(all, [['message', 'passing']], []))], [1, 2, 3], 'punctuation between words does not matter');
  assert.deepEqual([...(await check(all, [['neural', 'net']], []))], [], 'word boundaries: "net" is not "networks"');
  assert.deepEqual([...(await check(all, [['message', 'passing']], [['graph', 'neural']]))], [2]);
  assert.deepEqual([...(await check(all, [['networks', 'we']], []))], [], 'a phrase does not run from the title into the abstract');
  assert.equal(newestDay(docs), Date.parse('2026-10-02') / 86_400_000);
});

test('the product rankers answer through runSearch: titles, quoted phrases, temporary files removed', async () => {
  const r = new ProductRanker({ mode: 'lexical' });
  assert.equal(r.name, 'lexical');
  await r.build(docs, { withTitles: true });
  const dir = (r as unknown as { dir: string }).dir;
  try {
    assert.ok(existsSync(dir));
    const top = await r.search('Why Language Models Hallucinate', 10);
    assert.equal(top[0], '2509.04664');
    assert.ok(top.length <= 10 && new Set(top).size === top.length);
    const phrase = await r.search('"language models hallucinate"', 10);
    assert.deepEqual(phrase, ['2509.04664'], 'only the paper with the phrase');
    assert.deepEqual(await r.search('', 10), []);
    assert.deepEqual(await r.search('2509.04664', 10), [], 'an arXiv id is a lookup, not a search');
  } finally {
    await r.close();
  }
  assert.ok(!existsSync(dir), 'close() removes the temporary directory');
});

/** hybrid may trail the better of its two lists by this much (about 3 paired standard errors on known-item) */
const HYBRID_EPSILON = 0.005;
/** semantic search must score at least this many times chance on the labelled queries */
const SEMANTIC_OVER_CHANCE = 5;

test('the product’s search keeps its floors; hybrid ≥ the better of lexical and semantic; semantic far above chance', async () => {
  // Two built-in models are trained (without and with titles); hybrid reuses semantic's.
  const tasks = allTasks(docs, queries);
  const results = await runEval(
    PRODUCT.map((name) => ({ name, create: rankerFactory(name) })),
    tasks,
    docs,
  );
  const floors = loadFloors();
  for (const name of PRODUCT) for (const task of TASK_NAMES) assert.ok(floors[name]?.[task], `${name} has a floor for ${task}`);
  assert.deepEqual(checkFloors(results, floors), []);
  const get = (ranker: string, task: string): TaskResult => results.find((r) => r.ranker === ranker && r.task === task)!;
  for (const task of [KNOWN_ITEM, QUERIES]) {
    const [h, l, s] = ['hybrid', 'lexical', 'semantic'].map((n) => get(n, task));
    for (const m of ['mrr', 'ndcg'] as const) {
      const best = Math.max(l![m], s![m]);
      assert.ok(h![m] >= best - HYBRID_EPSILON, `hybrid ${m} on ${task}: ${h![m].toFixed(4)} < max(lexical ${l![m].toFixed(4)}, semantic ${s![m].toFixed(4)})`);
    }
  }
  const labelled = tasks.find((t) => t.name === QUERIES)!;
  const chance = mean(labelled.queries.map((q) => chanceReciprocalRankAt(docs.length, q.relevant.size, 10)));
  const semantic = get('semantic', QUERIES);
  assert.ok(chance > 0.001 && chance < 0.02, `chance ${chance}`);
  assert.ok(semantic.mrr >= SEMANTIC_OVER_CHANCE * chance, `semantic MRR@10 ${semantic.mrr.toFixed(4)} on the labelled queries, chance ${chance.toFixed(4)}`);
});
