/**
 * Indexing: documents are analyzed as they arrive into a DocBuffer (the in-memory segment being
 * filled), which `freeze` turns into an immutable segment's bytes.
 *
 * Speed is the point (a bulk import indexes ~20,000 papers/s on a worker thread, so ~30 µs of
 * CPU per paper). Two things make it cheap:
 * - TokenTable: open-addressing hash tables from raw token text to term id that are probed
 *   straight from the document string (the packed characters computed while scanning, ASCII
 *   lowercased on the fly), so a known token costs no string allocation, no stopword lookup and
 *   no stemming. Only a new token goes through the analyzer.
 * - Postings are appended to one flat stream (term id, packed field tfs) per doc; `freeze` counts,
 *   orders the distinct terms (only the terms new since the last freeze are sorted) and scatters
 *   the stream into per-term lists (a counting sort), computing the impacts that bound blocks.
 */
import type { SearchDoc } from '../types.js';
import { AUTHOR_PREFIX, MAX_TOKEN_LENGTH, categoryTerms, termOf, tokenize } from './analyzer.js';
import { IntList, MAX_LEN, growInt32, growUint16, type Impacts } from './format.js';
import { SegmentWriter, hasImpacts, type Segment } from './segment.js';

const INC_ABSTRACT = 1;
const INC_TITLE = 256;
const INC_AUTHORS = 4096;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/**
 * The term dictionary is dropped between buffers once it holds this many terms (bounds the memory
 * of the raw-token tables: ~20–45 bytes a short token, a slot of 16 bytes at most 3/4 full).
 */
const TERM_DICT_RESET = 2_000_000;

/** murmur3's finalizer: FNV-1a's low bits mix poorly, and the table indexes by them */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The packed form of the token being looked up, set by whoever scanned it (packToken, or
 * DocBuffer.field while scanning): its first 16 characters, a byte each, 4 to a word (words 0–3),
 * and whether that is the whole token (word 4: 1 when it has at most 16 characters, none above
 * U+00FF). Nearly every token is whole (99.96 % of the synthetic corpus's), so the table compares
 * four integers in the slot instead of the token's characters in a string pool.
 */
const KEY = new Int32Array(5);
/** Tokens of at most this many characters are kept whole in their slot. */
const INLINE_CHARS = 16;

/** Packs a token's characters into KEY (see there). */
function packToken(s: string, start: number, len: number): void {
  KEY.fill(0);
  let whole = len <= INLINE_CHARS ? 1 : 0;
  for (let k = 0; k < len && k < INLINE_CHARS; k++) {
    let c = s.charCodeAt(start + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c > 255) whole = 0;
    KEY[k >> 2]! |= (c & 255) << ((k & 3) << 3);
  }
  KEY[4] = whole;
}

/** Tokens of at most this many characters, none above U+00FF, have a short slot. */
const SHORT_CHARS = 12;
/**
 * The short tokens' table is at most this full (its probes mostly stay in a cache line). Measured:
 * 1–2 µs a paper less than at most half full, for half the memory.
 */
const SHORT_LOAD = 0.75;

/** The hash of a short token: of KEY's words 0–2 (its characters, zero-padded). */
function shortHash(w0: number, w1: number, w2: number): number {
  return mix(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x7feb352d));
}

/** FNV-1a of s[start, start+len), ASCII lowercased. */
function hashToken(s: string, start: number, len: number): number {
  let h = FNV_OFFSET;
  for (let k = 0; k < len; k++) {
    let c = s.charCodeAt(start + k);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}

/**
 * Raw token text → value (a term id, or −1 for a stopword), probed without allocating, in two
 * open-addressing tables:
 * - short tokens (SHORT_CHARS; 98 % of the synthetic corpus's tokens, 93 % of its distinct ones):
 *   a slot is four int32, KEY's words 0–2 and the value (word 0 = 0: empty; no character is 0, so
 *   the words are the whole token). Four slots a cache line, the table at most 3/4 full: ~8 MB
 *   for the 340,000 distinct tokens of 300,000 synthetic papers, where 32-byte slots at most half
 *   full took 32 MB. Lookups are cache misses for rare tokens, and a smaller table misses less:
 *   ~45 against ~70 ns a lookup on that vocabulary, 6–8 µs a paper less.
 * - the others: a slot is eight int32 (FNV-1a hash, length, value, pool offset, then KEY's four
 *   words; length 0 = empty). A whole token (KEY[4]) is compared by its words alone (pool offset
 *   −1); another keeps its characters in the pool, compared after the words match.
 */
class TokenTable {
  private shortMask: number;
  private short: Int32Array;
  private shortSize = 0;
  private mask: number;
  private slots: Int32Array;
  private size = 0;
  private pool = new Uint16Array(1 << 10);
  private poolLen = 0;

  constructor(bits = 16) {
    this.shortMask = (1 << bits) - 1;
    this.short = new Int32Array(4 << bits);
    this.mask = (1 << (bits >> 1)) - 1;
    this.slots = new Int32Array(8 << (bits >> 1));
  }

  /**
   * The value, or a negative miss code (< −1) to pass to insert. The token is s[start, start+len),
   * lowercased as ASCII, packed in KEY.
   */
  find(s: string, start: number, len: number): number {
    if (len <= SHORT_CHARS && KEY[4] === 1) {
      const short = this.short;
      const mask = this.shortMask;
      const w0 = KEY[0]!;
      const w1 = KEY[1]!;
      const w2 = KEY[2]!;
      let i = shortHash(w0, w1, w2) & mask;
      for (;;) {
        const b = i << 2;
        const x = short[b]!;
        if (x === w0 && short[b + 1] === w1 && short[b + 2] === w2) return short[b + 3]!;
        if (x === 0) return -2 - i;
        i = (i + 1) & mask;
      }
    }
    return this.findLong(s, start, len);
  }

  private findLong(s: string, start: number, len: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const h = hashToken(s, start, len);
    const w0 = KEY[0]!;
    const w1 = KEY[1]!;
    const w2 = KEY[2]!;
    const w3 = KEY[3]!;
    let i = mix(h) & mask;
    for (;;) {
      const b = i << 3;
      const l = slots[b + 1]!;
      if (l === 0) return -2 - i;
      if (l === len && slots[b] === h && slots[b + 4] === w0 && slots[b + 5] === w1 && slots[b + 6] === w2 && slots[b + 7] === w3) {
        const o = slots[b + 3]!;
        // a whole token's slot matches only a whole token (equal tokens are both whole or not)
        if (o < 0) {
          if (KEY[4] === 1) return slots[b + 2]!;
        } else if (KEY[4] === 0) {
          const pool = this.pool;
          let k = 0;
          while (k < len) {
            let c = s.charCodeAt(start + k);
            if (c >= 65 && c <= 90) c += 32;
            if (pool[o + k] !== c) break;
            k++;
          }
          if (k === len) return slots[b + 2]!;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds the token find missed (KEY still packing it), with its miss code. */
  insert(miss: number, s: string, start: number, len: number, value: number): void {
    if (len === 0) return;
    if (len <= SHORT_CHARS && KEY[4] === 1) {
      const b = (-2 - miss) << 2;
      const short = this.short;
      short[b] = KEY[0]!;
      short[b + 1] = KEY[1]!;
      short[b + 2] = KEY[2]!;
      short[b + 3] = value;
      if (++this.shortSize > (this.shortMask + 1) * SHORT_LOAD) this.rehashShort();
      return;
    }
    const b = (-2 - miss) << 3;
    let o = -1;
    if (KEY[4] === 0) {
      if (this.poolLen + len > this.pool.length) {
        let cap = this.pool.length * 2;
        while (cap < this.poolLen + len) cap *= 2;
        const next = new Uint16Array(cap);
        next.set(this.pool.subarray(0, this.poolLen));
        this.pool = next;
      }
      o = this.poolLen;
      for (let k = 0; k < len; k++) {
        let c = s.charCodeAt(start + k);
        if (c >= 65 && c <= 90) c += 32;
        this.pool[o + k] = c;
      }
      this.poolLen += len;
    }
    const slots = this.slots;
    slots[b] = hashToken(s, start, len);
    slots[b + 1] = len;
    slots[b + 2] = value;
    slots[b + 3] = o;
    slots.set(KEY.subarray(0, 4), b + 4);
    if (++this.size * 2 > this.mask + 1) this.rehash();
  }

  private rehashShort(): void {
    const old = this.short;
    const mask = (this.shortMask = this.shortMask * 2 + 1);
    const short = new Int32Array((mask + 1) << 2);
    for (let b = 0; b < old.length; b += 4) {
      if (old[b] === 0) continue;
      let i = shortHash(old[b]!, old[b + 1]!, old[b + 2]!) & mask;
      while (short[i << 2] !== 0) i = (i + 1) & mask;
      short.set(old.subarray(b, b + 4), i << 2);
    }
    this.short = short;
  }

  private rehash(): void {
    const old = this.slots;
    this.mask = this.mask * 2 + 1;
    const slots = new Int32Array((this.mask + 1) << 3);
    for (let b = 0; b < old.length; b += 8) {
      if (old[b + 1] === 0) continue;
      let i = mix(old[b]!) & this.mask;
      while (slots[(i << 3) + 1] !== 0) i = (i + 1) & this.mask;
      slots.set(old.subarray(b, b + 8), i << 3);
    }
    this.slots = slots;
  }
}

/** Term strings ↔ ids, and the raw-token tables that lead to them. */
class TermDict {
  readonly strings: string[] = [];
  readonly ids = new Map<string, number>();
  readonly text = new TokenTable(16);
  readonly authorStops = new TokenTable(8);
  /** category string → its filter term ids */
  readonly categories = new Map<string, number[]>();
  /** ids in term order, for the first `sortedCount` ids */
  private sorted = new Int32Array(0);
  private sortedCount = 0;

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(term);
      this.ids.set(term, id);
    }
    return id;
  }

  categoryIds(category: string): number[] {
    let ids = this.categories.get(category);
    if (!ids) {
      ids = categoryTerms(category).map((t) => this.id(t));
      if (this.categories.size < 100_000) this.categories.set(category, ids);
    }
    return ids;
  }

  /**
   * Every id in term order. Only the ids added since the last call are sorted (by string), then
   * merged in: on Zipfian text a new buffer brings few new terms.
   */
  order(): Int32Array {
    const n = this.strings.length;
    if (this.sortedCount === n) return this.sorted;
    const strings = this.strings;
    const fresh = strings.slice(this.sortedCount, n).sort();
    const out = new Int32Array(n);
    const old = this.sorted;
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < old.length && j < fresh.length) {
      if (strings[old[i]!]! < fresh[j]!) out[o++] = old[i++]!;
      else out[o++] = this.ids.get(fresh[j++]!)!;
    }
    while (i < old.length) out[o++] = old[i++]!;
    while (j < fresh.length) out[o++] = this.ids.get(fresh[j++]!)!;
    this.sorted = out;
    this.sortedCount = n;
    return out;
  }
}

export interface FrozenBuffer {
  seg: Segment;
  /** field lengths of its docs, 3 per doc */
  lens: Uint16Array;
  /** sums of field lengths over its docs */
  lenSums: [number, number, number];
}

/** Documents analyzed since the last freeze. */
export class DocBuffer {
  private dict = new TermDict();
  // per doc (buffer index)
  private seqs = new IntList(1024);
  private lens = new IntList(3072);
  private pStart = new IntList(1025);
  // postings stream
  private pTerm = new Int32Array(1 << 16);
  /** packed field frequencies (format.ts packTf: 16 bits) */
  private pTf = new Uint16Array(1 << 16);
  private pLen = 0;
  /**
   * The terms of the doc being added: an open-addressing table by term id of [id, packed field
   * tfs] pairs (id −1: empty), emptied after each doc, and its slots in first-seen order. A few
   * kB that stay in L1, where arrays indexed by term id (a tf and a stamp per dictionary term,
   * megabytes) cost a cache miss or two per rare term: measured on 300,000 synthetic papers,
   * ~5 µs a paper less.
   */
  private docTable = new Int32Array(2 << 10).fill(-1);
  private docShift = 32 - 10;
  private docSlots = new Int32Array(1024);
  private nt = 0;
  /** latest buffer index of each seq added since the last freeze */
  private latest = new Map<number, number>();
  private tombs = new Set<number>();

  constructor() {
    this.pStart.push(0);
  }

  /** documents (live or superseded) and deletions held */
  get size(): number {
    return this.seqs.length + this.tombs.size;
  }

  get empty(): boolean {
    return this.seqs.length === 0 && this.tombs.size === 0;
  }

  /** Approximate bytes held. */
  get memory(): number {
    return this.pTerm.byteLength + this.pTf.byteLength + this.seqs.data.byteLength * 6;
  }

  /** Counts an occurrence of term `id` in the doc being added (`inc`: its field's; 0: none). */
  private mark(id: number, inc: number): void {
    const table = this.docTable;
    const mask = (table.length >> 1) - 1;
    let i = Math.imul(id, 0x9e3779b1) >>> this.docShift;
    for (;;) {
      const x = table[i << 1]!;
      if (x === id) break;
      if (x === -1) {
        table[i << 1] = id;
        table[(i << 1) + 1] = 0;
        if (this.nt === this.docSlots.length) this.docSlots = growInt32(this.docSlots, this.nt + 1);
        this.docSlots[this.nt++] = i;
        // at most half full
        if (this.nt * 2 > mask) i = this.growDocTable(i);
        break;
      }
      i = (i + 1) & mask;
    }
    // packed as format.ts's packTf: abstract bits 0–7, title 8–11, authors 12–15 (saturating)
    const b = (i << 1) + 1;
    const tf = this.docTable[b]!;
    if (inc === INC_ABSTRACT) {
      if ((tf & 255) < 255) this.docTable[b] = tf + 1;
    } else if (inc === INC_TITLE) {
      if (((tf >> 8) & 15) < 15) this.docTable[b] = tf + 256;
    } else if (inc === INC_AUTHORS) {
      if (((tf >> 12) & 15) < 15) this.docTable[b] = tf + 4096;
    }
  }

  /** Doubles the doc's term table; returns where slot `slot` went. */
  private growDocTable(slot: number): number {
    const old = this.docTable;
    const table = new Int32Array(old.length * 2).fill(-1);
    const mask = (table.length >> 1) - 1;
    this.docShift--;
    let moved = -1;
    for (let j = 0; j < this.nt; j++) {
      const o = this.docSlots[j]!;
      const id = old[o << 1]!;
      let i = Math.imul(id, 0x9e3779b1) >>> this.docShift;
      while (table[i << 1] !== -1) i = (i + 1) & mask;
      table[i << 1] = id;
      table[(i << 1) + 1] = old[(o << 1) + 1]!;
      this.docSlots[j] = i;
      if (o === slot) moved = i;
    }
    this.docTable = table;
    return moved;
  }

  /** Text term id of a token s[start, start+len) (lowercased ASCII; packed in KEY), −1 for a stopword. */
  private textId(s: string, start: number, len: number): number {
    const table = this.dict.text;
    let v = table.find(s, start, len);
    if (v < -1) {
      const token = s.slice(start, start + len).toLowerCase();
      const term = termOf(token);
      const id = term === null ? -1 : this.dict.id(term);
      table.insert(v, s, start, len, id);
      v = id;
    }
    return v;
  }

  /** The filter term "a:<token>" of an author token that is a stopword. */
  private authorStopId(s: string, start: number, len: number): number {
    const table = this.dict.authorStops;
    let v = table.find(s, start, len);
    if (v < -1) {
      const id = this.dict.id(AUTHOR_PREFIX + s.slice(start, start + len).toLowerCase());
      table.insert(v, s, start, len, id);
      v = id;
    }
    return v;
  }

  /** Adds the text terms of one field (and the author filter terms of stopword tokens); returns its length. */
  private field(text: string, inc: number): number {
    if (typeof text !== 'string' || text.length === 0) return 0;
    let len = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c >= 128) return len + this.foldedField(text.slice(i), inc);
      if (c >= 65 && c <= 90) c += 32;
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
        i++;
        continue;
      }
      const start = i;
      let k = 0;
      // KEY's words, packed as packToken does (ASCII: a character is its byte)
      let w0 = 0;
      let w1 = 0;
      let w2 = 0;
      let w3 = 0;
      do {
        if (k < 4) w0 |= c << (k << 3);
        else if (k < 8) w1 |= c << ((k - 4) << 3);
        else if (k < 12) w2 |= c << ((k - 8) << 3);
        else if (k < 16) w3 |= c << ((k - 12) << 3);
        k++;
        i++;
        c = i < n ? text.charCodeAt(i) : 0;
        if (c >= 65 && c <= 90) c += 32;
      } while ((c >= 97 && c <= 122) || (c >= 48 && c <= 57));
      // a token running into a non-ASCII character is folded with the rest of the text
      if (c >= 128) return len + this.foldedField(text.slice(start), inc);
      const tlen = k < MAX_TOKEN_LENGTH ? k : MAX_TOKEN_LENGTH;
      KEY[0] = w0;
      KEY[1] = w1;
      KEY[2] = w2;
      KEY[3] = w3;
      KEY[4] = tlen <= INLINE_CHARS ? 1 : 0;
      const id = this.textId(text, start, tlen);
      if (id >= 0) {
        len++;
        this.mark(id, inc);
      } else if (inc === INC_AUTHORS) this.mark(this.authorStopId(text, start, tlen), 0);
    }
    return len;
  }

  /**
   * The general path (text with non-ASCII characters): the analyzer's tokens. Starting it at a
   * token boundary gives the same tokens as folding the whole field (folding is per character).
   */
  private foldedField(text: string, inc: number): number {
    let len = 0;
    for (const t of tokenize(text)) {
      packToken(t, 0, t.length);
      const id = this.textId(t, 0, t.length);
      if (id >= 0) {
        len++;
        this.mark(id, inc);
      } else if (inc === INC_AUTHORS) this.mark(this.authorStopId(t, 0, t.length), 0);
    }
    return len;
  }

  /** Analyzes a document into the buffer (a later version of the same seq supersedes it). */
  add(doc: SearchDoc): void {
    const d = this.seqs.length;
    this.nt = 0;
    const lenT = this.field(doc.title, INC_TITLE);
    let lenA = 0;
    const authors = Array.isArray(doc.authors) ? doc.authors : [];
    for (let i = 0; i < authors.length; i++) lenA += this.field(authors[i]!, INC_AUTHORS);
    const lenB = this.field(doc.abstract, INC_ABSTRACT);
    const cats = Array.isArray(doc.categories) ? doc.categories : [];
    for (let i = 0; i < cats.length; i++) {
      const c = cats[i];
      if (typeof c === 'string') for (const id of this.dict.categoryIds(c)) this.mark(id, 0);
    }
    // emit
    const nt = this.nt;
    if (this.pLen + nt > this.pTerm.length) {
      this.pTerm = growInt32(this.pTerm, this.pLen + nt);
      this.pTf = growUint16(this.pTf, this.pLen + nt);
    }
    const pTerm = this.pTerm;
    const pTf = this.pTf;
    const table = this.docTable;
    const slots = this.docSlots;
    let p = this.pLen;
    for (let j = 0; j < nt; j++) {
      const b = slots[j]! << 1;
      pTerm[p] = table[b]!;
      pTf[p] = table[b + 1]!;
      table[b] = -1;
      p++;
    }
    this.pLen = p;
    this.pStart.push(p);
    this.seqs.push(doc.seq);
    this.lens.push(lenT);
    this.lens.push(lenA);
    this.lens.push(lenB);
    this.latest.set(doc.seq, d);
    this.tombs.delete(doc.seq);
  }

  /** Records a deletion: drops a buffered version and leaves a tombstone for older segments. */
  delete(seq: number): void {
    this.latest.delete(seq);
    this.tombs.add(seq);
  }

  /** Sums of the field lengths of the live buffered docs and their count. */
  lengthStats(): { docs: number; sums: [number, number, number] } {
    const sums: [number, number, number] = [0, 0, 0];
    const lens = this.lens.data;
    for (const d of this.latest.values()) {
      sums[0] += lens[3 * d]!;
      sums[1] += lens[3 * d + 1]!;
      sums[2] += lens[3 * d + 2]!;
    }
    return { docs: this.latest.size, sums };
  }

  /**
   * Encodes the live buffered docs (and the tombstones) as a segment with impacts computed from
   * `avgLen`, then empties the buffer.
   */
  freeze(id: number, impacts: Impacts): FrozenBuffer {
    const live = new Int32Array(this.latest.size);
    {
      let i = 0;
      for (const seq of this.latest.keys()) live[i++] = seq;
    }
    live.sort();
    const n = live.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = this.latest.get(live[i]!)!;
    const strings = this.dict.strings;
    const pStart = this.pStart.data;
    const pTerm = this.pTerm;
    const pTf = this.pTf;
    // count postings per term over the live docs
    const count = new Int32Array(strings.length);
    const touched = new IntList(1 << 14);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const d = order[r]!;
      for (let p = pStart[d]!, e = pStart[d + 1]!; p < e; p++) {
        const t = pTerm[p]!;
        const c = count[t]!;
        count[t] = c + 1;
        if (c === 0) touched.push(t);
      }
      total += pStart[d + 1]! - pStart[d]!;
    }
    // terms in order, and where each one's postings start
    const dict = this.dict;
    const sortedIds = new Int32Array(touched.length);
    if (touched.length * 8 < strings.length) {
      // a small buffer: sort its own terms
      const terms = new Array<string>(touched.length);
      for (let i = 0; i < touched.length; i++) terms[i] = strings[touched.data[i]!]!;
      terms.sort();
      for (let i = 0; i < terms.length; i++) sortedIds[i] = dict.ids.get(terms[i]!)!;
    } else {
      const all = dict.order();
      let k = 0;
      for (let i = 0; i < all.length; i++) if (count[all[i]!] !== 0) sortedIds[k++] = all[i]!;
    }
    const start = new Int32Array(strings.length);
    {
      let s = 0;
      for (let i = 0; i < sortedIds.length; i++) {
        const t = sortedIds[i]!;
        start[t] = s;
        s += count[t]!;
      }
    }
    // scatter, computing impacts (for the bounds)
    const outDocs = new Int32Array(total);
    const outTf = new Uint16Array(total);
    const outQ = new Uint8Array(total);
    const fill = start.slice();
    const lens = this.lens.data;
    const docLens = new Uint16Array(3 * n);
    const lenSums: [number, number, number] = [0, 0, 0];
    for (let r = 0; r < n; r++) {
      const d = order[r]!;
      const seq = live[r]!;
      const lT = Math.min(lens[3 * d]!, MAX_LEN);
      const lA = Math.min(lens[3 * d + 1]!, MAX_LEN);
      const lB = Math.min(lens[3 * d + 2]!, MAX_LEN);
      docLens[3 * r] = lT;
      docLens[3 * r + 1] = lA;
      docLens[3 * r + 2] = lB;
      lenSums[0] += lT;
      lenSums[1] += lA;
      lenSums[2] += lB;
      for (let p = pStart[d]!, e = pStart[d + 1]!; p < e; p++) {
        const t = pTerm[p]!;
        const pos = fill[t]!;
        fill[t] = pos + 1;
        outDocs[pos] = seq;
        const tf = pTf[p]!;
        if (tf !== 0) {
          outTf[pos] = tf;
          outQ[pos] = impacts.q(tf, lT, lA, lB);
        }
      }
    }
    // the segment's size, for the writer's buffer: measured on 65,536-paper buffers of synthetic
    // papers, 1.57–1.60 bytes a posting and 11.2 bytes of dictionary sections a term (a small
    // buffer ~2 bytes a posting, which the terms' share covers). Sized from the postings alone,
    // the buffer doubled once and was then copied to its exact size: three allocations and
    // copies a freeze (~7, ~14 and ~15 MB) instead of one.
    const writer = new SegmentWriter(Math.max(1 << 16, Math.ceil(total * 1.625) + 12 * sortedIds.length));
    for (let i = 0; i < sortedIds.length; i++) {
      const t = sortedIds[i]!;
      const term = strings[t]!;
      const q = hasImpacts(term);
      writer.addTerm(term, outDocs, q ? outTf : null, q ? outQ : null, start[t]!, count[t]!);
    }
    const tombs = Int32Array.from(this.tombs).sort();
    const seg = writer.finish(id, live, tombs);
    this.reset();
    return { seg, lens: docLens, lenSums };
  }

  private reset(): void {
    const used = this.pLen;
    this.seqs.length = 0;
    this.lens.length = 0;
    this.pStart.length = 0;
    this.pStart.push(0);
    this.pLen = 0;
    this.latest.clear();
    this.tombs.clear();
    if (this.dict.strings.length > TERM_DICT_RESET) {
      this.dict = new TermDict();
    }
    // the postings stream keeps its size for the next buffer, unless that was far more than this one used
    if (this.pTerm.length > 1 << 20 && this.pTerm.length > 8 * used) {
      this.pTerm = new Int32Array(Math.max(1 << 16, 2 * used));
      this.pTf = new Uint16Array(Math.max(1 << 16, 2 * used));
    }
  }
}
