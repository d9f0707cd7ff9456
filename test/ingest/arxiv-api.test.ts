import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { ArxivApiError, parseArxivApiFeed } from '../../src/ingest/arxiv-api.js';
import { FormatError } from '../../src/ingest/types.js';

const api = (name: string): string => readFixture(`arxiv/api/${name}`);

test('one paper, every field (1605.08386)', () => {
  assert.deepEqual(parseArxivApiFeed(api('id_1605.08386_s0_m100.xml')), {
    totalResults: 1,
    startIndex: 0,
    itemsPerPage: 100,
    papers: [
      {
        id: '1605.08386',
        title: 'Heat-bath random walks with Markov bases',
        abstract:
          'Graphs on lattice points are studied whose edges come from a finite set of allowed moves of arbitrary length. We show that the diameter of these graphs on fibers of a fixed integer matrix can be bounded from above by a constant. We then study the mixing behaviour of heat-bath random walks on these graphs. We also state explicit conditions on the set of moves so that the heat-bath random walk, a generalization of the Glauber dynamics, is an expander in fixed dimension.',
        authors: [{ name: 'Caprice Stanley' }, { name: 'Tobias Windisch' }],
        versions: [{ version: 1, submittedAt: '2016-05-26T17:59:46.000Z' }],
        categories: ['math.CO', 'math.ST'],
        comments: '20 pages, 3 figures',
        journalRef: null,
        doi: null,
        submittedAt: '2016-05-26T17:59:46.000Z',
        updatedAt: '2016-05-26T17:59:46.000Z',
      },
    ],
    errors: [],
  });
});

test("arXiv's error entry is an ArxivApiError carrying arXiv's explanation", () => {
  assert.throws(
    () => parseArxivApiFeed(api('id_abc_s0_m100.xml')),
    (err: unknown) => {
      assert.ok(err instanceof ArxivApiError);
      assert.ok(err instanceof FormatError);
      assert.equal(err.code, 'arxiv_api_error');
      assert.equal(err.message, 'arXiv API error: incorrect id format for abc');
      return true;
    },
  );
});

test('empty results', () => {
  for (const name of ['id_0000.0000_s0_m100.xml', 'id_0808.05394_s0_m100.xml']) {
    assert.deepEqual(parseArxivApiFeed(api(name)), { totalResults: 0, startIndex: 0, itemsPerPage: 100, papers: [], errors: [] }, name);
  }
  // Two ids asked, one does not exist: one entry back.
  const page = parseArxivApiFeed(api('id_0808.05394_1707.08567_s0_m100.xml'));
  assert.equal(page.totalResults, 1);
  assert.deepEqual(page.papers.map((p) => p.id), ['1707.08567']);
});

test('paging numbers', () => {
  const first = parseArxivApiFeed(api('q_testing_s0_m10.xml'));
  const second = parseArxivApiFeed(api('q_testing_s10_m10.xml'));
  const all = parseArxivApiFeed(api('q_testing_s0_m100.xml'));
  assert.deepEqual([first.startIndex, first.itemsPerPage, first.totalResults, first.papers.length], [0, 10, 214881, 10]);
  assert.deepEqual([second.startIndex, second.itemsPerPage, second.totalResults, second.papers.length], [10, 10, 214881, 10]);
  assert.deepEqual([all.startIndex, all.itemsPerPage, all.papers.length, all.errors.length], [0, 100, 100, 0]);
  assert.deepEqual(second.papers[0]!.categories, ['math.ST', 'cs.IT', 'stat.ML']);
});

test('versions: v1 dated by <published>, the latest by <updated>, the ones between unknown', () => {
  const papers = parseArxivApiFeed(api('q_testing_s0_m100.xml')).papers;
  const p = papers.find((x) => x.id === '2409.05654')!;
  assert.deepEqual(p.versions, [
    { version: 1, submittedAt: '2024-09-09T14:21:19.000Z' },
    ...[2, 3, 4, 5, 6, 7, 8].map((version) => ({ version, submittedAt: null })),
    { version: 9, submittedAt: '2025-05-08T20:52:40.000Z' },
  ]);
  assert.equal(p.submittedAt, '2024-09-09T14:21:19.000Z');
  assert.equal(p.updatedAt, '2025-05-08T20:52:40.000Z');
  const second = parseArxivApiFeed(api('q_testing_s10_m10.xml')).papers[0]!;
  assert.equal(second.id, '2403.16981');
  assert.deepEqual(second.versions, [
    { version: 1, submittedAt: '2024-03-25T17:42:32.000Z' },
    { version: 2, submittedAt: '2025-05-24T05:50:33.000Z' },
  ]);
});

test('DOI and journal reference', () => {
  const p = parseArxivApiFeed(api('q_testing_s0_m10.xml')).papers.find((x) => x.id === '2204.08348')!;
  assert.equal(p.title, 'Automated Test Generation for REST APIs: No Time to Rest Yet');
  assert.equal(p.doi, '10.1145/3533767.3534401');
  assert.equal(p.journalRef, 'InProceedings of the 31st ACM SIGSOFT International Symposium on Software Testing and Analysis 2022 Jul 18 (pp. 289-301)');
  assert.deepEqual(p.versions.map((v) => v.version), [1, 2, 3]);
});

test('a title that is the single character "0" is a title', () => {
  const [p] = parseArxivApiFeed(api('id_2104.12255v1_s0_m100.xml')).papers;
  assert.equal(p!.id, '2104.12255');
  assert.equal(p!.title, '0');
  assert.deepEqual(p!.categories, ['cs.CR']);
  assert.equal(p!.comments, null);
});

test('old-style ids, affiliations and journal_ref', () => {
  const [astro] = parseArxivApiFeed(api('id_astro-ph_0601001_s0_m100.xml')).papers;
  assert.equal(astro!.id, 'astro-ph/0601001');
  assert.equal(
    astro!.title,
    'Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the Galactic Bulge and Carina',
  );
  assert.deepEqual(astro!.authors, [
    { name: 'Andrew Gould', affiliations: ['Ohio State'] },
    { name: 'Susan Dorsher', affiliations: ['Ohio State'] },
    { name: 'B. Scott Gaudi', affiliations: ['CfA'] },
    { name: 'Andrzej Udalski', affiliations: ['Warsaw University Observatory'] },
  ]);
  assert.equal(astro!.journalRef, 'ActaAstron.56:1-50,2006');
  assert.deepEqual(astro!.categories, ['astro-ph']);
  assert.deepEqual(astro!.versions, [{ version: 1, submittedAt: '2006-01-02T14:57:58.000Z' }]);
  assert.ok(astro!.abstract.startsWith('We derive the frequencies of hot Jupiters'));
  assert.ok(astro!.abstract.includes('Gould & Morgan (2003)'));
  assert.ok(astro!.abstract.includes('V_max<17.5.'));

  const [quant] = parseArxivApiFeed(api('id_quant-ph_0201082v1_s0_m100.xml')).papers;
  assert.equal(quant!.id, 'quant-ph/0201082');
  assert.deepEqual(quant!.categories, ['quant-ph', 'cs.PL']);
  assert.deepEqual(quant!.authors, [{ name: 'Stephen Blaha' }]);
  assert.deepEqual(quant!.versions, [{ version: 1, submittedAt: '2002-01-18T15:08:05.000Z' }]);
  assert.equal(quant!.comments, '32 pages');
});

test('UTF-8 the API encoded twice is repaired', () => {
  const [p] = parseArxivApiFeed(api('id_1707.08567_s0_m100.xml')).papers;
  assert.equal(p!.authors.length, 34);
  assert.deepEqual(p!.authors.slice(-2), [{ name: 'Dirk Wübben' }, { name: 'Hirosuke Yamamoto' }]);
  const second = parseArxivApiFeed(api('q_testing_s10_m10.xml')).papers[0]!;
  assert.ok(second.abstract.includes('type-I error at most $α$ and type-II error at most $β$'));
  assert.ok(second.abstract.includes('prior distribution $(π, 1-π)$'));
  // Nothing double-encoded is left anywhere in the 100-paper page.
  const page = parseArxivApiFeed(api('q_testing_s0_m100.xml'));
  const texts = page.papers.flatMap((x) => [x.title, x.abstract, ...x.authors.map((a) => a.name)]);
  assert.equal(texts.filter((t) => /[\u00C2-\u00F4][\u0080-\u00BF]/.test(t)).length, 0);
  assert.ok(texts.includes('$ω$Test: WebView-Oriented Testing for Android Applications'));
  assert.ok(texts.includes('Jean-Marc Azaïs'));
});

test('the primary category comes first even when listed later', () => {
  const xml = api('id_quant-ph_0201082v1_s0_m100.xml').replace('<arxiv:primary_category term="quant-ph"/>', '<arxiv:primary_category term="cs.PL"/>');
  assert.deepEqual(parseArxivApiFeed(xml).papers[0]!.categories, ['cs.PL', 'quant-ph']);
});

test('a bad entry is a RecordError with its number, not a throw', () => {
  const xml = api('id_1605.08386_s0_m100.xml');
  const badId = parseArxivApiFeed(xml.replace('<id>http://arxiv.org/abs/1605.08386v1</id>', '<id>http://arxiv.org/abs/garbage</id>'));
  assert.deepEqual(badId.papers, []);
  assert.deepEqual(badId.errors, [{ record: 1, line: 10, reason: 'invalid arXiv id "http://arxiv.org/abs/garbage"' }]);
  const noTitle = parseArxivApiFeed(xml.replace('<title>Heat-bath random walks with Markov bases</title>', ''));
  assert.deepEqual(noTitle.errors, [{ record: 1, line: 10, id: '1605.08386', reason: 'missing title' }]);
  // The other entries of a page are kept.
  const page = api('q_testing_s0_m10.xml').replace('<id>http://arxiv.org/abs/2204.08348v3</id>', '<id></id>');
  const parsed = parseArxivApiFeed(page);
  assert.equal(parsed.papers.length, 9);
  assert.deepEqual(
    parsed.errors.map((e) => [e.record, e.reason]),
    [[4, 'missing id']],
  );
});

test('what is not an API feed', () => {
  const code = (xml: string): string => {
    try {
      parseArxivApiFeed(xml);
    } catch (err) {
      assert.ok(err instanceof FormatError);
      return err.code;
    }
    return 'no error';
  };
  assert.equal(code(readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml')), 'not_arxiv_xml');
  assert.equal(code(readFixture('arxiv/rss/cs.AI.atom.xml')), 'not_arxiv_xml');
  assert.equal(code('<!DOCTYPE html><html><head><title>503</title></head><body>Service Unavailable</body></html>'), 'not_arxiv_xml');
  const full = api('q_testing_s0_m10.xml');
  assert.equal(code(full.slice(0, full.length / 2)), 'malformed_xml');
});

test("a structured abstract's paragraphs stay apart (1812.11470: Context, Objective, Results, Conclusion)", () => {
  const p = parseArxivApiFeed(api('q_testing_s0_m10.xml')).papers.find((x) => x.id === '1812.11470')!;
  const paras = p.abstract.split('\n');
  assert.deepEqual(
    paras.map((t) => t.split(' ')[0]),
    ['Context.', 'Objective.', 'Results.', 'Conclusion.'],
  );
  assert.ok(paras[1]!.startsWith('Objective. In this systematic review, we attempt to provide a broad picture'));
});
