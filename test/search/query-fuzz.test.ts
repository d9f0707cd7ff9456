/**
 * Fuzzing the query parser: 20,000 seeded random inputs built from the characters and pieces
 * most likely to break a parser. parseQuery must never throw, must stay fast, and must return
 * well-formed output that formatQuery writes back to the same query.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseQuery, formatQuery, describeQuery, isEmptyQuery, MAX_QUERY_LENGTH, MAX_QUERY_TERMS, MAX_WARNINGS } from '../../src/search/query.js';
import type { ParsedQuery } from '../../src/search/query.js';
import { parseArxivId } from '../../src/papers/arxiv-id.js';
import { mulberry32 as prng } from '../../src/random.js';

const RUNS = 20_000;
const SEED = 0x5eed_2024;

const PIECES = [
  // quotes and operators
  '"', '"', '"', '“', '”', '„', '＂', "'", '-', '-', '--', '(', ')', '[', ']', '{', '}', '*', '^', '~', ':', '|', '&', '!', '+', '\\', '/', ',', ';', '=', '<', '>', '%', '_', '.',
  'AND', 'OR', 'NOT', 'NEAR', 'NEAR/3', 'and', 'DROP TABLE papers;--', "' OR 1=1 --",
  // prefixes, known and not
  'author:', 'Author:', 'AUTHOR:', 'au:', 'cat:', 'CAT:', 'category:', 'since:', 'SINCE:', 'until:', 'sort:', '-author:', '-cat:', 'foo:', 'title:', 'http://', 'author:"', 'cat:"',
  // values
  '2024', '2024-01', '2024-02-29', '2023-02-29', '2024-13', '2024-02-30', '0000', '9999-12-31', '24', 'cs.LG', 'cs.lg', 'CS', 'astro-ph.GA', 'hep-th', 'cond-mat.mes-hall', 'cs.LG,stat.ML', 'x.y.z', 'new', 'upvotes', 'relevance', 'top',
  'LeCun', 'Yann LeCun', 'graph', 'neural', 'a', 'x', '1',
  // ids and URLs
  '2101.11408', 'arXiv:2101.11408v2', 'https://arxiv.org/abs/2101.11408', 'https://arxiv.org/pdf/2101.11408v1.pdf', 'hep-th/9901001', 'v2', '.pdf',
  // control characters and NUL
  '\u0000', '\u0000', '\u0001', '\u0007', '\u001B', '\u007F', '\u0085', '\u009F', '\u001F',
  // surrogates: valid pairs and lone halves
  '\uD83D\uDE00', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00', '\uDBFF\uDFFF',
  // emoji, joiners, flags, skin tones, keycaps
  '🚀', '👩\u200D💻', '👍🏽', '🇫🇷', '1️⃣', '\u200D', '\u200C', '\uFE0F',
  // RTL text and marks, bidi overrides and isolates
  'שלום', 'مرحبا', '\u200F', '\u200E', '\u202E', '\u202D', '\u202C', '\u2066', '\u2069', '\u061C',
  // combining marks and compatibility characters
  '\u0301', '\u0308', 'e\u0301', '\u00A8', 'ﬁ', 'Ａ', '２', '①', '\u0338', '㍿', 'ﷺ',
  // CJK and other scripts
  '中文', '検索', '한국어', 'Ελληνικά', 'русский', 'हिन्दी',
  // whitespace of every kind
  ' ', ' ', ' ', '\t', '\n', '\r\n', '\u000B', '\u000C', '\u00A0', '\u1680', '\u2000', '\u2003', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000', '\uFEFF', '\u200B', '\u180E', '\u00AD', '\u2060',
  // special code points
  '\uFFFD', '\uFFFE', '\uFFFF', '\uE000', '\u{10FFFF}', '\u{E0001}', '\u{1D400}',
];

function randomInput(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const r = rand();
  // Long runs of one piece (up to ~10 kB).
  if (r < 0.05) return pick(PIECES).repeat(1 + Math.floor(rand() * 3000)).slice(0, 10_000);
  // Random UTF-16 code units, anything at all.
  if (r < 0.1) return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 60) }, () => Math.floor(rand() * 0x10000)));
  const count = r < 0.15 ? 200 + Math.floor(rand() * 2000) : Math.floor(rand() * 24);
  // Half the time, mostly query-shaped terms (prefix + value) so that fields interact.
  const shaped = r >= 0.5;
  let s = '';
  for (let i = 0; i < count; i++) {
    const piece = shaped && rand() < 0.7 ? randomTerm(rand, pick) : pick(PIECES);
    s += rand() < 0.03 ? piece.repeat(2 + Math.floor(rand() * 200)) : piece;
    if (rand() < 0.4) s += ' ';
  }
  return s;
}

const FIELDS = ['author:', 'AU:', 'cat:', 'Cat:', 'category:', 'since:', 'until:', 'Until:', 'sort:', '-', '-author:', ''];

function randomDate(rand: () => number): string {
  const digits = (n: number, max: number) => String(Math.floor(rand() * max)).padStart(n, '0');
  const year = rand() < 0.9 ? String(1990 + Math.floor(rand() * 40)) : digits(4, 10_000);
  const r = rand();
  if (r < 0.3) return year;
  if (r < 0.6) return `${year}-${digits(2, 14)}`;
  return `${year}-${digits(2, 14)}-${digits(2, 33)}`;
}

/** A field with a plausible (often valid, sometimes not) value, maybe quoted, maybe unclosed. */
function randomTerm(rand: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const field = pick(FIELDS);
  const name = field.replace(/^-/, '').toLowerCase();
  let value: string;
  if (name === 'since:' || name === 'until:') value = randomDate(rand);
  else if (name === 'sort:') value = pick(['new', 'newest', 'UPVOTES', 'relevance', 'top', 'latest', 'x', '']);
  else if (name.startsWith('cat')) value = pick(['cs.LG', 'cs.lg', 'CS', 'math.co', 'astro-ph.GA', 'hep-th', 'cs.LG,stat.ML', 'cs.xy', 'x.y.z', 'q-bio', 'solv-int', '']);
  else value = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(PIECES)).join(rand() < 0.5 ? ' ' : '');
  const q = rand();
  if (q < 0.2) return `${field}"${value}"`;
  if (q < 0.25) return `${field}"${value}`;
  return `${field}${value}`;
}

const CONTROL = /\p{Cc}/u;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CATEGORY = /^[a-z]+(?:-[a-z]+)?(?:\.(?:[A-Z]{2}|[a-z]{3,}(?:-[a-z]+)*))?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function checkString(s: unknown, what: string, input: string): void {
  const where = `${what} of ${JSON.stringify(input).slice(0, 200)}`;
  assert.equal(typeof s, 'string', where);
  const str = s as string;
  assert.ok(str.length > 0, `empty ${where}`);
  assert.ok(!CONTROL.test(str), `control character in ${where}: ${JSON.stringify(str)}`);
  assert.ok(!BIDI.test(str), `bidi control in ${where}: ${JSON.stringify(str)}`);
  assert.ok(!LONE_SURROGATE.test(str), `lone surrogate in ${where}: ${JSON.stringify(str)}`);
  assert.equal(str, str.trim(), `untrimmed ${where}`);
}

function checkWellFormed(q: ParsedQuery, input: string): void {
  const where = JSON.stringify(input).slice(0, 200);
  assert.deepEqual(
    Object.keys(q).sort(),
    ['arxivId', 'authors', 'categories', 'excludedPhrases', 'excludedWords', 'phrases', 'since', 'sort', 'until', 'warnings', 'words'],
  );
  const terms: string[] = [];
  for (const w of [...q.words, ...q.excludedWords]) {
    checkString(w, 'word', input);
    assert.ok(!/\s/.test(w), `space in word ${JSON.stringify(w)} of ${where}`);
    assert.ok(!/["“”„‟]/.test(w), `quote in word ${JSON.stringify(w)} of ${where}`);
    terms.push(w);
  }
  for (const p of [...q.phrases, ...q.excludedPhrases]) {
    assert.ok(Array.isArray(p) && p.length >= 2, `short phrase in ${where}`);
    for (const w of p) {
      checkString(w, 'phrase word', input);
      assert.ok(!/\s/.test(w), `space in phrase word of ${where}`);
    }
    terms.push(p.join(' '));
  }
  for (const a of q.authors) {
    checkString(a, 'author', input);
    assert.ok(!/\s\s/.test(a), `uncollapsed author of ${where}`);
    terms.push(a);
  }
  assert.equal(new Set(q.authors.map((a) => a.toLowerCase())).size, q.authors.length, `duplicate authors in ${where}`);
  for (const c of q.categories) {
    checkString(c, 'category', input);
    assert.match(c, CATEGORY, `category of ${where}`);
    terms.push(c);
  }
  assert.equal(new Set(q.categories).size, q.categories.length, `duplicate categories in ${where}`);
  assert.ok(terms.length <= MAX_QUERY_TERMS, `${terms.length} terms in ${where}`);
  assert.ok(terms.join(' ').length <= MAX_QUERY_LENGTH, `terms longer than the limit in ${where}`);
  for (const t of terms) assert.equal(t, t.normalize('NFKC'), `not NFKC: ${JSON.stringify(t)} in ${where}`);

  for (const d of [q.since, q.until]) if (d !== null) assert.ok(validDay(d), `invalid day ${d} in ${where}`);
  if (q.since !== null && q.until !== null) assert.ok(q.since <= q.until, `since after until in ${where}`);
  assert.ok(q.sort === null || ['relevance', 'newest', 'upvotes'].includes(q.sort), `sort in ${where}`);

  if (q.arxivId !== null) {
    // An id search is the whole query and nothing else.
    assert.deepEqual(parseArxivId(q.arxivId.id), { id: q.arxivId.id, version: null }, where);
    assert.ok(q.arxivId.version === null || (Number.isSafeInteger(q.arxivId.version) && q.arxivId.version > 0), where);
    assert.equal(terms.length + (q.since ? 1 : 0) + (q.until ? 1 : 0) + (q.sort ? 1 : 0), 0, where);
  }

  assert.ok(q.warnings.length <= MAX_WARNINGS, `too many warnings in ${where}`);
  for (const w of q.warnings) checkString(w, 'warning', input);
  assert.equal(new Set(q.warnings).size, q.warnings.length, `duplicate warnings in ${where}`);
}

test(`parseQuery on ${RUNS.toLocaleString('en')} seeded random inputs`, (t) => {
  const rand = prng(SEED);
  let slowest = 0;
  let slowestInput = '';
  let parseTime = 0;
  let roundTrips = 0;
  let nonEmpty = 0;
  let withWarnings = 0;
  for (let i = 0; i < RUNS; i++) {
    const input = randomInput(rand);
    const started = performance.now();
    let q: ParsedQuery;
    try {
      q = parseQuery(input);
    } catch (err) {
      assert.fail(`parseQuery threw on run ${i} for ${JSON.stringify(input).slice(0, 300)}: ${String(err)}`);
    }
    const took = performance.now() - started;
    parseTime += took;
    if (took > slowest) {
      slowest = took;
      slowestInput = input;
    }
    checkWellFormed(q, input);

    const summary = describeQuery(q);
    assert.ok(summary.length > 0 && !CONTROL.test(summary) && !LONE_SURROGATE.test(summary));
    if (!isEmptyQuery(q)) nonEmpty++;
    if (q.warnings.length > 0) withWarnings++;

    // Written back, the query parses to itself (when it fits the length limit).
    const text = formatQuery(q);
    if (text.length <= MAX_QUERY_LENGTH) {
      assert.deepEqual({ ...parseQuery(text), warnings: [] }, { ...q, warnings: [] }, `round trip of ${JSON.stringify(input).slice(0, 300)} via ${JSON.stringify(text)}`);
      roundTrips++;
    }
  }
  t.diagnostic(`parse time ${parseTime.toFixed(0)} ms for ${RUNS} inputs; slowest ${slowest.toFixed(2)} ms (${slowestInput.length} chars)`);
  t.diagnostic(`${nonEmpty} non-empty, ${withWarnings} with warnings, ${roundTrips} round trips checked`);
  // The generator must actually exercise the parser, not produce only empty queries.
  assert.ok(nonEmpty > RUNS / 2, `only ${nonEmpty} non-empty queries`);
  assert.ok(withWarnings > RUNS / 10, `only ${withWarnings} queries with warnings`);
  assert.ok(roundTrips > RUNS / 2, `only ${roundTrips} round trips`);
  // A generous guard against runaway (quadratic or backtracking) parsing, not a benchmark.
  assert.ok(parseTime < 30_000, `fuzz run took ${parseTime.toFixed(0)} ms`);
});

test('pathological inputs stay fast', () => {
  const worst = [
    '"'.repeat(10_000),
    'author:'.repeat(1500),
    '-'.repeat(10_000),
    `https://arxiv.org/abs/${'1'.repeat(10_000)}`,
    `arxiv.org/abs/${'a/'.repeat(140)}`,
    '\uD800'.repeat(10_000),
    '\u0301'.repeat(10_000),
    '\u00A8'.repeat(10_000),
    'ﷺ'.repeat(10_000),
    `${' '.repeat(9_000)}x`,
    'cat:a.b,'.repeat(1200),
    'since:2024-13 '.repeat(700),
  ];
  for (const input of worst) {
    const started = performance.now();
    const q = parseQuery(input);
    const took = performance.now() - started;
    checkWellFormed(q, input);
    assert.ok(took < 1_000, `${took.toFixed(0)} ms for ${JSON.stringify(input.slice(0, 40))}…`);
  }
});
