/**
 * Seeded generator of a synthetic arXiv metadata snapshot: the Kaggle
 * "arxiv-metadata-oai-snapshot" JSON Lines format, one paper per line, sorted by id, with the
 * length distributions, field shares and formats of real records (see bench/corpus-stats.ts,
 * which derives them from the fixtures). For the import, HTTP and search benchmarks.
 *
 *   node dist/bench/generate.js --count 100000 --out /tmp/snap.jsonl [--seed 1]
 *        [--start-year 2007] [--end-year 2026] [--workers N]          (--out - for stdout)
 *
 * - Ids: new-style YYMM.NNNNN (YYMM.NNNN before 2015), numbered from 1 in every month, months
 *   sized by the monthly volume growth fitted from real ids; v1 dates inside the id's month,
 *   increasing with the id, weighted by the real weekday and hour of submissions.
 * - Text: a Zipf vocabulary of 300,000 words (the real words of the fixtures by frequency, then
 *   pronounceable synthetic ones), real sentence lengths, commas, numbers, acronyms and LaTeX
 *   snippets; wrapped like arXiv's abs files.
 * - Authors: 500,000 distinct names (real given and family names, plus synthetic family names),
 *   picked with a Zipf–Mandelbrot skew; real list styles (initials, " and ", affiliations).
 *
 * Same options and seed → byte-identical output, whatever the number of workers: records are
 * rendered in blocks of 4,096, each with its own PRNG stream, straight into byte buffers, on
 * worker threads for large runs, and written in order with the stream's backpressure (each
 * worker renders at most 3 blocks ahead), so memory stays bounded.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ASSUMPTIONS, CS_LIKE_ARCHIVE, SMALL_WORDS, corpusStats, recentShare, type CorpusStats, type EraStats } from './corpus-stats.js';

export interface GenerateOptions {
  /** exact number of records */
  count: number;
  /** PRNG seed (integer); default 1 */
  seed?: number;
  /** a file path (created or truncated, then closed), or a stream (written, not ended) */
  out: NodeJS.WritableStream | string;
  /** first year of ids; default 2007 (new-style ids start with 0704) */
  startYear?: number;
  /** last year of ids (through December); default 2026 */
  endYear?: number;
  /** worker threads rendering blocks in parallel (the output is the same for any number);
   * default: up to 4 on machines with 2+ cores for 100,000 records or more, else 0 (inline) */
  workers?: number;
}

export interface GenerateResult {
  records: number;
  bytes: number;
}

/** The snapshot's keys, in its order. */
export const SNAPSHOT_KEYS = [
  'id', 'submitter', 'authors', 'title', 'comments', 'journal-ref', 'doi', 'report-no', 'categories',
  'license', 'abstract', 'versions', 'update_date', 'authors_parsed',
] as const;

export const VOCABULARY_SIZE = 300_000;
export const NAME_POOL_SIZE = 500_000;
/** Zipf–Mandelbrot offset of author popularity: p(rank k) ∝ 1 / (k + q) */
const AUTHOR_ZIPF_OFFSET = 1000;
/** fixed seed of the vocabulary and name pool, so every snapshot shares them */
const POOL_SEED = 0x5eed_2007;
/** records per block: the unit of work, of seeding (so output does not depend on workers) and of writing */
const BLOCK = 4096;
const WORD_SLOT = 32;

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32, seeded through splitmix32

/** splitmix32's finaliser */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export class Rng {
  private readonly s = new Int32Array(4);

  /** `stream` picks one of many independent sequences of the same seed (one per block of records) */
  constructor(seed: number, stream = 0) {
    let x = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296) >>> 0) ^ mix32(stream ^ 0x5bd1e995));
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      this.s[i] = mix32(x);
    }
    for (let i = 0; i < 15; i++) this.next();
  }

  /** uniform in [0, 1) (sfc32; the state lives in a typed array so nothing is boxed) */
  next(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) * 2.3283064365386963e-10;
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

/** Walker/Vose alias table: O(1) draws from a discrete distribution. */
class Alias {
  readonly n: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.n = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    while (nl > 0) this.prob[large[--nl]!] = 1;
    while (ns > 0) this.prob[small[--ns]!] = 1;
  }

  sample(rng: Rng): number {
    const i = Math.floor(rng.next() * this.n);
    return rng.next() < this.prob[i]! ? i : this.alias[i]!;
  }
}

/**
 * Zipf over ranks 0 … n-1, p(rank r) ∝ (r+1)^-s: an alias table for the head, where the mass is,
 * and the continuous inverse (p(r) ≈ ∫ x^-s dx over [r+½, r+1½)) for the long tail, which needs
 * no table.
 */
export class ZipfSampler {
  private readonly head: Alias;
  private readonly headMass: number;
  /** tail quantiles: rank + ½ at u = i / TAIL_STEPS, interpolated linearly between */
  private readonly tail: Float32Array;

  constructor(readonly n: number, readonly s = 1, headSize = 4096) {
    const h = Math.min(n, headSize);
    const weights = new Float64Array(h);
    let headSum = 0;
    for (let k = 0; k < h; k++) headSum += weights[k] = Math.pow(k + 1, -s);
    let tailSum = 0;
    for (let k = h; k < n; k++) tailSum += Math.pow(k + 1, -s);
    this.head = new Alias(weights);
    this.headMass = headSum / (headSum + tailSum);
    // the inverse CDF of the density x^-s on [h+½, n+½)
    const inv = 1 / (1 - s);
    const lo = s === 1 ? Math.log(h + 0.5) : Math.pow(h + 0.5, 1 - s);
    const span = (s === 1 ? Math.log(n + 0.5) : Math.pow(n + 0.5, 1 - s)) - lo;
    this.tail = new Float32Array(TAIL_STEPS + 1);
    for (let i = 0; i <= TAIL_STEPS; i++) {
      const v = lo + (i / TAIL_STEPS) * span;
      this.tail[i] = s === 1 ? Math.exp(v) : Math.pow(v, inv);
    }
  }

  sample(rng: Rng): number {
    if (rng.next() < this.headMass) return this.head.sample(rng);
    const u = rng.next() * TAIL_STEPS;
    const i = Math.floor(u);
    const x0 = this.tail[i]!;
    const r = Math.floor(x0 + (u - i) * (this.tail[i + 1]! - x0) - 0.5);
    return r < this.n ? r : this.n - 1;
  }
}

const TAIL_STEPS = 1 << 15;

/**
 * The Zipf exponent (close to 1) under which the top 100 of n ranks cover the share of running
 * text that the 100 most frequent real words cover in the fixtures.
 */
export function fitZipfExponent(counts: readonly number[], n: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let top = 0;
  for (let i = 0; i < 100 && i < counts.length; i++) top += counts[i]!;
  const target = top / total;
  // head exactly, the rest by the integral ∫ x^-s dx over [100½, n+½)
  const coverage = (s: number): number => {
    let head = 0;
    for (let k = 1; k <= 100; k++) head += Math.pow(k, -s);
    const rest = (Math.pow(n + 0.5, 1 - s) - Math.pow(100.5, 1 - s)) / (1 - s);
    return head / (head + rest);
  };
  let lo = 1.001;
  let hi = 1.2;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (coverage(mid) < target) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 1000) / 1000;
}

/** Picks keys of a weight table. */
class Weighted<T> {
  private readonly alias: Alias;
  constructor(private readonly keys: readonly T[], weights: readonly number[]) {
    this.alias = new Alias(weights);
  }
  static of(table: Record<string, number>): Weighted<string> {
    return new Weighted(Object.keys(table), Object.values(table));
  }
  sample(rng: Rng): T {
    return this.keys[this.alias.sample(rng)]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Text helpers

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'b', 'c', 'd', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'br', 'cr', 'dr', 'gr', 'pr', 'tr', 'pl', 'cl', 'st', 'ch', 'th', 'ph', 'qu'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'i', 'o', 'a', 'e', 'i', 'o', 'ia', 'io', 'y'];
const CODAS = ['', '', '', '', '', '', '', '', 'n', 'r', 's', 'l', 'm', 't', 'x', 'nd', 'st'];
const WORD_ENDINGS = ['', '', '', '', '', 'al', 'ic', 'ity', 'ion', 'ous', 'ive', 'ism', 'ant', 'ent', 'ize', 'ate', 'oid', 'on', 'um', 'ics', 'ation', 'ing', 'ed', 'er', 's'];
/** words that should not end a title or sentence */
const WEAK_END = new Set([...SMALL_WORDS, 'we', 'is', 'that', 'this', 'are', 'be', 'which', 'can', 'it', 'our', 'these', 'has',
  'have', 'not', 'between', 'such', 'its', 'their', 'both', 'but', 'where', 'while', 'when', 'all', 'only', 'if', 'than', 'then',
  'may', 'how', 'each', 'there', 'they', 'was', 'were', 'been', 'also', 'very', 'using', 'over', 'under', 'through', 'within']);
const GIVEN_ENDINGS = ['a', 'o', 'an', 'el', 'in', 'ia', 'ko', 'us', 'ei', 'ar', 'en', 'ing', 'ah', 'e', 'i', 'on'];
const FAMILY_ENDINGS = ['son', 'ov', 'ova', 'ski', 'ez', 'ini', 'berg', 'mann', 'ura', 'ato', 'elli', 'sen', 'ic', 'escu', 'oglu', 'ides', 'ak', 'wa', 'er', 'ing', 'an', 'o', 'ey', 'ton'];

function syllables(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS);
  return s;
}

/** Many short byte strings in one array (few cache misses, no per-string objects). */
class PackedStrings {
  private readonly data: Uint8Array;
  private readonly start: Int32Array;

  constructor(items: readonly Uint8Array[]) {
    this.start = new Int32Array(items.length + 1);
    let total = 0;
    items.forEach((b, i) => {
      this.start[i] = total;
      total += b.length;
    });
    this.start[items.length] = total;
    this.data = new Uint8Array(total);
    items.forEach((b, i) => this.data.set(b, this.start[i]!));
  }

  /** copies item i into the sink (which must have room) */
  write(sink: Sink, i: number): void {
    const from = this.start[i]!;
    const to = this.start[i + 1]!;
    const b = sink.buf;
    const d = this.data;
    let p = sink.pos;
    for (let q = from; q < to; q++) b[p++] = d[q]!;
    sink.pos = p;
  }
}

/** JSON string contents, non-ASCII as \uXXXX */
function jsonBytes(s: string): Uint8Array {
  const escaped = JSON.stringify(s).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(escaped, 'latin1');
}

function capitalize(w: string): string {
  return w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1);
}

const TEX_ACCENTS: Record<string, string> = {
  '\u0301': "'", '\u0300': '`', '\u0308': '"', '\u0302': '^', '\u0303': '~', '\u0304': '=', '\u0307': '.',
  '\u0327': 'c', '\u030C': 'v', '\u0306': 'u', '\u030B': 'H', '\u030A': 'r', '\u0328': 'k',
};
const TEX_LETTERS: Record<string, string> = { 'ß': '{\\ss}', 'ø': '{\\o}', 'Ø': '{\\O}', 'ł': '{\\l}', 'Ł': '{\\L}', 'æ': '{\\ae}', 'Æ': '{\\AE}', 'ı': '{\\i}' };

/** Unicode name → the TeX spelling arXiv author lists use (Balázs → Bal\'azs); null if not Latin. */
export function texName(s: string): string | null {
  const d = s.normalize('NFD');
  let out = '';
  for (let i = 0; i < d.length; i++) {
    const ch = d[i]!;
    const next = d[i + 1];
    if (next !== undefined && TEX_ACCENTS[next] !== undefined) {
      const acc = TEX_ACCENTS[next]!;
      if (!/^[A-Za-z]$/.test(ch)) return null;
      out += /[a-zA-Z]/.test(acc) ? `\\${acc}{${ch}}` : `\\${acc}${ch}`;
      i++;
      continue;
    }
    if (ch.charCodeAt(0) < 0x80) out += ch;
    else if (TEX_LETTERS[ch]) out += TEX_LETTERS[ch];
    else if (ch === '’') out += "'";
    else return null;
  }
  return out;
}

/** Wraps a field the way arXiv's abs files do: lines of at most 79 columns counting the
 * "Field: " label on the first line, continuation lines indented by two spaces. */
function wrapField(text: string, firstWidth: number): string {
  if (text.length <= firstWidth) return text;
  let out = '';
  let lineLen = 0;
  let width = firstWidth;
  let start = 0;
  let first = true;
  while (start <= text.length) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    const len = end - start;
    if (len > 0) {
      if (first) {
        out = text.slice(start, end);
        lineLen = len;
        first = false;
      } else if (lineLen + 1 + len > width) {
        out += '\n  ' + text.slice(start, end);
        lineLen = 2 + len;
        width = 79;
      } else {
        out += ' ' + text.slice(start, end);
        lineLen += 1 + len;
      }
    }
    start = end + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** days since 1970-01-01 → [year, month 1-12, day] (Hinnant's civil_from_days) */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** "Mon, 2 Apr 2007 19:18:42 GMT" */
function rfc2822(sec: number): string {
  const days = Math.floor(sec / 86400);
  const [y, m, d] = civil(days);
  const s = sec - days * 86400;
  return `${WEEKDAYS[(days + 4) % 7]}, ${d} ${MONTHS[m - 1]} ${y} ${PAD2[Math.floor(s / 3600)]}:${PAD2[Math.floor((s % 3600) / 60)]}:${PAD2[s % 60]} GMT`;
}

function isoDate(sec: number): string {
  const [y, m, d] = civil(Math.floor(sec / 86400));
  return `${y}-${PAD2[m]}-${PAD2[d]}`;
}

// ---------------------------------------------------------------------------------------------
// The model: pools and tables built once per process

interface MathSnippet {
  /** JSON-escaped bytes of each space-separated piece, and its length as text */
  pieces: Uint8Array[];
  raw: number[];
}

interface Model {
  stats: CorpusStats;
  words: string[];
  /** word w in a 32-byte slot at w·32: its length, then its ASCII bytes (one cache line per word) */
  wordSlots: Uint8Array;
  /** SMALL | WEAK */
  wordFlags: Uint8Array;
  wordZipf: ZipfSampler;
  math: MathSnippet[];
  // names: parts and pool
  firstTex: string[];
  firstUni: string[];
  firstInitialTex: string[];
  firstInitialUni: string[];
  lastTex: string[];
  lastUni: string[];
  /** the same as JSON string contents, escaped once (for authors_parsed) */
  firstJson: PackedStrings;
  firstInitialJson: PackedStrings;
  lastJson: PackedStrings;
  /** alphabetical rank of each last name (collaborations list their members alphabetically) */
  lastRank: Int32Array;
  poolFirst: Int32Array;
  poolLast: Int32Array;
  /** 0, or the char code of a middle initial */
  poolMiddle: Uint8Array;
  /** 0, or 1 + index into suffixes */
  poolSuffix: Uint8Array;
  authorAlias: Alias;
  suffixes: string[];
  // categories
  earlySets: string[][];
  earlyCategories: string[];
  archive: Weighted<string>;
  cs: Weighted<string>;
  csCross: Weighted<string>;
  subcats: Map<string, string[]>;
  recentLicense: Weighted<string>;
  earlyLicense: Weighted<string>;
  // times
  weekday: number[];
  hour: number[];
}

let model: Model | null = null;

function buildModel(): Model {
  if (model) return model;
  const stats = corpusStats();
  const rng = new Rng(POOL_SEED);

  // vocabulary: real words by frequency, then pronounceable synthetic ones
  const words = stats.words.slice(0, VOCABULARY_SIZE);
  const seen = new Set(words.map((w) => w.toLowerCase()));
  const synthetic: string[] = [];
  while (words.length + synthetic.length < VOCABULARY_SIZE) {
    const w = syllables(rng, 1 + rng.int(3)) + rng.pick(WORD_ENDINGS);
    if (w.length < 4 || w.length > 13 || seen.has(w)) continue;
    seen.add(w);
    synthetic.push(w);
  }
  // rarer words are longer (Zipf's law of abbreviation); the sort is stable, so deterministic
  synthetic.sort((a, b) => a.length - b.length);
  for (const w of synthetic) words.push(w);
  const wordFlags = new Uint8Array(words.length);
  const wordSlots = new Uint8Array(words.length * WORD_SLOT);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!/^[A-Za-z][A-Za-z-]*$/.test(w) || w.length >= WORD_SLOT) throw new Error(`vocabulary word ${JSON.stringify(w)} is not plain ASCII`);
    wordSlots[i * WORD_SLOT] = w.length;
    for (let j = 0; j < w.length; j++) wordSlots[i * WORD_SLOT + 1 + j] = w.charCodeAt(j);
    const lower = w.toLowerCase();
    wordFlags[i] = (SMALL_WORDS.has(lower) ? SMALL : 0) | (WEAK_END.has(lower) ? WEAK : 0);
  }
  const math = (stats.math.length ? stats.math : ['$\\alpha$', '$O(n \\log n)$']).map((snippet) => {
    const pieces = snippet.split(' ').filter(Boolean);
    return { pieces: pieces.map((p) => Buffer.from(JSON.stringify(p).slice(1, -1), 'latin1')), raw: pieces.map((p) => p.length) };
  });

  // name parts: real ones first, then synthetic ones from syllables
  const firstUni: string[] = [];
  const firstTex: string[] = [];
  const lastUni: string[] = [];
  const lastTex: string[] = [];
  const addName = (uni: string, tex: string | null, uniArr: string[], texArr: string[], set: Set<string>) => {
    if (tex === null || set.has(uni)) return;
    set.add(uni);
    uniArr.push(uni);
    texArr.push(tex);
  };
  const firstSeen = new Set<string>();
  const lastSeen = new Set<string>();
  for (const f of stats.firstNames) addName(f, texName(f), firstUni, firstTex, firstSeen);
  for (const l of stats.lastNames) addName(l, texName(l), lastUni, lastTex, lastSeen);
  // enough given names for the pool's distinct combinations, synthetic ones only if the fixtures lack them
  while (firstUni.length < 1_000) {
    const n = capitalize(syllables(rng, 1 + rng.int(2)) + rng.pick(GIVEN_ENDINGS));
    if (n.length >= 3 && n.length <= 11) addName(n, n, firstUni, firstTex, firstSeen);
  }
  while (lastUni.length < 30_000) {
    const n = capitalize(syllables(rng, 1 + rng.int(2)) + rng.pick(FAMILY_ENDINGS));
    if (n.length >= 4 && n.length <= 12) addName(n, n, lastUni, lastTex, lastSeen);
  }
  const initial = (uni: string): string => {
    // Chao-Hsi → C.-H.; the first letter with its accent
    return uni.split('-').map((p) => `${[...p.normalize('NFC')][0] ?? ''}.`).join('-');
  };
  const firstInitialUni = firstUni.map(initial);
  const firstInitialTex = firstInitialUni.map((s) => texName(s) ?? s);

  // the pool: distinct (first, last) combinations through an affine bijection of F×L
  const F = firstUni.length;
  const L = lastUni.length;
  const space = F * L;
  let mult = Math.floor(space * 0.6180339887) | 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(mult, space) !== 1) mult += 2;
  const offset = rng.int(space);
  const poolFirst = new Int32Array(NAME_POOL_SIZE);
  const poolLast = new Int32Array(NAME_POOL_SIZE);
  const poolMiddle = new Uint8Array(NAME_POOL_SIZE);
  const poolSuffix = new Uint8Array(NAME_POOL_SIZE);
  const suffixes = stats.suffixes.length ? stats.suffixes : ['Jr'];
  mult %= space;
  let c = offset;
  for (let i = 0; i < NAME_POOL_SIZE; i++) {
    // c = (offset + i·mult) mod F·L, distinct for every i since gcd(mult, F·L) = 1
    c += mult;
    if (c >= space) c -= space;
    poolFirst[i] = c % F;
    poolLast[i] = Math.floor(c / F);
    if (rng.chance(stats.middleInitial)) poolMiddle[i] = 65 + rng.int(26);
    if (rng.chance(stats.suffix)) poolSuffix[i] = 1 + rng.int(suffixes.length);
  }
  const authorWeights = new Float64Array(NAME_POOL_SIZE);
  for (let k = 0; k < NAME_POOL_SIZE; k++) authorWeights[k] = 1 / (k + 1 + AUTHOR_ZIPF_OFFSET);

  // categories
  const earlySets = stats.early.categorySets.map((s) => s.split(' ').slice(0, ASSUMPTIONS.maxCategories));
  const earlyCategories = earlySets.flat();
  const archiveOf = (c: string) => c.split('.')[0]!;
  const subcats = new Map<string, string[]>();
  for (const set of earlySets) {
    const a = archiveOf(set[0]!);
    if (set[0]!.includes('.')) (subcats.get(a) ?? subcats.set(a, []).get(a)!).push(set[0]!);
  }
  for (const [a, list] of Object.entries(ASSUMPTIONS.subcategories)) {
    const known = subcats.get(a);
    if (!known || known.length < 20 || a === 'astro-ph' || a === 'stat') subcats.set(a, list);
  }

  const lastRank = new Int32Array(lastUni.length);
  lastUni.map((name, i) => ({ name, i })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.i - b.i)).forEach(({ i }, rank) => (lastRank[i] = rank));

  const earlyLicenses = Object.entries(stats.licenses).filter(([k]) => k !== 'null');
  return (model = {
    stats,
    words,
    wordSlots,
    wordFlags,
    wordZipf: new ZipfSampler(words.length, fitZipfExponent(stats.wordCounts, words.length)),
    math,
    firstTex, firstUni, firstInitialTex, firstInitialUni, lastTex, lastUni,
    firstJson: new PackedStrings(firstUni.map(jsonBytes)),
    firstInitialJson: new PackedStrings(firstInitialUni.map(jsonBytes)),
    lastJson: new PackedStrings(lastUni.map(jsonBytes)),
    lastRank,
    poolFirst, poolLast, poolMiddle, poolSuffix,
    authorAlias: new Alias(authorWeights),
    suffixes,
    earlySets,
    earlyCategories,
    archive: Weighted.of(ASSUMPTIONS.recentArchives),
    cs: Weighted.of(ASSUMPTIONS.recentCs),
    csCross: Weighted.of(ASSUMPTIONS.csCrossLists),
    subcats,
    recentLicense: Weighted.of(ASSUMPTIONS.recentLicenses),
    earlyLicense: new Weighted(earlyLicenses.map(([k]) => k), earlyLicenses.map(([, v]) => v)),
    // +1 smoothing: the early sample covers only a few days
    weekday: stats.weekday.map((x) => x + 1),
    hour: stats.hour.map((x) => x + 1),
  });
}

// ---------------------------------------------------------------------------------------------
// Months and their volumes

interface Month {
  year: number;
  month: number;
  count: number;
}

/** Splits count over the months from startYear (0704 for 2007) through December of endYear,
 * proportionally to the monthly volume fitted from real ids, respecting 9,999 ids a month
 * before 2015 and 99,999 after. */
export function monthPlan(count: number, startYear = 2007, endYear = 2026): Month[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (startYear < 2007 || endYear > 2099 || endYear < startYear) throw new RangeError(`bad year range ${startYear}-${endYear} (new-style ids start in 2007)`);
  const { growth } = corpusStats();
  const months: Month[] = [];
  const weights: number[] = [];
  const caps: number[] = [];
  for (let y = startYear; y <= endYear; y++) {
    for (let m = y === 2007 ? 4 : 1; m <= 12; m++) {
      months.push({ year: y, month: m, count: 0 });
      weights.push(Math.exp(growth.b * (y + (m - 0.5) / 12 - 2007)));
      caps.push(y < 2015 ? 9_999 : 99_999);
    }
  }
  const capacity = caps.reduce((s, c) => s + c, 0);
  if (count > capacity) throw new RangeError(`${count} records do not fit in ${startYear}-${endYear} (at most ${capacity})`);
  let left = count;
  const open = new Set(months.keys());
  while (left > 0) {
    let total = 0;
    for (const i of open) total += weights[i]!;
    const shares: { i: number; frac: number }[] = [];
    let given = 0;
    for (const i of open) {
      const exact = (left * weights[i]!) / total;
      const whole = Math.min(Math.floor(exact), caps[i]! - months[i]!.count);
      months[i]!.count += whole;
      given += whole;
      shares.push({ i, frac: exact - Math.floor(exact) });
    }
    left -= given;
    shares.sort((a, b) => b.frac - a.frac || a.i - b.i);
    for (const { i } of shares) {
      if (left === 0) break;
      if (months[i]!.count < caps[i]!) { months[i]!.count++; left--; }
    }
    for (const i of [...open]) if (months[i]!.count >= caps[i]!) open.delete(i);
  }
  return months;
}

// ---------------------------------------------------------------------------------------------
// One record

const SMALL = 1;
const WEAK = 2;
const HEX = '0123456789abcdef';

/** A byte buffer the records are written into; everything written is JSON-safe ASCII. */
class Sink {
  /** always a whole ArrayBuffer of its own, so that it can be transferred from a worker */
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.from(new ArrayBuffer(size));
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.from(new ArrayBuffer(Math.max(this.buf.length * 2, this.pos + n)));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** ASCII that needs no escaping */
  raw(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  bytes(src: Uint8Array): void {
    const n = src.length;
    if (n > 64) {
      this.reserve(n);
      this.buf.set(src, this.pos);
      this.pos += n;
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = src[i]!;
    this.pos = p;
  }

  /** a JSON string (or null), escaped like Python's json.dumps(ensure_ascii=True) as the snapshot is */
  json(s: string | null): void {
    if (s === null) {
      this.raw('null');
      return;
    }
    this.reserve(s.length * 6 + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f) {
        if (c === 34 || c === 92) b[p++] = 92;
        b[p++] = c;
      } else if (c === 10) {
        b[p++] = 92;
        b[p++] = 110;
      } else {
        b[p++] = 92;
        b[p++] = 117;
        b[p++] = HEX.charCodeAt((c >> 12) & 15);
        b[p++] = HEX.charCodeAt((c >> 8) & 15);
        b[p++] = HEX.charCodeAt((c >> 4) & 15);
        b[p++] = HEX.charCodeAt(c & 15);
      }
    }
    b[p++] = 34;
    this.pos = p;
  }

  /** what was written */
  filled(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

interface Authors {
  text: string;
  submitter: string;
  /** indices into the name parts, for authors_parsed */
  last: number[];
  first: number[];
  middle: number[];
  initials: boolean;
  suffix: string[];
  aff: string[] | null;
}

class RecordWriter {
  private readonly m: Model;
  private readonly rng: Rng;
  private readonly sink: Sink;
  private readonly endSec: number;
  // per-month state
  private monthStart = 0;
  private readonly cum = new Float64Array(31 * 24);
  private cells = 0;
  private cell = 0;
  private year = 0;
  private t = 0;
  // wrapping state of the text being written
  private lineLen = 0;
  private width = 79;
  private indent = 0;
  private fresh = true;
  // words drawn ahead
  private queue = new Int32Array(1024);
  private queueLen = 0;
  private queued = 0;
  /** sum of touched word lengths: kept so the touching loop is not optimised away */
  touched = 0;

  constructor(m: Model, rng: Rng, sink: Sink, endYear: number) {
    this.m = m;
    this.rng = rng;
    this.sink = sink;
    this.endSec = Date.UTC(endYear + 1, 0, 1) / 1000 - 1;
  }

  startMonth(year: number, month: number): void {
    this.year = year;
    this.monthStart = Date.UTC(year, month - 1, 1) / 1000;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const wd0 = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    let acc = 0;
    for (let d = 0; d < days; d++) {
      const w = this.m.weekday[(wd0 + d) % 7]!;
      for (let h = 0; h < 24; h++) {
        acc += w * this.m.hour[h]!;
        this.cum[d * 24 + h] = acc;
      }
    }
    this.cells = days * 24;
    this.cell = 0;
    this.t = recentShare(year + (month - 0.5) / 12);
  }

  /** v1 time of the k-th of n submissions this month: increasing in k */
  private v1Time(k: number, n: number): number {
    const total = this.cum[this.cells - 1]!;
    const u = ((k + this.rng.next()) / n) * total;
    while (this.cell < this.cells - 1 && this.cum[this.cell]! <= u) this.cell++;
    const lo = this.cell === 0 ? 0 : this.cum[this.cell - 1]!;
    const within = (u - lo) / (this.cum[this.cell]! - lo);
    return this.monthStart + this.cell * 3600 + Math.min(3599, Math.floor(within * 3600));
  }

  /** Writes the k-th of the n records of the current month, newline included. */
  write(id: string, k: number, n: number): void {
    const { m, rng, sink } = this;
    const recentEra = rng.chance(this.t);
    const categories = recentEra ? this.recentCategories() : this.earlyCategories();
    // text lengths and styles come from real papers of the same kind: the recent sample is all
    // computer science, so recent physics or maths papers take theirs from the early sample
    const era = recentEra && CS_LIKE_ARCHIVE.test(categories[0]!) ? m.stats.recent : m.stats.early;
    const fieldEra = recentEra ? m.stats.recent : m.stats.early;

    // versions
    let sec = this.v1Time(k, n);
    const versions = [rfc2822(sec)];
    const wanted = Math.min(ASSUMPTIONS.maxVersions, rng.pick(fieldEra.versionsPerPaper));
    for (let v = 2; v <= wanted; v++) {
      const gap = Math.max(60, Math.round(rng.pick(m.stats.versionGapDays) * 86400 * (0.8 + 0.4 * rng.next())));
      if (sec + gap > this.endSec) break;
      sec += gap;
      versions.push(rfc2822(sec));
    }

    const authors = this.authors(era, fieldEra);
    const year = this.year;
    // how often a field is set depends on the time (recent papers are not published yet), its
    // text on the kind of paper
    const share = fieldEra.share;
    const comments = rng.chance(share.comments) ? wrapField(freshNumbers(rng.pick(era.comments), year, rng), 69) : null;
    const journalRef = rng.chance(share.journalRef) ? wrapField(freshNumbers(rng.pick(era.journalRefs), year + rng.int(3), rng), 66) : null;
    const doi = rng.chance(share.doi) ? freshDoi(rng.pick(era.dois), year + rng.int(3), rng) : null;
    const reportNo = rng.chance(m.stats.early.share.reportNo) ? wrapField(freshNumbers(rng.pick(m.stats.early.reportNos), year, rng), 68) : null;
    const license = this.license(recentEra);

    sink.reserve(1 << 16);
    sink.raw('{"id":"');
    sink.raw(id);
    sink.raw('","submitter":');
    sink.json(authors.submitter);
    sink.raw(',"authors":');
    sink.json(authors.text);
    sink.raw(',"title":"');
    this.title(era);
    sink.raw('","comments":');
    sink.json(comments);
    sink.raw(',"journal-ref":');
    sink.json(journalRef);
    sink.raw(',"doi":');
    sink.json(doi);
    sink.raw(',"report-no":');
    sink.json(reportNo);
    sink.raw(',"categories":');
    sink.json(categories.join(' '));
    sink.raw(',"license":');
    sink.json(license);
    sink.raw(',"abstract":"');
    this.abstract(era);
    sink.raw('","versions":[');
    for (let v = 0; v < versions.length; v++) {
      sink.raw(v === 0 ? '{"version":"v' : ',{"version":"v');
      sink.raw(String(v + 1));
      sink.raw('","created":"');
      sink.raw(versions[v]!);
      sink.raw('"}');
    }
    sink.raw('],"update_date":"');
    sink.raw(isoDate(sec));
    sink.raw('","authors_parsed":[');
    for (let i = 0; i < authors.last.length; i++) {
      sink.reserve(1024); // collaborations list thousands
      sink.raw(i === 0 ? '[' : ',[');
      sink.byte(34);
      m.lastJson.write(sink, authors.last[i]!);
      sink.raw('","');
      (authors.initials ? m.firstInitialJson : m.firstJson).write(sink, authors.first[i]!);
      const mid = authors.middle[i]!;
      if (mid) {
        sink.byte(32);
        sink.byte(mid);
        sink.byte(46);
      }
      sink.byte(34);
      sink.byte(44);
      sink.json(authors.suffix[i]!);
      if (authors.aff) {
        sink.byte(44);
        sink.json(authors.aff[i]!);
      }
      sink.byte(93);
    }
    sink.raw(']}\n');
  }

  // -- categories ------------------------------------------------------------------------------

  private earlyCategories(): string[] {
    const { m, rng } = this;
    const set = rng.pick(m.earlySets);
    if (this.year < 2009) return set;
    // astro-ph was split into subject classes in 2009
    return dedupe(set.map((c) => (c === 'astro-ph' ? rng.pick(ASSUMPTIONS.subcategories['astro-ph']!) : c)));
  }

  private recentCategories(): string[] {
    const { m, rng } = this;
    let archive = m.archive.sample(rng);
    while ((archive === 'eess' || archive === 'econ') && this.year < 2017) archive = m.archive.sample(rng);
    const primary = archive === 'cs' ? m.cs.sample(rng) : this.subcat(archive);
    const want = Math.min(ASSUMPTIONS.maxCategories, rng.pick(m.stats.recent.categoriesPerPaper));
    const out = [primary];
    for (let tries = 0; out.length < want && tries < 20; tries++) {
      let c: string;
      if (archive === 'cs') c = m.csCross.sample(rng);
      else if (rng.chance(0.6)) c = this.subcat(archive);
      else c = rng.pick(m.earlyCategories);
      if (c === 'astro-ph') c = this.subcat('astro-ph');
      if (this.year < 2017 && /^(eess|econ)\./.test(c)) continue;
      if (!out.includes(c)) out.push(c);
    }
    return out;
  }

  private subcat(archive: string): string {
    const list = this.m.subcats.get(archive);
    const c = list ? this.rng.pick(list) : archive;
    return this.year < 2009 && c.startsWith('astro-ph.') ? 'astro-ph' : c;
  }

  private license(recentEra: boolean): string | null {
    const { m, rng } = this;
    const [[t0, p0], [t1, p1]] = m.stats.licenseNull as [[number, number], [number, number]];
    const time = this.year + 0.5;
    const pNull = Math.min(1, Math.max(0, p0 + ((p1 - p0) / (t1 - t0)) * (time - t0)));
    if (rng.chance(pNull)) return null;
    return recentEra ? m.recentLicense.sample(rng) : m.earlyLicense.sample(rng);
  }

  // -- authors ---------------------------------------------------------------------------------

  private authors(era: EraStats, fieldEra: EraStats): Authors {
    const { m, rng } = this;
    const s = m.stats;
    const collab = rng.chance(ASSUMPTIONS.collaborationShare);
    let n: number;
    const ids: number[] = [];
    if (collab) {
      const [lo, hi] = ASSUMPTIONS.collaborationAuthors;
      n = Math.round(lo * Math.exp(rng.next() * Math.log(hi / lo)));
      const start = rng.int(NAME_POOL_SIZE);
      for (let i = 0; i < n; i++) ids.push((start + i) % NAME_POOL_SIZE);
      // collaborations list their members alphabetically
      const rank = m.lastRank;
      const last = m.poolLast;
      ids.sort((a, b) => rank[last[a]!]! - rank[last[b]!]! || a - b);
    } else {
      n = rng.pick(era.authorsPerPaper);
      while (ids.length < n) {
        const a = m.authorAlias.sample(rng);
        if (!ids.includes(a)) ids.push(a);
      }
    }
    const initials = collab || rng.chance(fieldEra.initials);
    const affiliated = !collab && n <= 20 && rng.chance(s.affiliated);
    const names: string[] = [];
    const out: Authors = { text: '', submitter: '', last: [], first: [], middle: [], initials, suffix: [], aff: affiliated ? [] : null };
    for (const a of ids) {
      const f = m.poolFirst[a]!;
      const l = m.poolLast[a]!;
      const mid = m.poolMiddle[a]!;
      const suf = m.poolSuffix[a]!;
      const middle = mid ? ` ${String.fromCharCode(mid)}.` : '';
      const givenTex = (initials ? m.firstInitialTex[f]! : m.firstTex[f]!) + middle;
      const suffix = suf ? m.suffixes[suf - 1]! : '';
      let name = `${givenTex} ${m.lastTex[l]}`;
      if (suffix) name += ` ${suffix}`;
      out.last.push(l);
      out.first.push(f);
      out.middle.push(mid);
      out.suffix.push(suffix);
      if (out.aff) {
        const aff = rng.pick(s.affiliations);
        name += ` (${aff})`;
        out.aff.push(aff);
      }
      names.push(name);
    }
    let text: string;
    if (n === 1) text = names[0]!;
    else if (!collab && rng.chance(s.andLast)) {
      const sep = n > 2 && rng.chance(s.oxfordComma) ? ', and ' : ' and ';
      text = names.slice(0, -1).join(', ') + sep + names[n - 1];
    } else text = names.join(', ');
    out.text = wrapField(text, 70);

    let sub: number;
    if (rng.chance(s.submitterIsAuthor)) sub = rng.chance(0.5) ? ids[0]! : rng.pick(ids);
    else sub = m.authorAlias.sample(rng);
    out.submitter = `${m.firstTex[m.poolFirst[sub]!]} ${m.lastTex[m.poolLast[sub]!]}`;
    return out;
  }

  // -- text ------------------------------------------------------------------------------------

  private word(): number {
    return this.queued < this.queueLen ? this.queue[this.queued++]! : this.m.wordZipf.sample(this.rng);
  }

  /**
   * Draws the next n words ahead and touches their slots: the loads are independent, so the
   * cache misses of rare words overlap instead of stalling the writing loop one by one.
   */
  private drawAhead(n: number): void {
    if (this.queue.length < n) this.queue = new Int32Array(n * 2);
    const { queue, rng } = this;
    const zipf = this.m.wordZipf;
    const slots = this.m.wordSlots;
    let touch = 0;
    for (let i = 0; i < n; i++) queue[i] = zipf.sample(rng);
    for (let i = 0; i < n; i++) touch += slots[queue[i]! * WORD_SLOT]!;
    this.touched += touch;
    this.queueLen = n;
    this.queued = 0;
  }

  /** a word that can end a title, sentence or clause (not "the", "of", "we" …) */
  private endWord(): number {
    let w = this.word();
    for (let i = 0; i < 6 && this.m.wordFlags[w]! & WEAK; i++) w = this.word();
    return w;
  }

  /** the separator before a token of `len` columns: a space, or a line break */
  private sep(len: number): void {
    if (this.fresh) {
      this.fresh = false;
      this.lineLen += len;
      return;
    }
    const sink = this.sink;
    if (this.lineLen + 1 + len > this.width) {
      sink.byte(92); // "\n" inside a JSON string
      sink.byte(110);
      for (let i = 0; i < this.indent; i++) sink.byte(32);
      this.lineLen = this.indent + len;
      this.width = 79;
    } else {
      sink.byte(32);
      this.lineLen += 1 + len;
    }
  }

  private putWord(w: number, cap: boolean, punct: number): void {
    const wb = this.m.wordSlots;
    let q = w * WORD_SLOT;
    const n = wb[q++]!;
    this.sep(punct ? n + 1 : n);
    const sink = this.sink;
    const b = sink.buf;
    let p = sink.pos;
    const end = q + n;
    let c = wb[q++]!;
    if (cap && c >= 97 && c <= 122) c -= 32;
    b[p++] = c;
    while (q < end) b[p++] = wb[q++]!;
    if (punct) b[p++] = punct;
    sink.pos = p;
  }

  /** a token of plain ASCII that needs no JSON escaping (numbers, acronyms) */
  private putText(s: string, punct: number): void {
    this.sep(punct ? s.length + 1 : s.length);
    this.sink.raw(s);
    if (punct) this.sink.byte(punct);
  }

  /** a math snippet, piece by piece (it wraps at its spaces like real abstracts do) */
  private putMath(snippet: MathSnippet, punct: number): void {
    const last = snippet.pieces.length - 1;
    for (let i = 0; i <= last; i++) {
      const p = i === last ? punct : 0;
      this.sep(p ? snippet.raw[i]! + 1 : snippet.raw[i]!);
      this.sink.bytes(snippet.pieces[i]!);
      if (p) this.sink.byte(p);
    }
  }

  private title(era: EraStats): void {
    const { m, rng } = this;
    const n = Math.max(1, rng.pick(era.titleWords));
    const titleCase = rng.chance(era.titleCase);
    const colonAt = n >= 4 && rng.chance(era.titleColon) ? 1 + rng.int(Math.min(3, n - 3)) : -1;
    const mathAt = rng.chance(era.titleMath) ? rng.int(n) : -1;
    this.sink.reserve(n * 40 + 4096);
    this.drawAhead(n + 4);
    this.lineLen = 0;
    this.width = 72; // "Title: " + 72 = 79 columns
    this.indent = 2;
    this.fresh = true;
    let count = 0;
    let prev = -1;
    while (count < n) {
      if (count === mathAt) {
        const snippet = rng.pick(m.math);
        this.putMath(snippet, 0);
        count += snippet.pieces.length;
        prev = -1;
        continue;
      }
      let w = count === n - 1 ? this.endWord() : this.word();
      if (w === prev) w = this.word();
      prev = w;
      const cap = count === 0 || count === colonAt || (titleCase && !(m.wordFlags[w]! & SMALL));
      this.putWord(w, cap, count === colonAt - 1 ? 58 : 0);
      count++;
    }
  }

  private abstract(era: EraStats): void {
    const { m, rng } = this;
    const s = m.stats;
    const flags = m.wordFlags;
    const target = Math.max(5, Math.round(rng.pick(era.abstractWords) * (0.9 + 0.2 * rng.next())));
    let mathLeft = 0;
    if (rng.chance(era.abstractMath)) {
      mathLeft = 1;
      const extra = era.mathPerAbstract - 1;
      while (mathLeft < 12 && rng.chance(extra / (extra + 1))) mathLeft++;
    }
    this.sink.reserve(target * 40 + mathLeft * 1024 + 4096);
    this.drawAhead(target + (target >> 3) + 8);
    this.sink.byte(32);
    this.sink.byte(32);
    this.lineLen = 2;
    this.width = 79;
    this.indent = 0;
    this.fresh = true;
    let count = 0;
    let sentenceLeft = 0;
    let p1 = -1;
    let p2 = -1;
    let p3 = -1;
    // commas never follow "the", "of" … nor end sentences: the other tokens take them more often
    const commaChance = s.commaRate * 1.35;
    const punct = (end: boolean, w: number): number => (end ? 46 : rng.chance(commaChance) && !(w >= 0 && flags[w]! & SMALL) ? 44 : 0);
    while (count < target) {
      const startSentence = sentenceLeft === 0;
      if (startSentence) sentenceLeft = Math.max(3, rng.pick(s.sentenceWords));
      if (mathLeft > 0 && !startSentence && rng.chance(mathLeft / (target - count))) {
        const snippet = rng.pick(m.math);
        count += snippet.pieces.length;
        sentenceLeft -= snippet.pieces.length;
        mathLeft--;
        const end = sentenceLeft <= 0 || count >= target;
        this.putMath(snippet, end ? 46 : 0);
        if (end) sentenceLeft = 0;
        p1 = p2 = p3 = -1;
        continue;
      }
      count++;
      sentenceLeft--;
      let end = sentenceLeft <= 0 || count >= target;
      if (!startSentence && rng.chance(s.numberRate)) {
        this.putText(number(rng), punct(end, -1));
        if (end) sentenceLeft = 0;
        p1 = p2 = p3 = -1;
        continue;
      }
      let w = end ? this.endWord() : this.word();
      if (w === p1) w = this.word();
      p3 = p2;
      p2 = p1;
      p1 = w;
      // an acronym for the last words: "random phase approximation (RPA)"
      if (!end && p2 >= 0 && count >= 3 && count < target - 1 && rng.chance(s.acronymRate * 2.2) && !(flags[p1]! & SMALL) && !(flags[p2]! & SMALL)) {
        this.putWord(w, startSentence, 0);
        const initial = (x: number) => String.fromCharCode(m.wordSlots[x * WORD_SLOT + 1]!).toUpperCase();
        const acronym = `(${p3 >= 0 && !(flags[p3]! & SMALL) ? initial(p3) : ''}${initial(p2)}${initial(p1)})`;
        count++;
        sentenceLeft--;
        end = sentenceLeft <= 0 || count >= target;
        this.putText(acronym, punct(end, -1));
        p1 = p2 = p3 = -1;
      } else {
        this.putWord(w, startSentence, punct(end, w));
      }
      if (end) sentenceLeft = 0;
    }
    this.sink.byte(92); // the abstract ends with a newline
    this.sink.byte(110);
  }
}

function dedupe(xs: string[]): string[] {
  return xs.filter((x, i) => xs.indexOf(x) === i);
}

function number(rng: Rng): string {
  const r = rng.next();
  if (r < 0.5) return String(1 + Math.floor(Math.exp(rng.next() * Math.log(1000))));
  if (r < 0.8) return (rng.next() * 100).toFixed(rng.chance(0.5) ? 1 : 2);
  return `${(rng.next() * 100).toFixed(1)}%`;
}

/** Real field text with fresh numbers: years become the paper's year, other digits random. */
function freshNumbers(text: string, year: number, rng: Rng): string {
  // not digits inside names (IC2E, H2O)
  return text.replace(/(?<![A-Za-z])\d+/g, (d) => {
    if (d.length === 4 && /^(19|20)\d\d$/.test(d)) return String(year);
    let out = '';
    for (let i = 0; i < d.length; i++) out += i === 0 && d[0] !== '0' ? String(1 + rng.int(9)) : String(rng.int(10));
    return out;
  });
}

function freshDoi(doi: string, year: number, rng: Rng): string {
  const slash = doi.indexOf('/');
  return slash < 0 ? doi : doi.slice(0, slash + 1) + freshNumbers(doi.slice(slash + 1), year, rng);
}

// ---------------------------------------------------------------------------------------------
// Writing

function idOf(year: number, month: number, k: number): string {
  const yymm = PAD2[year % 100]! + PAD2[month]!;
  const num = String(k + 1);
  return `${yymm}.${num.padStart(year < 2015 ? 4 : 5, '0')}`;
}

async function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  if (!stream.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => { stream.off('error', onError); resolve(); };
      const onError = (err: Error) => { stream.off('drain', onDrain); reject(err); };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}

/** Records from..to-1 of a month of n: written together, seeded together. */
interface Block {
  index: number;
  year: number;
  month: number;
  from: number;
  to: number;
  n: number;
}

function blocksOf(plan: Month[]): Block[] {
  const blocks: Block[] = [];
  for (const { year, month, count } of plan) {
    for (let from = 0; from < count; from += BLOCK) {
      blocks.push({ index: blocks.length, year, month, from, to: Math.min(count, from + BLOCK), n: count });
    }
  }
  return blocks;
}

/** The lines of one block; the result owns its whole ArrayBuffer (transferable). */
function renderBlock(m: Model, seed: number, endYear: number, b: Block): Buffer {
  const sink = new Sink((b.to - b.from) * 2400 + (256 << 10));
  const writer = new RecordWriter(m, new Rng(seed, b.index), sink, endYear);
  writer.startMonth(b.year, b.month);
  for (let k = b.from; k < b.to; k++) writer.write(idOf(b.year, b.month, k), k, b.n);
  return sink.filled();
}

const WORKER_KIND = 'dailypapers-snapshot-generator';
/** blocks a worker may have rendered ahead of the writer */
const WORKER_CREDIT = 3;

interface WorkerJob {
  kind: typeof WORKER_KIND;
  seed: number;
  endYear: number;
  blocks: Block[];
}

interface BlockMessage {
  index: number;
  buffer: ArrayBuffer;
  length: number;
}

/** Inside a worker: render the assigned blocks, at most WORKER_CREDIT ahead of the writer. */
async function runWorker(job: WorkerJob): Promise<void> {
  const port = parentPort!;
  const m = buildModel();
  let credit = WORKER_CREDIT;
  let wake: (() => void) | null = null;
  const onCredit = () => {
    credit++;
    wake?.();
  };
  port.on('message', onCredit);
  for (const b of job.blocks) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credit--;
    const buf = renderBlock(m, job.seed, job.endYear, b);
    const msg: BlockMessage = { index: b.index, buffer: buf.buffer as ArrayBuffer, length: buf.length };
    port.postMessage(msg, [msg.buffer]);
  }
  port.off('message', onCredit);
}

/** Renders the blocks on worker threads and hands them to `write` in order. */
async function renderOnWorkers(blocks: Block[], workers: number, seed: number, endYear: number, write: (buf: Buffer) => Promise<void>): Promise<void> {
  const pool: Worker[] = [];
  const pending = new Map<number, Buffer>();
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let writing = false;
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      const pump = async () => {
        if (writing || settled) return;
        writing = true;
        try {
          while (pending.has(next)) {
            const buf = pending.get(next)!;
            pending.delete(next);
            await write(buf);
            pool[next % workers]!.postMessage('credit');
            next++;
          }
        } catch (err) {
          fail(err);
          return;
        } finally {
          writing = false;
        }
        if (next === blocks.length && !settled) {
          settled = true;
          resolve();
        }
      };
      for (let w = 0; w < workers; w++) {
        const job: WorkerJob = { kind: WORKER_KIND, seed, endYear, blocks: blocks.filter((b) => b.index % workers === w) };
        const worker = new Worker(new URL(import.meta.url), { workerData: job });
        worker.on('message', (msg: BlockMessage) => {
          pending.set(msg.index, Buffer.from(msg.buffer, 0, msg.length));
          void pump();
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`snapshot worker exited with code ${code}`));
        });
        pool.push(worker);
      }
      if (blocks.length === 0) void pump();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** Worker threads used when the options do not say: 2+ cores and enough records to pay for them. */
function defaultWorkers(count: number): number {
  const cores = availableParallelism();
  return count >= 100_000 && cores >= 2 ? Math.min(4, cores) : 0;
}

/** Generates `count` records, sorted by id, to a file or stream. */
export async function generateSnapshot(opts: GenerateOptions): Promise<GenerateResult> {
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const startYear = opts.startYear ?? 2007;
  const endYear = opts.endYear ?? 2026;
  const blocks = blocksOf(monthPlan(opts.count, startYear, endYear));
  const workers = Math.min(opts.workers ?? defaultWorkers(opts.count), blocks.length);
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a non-negative integer, got ${workers}`);

  const ownStream = typeof opts.out === 'string';
  const stream: NodeJS.WritableStream = typeof opts.out === 'string' ? createWriteStream(opts.out) : opts.out;
  let failure: Error | null = null;
  const onError = (err: Error) => { failure ??= err; };
  stream.on('error', onError);

  let bytes = 0;
  const write = async (buf: Buffer) => {
    if (failure) throw failure;
    bytes += buf.length;
    await writeChunk(stream, buf);
  };
  try {
    if (workers > 0) await renderOnWorkers(blocks, workers, seed, endYear, write);
    else {
      const m = buildModel();
      for (const b of blocks) await write(renderBlock(m, seed, endYear, b));
    }
    if (failure) throw failure;
    if (ownStream) {
      const done = once(stream, 'close');
      stream.end();
      await done;
    } else {
      // resolve once what was written has been handed on
      await new Promise<void>((resolve, reject) => stream.write('', (err) => (err ? reject(err) : resolve())));
    }
    if (failure) throw failure;
  } catch (err) {
    if (ownStream) (stream as unknown as { destroy(): void }).destroy();
    throw err;
  } finally {
    stream.off('error', onError);
  }
  return { records: opts.count, bytes };
}

// ---------------------------------------------------------------------------------------------
// CLI

function usage(): never {
  process.stderr.write('usage: node dist/bench/generate.js --count N --out FILE|- [--seed S] [--start-year 2007] [--end-year 2026] [--workers N]\n');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) usage();
    const eq = a.indexOf('=');
    if (eq > 0) args.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[++i];
      if (v === undefined) usage();
      args.set(a.slice(2), v);
    }
  }
  const int = (k: string): number | undefined => {
    const v = args.get(k);
    if (v === undefined) return undefined;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isSafeInteger(n)) usage();
    return n;
  };
  const count = int('count');
  const out = args.get('out');
  if (count === undefined || out === undefined) usage();
  for (const k of args.keys()) if (!['count', 'out', 'seed', 'start-year', 'end-year', 'workers'].includes(k)) usage();
  if (out === '-') {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
  }
  const started = process.hrtime.bigint();
  const result = await generateSnapshot({
    count, out: out === '-' ? process.stdout : out, seed: int('seed') ?? 1, startYear: int('start-year'), endYear: int('end-year'),
    workers: int('workers'),
  });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(
    `generated ${result.records} records, ${result.bytes} bytes (${(result.bytes / 1e6).toFixed(1)} MB, ${Math.round(result.bytes / Math.max(1, result.records))} B/record) ` +
      `in ${secs.toFixed(1)} s: ${Math.round(result.records / secs)} records/s\n`,
  );
}

if (!isMainThread && (workerData as Partial<WorkerJob> | null)?.kind === WORKER_KIND) {
  // a failure is an uncaught error of the worker, which the main thread sees as its 'error' event
  void runWorker(workerData as WorkerJob);
} else if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
