import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanText } from '../../src/papers/model.js';
import { mulberry32 } from '../../src/random.js';

/** What cleanText means, written the plain way: NUL dropped, whitespace runs one space, trimmed. */
function reference(s: string): string {
  return s.replaceAll('\0', '').replace(/\s+/g, ' ').trim();
}

test('cleanText collapses what arXiv wraps and keeps everything else', () => {
  assert.equal(cleanText('  Gusal cool separated\nwarnings information\n'), 'Gusal cool separated warnings information');
  assert.equal(cleanText('Title  with\t\ttabs\r\nand CRLF'), 'Title with tabs and CRLF');
  assert.equal(cleanText('no change at all'), 'no change at all');
  assert.equal(cleanText('a\u00a0b\u3000c \u2028d'), 'a b c d');
  assert.equal(cleanText('Ünïcödé\nstays, 量子\ntoo'), 'Ünïcödé stays, 量子 too');
  assert.equal(cleanText('a \0 b\0c'), 'a bc');
  assert.equal(cleanText('keeps\u0001controls'), 'keeps\u0001controls');
  assert.equal(cleanText(' \n\t '), '');
  assert.equal(cleanText(''), '');
});

test('cleanText equals the plain definition on random text built from every kind of space', () => {
  const alphabet = ['a', 'Z', '7', ' ', ' ', '\n', '\n', '\t', '\r', '\v', '\f', '\0', '\u0001', '\u0085', 'é', '量', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\ud83d\ude00'];
  const rand = mulberry32(20261128);
  for (let n = 0; n < 20_000; n++) {
    const len = Math.floor(rand() * 14);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    assert.equal(cleanText(s), reference(s), JSON.stringify(s));
  }
});
