import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { parseOaiListRecords } from '../../src/ingest/oai-pmh.js';
import { FormatError } from '../../src/ingest/types.js';

const page = (): string => readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml');

/** A hand-made OAI-PMH response around `body` (not recorded). */
const oai = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2025-08-20T10:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request>
${body}
</OAI-PMH>`;

function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FormatError, String(err));
    return err;
  }
  assert.fail('expected a FormatError');
}

test('the recorded arXivRaw page: 1,000 records and the resumption token', () => {
  const p = parseOaiListRecords(page());
  assert.equal(p.papers.length, 1000);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.deleted, []);
  assert.equal(p.papers[0]!.id, '0801.3673');
  assert.equal(p.papers[999]!.id, '0801.4672');
  assert.equal(p.resumptionToken, '496549|47001');
  assert.equal(p.completeListSize, 907096);
  assert.equal(p.cursor, 46000);
  assert.equal(p.responseDate, '2014-01-16T10:33:29Z');
  // Field counts across the page, as the XML has them.
  const count = (f: (x: (typeof p.papers)[number]) => unknown): number => p.papers.filter((x) => f(x) != null).length;
  assert.deepEqual(
    [count((x) => x.comments), count((x) => x.doi), count((x) => x.journalRef), count((x) => x.license), count((x) => x.reportNo)],
    [854, 573, 478, 197, 69],
  );
  assert.equal(p.papers.reduce((n, x) => n + x.versions.length, 0), 1522);
  assert.equal(Math.max(...p.papers.map((x) => x.versions.length)), 8);
  assert.ok(p.papers.every((x) => x.versions.every((v) => v.submittedAt !== null && v.size)));
  assert.ok(p.papers.every((x) => x.submitter && x.submittedAt === x.versions[0]!.submittedAt));
});

test('0801.3673: one version', () => {
  assert.deepEqual(parseOaiListRecords(page()).papers[0], {
    id: '0801.3673',
    title: 'Variational Functionals for Excited States',
    abstract:
      'Functionals that have local minima at the excited states of a non degenerate Hamiltonian are presented. Then, improved mutually orthogonal approximants of the ground and the first excited state are reported.',
    authors: [{ name: 'Naoum C. Bacalis' }],
    versions: [{ version: 1, submittedAt: '2008-01-23T21:06:41.000Z', size: '121kb' }],
    categories: ['quant-ph'],
    comments: '4 pages',
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
    submitter: 'N. C. Bacalis',
    submittedAt: '2008-01-23T21:06:41.000Z',
    updatedAt: '2008-01-23T21:06:41.000Z',
  });
});

test('0801.3674: four versions, DOI, journal-ref, license, affiliations', () => {
  const p = parseOaiListRecords(page()).papers[1]!;
  assert.equal(p.id, '0801.3674');
  assert.equal(p.title, 'A Study of Structure Formation and Reheating in the D3/D7 Brane Inflation Model');
  assert.deepEqual(p.versions, [
    { version: 1, submittedAt: '2008-01-23T21:13:53.000Z', size: '33kb' },
    { version: 2, submittedAt: '2008-02-04T15:05:55.000Z', size: '33kb' },
    { version: 3, submittedAt: '2008-03-19T01:33:03.000Z', size: '34kb' },
    { version: 4, submittedAt: '2008-09-11T22:03:53.000Z', size: '31kb' },
  ]);
  assert.equal(p.submittedAt, '2008-01-23T21:13:53.000Z');
  assert.equal(p.updatedAt, '2008-09-11T22:03:53.000Z');
  assert.deepEqual(p.authors, [
    { name: 'Robert H. Brandenberger', affiliations: ['McGill'] },
    { name: 'Keshav Dasgupta', affiliations: ['McGill'] },
    { name: 'Anne-Christine Davis', affiliations: ['DAMTP, Cambridge'] },
  ]);
  assert.deepEqual(p.categories, ['hep-th', 'astro-ph', 'gr-qc', 'hep-ph']);
  assert.equal(p.doi, '10.1103/PhysRevD.78.083502');
  assert.equal(p.journalRef, 'Phys.Rev.D78:083502,2008');
  assert.equal(p.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
  assert.equal(p.comments, 'Some sections expanded, typos corrected and references added. Final version to appear in Phys. Rev. D');
  assert.equal(p.submitter, 'Robert Brandenberger');
  assert.equal(p.abstract.length, 1233);
});

test('TeX in authors and titles is decoded', () => {
  const papers = parseOaiListRecords(page()).papers;
  const byId = (id: string) => papers.find((x) => x.id === id)!;
  assert.deepEqual(
    byId('0801.3763').authors.map((a) => a.name),
    ['Nikolina Novosel', 'Dijana Žilić', 'Damir Pajić', 'Marijana Jurić', 'Berislav Perić', 'Krešo Zadro', 'Boris Rakvin', 'Pavica Planinić'],
  );
  assert.equal(byId('0801.3873').title, '2-Cocycles of Original Deformative Schrödinger-Virasoro Algebras');
  assert.equal(byId('0801.3811').title, 'Variétés homogènes sous $\\PGL_n$');
  assert.deepEqual(byId('0801.3903').authors.map((a) => a.name), ['S. Åberg', 'H. Olofsson', 'P. Leboeuf']);
});

test('a record that cannot be read is a RecordError; the other 999 are kept', () => {
  const xml = page().replace('<id>0801.3675</id>', '');
  const p = parseOaiListRecords(xml);
  assert.equal(p.papers.length, 999);
  let at = -1;
  for (let i = 0; i < 3; i++) at = xml.indexOf('<record>', at + 1);
  const line = xml.slice(0, at).split('\n').length;
  assert.deepEqual(p.errors, [{ record: 3, line, id: '0801.3675', reason: 'missing <id>' }]);
  assert.ok(!p.papers.some((x) => x.id === '0801.3675'));
  assert.equal(p.resumptionToken, '496549|47001');

  const badId = parseOaiListRecords(page().replace('<id>0801.3673</id>', '<id>0801.367</id>'));
  assert.deepEqual(
    badId.errors.map((e) => [e.record, e.id, e.reason]),
    [[1, '0801.3673', 'invalid arXiv id "0801.367"']],
  );
});

test('deleted records, an empty resumptionToken, unsupported metadata', () => {
  const p = parseOaiListRecords(
    oai(`<ListRecords>
<record><header status="deleted"><identifier>oai:arXiv.org:0801.3673</identifier><datestamp>2014-01-01</datestamp></header></record>
<record><header status="deleted"><identifier>oai:arXiv.org:hep-th/9901001</identifier><datestamp>2014-01-01</datestamp></header></record>
<record><header><identifier>oai:arXiv.org:0801.3674</identifier></header><metadata><dc xmlns="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata></record>
<resumptionToken cursor="3" completeListSize="3"></resumptionToken>
</ListRecords>`),
  );
  assert.deepEqual(p.deleted, ['0801.3673', 'hep-th/9901001']);
  assert.deepEqual(p.papers, []);
  assert.deepEqual(p.errors, [
    {
      record: 3,
      line: 8,
      id: '0801.3674',
      reason: 'unsupported metadata <dc> (http://www.openarchives.org/OAI/2.0/oai_dc/): use arXivRaw or arXiv',
    },
  ]);
  assert.equal(p.resumptionToken, null);
  assert.equal(p.completeListSize, 3);
  assert.equal(p.cursor, 3);
  assert.equal(p.responseDate, '2025-08-20T10:00:00Z');
});

test('the arXiv metadata format (prefixed namespace, hand-made from 0704.0001)', () => {
  const p = parseOaiListRecords(
    oai(`<ListRecords><record><header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-13</datestamp></header>
<metadata><ax:arXiv xmlns:ax="http://arxiv.org/OAI/arXiv/"><ax:id>0704.0001</ax:id><ax:created>2007-04-02</ax:created><ax:updated>2007-07-24</ax:updated>
<ax:authors><ax:author><ax:keyname>Bal\\'azs</ax:keyname><ax:forenames>C.</ax:forenames></ax:author><ax:author><ax:keyname>Evans</ax:keyname><ax:forenames>Neal J.</ax:forenames><ax:suffix>II</ax:suffix><ax:affiliation>Texas</ax:affiliation><ax:affiliation>CfA</ax:affiliation></ax:author></ax:authors>
<ax:title>Calculation of prompt diphoton production cross sections at Tevatron and
  LHC energies</ax:title><ax:categories>hep-ph hep-ex</ax:categories><ax:comments>37 pages, 15 figures; published version</ax:comments><ax:report-no>ANL-HEP-PR-07-12</ax:report-no><ax:journal-ref>Phys.Rev.D76:013009,2007</ax:journal-ref><ax:doi>10.1103/PhysRevD.76.013009</ax:doi><ax:license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</ax:license><ax:abstract>  A fully differential
calculation.
</ax:abstract></ax:arXiv></metadata></record></ListRecords>`),
  );
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.papers, [
    {
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: 'A fully differential calculation.',
      authors: [{ name: 'C. Balázs' }, { name: 'Neal J. Evans II', affiliations: ['Texas', 'CfA'] }],
      versions: [],
      categories: ['hep-ph', 'hep-ex'],
      comments: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      reportNo: 'ANL-HEP-PR-07-12',
      license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
      submittedAt: '2007-04-02T00:00:00.000Z',
      updatedAt: '2007-07-24T00:00:00.000Z',
    },
  ]);
});

test('OAI errors: noRecordsMatch is an empty page, others throw oai_error', () => {
  assert.deepEqual(parseOaiListRecords(oai('<error code="noRecordsMatch">No records match</error>')), {
    papers: [],
    deleted: [],
    errors: [],
    resumptionToken: null,
    completeListSize: null,
    cursor: null,
    responseDate: '2025-08-20T10:00:00Z',
  });
  const err = formatError(() => parseOaiListRecords(oai('<error code="badResumptionToken">The token 496549|47001 has expired</error>')));
  assert.equal(err.code, 'oai_error');
  assert.equal(err.message, 'arXiv OAI-PMH error badResumptionToken: The token 496549|47001 has expired');
});

test('what is not an OAI-PMH page', () => {
  assert.equal(formatError(() => parseOaiListRecords(readFixture('arxiv/api/id_1605.08386_s0_m100.xml'))).code, 'not_arxiv_xml');
  assert.equal(formatError(() => parseOaiListRecords('<html><body>Bad gateway</body></html>')).code, 'not_arxiv_xml');
  assert.equal(formatError(() => parseOaiListRecords(oai('<Identify><repositoryName>arXiv</repositoryName></Identify>'))).code, 'not_arxiv_xml');
  const xml = page();
  const truncated = formatError(() => parseOaiListRecords(xml.slice(0, xml.length / 2)));
  assert.equal(truncated.code, 'malformed_xml');
  assert.match(truncated.message, /at line \d+, column \d+: unclosed tag/);
});

test('arXivRaw abstracts keep their paragraphs (62 of the 1,000) and lose their wrapping', () => {
  const { papers } = parseOaiListRecords(readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml'));
  assert.equal(papers.filter((p) => p.abstract.includes('\n')).length, 62);
  const p = papers.find((x) => x.id === '0801.3680')!;
  assert.deepEqual(
    p.abstract.split('\n').map((t) => t.slice(0, 40)),
    ['We show that every construction of one-t', 'Our result extends (with a loss of a con'],
  );
  assert.ok(p.abstract.endsWith('between signature schemes and symmetric primitives.'));
});
