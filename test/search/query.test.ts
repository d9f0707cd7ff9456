import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseQuery,
  describeQuery,
  formatQuery,
  isEmptyQuery,
  emptyQuery,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  MAX_WARNINGS,
} from '../../src/search/query.js';
import type { ParsedQuery } from '../../src/search/query.js';

type Expected = Partial<ParsedQuery>;

const MISSING_DASH_TARGET = 'A "-" must be followed by a word or "a phrase" to exclude; ignored.';

/** Input → the complete parse (fields not given are empty). */
const CASES: Array<[string, Expected]> = [
  // free words, whitespace of every kind collapsed
  ['graph neural networks', { words: ['graph', 'neural', 'networks'] }],
  ['  graph\t\tneural\n\r\nnetworks\u00A0\u3000gnn\u2028x  ', { words: ['graph', 'neural', 'networks', 'gnn', 'x'] }],
  ['', {}],
  ['   \t\n ', {}],
  // NFKC: fullwidth letters and digits, ligatures
  ['ＧＰＴ４ ﬁne-tuning', { words: ['GPT4', 'fine-tuning'] }],
  // phrases
  ['"message passing" networks', { words: ['networks'], phrases: [['message', 'passing']] }],
  ['"  message   passing  "', { phrases: [['message', 'passing']] }],
  ['"graph" x', { words: ['graph', 'x'] }],
  ['""', {}],
  ['“smart quotes” and „low ones“', { words: ['and'], phrases: [['smart', 'quotes'], ['low', 'ones']] }],
  ['＂fullwidth quotes＂', { phrases: [['fullwidth', 'quotes']] }],
  ['foo"bar baz"qux', { words: ['foo', 'qux'], phrases: [['bar', 'baz']] }],
  ['"graph , neural"', { phrases: [['graph', 'neural']] }],
  // unbalanced quotes: the rest is a phrase (or a word), with a warning
  ['transformers "attention is all', {
    words: ['transformers'],
    phrases: [['attention', 'is', 'all']],
    warnings: ['Missing closing quote: "attention is all" was read to the end of the query.'],
  }],
  ['"attention', { words: ['attention'], warnings: ['Missing closing quote: "attention" was read to the end of the query.'] }],
  ['x "', { words: ['x'], warnings: ['A lone quote mark was ignored.'] }],
  ['"a b" "c', { phrases: [['a', 'b']], words: ['c'], warnings: ['Missing closing quote: "c" was read to the end of the query.'] }],
  // exclusions
  ['-survey -"large language models" gnn', { words: ['gnn'], excludedWords: ['survey'], excludedPhrases: [['large', 'language', 'models']] }],
  ['-"benchmark"', { excludedWords: ['benchmark'] }],
  ['--double', { excludedWords: ['double'] }],
  ['self-supervised x-ray', { words: ['self-supervised', 'x-ray'] }],
  ['-', { warnings: [MISSING_DASH_TARGET] }],
  ['gnn - survey', { words: ['gnn', 'survey'], warnings: [MISSING_DASH_TARGET] }],
  ['-( -*', { warnings: [MISSING_DASH_TARGET] }],
  ['-""', { warnings: [MISSING_DASH_TARGET] }],
  // other engines' operators are ordinary words; lone punctuation is dropped
  ['(a OR b) AND NOT c* NEAR d', { words: ['(a', 'OR', 'b)', 'AND', 'NOT', 'c*', 'NEAR', 'd'] }],
  ['( ) [ ] { } * ^ ~ : | & ! + \' \\ /', {}],
  ['C++ c# f(x)=y [1] {2} x^2 a~b a|b a&b !x +y it\'s a\\b a/b', {
    words: ['C++', 'c#', 'f(x)=y', '[1]', '{2}', 'x^2', 'a~b', 'a|b', 'a&b', '!x', '+y', "it's", 'a\\b', 'a/b'],
  }],
  ["'; DROP TABLE papers; --", { words: ['DROP', 'TABLE', 'papers;'], warnings: [MISSING_DASH_TARGET] }],
  ['title:attention http://example.com/x foo:bar', { words: ['title:attention', 'http://example.com/x', 'foo:bar'] }],
  // authors
  ['author:LeCun', { authors: ['LeCun'] }],
  ['author:"Yann  LeCun" author:Bengio', { authors: ['Yann LeCun', 'Bengio'] }],
  ['Author:hinton AU:"G. Hinton" au:Hinton', { authors: ['hinton', 'G. Hinton'] }],
  ['author:LeCun, cat:cs.LG', { authors: ['LeCun'], categories: ['cs.LG'] }],
  ['author: LeCun', {
    words: ['LeCun'],
    warnings: ['author: needs a name right after the colon, e.g. author:LeCun or author:"Yann LeCun"; ignored.'],
  }],
  ['author:""', { warnings: ['author: needs a name right after the colon, e.g. author:LeCun or author:"Yann LeCun"; ignored.'] }],
  ['author:"Yann LeCun', {
    authors: ['Yann LeCun'],
    warnings: ['Missing closing quote: author:"Yann LeCun" was read to the end of the query.'],
  }],
  ['-author:LeCun gnn', { words: ['gnn'], warnings: ['Excluding with "-" works only for words and phrases; "-author:LeCun" was ignored.'] }],
  ['-author:"Yann LeCun"', { warnings: ['Excluding with "-" works only for words and phrases; "-author:"Yann LeCun"" was ignored.'] }],
  // categories
  ['cat:cs.LG', { categories: ['cs.LG'] }],
  ['cat:CS.lg CAT:cs.lg', { categories: ['cs.LG'] }],
  ['cat:math.co cat:ASTRO-PH.ga cat:HEP-TH cat:cond-mat.MES-HALL', { categories: ['math.CO', 'astro-ph.GA', 'hep-th', 'cond-mat.mes-hall'] }],
  ['cat:cs cat:Physics cat:astro-ph', { categories: ['cs', 'physics', 'astro-ph'] }],
  ['cat:cs.LG,stat.ML category:"eess.SP"', { categories: ['cs.LG', 'stat.ML', 'eess.SP'] }],
  ['cat:solv-int', { categories: ['solv-int'] }],
  ['cat:cs.xy', { categories: ['cs.XY'], warnings: ['Category "cs.XY" is not in arXiv\'s taxonomy; searched anyway.'] }],
  ['cat:cs.LG.x cat:1cs cat:c_s', {
    warnings: [
      'Unknown category "cs.LG.x" in cat: (use an arXiv category such as cs.LG, math.CO or hep-th); ignored.',
      'Unknown category "1cs" in cat: (use an arXiv category such as cs.LG, math.CO or hep-th); ignored.',
      'Unknown category "c_s" in cat: (use an arXiv category such as cs.LG, math.CO or hep-th); ignored.',
    ],
  }],
  ['cat:', { warnings: ['cat: needs an arXiv category right after the colon, e.g. cat:cs.LG; ignored.'] }],
  // dates
  ['since:2024-01', { since: '2024-01-01' }],
  ['until:2024-01', { until: '2024-01-31' }],
  ['since:2024 until:2024', { since: '2024-01-01', until: '2024-12-31' }],
  ['until:2024-02 since:2023-11-15', { since: '2023-11-15', until: '2024-02-29' }],
  ['until:2023-02', { until: '2023-02-28' }],
  ['until:1900-02 since:2000-02-29', {
    since: '1900-02-01',
    until: '2000-02-29',
    warnings: ['since: was after until:, so they were swapped: 1900-02-01 to 2000-02-29.'],
  }],
  ['since:2024-05 until:2024-02', {
    since: '2024-02-01',
    until: '2024-05-31',
    warnings: ['since: was after until:, so they were swapped: 2024-02-01 to 2024-05-31.'],
  }],
  ['since:2024-13', { warnings: ['Unknown date "2024-13" in since: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.'] }],
  ['since:2024-02-30 until:2023-02-29', {
    warnings: [
      'Unknown date "2024-02-30" in since: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.',
      'Unknown date "2023-02-29" in until: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.',
    ],
  }],
  ['since:24-01 since:2024-1 since:yesterday', {
    warnings: [
      'Unknown date "24-01" in since: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.',
      'Unknown date "2024-1" in since: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.',
      'Unknown date "yesterday" in since: (use YYYY, YYYY-MM or YYYY-MM-DD); ignored.',
    ],
  }],
  ['since:2023 since:2024', { since: '2024-01-01', warnings: ['since: given more than once; the last one (2024-01-01) was used.'] }],
  ['since: 2024', { words: ['2024'], warnings: ['since: needs a date right after the colon (YYYY, YYYY-MM or YYYY-MM-DD); ignored.'] }],
  // sort
  ['sort:new', { sort: 'newest' }],
  ['SORT:Upvotes gnn', { words: ['gnn'], sort: 'upvotes' }],
  ['sort:relevance', { sort: 'relevance' }],
  ['sort:new sort:top', { sort: 'upvotes', warnings: ['sort: given more than once; the last one (sort:upvotes) was used.'] }],
  ['sort:random', { warnings: ['Unknown sort "random" (use sort:new, sort:relevance or sort:upvotes); ignored.'] }],
  ['sort:', { warnings: ['sort: needs an order right after the colon: sort:new, sort:relevance or sort:upvotes; ignored.'] }],
  // arXiv ids: only the whole input
  ['2101.11408', { arxivId: { id: '2101.11408', version: null } }],
  ['  arXiv:2101.11408v2 ', { arxivId: { id: '2101.11408', version: 2 } }],
  ['https://arxiv.org/abs/2101.11408', { arxivId: { id: '2101.11408', version: null } }],
  ['https://arxiv.org/pdf/2101.11408v1.pdf', { arxivId: { id: '2101.11408', version: 1 } }],
  ['https://huggingface.co/papers/2509.04664', { arxivId: { id: '2509.04664', version: null } }],
  ['hep-th/9901001', { arxivId: { id: 'hep-th/9901001', version: null } }],
  ['math.GT/0309136v2', { arxivId: { id: 'math/0309136', version: 2 } }],
  ['２１０１．１１４０８', { arxivId: { id: '2101.11408', version: null } }],
  ['see 2101.11408 for details', { words: ['see', '2101.11408', 'for', 'details'] }],
  ['2101.11408 cat:cs.LG', { words: ['2101.11408'], categories: ['cs.LG'] }],
  ['"2101.11408"', { words: ['2101.11408'] }],
  ['2113.00001', { words: ['2113.00001'] }],
  // cleaning: NUL, controls, bidi controls removed; any script and emoji kept
  ['gr\u0000aph\u0001 \u0007neural\u007F', { words: ['graph', 'neural'] }],
  ['\u202Eevil\u202C \u200Fשלום\u200F \u2066x\u2069', { words: ['evil', 'שלום', 'x'] }],
  ['中文 检索 한국어 مرحبا 🚀 👩\u200D💻 🇫🇷 e\u0301 ∞', { words: ['中文', '检索', '한국어', 'مرحبا', '🚀', '👩\u200D💻', '🇫🇷', 'é', '∞'] }],
  ['a\uD800b \uDC00 \uD83D\uDE00', { words: ['ab', '\uD83D\uDE00'] }],
  ['\u0301 \u00A8 graph\u00ADical', { words: ['graphical'] }],
  ['neu\u200Bral\uFEFF', { words: ['neu', 'ral'] }],
  // everything together
  ['author:"Yann LeCun" cat:cs.LG since:2024-01 "graph neural" -survey sort:new', {
    phrases: [['graph', 'neural']],
    excludedWords: ['survey'],
    authors: ['Yann LeCun'],
    categories: ['cs.LG'],
    since: '2024-01-01',
    sort: 'newest',
  }],
];

test(`parse table (${CASES.length} inputs)`, () => {
  assert.ok(CASES.length >= 40);
  for (const [input, expected] of CASES) {
    assert.deepEqual(parseQuery(input), { ...emptyQuery(), ...expected }, JSON.stringify(input));
  }
});

test('a long query is cut at MAX_QUERY_LENGTH, at a space, with a warning', () => {
  const input = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
  const q = parseQuery(input);
  assert.equal(q.words.length, MAX_QUERY_TERMS);
  assert.deepEqual(q.words.slice(0, 3), ['w0', 'w1', 'w2']);
  assert.deepEqual(q.warnings, [
    `The query is longer than ${MAX_QUERY_LENGTH} characters; only the first ${MAX_QUERY_LENGTH} were used.`,
    `The query has more than ${MAX_QUERY_TERMS} terms; only the first ${MAX_QUERY_TERMS} were used.`,
  ]);

  // No word is cut in half when a space is near the limit.
  const words = parseQuery(`${'abcdefghi '.repeat(60)}`).words;
  assert.ok(words.every((w) => w === 'abcdefghi'));

  // One 10 kB word: cut hard, never inside a surrogate pair.
  const emoji = parseQuery('😀'.repeat(5000));
  assert.equal(emoji.words.length, 1);
  assert.equal(emoji.words[0]!.length, MAX_QUERY_LENGTH);
  assert.equal(emoji.words[0], '😀'.repeat(MAX_QUERY_LENGTH / 2));
  const odd = parseQuery(`x${'😀'.repeat(5000)}`).words[0]!;
  assert.equal(odd.length, MAX_QUERY_LENGTH - 1);
  assert.ok(!/[\uD800-\uDBFF]$/.test(odd));

  // A long run of spaces does not count: the words after it survive cleaning.
  assert.deepEqual(parseQuery(`${' '.repeat(3000)}graph`).words, ['graph']);
});

test('at most MAX_QUERY_TERMS terms of all kinds, first ones kept', () => {
  const input = [...Array.from({ length: 30 }, (_, i) => `w${i}`), 'author:A', 'cat:cs.LG', 'author:B', '"x y"', '-z', 'since:2024'].join(' ');
  const q = parseQuery(input);
  assert.equal(q.words.length, 30);
  assert.deepEqual(q.authors, ['A']);
  assert.deepEqual(q.categories, ['cs.LG']);
  assert.deepEqual(q.phrases, []);
  assert.deepEqual(q.excludedWords, []);
  // Dates and sort are not terms.
  assert.equal(q.since, '2024-01-01');
  assert.deepEqual(q.warnings, [`The query has more than ${MAX_QUERY_TERMS} terms; only the first ${MAX_QUERY_TERMS} were used.`]);
});

test('warnings are deduplicated and capped', () => {
  assert.deepEqual(parseQuery('author: author: author:').warnings.length, 1);
  const many = parseQuery(Array.from({ length: 30 }, (_, i) => `since:2024-${String(i + 13)}`).join(' '));
  assert.equal(many.warnings.length, MAX_WARNINGS);
  assert.match(many.warnings[0]!, /"2024-13"/);
  assert.match(many.warnings[MAX_WARNINGS - 1]!, /"2024-22"/);
});

test('parseQuery tolerates a non-string at run time', () => {
  assert.deepEqual(parseQuery(undefined as unknown as string), emptyQuery());
  assert.deepEqual(parseQuery(42 as unknown as string), emptyQuery());
});

test('describeQuery summarizes for the results page', () => {
  const cases: Array<[string, string]> = [
    ['author:"Yann LeCun" cat:cs.LG since:2024-01 graph neural', 'papers by "Yann LeCun" in cs.LG since 2024-01-01 matching "graph neural"'],
    ['', 'all papers'],
    ['sort:new', 'all papers, newest first'],
    ['-survey', 'all papers excluding "survey"'],
    ['until:2024-03', 'papers until 2024-03-31'],
    ['since:2024-03-05 until:2024-03-05', 'papers on 2024-03-05'],
    ['since:2024 until:2024-06 sort:upvotes', 'papers from 2024-01-01 to 2024-06-30, most upvoted first'],
    ['author:A author:B author:C cat:cs.LG cat:stat.ML', 'papers by "A", "B" and "C" in cs.LG or stat.ML'],
    ['"message passing" gnn -"large language" -survey sort:relevance', 'papers matching "gnn" with the exact phrase "message passing" excluding "survey" and "large language", best matches first'],
    ['"a b" "c d"', 'papers with the exact phrases "a b" and "c d"'],
    ['arXiv:2101.11408v3', 'arXiv paper 2101.11408v3'],
    ['hep-th/9901001', 'arXiv paper hep-th/9901001'],
  ];
  for (const [input, text] of cases) assert.equal(describeQuery(parseQuery(input)), text, input);
});

test('isEmptyQuery: nothing to search for', () => {
  for (const input of ['', '   ', '-survey', '-"a b"', 'sort:new', '( ) *', 'since:2024-13', 'author:', '\u0000\u202E']) {
    assert.equal(isEmptyQuery(parseQuery(input)), true, input);
  }
  for (const input of ['x', '"a b"', 'author:LeCun', 'cat:cs', 'since:2024', 'until:2024', '2101.11408', '🚀']) {
    assert.equal(isEmptyQuery(parseQuery(input)), false, input);
  }
});

test('formatQuery writes a query that parses back to the same query', () => {
  const inputs = [
    'author:"Yann LeCun" cat:CS.lg since:2024-01 "graph neural" -survey sort:new gnn',
    '"-dash" "author:x" -"-x" -"cat:y" x',
    '"2101.11408"',
    'until:2024-02 since:2024-05',
    'https://arxiv.org/pdf/2101.11408v1.pdf',
    'au:"Le, Cun" cat:cs,math.CO',
  ];
  for (const input of inputs) {
    const q = parseQuery(input);
    const text = formatQuery(q);
    assert.deepEqual({ ...parseQuery(text), warnings: [] }, { ...q, warnings: [] }, `${input} → ${text}`);
  }
  assert.equal(formatQuery(parseQuery('"2101.11408"')), '"2101.11408"');
  assert.equal(formatQuery(parseQuery('Author:LeCun CAT:cs.lg sort:latest')), 'author:"LeCun" cat:cs.LG sort:new');
  assert.equal(formatQuery(parseQuery('"-dash"')), '"-dash"');
});
