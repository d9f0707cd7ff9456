import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanAbstract, cleanText, paragraphs } from '../../src/papers/model.js';
import { mulberry32 } from '../../src/random.js';

/** `count` random strings of up to `max - 1` characters drawn from `alphabet`, seeded. */
function* randomTexts(alphabet: string[], seed: number, max: number, count = 20_000): Generator<string> {
  const rand = mulberry32(seed);
  for (let n = 0; n < count; n++) {
    const len = Math.floor(rand() * max);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    yield s;
  }
}

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
  for (const s of randomTexts(alphabet, 20261128, 14)) assert.equal(cleanText(s), reference(s), JSON.stringify(s));
});

test('cleanAbstract keeps arXiv\'s paragraph breaks (an indented line, a blank line) and unwraps the rest', () => {
  assert.equal(cleanAbstract('  First line\nwrapped.\n  Second\nparagraph.\n'), 'First line wrapped.\nSecond paragraph.');
  assert.equal(cleanAbstract('One.\n\nTwo.\n\n\nThree.'), 'One.\nTwo.\nThree.');
  assert.equal(cleanAbstract('CRLF\r\n  indented\r\nwrapped'), 'CRLF\nindented wrapped');
  assert.equal(cleanAbstract('tab\n\tindented'), 'tab\nindented');
  assert.equal(cleanAbstract('no  breaks\nat all\r\nhere'), 'no breaks at all here');
  assert.equal(cleanAbstract('\n  \n\t\n'), '');
  assert.deepEqual(paragraphs(cleanAbstract('a\n  b\n\nc')), ['a', 'b', 'c']);
});

test('cleanAbstract equals splitting at every break and cleaning each paragraph, on random text', () => {
  const plain = (s: string) =>
    s
      .split(/\n(?=[ \t\r\n])/)
      .map(reference)
      .filter((p) => p !== '')
      .join('\n');
  const alphabet = ['a', 'Z', ' ', ' ', '\n', '\n', '\n', '\t', '\r', '\0', '\u00a0', '\u2028', 'é'];
  for (const s of randomTexts(alphabet, 7, 16)) assert.equal(cleanAbstract(s), plain(s), JSON.stringify(s));
});
