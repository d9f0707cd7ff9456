/**
 * Turns text into a vector with a built-in model (the hot path, also run on worker threads).
 *
 * Document: the TF-IDF-weighted sum ((1 + ln tf) × idf) of the term vectors of its stems,
 * normalized, minus the corpus's mean document vector, normalized again.
 *
 * Query: the same, plus for each query word (and each two- or three-word phrase the expansion
 * table knows, such as "neural network" or an acronym's long form) the weighted mean of the
 * vectors of its related vocabulary terms — WordNet synonyms, derived forms, hypernyms …,
 * acronym definitions — at `expansionWeight` of the word's own weight; a word the corpus never
 * used counts through its expansions alone, at `unknownWeight`.
 *
 * Words that are neither in the vocabulary nor in the expansion table add nothing: a text made
 * only of them (or empty) gives the zero vector, which `isZeroVector` detects.
 */
import { isContentWord, stem, WordTable, words } from './analyzer.js';
import type { BuiltinModel } from './model.js';

export class BuiltinEmbedder {
  readonly dims: number;
  private readonly termIds = new Map<string, number>();
  private readonly expansionIds = new Map<string, number>();
  /** surface word → term id, or -1 */
  private readonly table: WordTable;
  /** idf × dequantization scale, per term */
  private readonly rowWeight: Float32Array;
  private readonly tf: Uint16Array;
  private readonly acc: Float64Array;
  private readonly maxPhrase: number;

  constructor(readonly model: BuiltinModel) {
    this.dims = model.dims;
    model.terms.forEach((t, i) => this.termIds.set(t, i));
    let maxPhrase = 1;
    model.expansions.keys.forEach((k, i) => {
      this.expansionIds.set(k, i);
      let n = 1;
      for (let c = 0; c < k.length; c++) if (k.charCodeAt(c) === 32) n++;
      if (n > maxPhrase) maxPhrase = n;
    });
    this.maxPhrase = Math.min(maxPhrase, 4);
    this.rowWeight = new Float32Array(model.terms.length);
    for (let t = 0; t < model.terms.length; t++) this.rowWeight[t] = (model.idf[t] as number) * (model.scales[t] as number);
    this.tf = new Uint16Array(model.terms.length);
    this.table = new WordTable((w) => (isContentWord(w) ? (this.termIds.get(stem(w)) ?? -1) : -1));
    this.acc = new Float64Array(model.dims);
  }

  /** The vocabulary id of a stem, or -1. */
  termId(stemmed: string): number {
    return this.termIds.get(stemmed) ?? -1;
  }

  embedDocument(text: string): Float32Array {
    const { ids, count } = this.table.ids(text);
    this.acc.fill(0);
    this.addCounts(ids, count);
    return this.finish();
  }

  embedQuery(text: string): Float32Array {
    const stems: string[] = [];
    for (const w of words(text)) if (isContentWord(w)) stems.push(stem(w));
    this.acc.fill(0);
    const known = new Int32Array(stems.length);
    let count = 0;
    for (const s of stems) {
      const id = this.termIds.get(s);
      if (id !== undefined) known[count++] = id;
    }
    this.addCounts(known, count);
    const { params, idf } = this.model;
    // expansions of single stems and of phrases
    for (let i = 0; i < stems.length; i++) {
      let key = '';
      for (let n = 1; n <= this.maxPhrase && i + n <= stems.length; n++) {
        key = n === 1 ? (stems[i] as string) : `${key} ${stems[i + n - 1]}`;
        const e = this.expansionIds.get(key);
        if (e === undefined) continue;
        const own = n === 1 ? this.termIds.get(key) : undefined;
        // a known word's expansions count relative to its own weight; an unknown word (or a phrase)
        // weighs what its expansions weigh on average
        const weight = own !== undefined ? params.expansionWeight * (idf[own] as number) : params.unknownWeight * this.expansionIdf(e);
        this.addExpansion(e, weight);
      }
    }
    return this.finish();
  }

  /** acc += Σ over distinct terms (1 + ln tf) × idf × vector */
  private addCounts(ids: Int32Array, count: number): void {
    const tf = this.tf;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      const n = tf[id] as number;
      if (n < 65535) tf[id] = n + 1;
    }
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      const n = tf[id] as number;
      if (n === 0) continue;
      tf[id] = 0;
      this.addRow(id, (1 + Math.log(n)) * (this.rowWeight[id] as number));
    }
  }

  private addRow(id: number, w: number): void {
    const d = this.dims;
    const v = this.model.vectors;
    const acc = this.acc;
    const off = id * d;
    for (let j = 0; j < d; j++) acc[j] = (acc[j] as number) + w * (v[off + j] as number);
  }

  /** Adds the normalized-weight mean of expansion e's target vectors, scaled to `weight`. */
  private addExpansion(e: number, weight: number): void {
    const { offsets, targets, weights } = this.model.expansions;
    const from = offsets[e] as number;
    const to = offsets[e + 1] as number;
    let sum = 0;
    for (let p = from; p < to; p++) sum += weights[p] as number;
    if (!(sum > 0)) return;
    for (let p = from; p < to; p++) {
      const t = targets[p] as number;
      this.addRow(t, (weight * (weights[p] as number) * (this.model.scales[t] as number)) / sum);
    }
  }

  /** Weighted mean idf of an expansion's targets: how specific the unknown word probably is. */
  private expansionIdf(e: number): number {
    const { offsets, targets, weights } = this.model.expansions;
    let s = 0;
    let w = 0;
    for (let p = offsets[e] as number; p < (offsets[e + 1] as number); p++) {
      s += (weights[p] as number) * (this.model.idf[targets[p] as number] as number);
      w += weights[p] as number;
    }
    return w > 0 ? s / w : 0;
  }

  /**
   * Normalizes acc, removes the mean, normalizes again; all zero stays all zero. (In a degenerate
   * corpus whose documents all point one way, the mean is that direction: then the vector is kept
   * uncentered rather than lost.)
   */
  private finish(): Float32Array {
    const d = this.dims;
    const acc = this.acc;
    const out = new Float32Array(d);
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (acc[j] as number) ** 2;
    if (!(norm > 0)) return out;
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) acc[j] = (acc[j] as number) / norm;
    if (this.model.params.center) {
      const mean = this.model.mean;
      let norm2 = 0;
      for (let j = 0; j < d; j++) norm2 += ((acc[j] as number) - (mean[j] as number)) ** 2;
      if (norm2 > 1e-6) {
        norm2 = Math.sqrt(norm2);
        for (let j = 0; j < d; j++) out[j] = ((acc[j] as number) - (mean[j] as number)) / norm2;
        return out;
      }
    }
    for (let j = 0; j < d; j++) out[j] = acc[j] as number;
    return out;
  }
}

/** Whether a vector is all zeros (an empty text, or only words the model does not know). */
export function isZeroVector(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
