/**
 * Measurements of the built-in embeddings (not a test: does nothing unless EMBED_MEASURE=1).
 *
 *   npx tsc -p . && EMBED_MEASURE=1 node dist/test/search/embed/measure.js [snapshot.jsonl]
 *
 * On the fixtures (~1,480 real papers): training time, model size, throughput, and the nearest
 * neighbours of 10 papers by title. With a snapshot file (e.g. `node dist/bench/generate.js
 * --count 200000 --out /tmp/emb200k.jsonl`): training time and size on it, and embedding
 * throughput on one thread and on worker threads.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseSnapshotLine } from '../../../src/ingest/snapshot.js';
import { BuiltinProvider, encodeModel, trainBuiltin, type BuiltinModel, type TrainDoc } from '../../../src/search/embed/builtin.js';
import { paperText } from '../../../src/search/embed/index.js';
import { fixturePapers } from './fixture-corpus.js';

const NEIGHBOUR_PAPERS = ['0704.0001', '0801.4415', '0801.3971', '0801.4499', '1709.03221', '2605.29343', '2610.00348', '2605.30993', '2605.24442', '2508.14002'];

async function train(docs: Iterable<TrainDoc> | AsyncIterable<TrainDoc>, label: string): Promise<BuiltinModel> {
  const stages: string[] = [];
  let last = Date.now();
  last = Date.now();
  const model = await trainBuiltin(docs, {
    onProgress: (stage, fields) => {
      if (stage === 'reading') return;
      const now = Date.now();
      stages.push(`${stage} ${JSON.stringify(fields ?? {})} +${now - last} ms`);
      last = now;
    },
  });
  const bytes = encodeModel(model).bytes.length;
  console.log(`\n## ${label} (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores): trained on ${model.stats.docs} papers in ${(model.stats.trainMs / 1000).toFixed(1)} s; model ${(bytes / 1e6).toFixed(1)} MB (${model.terms.length} terms, ${model.expansions.keys.length} expansion keys, rank ${model.stats.rank}); peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  for (const s of stages) console.log(`   ${s}`);
  return model;
}

async function throughput(model: BuiltinModel, texts: string[], threads: number, kind: 'document' | 'query' = 'document'): Promise<number> {
  const provider = new BuiltinProvider(model, { threads });
  await provider.embed(texts.slice(0, 1024), kind); // warm up, start the workers
  const started = performance.now();
  for (let i = 0; i < texts.length; i += 1024) await provider.embed(texts.slice(i, i + 1024), kind);
  const rate = texts.length / ((performance.now() - started) / 1000);
  await provider.close();
  return rate;
}

async function main(): Promise<void> {
  const papers = fixturePapers();
  const model = await train(papers, 'fixtures');
  const texts = papers.map(paperText);
  console.log(`   throughput, 1 thread: ${(await throughput(model, texts, 0)).toFixed(0)} papers/s; queries: ${(await throughput(model, papers.map((p) => p.title), 0, 'query')).toFixed(0)} titles/s`);
  const provider = new BuiltinProvider(model);
  const vectors = await provider.embed(texts, 'document');
  const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
  for (const id of NEIGHBOUR_PAPERS) {
    const i = papers.findIndex((p) => p.id === id);
    if (i < 0) continue;
    console.log(`\n   ${id} ${papers[i]!.title}`);
    const near = vectors.map((v, j) => [j, dot(v, vectors[i]!)] as const).filter(([j]) => j !== i).sort((a, b) => b[1] - a[1]).slice(0, 5);
    for (const [j, s] of near) console.log(`     ${s.toFixed(3)} ${papers[j]!.id} ${papers[j]!.title.slice(0, 100)}`);
  }

  const file = process.argv[2];
  if (!file) return;
  const docs: TrainDoc[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line.trim() === '') continue;
    const p = parseSnapshotLine(line);
    docs.push({ title: p.title, abstract: p.abstract });
  }
  const big = await train(docs, file);
  const bigTexts = docs.map(paperText);
  console.log(`   throughput, 1 thread (calling thread): ${(await throughput(big, bigTexts, 0)).toFixed(0)} papers/s`);
  const threads = availableParallelism();
  console.log(`   throughput, ${threads} worker threads: ${(await throughput(big, bigTexts, threads)).toFixed(0)} papers/s`);
}

if (process.env.EMBED_MEASURE === '1') await main();
