import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArxivId, requireArxivId, canonicalArxivId } from '../../src/papers/arxiv-id.js';
import { UserError } from '../../src/errors.js';

test('new-style ids with and without versions', () => {
  assert.deepEqual(parseArxivId('2101.11408'), { id: '2101.11408', version: null });
  assert.deepEqual(parseArxivId('2101.11408v2'), { id: '2101.11408', version: 2 });
  assert.deepEqual(parseArxivId('0704.0001'), { id: '0704.0001', version: null });
  assert.deepEqual(parseArxivId('1412.9999v10'), { id: '1412.9999', version: 10 });
});

test('old-style ids, subject classes dropped', () => {
  assert.deepEqual(parseArxivId('hep-th/9901001'), { id: 'hep-th/9901001', version: null });
  assert.deepEqual(parseArxivId('quant-ph/0201082v1'), { id: 'quant-ph/0201082', version: 1 });
  assert.deepEqual(parseArxivId('math.GT/0309136'), { id: 'math/0309136', version: null });
  assert.deepEqual(parseArxivId('cond-mat.mes-hall/0101001v3'), { id: 'cond-mat/0101001', version: 3 });
});

test('URLs and prefixes people paste', () => {
  const cases: Array<[string, string]> = [
    ['https://arxiv.org/abs/2101.11408v2', '2101.11408'],
    ['http://arxiv.org/pdf/2101.11408v2.pdf', '2101.11408'],
    ['https://arxiv.org/pdf/2101.11408', '2101.11408'],
    ['https://export.arxiv.org/abs/hep-th/9901001', 'hep-th/9901001'],
    ['arxiv.org/html/2405.00001v1', '2405.00001'],
    ['arXiv:2101.11408', '2101.11408'],
    ['oai:arXiv.org:0801.3673', '0801.3673'],
    ['https://huggingface.co/papers/2509.04664', '2509.04664'],
    ['  https://www.arxiv.org/abs/2101.11408?context=cs  ', '2101.11408'],
  ];
  for (const [input, id] of cases) assert.equal(canonicalArxivId(input), id, input);
});

test('things that are not arXiv ids', () => {
  for (const bad of ['abc', '', '2113.00001', '1501.0001', '1412.00001', '0703.0001', 'hep-th/9913001', 'hep-th/0801001', '2101.11408v0', '9912.12345', '2101.11408 extra', 'https://example.com/abs/2101.11408']) {
    assert.equal(parseArxivId(bad), null, bad);
  }
});

test('requireArxivId shows what a valid id looks like', () => {
  assert.throws(() => requireArxivId('abc'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.code, 'invalid_arxiv_id');
    assert.match(err.message, /"abc" is not an arXiv id/);
    assert.match(err.message, /2101\.11408/);
    assert.match(err.message, /hep-th\/9901001/);
    return true;
  });
});
