/**
 * The built-in embeddings: analysis, training (deterministic), unknown words, WordNet and
 * acronym expansion, the model file round trip, worker threads, and sanity on the real fixtures.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isContentWord, terms, words, WordTable } from '../../../src/search/embed/analyzer.js';
import {
  BuiltinProvider,
  builtinProviderId,
  shouldRetrain,
  trainingStep,
  isZeroVector,
  loadModel,
  saveModel,
  trainBuiltin,
  trainBuiltinInWorker,
  type BuiltinModel,
  type TrainDoc,
} from '../../../src/search/embed/builtin.js';
import { paperText } from '../../../src/search/embed/index.js';
import { decodeModel, encodeModel } from '../../../src/search/embed/model.js';
import { UserError } from '../../../src/errors.js';
import { fixturePapers, type FixturePaper } from './fixture-corpus.js';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
const norm = (a: Float32Array): number => Math.sqrt(dot(a, a));

/** A small corpus in which "car" occurs but "automobile" never does. */
const TOY: TrainDoc[] = [
  { title: 'Electric car batteries', abstract: 'We study the batteries of electric cars, their charging and their range on the road.' },
  { title: 'Protein folding pathways', abstract: 'Proteins fold into native structures; we simulate folding pathways with molecular dynamics.' },
  { title: 'Galaxy formation in simulations', abstract: 'Disk galaxies form in cosmological simulations of dark matter halos and gas cooling.' },
  { title: 'Fine-tuning large language models (LLMs)', abstract: 'Large language models (LLMs) are adapted to new tasks with low-rank adapters.' },
  { title: 'Graph coloring algorithms', abstract: 'We give an approximation algorithm for coloring sparse graphs with few colors.' },
  { title: 'Quantum error correction codes', abstract: 'Surface codes protect qubits against noise; we study decoding thresholds.' },
];

describe('analyzer', () => {
  test('words: lowercase, accents folded, split on anything but letters and digits', () => {
    assert.deepEqual(words('Kollár’s self-supervised GPT-4 $\\mathcal{O}(n)$'), ['kollar', 's', 'self', 'supervised', 'gpt', '4', 'mathcal', 'o', 'n']);
  });
  test('terms: stop words, numbers and one-letter words dropped, Porter stems', () => {
    assert.deepEqual(terms('We propose neural networks for the 3D graphs of 2024'), ['neural', 'network', '3d', 'graph']);
    assert.equal(isContentWord('2024'), false);
    assert.equal(isContentWord('3d'), true);
    assert.equal(isContentWord('the'), false);
  });
  test('WordTable gives the same ids as terms() and reuses them', () => {
    const ids = new Map<string, number>();
    const table = new WordTable((w) => {
      if (!isContentWord(w)) return -1;
      const s = terms(w)[0] as string;
      if (!ids.has(s)) ids.set(s, ids.size);
      return ids.get(s) as number;
    });
    const text = 'Graphs and GRAPH networks; Schrödinger équations, 𝒪 networks';
    const { ids: out, count } = table.ids(text);
    assert.deepEqual(Array.from(out.subarray(0, count)), terms(text).map((s) => ids.get(s)));
  });
});

describe('trainBuiltin on a toy corpus', () => {
  let model: BuiltinModel;
  let provider: BuiltinProvider;
  before(async () => {
    model = await trainBuiltin(TOY, { dims: 16 });
    provider = new BuiltinProvider(model);
  });

  test('vectors have the model dimensions and unit length', async () => {
    const vs = await provider.embed(TOY.map(paperText), 'document');
    assert.equal(vs.length, TOY.length);
    for (const v of vs) {
      assert.equal(v.length, 16);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);
    }
    assert.equal(provider.dims, 16);
  });

  test('deterministic: the same corpus and options give the same model, hash and vectors', async () => {
    const again = await trainBuiltin(TOY, { dims: 16 });
    assert.equal(again.hash, model.hash);
    assert.deepEqual(again.vectors, model.vectors);
    const [a] = await provider.embed(['electric car batteries'], 'query');
    const [b] = await new BuiltinProvider(again).embed(['electric car batteries'], 'query');
    assert.deepEqual(a, b);
    const other = await trainBuiltin(TOY, { dims: 16, seed: 2 });
    assert.notEqual(other.hash, model.hash, 'another seed is another model');
  });

  test('training on a worker thread gives the same model; it reads no more papers than it needs', async () => {
    const stages: string[] = [];
    const inWorker = await trainBuiltinInWorker(TOY, { dims: 16, onProgress: (stage) => stages.push(stage) });
    assert.equal(inWorker.hash, model.hash);
    assert.ok(stages.includes('svd') && stages.at(-1) === 'done', stages.join());
    let read = 0;
    function* many(): Generator<TrainDoc> {
      for (let i = 0; i < 100_000; i++) {
        read++;
        yield TOY[i % TOY.length]!;
      }
    }
    const capped = await trainBuiltinInWorker(many(), { dims: 16, maxDocs: 2500, wordnet: false });
    assert.equal(capped.stats.docs, 2500);
    assert.ok(read < 10_000, `read ${read}`);
    await assert.rejects(trainBuiltinInWorker(TOY, { dims: 1 }), /dims must be/);
  });

  test('the same text gives the same vector; different texts differ', async () => {
    const [a, b, c] = await provider.embed(['protein folding', 'protein folding', 'galaxy formation'], 'document');
    assert.deepEqual(a, b);
    assert.ok(dot(a!, c!) < 0.99);
  });

  test('unknown words add nothing; a text of only unknown words is the zero vector', async () => {
    const [known, mixed, unknown, empty] = await provider.embed(['protein folding', 'protein folding zzyzx qwrtp', 'zzyzx qwrtp', ''], 'query');
    assert.deepEqual(mixed, known);
    assert.ok(isZeroVector(unknown!));
    assert.ok(isZeroVector(empty!));
    assert.equal(unknown!.length, 16);
    const [doc] = await provider.embed(['zzyzx qwrtp'], 'document');
    assert.ok(isZeroVector(doc!));
  });

  test('WordNet brings in a synonym the corpus never used: "automobile" finds the car paper', async () => {
    assert.equal(terms('automobile')[0] !== undefined && model.terms.includes(terms('automobile')[0]!), false, 'automobile is not in the corpus');
    const docs = await provider.embed(TOY.map(paperText), 'document');
    const [q] = await provider.embed(['automobile'], 'query');
    assert.ok(!isZeroVector(q!), 'the query has a vector through its synonyms');
    const scores = docs.map((d) => dot(q!, d));
    assert.equal(scores.indexOf(Math.max(...scores)), 0, `scores ${scores.map((s) => s.toFixed(3))}`);

    const plain = await trainBuiltin(TOY, { dims: 16, wordnet: false });
    const [none] = await new BuiltinProvider(plain).embed(['automobile'], 'query');
    assert.ok(isZeroVector(none!), 'without WordNet the word is unknown');
  });

  test('acronyms the corpus defines expand to their long form, both ways', async () => {
    const keys = new Set(model.expansions.keys);
    assert.ok(keys.has('llm'), 'llm → larg languag model');
    assert.ok(keys.has('larg languag model'), 'and back');
    assert.ok(model.stats.acronyms >= 1);
  });

  test('the provider id names the dimensions and the model hash', () => {
    assert.equal(provider.id, builtinProviderId(model));
    assert.match(provider.id, /^builtin-lsa-16-[0-9a-f]{16}$/);
    assert.ok(model.hash.startsWith(provider.id.slice(-16)));
  });

  test('shouldRetrain: a model that saw under a quarter of the catalog, when a training now would read clearly more', () => {
    assert.equal(shouldRetrain(model, 20), false);
    assert.equal(shouldRetrain(model, 25), true);
    assert.equal(shouldRetrain({ stats: { ...model.stats, docs: 200_000 } }, 2_700_000), false);
    // what a training of 2.7 million papers reads (every 14th): never retrained again (it was, every 10 minutes)
    const full = Math.floor(2_700_000 / trainingStep(2_700_000));
    assert.equal(full, 192_857);
    assert.equal(shouldRetrain({ stats: { ...model.stats, docs: full } }, 2_700_000), false);
    assert.equal(shouldRetrain({ stats: { ...model.stats, docs: full } }, 30_000_000), false);
    // the bundled sample's model after a big import; a 60,000-paper model in a 250,000-paper catalog
    assert.equal(shouldRetrain({ stats: { ...model.stats, docs: 1479 } }, 2_700_000), true);
    assert.equal(shouldRetrain({ stats: { ...model.stats, docs: 60_000 } }, 250_000), true);
  });

  test('a corpus smaller than the dimensions pads with zero directions', () => {
    assert.ok(model.stats.rank <= TOY.length);
    assert.equal(model.dims, 16);
  });
});

describe('model file', () => {
  let dir: string;
  let model: BuiltinModel;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dp-embed-'));
    model = await trainBuiltin(TOY, { dims: 32 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('save and load round trip: same hash, same vectors', async () => {
    const path = join(dir, 'sub', 'builtin.model');
    await saveModel(model, path);
    const loaded = await loadModel(path);
    assert.equal(loaded.hash, model.hash);
    assert.deepEqual(loaded.terms, model.terms);
    assert.deepEqual(loaded.expansions.keys, model.expansions.keys);
    assert.deepEqual(loaded.stats.docs, model.stats.docs);
    const texts = [...TOY.map(paperText), 'automobile batteries'];
    assert.deepEqual(await new BuiltinProvider(loaded).embed(texts, 'query'), await new BuiltinProvider(model).embed(texts, 'query'));
    assert.equal(new BuiltinProvider(loaded).id, new BuiltinProvider(model).id);
  });

  test('idle stops the embedding threads; a later large batch starts them again, same vectors', async () => {
    const provider = new BuiltinProvider(model, { threads: 2, minParallel: 2 });
    const texts = TOY.map(paperText);
    const first = await provider.embed(texts, 'document');
    assert.equal(provider.threadsRunning, 2);
    await provider.idle();
    assert.equal(provider.threadsRunning, 0);
    assert.deepEqual(await provider.embed(texts.slice(0, 1), 'query'), await new BuiltinProvider(model).embed(texts.slice(0, 1), 'query'));
    assert.equal(provider.threadsRunning, 0, 'a small batch embeds on the calling thread');
    assert.deepEqual(await provider.embed(texts, 'document'), first);
    assert.equal(provider.threadsRunning, 2);
    await provider.close();
    assert.equal(provider.threadsRunning, 0);
  });

  test('decoded with share (as embedding workers do): views of the bytes, the same model', () => {
    const { bytes } = encodeModel(model);
    const shared = decodeModel(bytes, 'test', { share: true });
    assert.equal(shared.hash, model.hash);
    assert.equal(shared.vectors.buffer, bytes.buffer, 'the vectors are a view, not a copy');
    assert.equal(shared.expansions.targets.buffer, bytes.buffer);
    assert.deepEqual(shared.vectors, model.vectors);
    assert.deepEqual(shared.expansions.weights, model.expansions.weights);
    const copied = decodeModel(bytes, 'test');
    assert.notEqual(copied.vectors.buffer, bytes.buffer, 'without share, copies');
    assert.deepEqual(copied.idf, shared.idf);
  });

  test('a missing file and a damaged file are clear UserErrors', async () => {
    await assert.rejects(loadModel(join(dir, 'nope.model')), (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_missing');
    const path = join(dir, 'damaged.model');
    await saveModel(model, path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
    writeFileSync(path, bytes);
    await assert.rejects(loadModel(path), (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_invalid' && /checksum/.test(err.message));
    writeFileSync(path, 'not a model');
    await assert.rejects(loadModel(path), (err: unknown) => err instanceof UserError && err.code === 'embeddings_model_invalid');
  });
});

describe('on the fixtures (~1,480 real papers)', () => {
  let papers: FixturePaper[];
  let model: BuiltinModel;
  let provider: BuiltinProvider;
  let docs: Float32Array[];
  before(async () => {
    papers = fixturePapers();
    model = await trainBuiltin(papers);
    provider = new BuiltinProvider(model);
    docs = await provider.embed(papers.map(paperText), 'document');
  });
  const rankOf = (q: Float32Array, id: string): number => {
    const i = papers.findIndex((p) => p.id === id);
    const s = dot(q, docs[i]!);
    return docs.filter((d) => dot(q, d) > s).length + 1;
  };

  test('trained as documented: 256 dimensions, the vocabulary, WordNet keys', () => {
    assert.equal(model.dims, 256);
    assert.equal(model.stats.docs, papers.length);
    assert.ok(model.terms.length > 5000);
    assert.ok(model.expansions.keys.length > 50_000);
    assert.equal(model.stats.rank, 256);
  });

  test('a title finds its own abstract', async () => {
    const abstracts = await provider.embed(papers.map((p) => p.abstract), 'document');
    const titles = await provider.embed(papers.map((p) => p.title), 'query');
    let top10 = 0;
    titles.forEach((t, i) => {
      const s = dot(t, abstracts[i]!);
      if (abstracts.filter((a) => dot(t, a) > s).length < 10) top10++;
    });
    assert.ok(top10 / papers.length > 0.95, `${top10} of ${papers.length} in the top 10`);
  });

  test('queries sharing no word with the title find the paper', async () => {
    const cases: Array<[string, string]> = [
      ['0801.4109', 'primordial ripples in spacetime from the early universe'],
      ['2605.24614', 'does forgetting knowledge in language models really erase it'],
      ['0801.4307', 'film recommendation using biologically inspired algorithms'],
      ['2508.14002', 'designing auxiliary incentives when several learners cooperate'],
    ];
    for (const [id, q] of cases) {
      const [v] = await provider.embed([q], 'query');
      const r = rankOf(v!, id);
      assert.ok(r <= 10, `"${q}" ranks ${id} at ${r}`);
    }
  });

  test('nearest neighbours stay on topic', () => {
    const i = papers.findIndex((p) => p.id === '0801.4415'); // Huge entropy production inside black holes
    const near = docs
      .map((d, j) => [j, dot(d, docs[i]!)] as const)
      .filter(([j]) => j !== i)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    for (const [j] of near) assert.match(papers[j]!.title + papers[j]!.abstract, /black hole/i);
  });

  test('worker threads give the same vectors as the calling thread', async () => {
    const texts = papers.slice(0, 300).map(paperText);
    const threaded = new BuiltinProvider(model, { threads: 2, chunk: 50 });
    try {
      const a = await threaded.embed(texts, 'document');
      const q = await threaded.embed(texts.slice(0, 100), 'query');
      assert.deepEqual(a, docs.slice(0, 300));
      assert.deepEqual(q, await provider.embed(texts.slice(0, 100), 'query'));
    } finally {
      await threaded.close();
    }
    // a closed provider starts its workers again
    const again = await threaded.embed(texts.slice(0, 80), 'document');
    assert.deepEqual(again, docs.slice(0, 80));
    await threaded.close();
  });
});
