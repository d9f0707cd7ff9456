import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { arxivDateToIso, parseSnapshotLine, parseSnapshotRecord, splitCategories } from '../../src/ingest/snapshot.js';

const lines = (): string[] => readFixture('arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl').split('\n').filter((l) => l !== '');

test('all 200 lines parse, in order', () => {
  const papers = lines().map(parseSnapshotLine);
  assert.equal(papers.length, 200);
  assert.deepEqual(
    papers.map((p) => p.id),
    Array.from({ length: 200 }, (_, i) => `0704.${String(i + 1).padStart(4, '0')}`),
  );
  const count = (f: (p: (typeof papers)[number]) => unknown): number => papers.filter((p) => f(p) != null).length;
  assert.deepEqual(
    [count((p) => p.comments), count((p) => p.journalRef), count((p) => p.doi), count((p) => p.reportNo), count((p) => p.license)],
    [182, 109, 117, 16, 19],
  );
  assert.equal(papers.reduce((n, p) => n + p.versions.length, 0), 326);
  assert.equal(papers.reduce((n, p) => n + p.authors.length, 0), 537);
  assert.ok(papers.every((p) => p.submittedAt === p.versions[0]!.submittedAt && p.updatedAt === p.versions.at(-1)!.submittedAt));
  assert.ok(papers.every((p) => p.title === p.title.trim() && !p.title.includes('\n')));
  // arXiv's paragraph breaks (an indented line) are kept as one line break; wrapping is not
  assert.equal(papers.filter((p) => p.abstract.includes('\n')).length, 14);
  assert.ok(papers.every((p) => p.abstract.split('\n').every((para) => para !== '' && para === para.trim() && !/\s\s/.test(para))));
  // TeX accents outside math are decoded, as in titles: "Schr\\"{o}dinger" is found as Schrödinger
  assert.equal(papers.filter((p) => /Schrödinger|Gröbner|Néel|Kollár|Révész/.test(p.abstract)).length, 5);
  assert.ok(papers.every((p) => !/\\['"`^~]\{?[A-Za-z]/.test(p.abstract.replace(/\$[^$]*\$/g, ''))), 'no accent macro left outside math');
});

test('an abstract keeps its paragraphs, loses its wrapping and has its TeX accents decoded outside math (0704.0010)', () => {
  const p = parseSnapshotLine(lines()[9]!);
  assert.equal(p.id, '0704.0010');
  assert.deepEqual(p.abstract.split('\n'), [
    "Partial cubes are isometric subgraphs of hypercubes. Structures on a graph defined by means of semicubes, and Djoković's and Winkler's relations play an important role in the theory of partial cubes. These structures are employed in the paper to characterize bipartite graphs and partial cubes of arbitrary dimension. New characterizations are established and new proofs of some known results are given.",
    'The operations of Cartesian product and pasting, and expansion and contraction processes are utilized in the paper to construct new partial cubes from old ones. In particular, the isometric and lattice dimensions of finite partial cubes obtained by means of these operations are calculated.',
  ]);
});

test('0704.0001, every field', () => {
  const p = parseSnapshotLine(lines()[0]!);
  assert.deepEqual(p, {
    id: '0704.0001',
    title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
    abstract: p.abstract,
    authors: [{ name: 'C. Balázs' }, { name: 'E. L. Berger' }, { name: 'P. M. Nadolsky' }, { name: 'C.-P. Yuan' }],
    versions: [
      { version: 1, submittedAt: '2007-04-02T19:18:42.000Z' },
      { version: 2, submittedAt: '2007-07-24T20:10:27.000Z' },
    ],
    categories: ['hep-ph'],
    comments: '37 pages, 15 figures; published version',
    journalRef: 'Phys.Rev.D76:013009,2007',
    doi: '10.1103/PhysRevD.76.013009',
    reportNo: 'ANL-HEP-PR-07-12',
    license: null,
    submitter: 'Pavel Nadolsky',
    submittedAt: '2007-04-02T19:18:42.000Z',
    updatedAt: '2007-07-24T20:10:27.000Z',
  });
  assert.ok(p.abstract.startsWith('A fully differential calculation in perturbative quantum chromodynamics is presented for'));
  assert.ok(p.abstract.endsWith('can be obtained with judicious selection of events.'));
  assert.equal(p.abstract.length, 980);
});

test('categories, licence, five versions, affiliations', () => {
  const all = lines();
  const p2 = parseSnapshotLine(all[1]!);
  assert.deepEqual(p2.categories, ['math.CO', 'cs.CG']);
  assert.equal(p2.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
  assert.deepEqual(p2.authors, [{ name: 'Ileana Streinu' }, { name: 'Louis Theran' }]);
  const p64 = parseSnapshotLine(all[63]!);
  assert.equal(p64.id, '0704.0064');
  assert.equal(p64.title, 'Nilpotent symmetry invariance in the superfield formulation: the (non-)Abelian 1-form gauge theories');
  assert.deepEqual(p64.authors, [{ name: 'R. P. Malik', affiliations: ['Bhu'] }]);
  assert.deepEqual(
    p64.versions.map((v) => [v.version, v.submittedAt]),
    [
      [1, '2007-04-01T13:32:15.000Z'],
      [2, '2007-05-03T16:35:49.000Z'],
      [3, '2007-12-06T13:31:19.000Z'],
      [4, '2008-06-05T11:21:43.000Z'],
      [5, '2008-10-24T12:23:58.000Z'],
    ],
  );
  // TeX in the title is decoded, math left alone.
  assert.equal(parseSnapshotLine(all[18]!).title, 'Approximation for extinction probability of the contact process based on the Gröbner basis');
  assert.equal(parseSnapshotLine(all[4]!).title, 'From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$');
  // arXiv's unresolved "(1 and 2)" references are not affiliations.
  assert.deepEqual(parseSnapshotLine(all[24]!).authors, [{ name: 'A. S. Mishchenko' }, { name: 'N. Nagaosa' }]);
});

test('without authors_parsed the authors string is parsed', () => {
  const rec = JSON.parse(lines()[24]!) as Record<string, unknown>;
  delete rec.authors_parsed;
  assert.deepEqual(parseSnapshotRecord(rec).authors, [
    { name: 'A. S. Mishchenko', affiliations: ['CREST, Japan Science and Technology Agency', "Russian Research Centre ``Kurchatov Institute''"] },
    { name: 'N. Nagaosa', affiliations: ['CREST, Japan Science and Technology Agency', 'The University of Tokyo'] },
  ]);
});

test('versions out of order are sorted; without versions update_date is the update time', () => {
  const p = parseSnapshotRecord({
    id: 'hep-th/9901001',
    title: 'T',
    versions: [
      { version: 'v2', created: 'Tue, 5 Jan 1999 10:00:00 GMT' },
      { version: 'v1', created: 'Fri, 1 Jan 1999 09:00:00 GMT' },
    ],
  });
  assert.equal(p.id, 'hep-th/9901001');
  assert.deepEqual(p.versions, [
    { version: 1, submittedAt: '1999-01-01T09:00:00.000Z' },
    { version: 2, submittedAt: '1999-01-05T10:00:00.000Z' },
  ]);
  assert.equal(p.submittedAt, '1999-01-01T09:00:00.000Z');
  assert.equal(p.updatedAt, '1999-01-05T10:00:00.000Z');
  assert.deepEqual([p.abstract, p.authors, p.categories, p.comments, p.doi], ['', [], [], null, null]);
  const noVersions = parseSnapshotRecord({ id: '0704.0001', title: 'T', update_date: '2008-11-26' });
  assert.deepEqual(noVersions.versions, []);
  assert.equal(noVersions.submittedAt, undefined);
  assert.equal(noVersions.updatedAt, '2008-11-26T00:00:00.000Z');
});

test('bad lines throw their reason', () => {
  assert.throws(() => parseSnapshotLine('{"id": "0704.0001", "title": '), /^Error: invalid JSON: /);
  assert.throws(() => parseSnapshotLine('[1, 2]'), /^Error: not a JSON object$/);
  assert.throws(() => parseSnapshotLine('{"title": "T"}'), /^Error: missing id$/);
  assert.throws(() => parseSnapshotLine('{"id": " ", "title": "T"}'), /^Error: missing id$/);
  assert.throws(() => parseSnapshotLine('{"id": "x", "title": "T"}'), /^Error: invalid arXiv id "x"$/);
  assert.throws(() => parseSnapshotLine('{"id": "0704.0001", "title": " \\n "}'), /^Error: missing title$/);
  assert.throws(() => parseSnapshotLine('{"id": "0704.0001"}'), /^Error: missing title$/);
});

test('arxivDateToIso: the fixed format fast, anything else through Date.parse', () => {
  assert.equal(arxivDateToIso('Mon, 2 Apr 2007 19:18:42 GMT'), '2007-04-02T19:18:42.000Z');
  assert.equal(arxivDateToIso('Sat, 31 Mar 2007 02:26:18 GMT'), '2007-03-31T02:26:18.000Z');
  assert.equal(arxivDateToIso('2 Apr 2007 19:18:42 GMT'), '2007-04-02T19:18:42.000Z');
  assert.equal(arxivDateToIso('Mon, 2 Apr 2007 21:18:42 +0200'), '2007-04-02T19:18:42.000Z');
  assert.equal(arxivDateToIso('Thu, 29 Feb 2007 10:00:00 GMT'), new Date(Date.parse('Thu, 29 Feb 2007 10:00:00 GMT')).toISOString());
  assert.equal(arxivDateToIso('not a date'), null);
});

test('splitCategories', () => {
  assert.deepEqual(splitCategories('hep-th astro-ph  gr-qc hep-th'), ['hep-th', 'astro-ph', 'gr-qc']);
  assert.deepEqual(splitCategories(' '), []);
});
