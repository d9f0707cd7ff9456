import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { authorsFromParsed, parseAuthorList } from '../../src/ingest/authors.js';
import type { PaperAuthor } from '../../src/papers/model.js';

const names = (authors: PaperAuthor[]): string[] => authors.map((a) => a.name);

test('commas and "and" separate names; whitespace and newlines collapse', () => {
  assert.deepEqual(parseAuthorList('A. Smith, B. Jones and C. Doe'), [{ name: 'A. Smith' }, { name: 'B. Jones' }, { name: 'C. Doe' }]);
  assert.deepEqual(
    names(parseAuthorList('J. Dobnikar, D. Halo\\v{z}an, M. Brumen, H.-H. von Gr\\"unberg, and R.\n  Rzehak')),
    ['J. Dobnikar', 'D. Haložan', 'M. Brumen', 'H.-H. von Grünberg', 'R. Rzehak'],
  );
  assert.deepEqual(names(parseAuthorList('Anand Sandhu & Alexander Anderson')), ['Anand Sandhu', 'Alexander Anderson']);
  assert.deepEqual(names(parseAuthorList('John Smith, Jr., Ann Lee and Bob Brown III')), ['John Smith Jr.', 'Ann Lee', 'Bob Brown III']);
  assert.deepEqual(parseAuthorList(''), []);
  assert.deepEqual(parseAuthorList('  \n '), []);
});

test('affiliations in parentheses; commas inside them do not split', () => {
  // 0801.3674 in the OAI page
  assert.deepEqual(
    parseAuthorList('Robert H. Brandenberger (McGill), Keshav Dasgupta (McGill) and\n  Anne-Christine Davis (DAMTP, Cambridge)'),
    [
      { name: 'Robert H. Brandenberger', affiliations: ['McGill'] },
      { name: 'Keshav Dasgupta', affiliations: ['McGill'] },
      { name: 'Anne-Christine Davis', affiliations: ['DAMTP, Cambridge'] },
    ],
  );
  // 0704.0163: one affiliation for both, TeX decoded inside it too
  assert.deepEqual(
    parseAuthorList('Peter Brommer and Franz G\\"ahler (Institut f\\"ur Theoretische und\n  Angewandte Physik, Universit\\"at Stuttgart)'),
    [
      { name: 'Peter Brommer', affiliations: ['Institut für Theoretische und Angewandte Physik, Universität Stuttgart'] },
      { name: 'Franz Gähler', affiliations: ['Institut für Theoretische und Angewandte Physik, Universität Stuttgart'] },
    ],
  );
  // An affiliation never goes back past an author who has one.
  assert.deepEqual(parseAuthorList('Marc Arnaudon (LMA), Jean-Christophe Breton (LMCA), Nicolas Privault'), [
    { name: 'Marc Arnaudon', affiliations: ['LMA'] },
    { name: 'Jean-Christophe Breton', affiliations: ['LMCA'] },
    { name: 'Nicolas Privault' },
  ]);
});

test('numbered affiliations: "(1)" … "((1) X, (2) Y)"', () => {
  // 0801.3679
  assert.deepEqual(
    parseAuthorList(
      'Peter Anders (1), Uta Fritze (2), Richard de Grijs (3) ((1) University\n  Utrecht, The Netherlands, (2) University of Hertfordshire, UK, (3) University\n  of Sheffield, UK)',
    ),
    [
      { name: 'Peter Anders', affiliations: ['University Utrecht, The Netherlands'] },
      { name: 'Uta Fritze', affiliations: ['University of Hertfordshire, UK'] },
      { name: 'Richard de Grijs', affiliations: ['University of Sheffield, UK'] },
    ],
  );
  // 0801.4330: "(1 and 2)" and a list written without commas between entries elsewhere
  assert.deepEqual(
    parseAuthorList(
      'S. Ando (1 and 2), J.W. Shin (1), C.H. Hyun (3), S.W. Hong (1), and K.\n  Kubodera (4) ((1) Sungkyunkwan U., (2) U. of Manchester, (3) Daegu U., (4) U.\n  of South Carolina)',
    ),
    [
      { name: 'S. Ando', affiliations: ['Sungkyunkwan U.', 'U. of Manchester'] },
      { name: 'J.W. Shin', affiliations: ['Sungkyunkwan U.'] },
      { name: 'C.H. Hyun', affiliations: ['Daegu U.'] },
      { name: 'S.W. Hong', affiliations: ['Sungkyunkwan U.'] },
      { name: 'K. Kubodera', affiliations: ['U. of South Carolina'] },
    ],
  );
  assert.deepEqual(parseAuthorList('A (1), B (2) ((1) MIT, (2) CMU)'), [
    { name: 'A', affiliations: ['MIT'] },
    { name: 'B', affiliations: ['CMU'] },
  ]);
  // 0704.0139: a list numbered without parentheses
  const bare = parseAuthorList('B. Lanzoni (1,2), F.R. Ferraro (1) (1 Dip. Astro., Bologna; 2 INAF--Oss. Astro., Bologna)');
  assert.deepEqual(bare, [
    { name: 'B. Lanzoni', affiliations: ['Dip. Astro., Bologna', 'INAF--Oss. Astro., Bologna'] },
    { name: 'F.R. Ferraro', affiliations: ['Dip. Astro., Bologna'] },
  ]);
});

test('"et al", collaborations and TeX accents', () => {
  assert.deepEqual(names(parseAuthorList('The BABAR Collaboration, B. Aubert, et al')), ['The BABAR Collaboration', 'B. Aubert']);
  assert.deepEqual(names(parseAuthorList('CDF Collaboration: T. Aaltonen et al')), ['CDF Collaboration', 'T. Aaltonen']);
  // 0801.4029: the note after "et al." is nobody's affiliation
  assert.deepEqual(
    parseAuthorList('G. Tosti and\n  J. Albert, C. Baixeras, et al. (MAGIC\n  collaboration: 136 additional authors not shown)'),
    [{ name: 'G. Tosti' }, { name: 'J. Albert' }, { name: 'C. Baixeras' }],
  );
  // An affiliation is not carried back onto a collaboration name.
  assert.deepEqual(parseAuthorList('ATLAS Collaboration: A. B (CERN)'), [{ name: 'ATLAS Collaboration' }, { name: 'A. B', affiliations: ['CERN'] }]);
  assert.deepEqual(
    names(parseAuthorList("Nikolina Novosel, Dijana \\v{Z}ili\\'c, Kre\\v{s}o Zadro, S. {\\AA}berg, Rafa{\\l} Lata{\\l}a")),
    ['Nikolina Novosel', 'Dijana Žilić', 'Krešo Zadro', 'S. Åberg', 'Rafał Latała'],
  );
});

test('agrees with arXiv\'s own authors_parsed on all 200 snapshot records', () => {
  const lines = readFixture('arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl').trim().split('\n');
  assert.equal(lines.length, 200);
  // arXiv's parser spaces initials ("P.A." → "P. A."); compare names with that undone.
  const spaced = (a: PaperAuthor[]): string[] => a.map((x) => x.name.replace(/\.(?=\S)/g, '. '));
  const betterAffiliations: string[] = [];
  let authors = 0;
  for (const line of lines) {
    const rec = JSON.parse(line) as { id: string; authors: string; authors_parsed: unknown };
    const ours = parseAuthorList(rec.authors);
    const arxiv = authorsFromParsed(rec.authors_parsed);
    assert.deepEqual(spaced(ours), spaced(arxiv), rec.id);
    authors += ours.length;
    const affiliations = (a: PaperAuthor[]): unknown => a.map((x) => x.affiliations ?? []);
    if (JSON.stringify(affiliations(ours)) !== JSON.stringify(affiliations(arxiv))) {
      // arXiv's parser leaves most numbered lists unresolved: it has none where we have all.
      assert.ok(arxiv.every((a) => a.affiliations === undefined), rec.id);
      assert.ok(ours.every((a) => a.affiliations !== undefined && a.affiliations.length > 0), rec.id);
      betterAffiliations.push(rec.id);
    }
  }
  assert.equal(authors, 537);
  assert.deepEqual(betterAffiliations, ['0704.0025', '0704.0128', '0704.0139', '0704.0177', '0704.0187', '0704.0190', '0704.0191']);
});

test('authorsFromParsed: "Forenames Keyname Suffix" with affiliations', () => {
  assert.deepEqual(
    authorsFromParsed([
      ['Balázs', 'C.', ''],
      ['Yuan', 'C. -P.', ''],
      ['Evans', 'Neal J.', 'II'],
      ['The BABAR Collaboration', '', ''],
      ['Gähler', 'Franz', '', 'Institut für Theoretische und\n  Angewandte Physik'],
      ['Mishchenko', 'A. S.', '', '1 and 2'],
      'not an entry',
      ['', '', ''],
    ]),
    [
      { name: 'C. Balázs' },
      { name: 'C.-P. Yuan' },
      { name: 'Neal J. Evans II' },
      { name: 'The BABAR Collaboration' },
      { name: 'Franz Gähler', affiliations: ['Institut für Theoretische und Angewandte Physik'] },
      { name: 'A. S. Mishchenko' },
    ],
  );
  assert.deepEqual(authorsFromParsed(null), []);
});
