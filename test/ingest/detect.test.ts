import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { detectFormat } from '../../src/ingest/detect.js';
import type { InputFormat } from '../../src/ingest/types.js';

const HEAD = 4096;

test('every fixture, whole and by its first 4 KB', () => {
  const cases: Array<[string, InputFormat]> = [
    ['arxiv/api/id_1605.08386_s0_m100.xml', 'arxiv-api'],
    ['arxiv/api/id_abc_s0_m100.xml', 'arxiv-api'],
    ['arxiv/api/id_0000.0000_s0_m100.xml', 'arxiv-api'],
    ['arxiv/api/q_testing_s0_m100.xml', 'arxiv-api'],
    ['arxiv/oai-pmh/ListRecords-arXivRaw-page.xml', 'oai'],
    ['arxiv/rss/cs.AI.atom.xml', 'rss'],
    ['arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl', 'snapshot'],
    ['hf/daily_papers-2026-06-01.json', 'hf'],
    ['hf/daily_papers-2026-10-03.json', 'hf'],
    ['hf/paper-item-2509.04664.json', 'hf'],
  ];
  for (const [file, format] of cases) {
    const text = readFixture(file);
    assert.equal(detectFormat(text), format, file);
    assert.equal(detectFormat(text.slice(0, HEAD)), format, `${file} (head)`);
  }
});

test('a BOM and leading whitespace are skipped', () => {
  assert.equal(detectFormat('\uFEFF\n  ' + readFixture('arxiv/oai-pmh/ListRecords-arXivRaw-page.xml').slice(0, HEAD)), 'oai');
  assert.equal(detectFormat('\uFEFF' + readFixture('arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl').slice(0, HEAD)), 'snapshot');
});

test('a head cut inside the first JSON line', () => {
  const snapshot = readFixture('arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl');
  assert.equal(detectFormat(snapshot.slice(0, 300)), 'snapshot');
  assert.equal(detectFormat('{"paper":{"id":"2509.04664","authors":[{"name":"Adam'), 'hf');
  assert.equal(detectFormat('{"paper": {"id": "2509.04664"}, "publishedAt": "2025-09-08T00:00:00.000Z"}'), 'hf');
});

test('RSS 2.0 from rss.arxiv.org', () => {
  assert.equal(
    detectFormat('<?xml version="1.0"?>\n<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><link>http://rss.arxiv.org/rss/cs.AI</link>'),
    'rss',
  );
});

test('inputs that are none of them', () => {
  const none = [
    '',
    'id,title\n0704.0001,Calculation',
    '<!DOCTYPE html><html><body>arXiv is down</body></html>',
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/blog</id></feed>',
    '<?xml version="1.0"?><rss version="2.0"><channel><link>https://example.org/</link></channel></rss>',
    '{"name": "x", "version": "1.0.0"}',
    '[{"id": "0704.0001"}]',
    '[]',
  ];
  for (const input of none) assert.equal(detectFormat(input), null, input);
});
