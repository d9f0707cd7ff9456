/**
 * The text analysis of the built-in embeddings: the same for training, documents and queries.
 *
 * Lowercase, accents folded (NFKD, combining marks dropped), words are runs of letters and digits
 * (so "self-supervised" is two words and "$\mathcal{O}(n)$" leaves "o" and "n", both dropped as too
 * short), then English and LaTeX stop words, pure numbers and one-letter words go, and what is left
 * is Porter-stemmed ("networks" → "network", "supervised" → "supervis").
 *
 * Hot path (millions of abstracts): a hand-written scanner instead of a Unicode regex, and a
 * bounded word → stem cache, so a common word costs one Map lookup.
 */
import { stemmer } from 'stemmer';
import { memoize } from '../../memo.js';

/** Function words, arXiv boilerplate and LaTeX command names: no topic in them. */
const STOP_LIST = `
a about above across after afterwards again against all almost alone along already also although always am among
amongst an and another any anyhow anyone anything anyway anywhere are around as at be became because become becomes
becoming been before beforehand behind being below beside besides between beyond both but by can cannot could did do
does doing done down due during each eg either else elsewhere enough etc even ever every everyone everything everywhere
except few for former formerly from further furthermore had has have having he hence her here hereafter hereby herein
hereupon hers herself him himself his how however i ie if in indeed into is it its itself just latter latterly least
less many may me meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless
next no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our
ours ourselves out over own per perhaps please rather re same seem seemed seeming seems several she should since so
some somehow someone something sometime sometimes somewhere still such than that the their theirs them themselves then
thence there thereafter thereby therefore therein thereupon these they this those though through throughout thru thus
to together too toward towards under until up upon us very via was we well were what whatever when whence whenever
where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose
why will with within without would yet you your yours yourself yourselves
paper papers propose proposes proposed show shows shown showed present presents presented demonstrate demonstrates
demonstrated use uses used using based introduce introduces introduced find found obtain obtained obtaining provide
provides provided consider considered given give gives describe describes described discuss discussed report reported
investigate investigated study studied studies result results new novel various respectively
mathrm mathcal mathbf mathbb mathit mathsf mathtt mathfrak boldsymbol textrm textit textbf textsf texttt emph rm bf
it cal frac dfrac tfrac sqrt left right bigg cdot cdots ldots dots times leq geq le ge neq approx sim simeq propto
langle rangle hat tilde vec overline underline nabla infty quad qquad mbox hbox ref cite eqref
`;

/** Surface words (lowercased, accents folded) that are never terms. */
export const STOP_WORDS: ReadonlySet<string> = new Set(STOP_LIST.split(/\s+/).filter(Boolean));

const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const NON_ASCII = /[^\u0000-\u007f]/;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Lowercased words of `text` (runs of letters and digits, accents folded), stop words included. */
export function words(text: string): string[] {
  let s = text;
  if (NON_ASCII.test(s)) s = s.normalize('NFKD').replace(COMBINING_MARKS, '');
  s = s.toLowerCase();
  const out: string[] = [];
  const n = s.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    let word: boolean;
    if (c < 128) word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    else if (c >= 0xd800 && c <= 0xdbff) {
      // astral plane (math alphanumerics, emoji): ends the current word; a letter is a word of its own
      if (start >= 0) {
        out.push(s.slice(start, i));
        start = -1;
      }
      if (LETTER_OR_DIGIT.test(String.fromCodePoint(s.codePointAt(i) ?? 0))) out.push(s.slice(i, i + 2));
      i++;
      continue;
    } else word = LETTER_OR_DIGIT.test(s[i] as string);
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(s.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/** Whether a surface word can be a term: not a stop word, not a number, at least two characters. */
export function isContentWord(w: string): boolean {
  if (w.length < 2 || w.length > 40 || STOP_WORDS.has(w)) return false;
  const c = w.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // numbers (2024, 10) are not terms; "3d" and "2d" are
    for (let i = 1; i < w.length; i++) {
      const d = w.charCodeAt(i);
      if (d < 48 || d > 57) return true;
    }
    return false;
  }
  return true;
}

const STEM_CACHE_MAX = 400_000;

/** The Porter stem of a lowercased surface word (cached). */
export const stem: (word: string) => string = memoize(stemmer, STEM_CACHE_MAX);

/** The terms (stems) of a text in order, stop words and numbers removed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (isContentWord(w)) out.push(stem(w));
  return out;
}

/**
 * Maps the words of texts to integers (term ids) fast: words are hashed while the text is scanned
 * and looked up in an open-addressing table, so a known word costs no string allocation and no
 * Map lookup. `resolve` gives a new word's id (negative: not a term); at most `maxSize` words are
 * remembered (then the table starts over).
 */
export class WordTable {
  private keys: string[] = [];
  private values = new Int32Array(1 << 15);
  private hashes = new Int32Array(1 << 15);
  private slots: Int32Array;
  private mask: number;
  private out = new Int32Array(1024);

  constructor(
    private readonly resolve: (word: string) => number,
    private readonly maxSize = 500_000,
  ) {
    this.slots = new Int32Array(1 << 16).fill(-1);
    this.mask = (1 << 16) - 1;
  }

  /** The ids (≥ 0) of the words of `text` in order, in a buffer reused by the next call: read ids[0 … count). */
  ids(text: string): { ids: Int32Array; count: number } {
    let s = text;
    if (NON_ASCII.test(s)) s = s.normalize('NFKD').replace(COMBINING_MARKS, '');
    s = s.toLowerCase();
    let count = 0;
    const n = s.length;
    let start = -1;
    let h = 0;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? s.charCodeAt(i) : 32;
      let word: boolean;
      if (c < 128) word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      else if (c >= 0xd800 && c <= 0xdbff) {
        // astral plane: end the current word, then handle the pair on its own through the slow path
        if (start >= 0) {
          count = this.emit(s, start, i, h, count);
          start = -1;
        }
        const pair = s.slice(i, i + 2);
        if (LETTER_OR_DIGIT.test(String.fromCodePoint(s.codePointAt(i) ?? 0))) {
          // rare: a word of mathematical letters; looked up as its own word
          count = this.emit(pair, 0, pair.length, hashOf(pair), count);
        }
        i++;
        continue;
      } else word = LETTER_OR_DIGIT.test(s[i] as string);
      if (word) {
        if (start < 0) {
          start = i;
          h = 0x811c9dc5;
        }
        h = Math.imul(h ^ c, 0x01000193);
      } else if (start >= 0) {
        count = this.emit(s, start, i, h, count);
        start = -1;
      }
    }
    return { ids: this.out, count };
  }

  private emit(s: string, start: number, end: number, h: number, count: number): number {
    const id = this.lookup(s, start, end, h | 0);
    if (id < 0) return count;
    if (count === this.out.length) {
      const bigger = new Int32Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[count] = id;
    return count + 1;
  }

  private lookup(s: string, start: number, end: number, h: number): number {
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const e = this.slots[slot] as number;
      if (e < 0) break;
      if (this.hashes[e] === h) {
        const k = this.keys[e] as string;
        if (k.length === len) {
          let same = true;
          for (let j = 0; j < len; j++) {
            if (k.charCodeAt(j) !== s.charCodeAt(start + j)) {
              same = false;
              break;
            }
          }
          if (same) return this.values[e] as number;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const word = s.slice(start, end);
    const value = this.resolve(word);
    if (this.keys.length >= this.maxSize) this.clear();
    this.insert(word, h, value);
    return value;
  }

  private insert(word: string, h: number, value: number): void {
    if ((this.keys.length + 1) * 2 > this.slots.length) this.grow();
    const e = this.keys.length;
    if (e === this.values.length) {
      const values = new Int32Array(e * 2);
      values.set(this.values);
      this.values = values;
      const hashes = new Int32Array(e * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.keys.push(word);
    this.values[e] = value;
    this.hashes[e] = h;
    let slot = h & this.mask;
    while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = e;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let e = 0; e < this.keys.length; e++) {
      let slot = (this.hashes[e] as number) & this.mask;
      while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
    }
  }

  private clear(): void {
    this.keys = [];
    this.slots = new Int32Array(1 << 16).fill(-1);
    this.mask = (1 << 16) - 1;
  }
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
