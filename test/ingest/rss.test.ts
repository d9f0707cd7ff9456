import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { parseArxivRss } from '../../src/ingest/rss.js';
import { FormatError } from '../../src/ingest/types.js';

const atom = (): string => readFixture('arxiv/rss/cs.AI.atom.xml');

/** rss.arxiv.org's RSS 2.0 flavour, hand-made in its shape (no recording of it is kept). */
const RSS2 = `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
    <title>cs.AI updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/cs.AI</link>
    <description>cs.AI updates on the arXiv.org e-print archive.</description>
    <atom:link href="http://rss.arxiv.org/rss/cs.AI" rel="self" type="application/rss+xml"/>
    <lastBuildDate>Mon, 20 Jan 2025 05:00:12 +0000</lastBuildDate>
    <pubDate>Mon, 20 Jan 2025 00:00:00 -0500</pubDate>
    <item>
      <title>Neural Architecture Search for Efficient Transformers</title>
      <link>https://arxiv.org/abs/2501.10001</link>
      <description>arXiv:2501.10001v1 Announce Type: new 
Abstract: We propose a search method.</description>
      <guid isPermaLink="false">oai:arXiv.org:2501.10001v1</guid>
      <category>cs.AI</category>
      <category>cs.LG</category>
      <pubDate>Mon, 20 Jan 2025 00:00:00 -0500</pubDate>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>Alice Smith, Bob Jones and Jos\\'e Garc\\'ia</dc:creator>
    </item>
    <item>
      <title>A Revised Study</title>
      <link>https://arxiv.org/abs/2411.00002</link>
      <description>arXiv:2411.00002v3 Announce Type: replace-cross 
Abstract: Revised abstract.</description>
      <guid isPermaLink="false">oai:arXiv.org:2411.00002v3</guid>
      <category>stat.ML</category>
      <category>cs.AI</category>
      <pubDate>Mon, 20 Jan 2025 00:00:00 -0500</pubDate>
      <arxiv:announce_type>replace-cross</arxiv:announce_type>
      <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>
      <dc:creator>Carol White</dc:creator>
    </item>
  </channel>
</rss>`;

test('the recorded Atom feed: 7 entries with their announce types', () => {
  const feed = parseArxivRss(atom());
  assert.equal(feed.category, 'cs.AI');
  assert.equal(feed.day, '2025-08-20');
  assert.deepEqual(feed.errors, []);
  assert.deepEqual(
    feed.entries.map((e) => [e.paper.id, e.announceType]),
    [
      ['2508.13426', 'cross'],
      ['2508.13428', 'cross'],
      ['2508.13429', 'cross'],
      ['2508.13434', 'cross'],
      ['2508.13435', 'cross'],
      ['2508.14001', 'new'],
      ['2508.14002', 'new'],
    ],
  );
  for (const { paper } of feed.entries) {
    assert.doesNotMatch(paper.abstract, /Announce Type|^arXiv:|^Abstract:/, paper.id);
    assert.deepEqual(paper.versions, [{ version: 1, submittedAt: null }], paper.id);
    assert.ok(!('submittedAt' in paper) && !('updatedAt' in paper), paper.id);
  }
});

test('an Atom entry, field by field', () => {
  const [first] = parseArxivRss(atom()).entries;
  assert.equal(first!.announceType, 'cross');
  const { abstract, ...rest } = first!.paper;
  assert.deepEqual(rest, {
    id: '2508.13426',
    title: 'ALIGN: Word Association Learning for Cross-Cultural Generalization in Large Language Models',
    authors: [{ name: 'Chunhua Liu' }, { name: 'Kabir Manandhar Shrestha' }, { name: 'Sukai Huang' }],
    versions: [{ version: 1, submittedAt: null }],
    // as listed: the first is not necessarily the primary
    categories: ['cs.CL', 'cs.AI'],
    license: 'http://creativecommons.org/licenses/by-nc-sa/4.0/',
  });
  assert.ok(abstract.startsWith('As large language models (LLMs) increasingly mediate cross-cultural communication, '));
  assert.ok(abstract.endsWith('in improving cultural alignment in AI models.'));
  assert.equal(abstract.length, 1493);
});

test('TeX in dc:creator, three categories, the preamble without a trailing space', () => {
  const entries = parseArxivRss(atom()).entries;
  assert.deepEqual(entries[2]!.paper.authors, [{ name: 'Paulo André Lima de Castro' }]);
  assert.deepEqual(entries[1]!.paper.categories, ['cs.CV', 'cs.AI', 'cs.MM']);
  assert.equal(entries[4]!.paper.abstract, 'Spectral graph embedding methods are widely used.');
  assert.equal(entries[1]!.paper.license, 'http://creativecommons.org/licenses/by/4.0/');
});

test('the RSS 2.0 flavour', () => {
  const feed = parseArxivRss(RSS2);
  assert.equal(feed.category, 'cs.AI');
  assert.equal(feed.day, '2025-01-20');
  assert.deepEqual(feed.errors, []);
  assert.deepEqual(feed.entries, [
    {
      announceType: 'new',
      paper: {
        id: '2501.10001',
        title: 'Neural Architecture Search for Efficient Transformers',
        abstract: 'We propose a search method.',
        authors: [{ name: 'Alice Smith' }, { name: 'Bob Jones' }, { name: 'José García' }],
        versions: [{ version: 1, submittedAt: null }],
        categories: ['cs.AI', 'cs.LG'],
        license: 'http://creativecommons.org/licenses/by/4.0/',
      },
    },
    {
      announceType: 'replace-cross',
      paper: {
        id: '2411.00002',
        title: 'A Revised Study',
        abstract: 'Revised abstract.',
        authors: [{ name: 'Carol White' }],
        versions: [{ version: 3, submittedAt: null }],
        categories: ['stat.ML', 'cs.AI'],
        license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
      },
    },
  ]);
});

test('the day is the US Eastern date, also when only the build time is known', () => {
  const empty = `<feed xmlns="http://www.w3.org/2005/Atom"><id>http://rss.arxiv.org/atom/cs.AI+cs.LG</id><title>cs.AI+cs.LG updates on arXiv.org</title><updated>2025-08-21T03:30:00+00:00</updated></feed>`;
  assert.deepEqual(parseArxivRss(empty), { category: 'cs.AI+cs.LG', day: '2025-08-20', entries: [], errors: [] });
});

test('a bad entry is a RecordError; a missing announce_type or version is read from the preamble', () => {
  const xml = atom()
    .replace('<id>oai:arXiv.org:2508.13428v1</id>', '<id>oai:arXiv.org:nonsense</id>')
    .replace('<title>AlphaX: An AI-Based Value Investing Strategy for the Brazilian Stock Market</title>', '<title> </title>')
    .replace('<arxiv:announce_type>new</arxiv:announce_type>', '')
    .replace('<id>oai:arXiv.org:2508.14002v1</id>', '<id>oai:arXiv.org:2508.14002</id>');
  const feed = parseArxivRss(xml);
  assert.deepEqual(feed.errors, [
    { record: 2, line: 22, reason: 'invalid arXiv id "oai:arXiv.org:nonsense"' },
    { record: 3, line: 37, id: '2508.13429', reason: 'missing title' },
  ]);
  assert.equal(feed.entries.length, 5);
  assert.deepEqual(
    feed.entries.map((e) => e.announceType),
    ['cross', 'cross', 'cross', 'new', 'new'],
  );
  // Without a version in the id, the preamble's is used.
  assert.deepEqual(feed.entries[4]!.paper.versions, [{ version: 1, submittedAt: null }]);
});

test('what is not an announcement feed', () => {
  const code = (xml: string): string => {
    try {
      parseArxivRss(xml);
      return 'no error';
    } catch (err) {
      assert.ok(err instanceof FormatError);
      return err.code;
    }
  };
  assert.equal(code(readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml')), 'not_arxiv_xml');
  assert.equal(code('<!doctype html><html><body>Not found</body></html>'), 'not_arxiv_xml');
  assert.equal(code('<rss version="2.0"></rss>'), 'not_arxiv_xml');
  assert.equal(code(atom().slice(0, 5000)), 'malformed_xml');
});
