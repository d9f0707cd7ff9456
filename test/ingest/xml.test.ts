import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { ATOM, OPENSEARCH, attr, child, childText, children, cleanChildText, parseArxivXml, parseXml, textOf } from '../../src/ingest/xml.js';
import { FormatError } from '../../src/ingest/types.js';

/** Asserts that `fn` throws a FormatError with this code and returns its message. */
function formatError(fn: () => unknown, code: string): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FormatError, `expected FormatError, got ${String(err)}`);
    assert.equal(err.code, code);
    message = err.message;
    return true;
  });
  return message;
}

test('elements are matched by namespace URI, whatever the prefix', () => {
  const defaultNs = parseXml(`<feed xmlns="${ATOM}" xmlns:os="${OPENSEARCH}"><os:totalResults>7</os:totalResults><title>A</title></feed>`);
  const prefixed = parseXml(`<a:feed xmlns:a="${ATOM}" xmlns:x="${OPENSEARCH}"><x:totalResults>7</x:totalResults><a:title>A</a:title></a:feed>`);
  for (const root of [defaultNs, prefixed]) {
    assert.equal(root.ns, ATOM);
    assert.equal(root.local, 'feed');
    assert.equal(childText(root, OPENSEARCH, 'totalResults'), '7');
    assert.equal(childText(root, ATOM, 'title'), 'A');
  }
  // Same local name, other namespace: not a match.
  const other = parseXml(`<feed xmlns="${ATOM}"><title xmlns="urn:other">B</title></feed>`);
  assert.equal(child(other, ATOM, 'title'), undefined);
  assert.equal(childText(other, 'urn:other', 'title'), 'B');
});

test('text, entities, CDATA, attributes and line numbers', () => {
  const root = parseXml(
    '<?xml version="1.0"?>\n<r xmlns:x="urn:x">\n  <v version="v2" x:note="n">Gould &amp; Morgan &lt;3 <![CDATA[<raw>]]></v>\n  <v version="v1"/>\n  <empty>  </empty>\n</r>',
  );
  const vs = children(root, '', 'v');
  assert.equal(vs.length, 2);
  assert.equal(textOf(vs[0]!), 'Gould & Morgan <3 <raw>');
  assert.equal(attr(vs[0]!, 'version'), 'v2');
  assert.equal(attr(vs[0]!, '{urn:x}note'), 'n');
  assert.equal(attr(vs[0]!, 'missing'), null);
  assert.deepEqual(root.attrs, {}, 'namespace declarations are not attributes');
  assert.deepEqual(
    vs.map((v) => v.line),
    [3, 4],
  );
  assert.equal(cleanChildText(root, '', 'empty'), null);
  assert.equal(cleanChildText(root, '', 'absent'), null);
  assert.equal(childText(root, '', 'absent'), null);
});

test('a truncated document is malformed_xml with the line where it ends', () => {
  const xml = readFixture('arxiv/api/id_1605.08386_s0_m100.xml');
  const half = xml.slice(0, Math.floor(xml.length / 2));
  const message = formatError(() => parseXml(half), 'malformed_xml');
  const line = Number(/at line (\d+), column \d+/.exec(message)?.[1]);
  assert.equal(line, half.split('\n').length);
  assert.match(message, /unclosed tag: |unexpected end/);
});

test('mismatched tags are malformed_xml with saxes reason and position', () => {
  const message = formatError(() => parseXml('<a>\n<b></a>'), 'malformed_xml');
  assert.match(message, /^Malformed XML at line 2, column \d+: unexpected close tag/);
});

test('parseArxivXml: HTML, JSON and empty input are not_arxiv_xml', () => {
  assert.match(formatError(() => parseArxivXml('<!DOCTYPE html>\n<html><body><p>Rate limited<br></body></html>', 'a feed'), 'not_arxiv_xml'), /HTML page/);
  assert.match(formatError(() => parseArxivXml('\uFEFF  <html lang="en"><head>', 'a feed'), 'not_arxiv_xml'), /HTML page/);
  assert.match(formatError(() => parseArxivXml('{"id": "0704.0001"}', 'a feed'), 'not_arxiv_xml'), /not XML/);
  assert.match(formatError(() => parseArxivXml('  \n', 'a feed'), 'not_arxiv_xml'), /empty document/);
  assert.equal(parseArxivXml('\uFEFF\n<feed/>', 'a feed').local, 'feed');
});
