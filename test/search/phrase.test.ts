/**
 * Phrase checks (src/search/phrase.ts): the regex test on ASCII text answers exactly as the
 * token run does, on seeded random texts built to hit its edges (case, digits, punctuation,
 * line breaks, tokens cut at the maximum length, non-ASCII text and phrases, title/abstract
 * boundaries), and on papers' own sentences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phrase, PhraseText } from '../../src/search/phrase.js';
import { MAX_TOKEN_LENGTH, tokenize } from '../../src/search/lexical/analyzer.js';
import { mulberry32 as prng } from '../../src/random.js';

/** The definition: the phrase's tokens occur consecutively in the title's or the abstract's tokens. */
function reference(words: string, title: string, abstract: string): boolean {
  const run = tokenize(words);
  const tokens = [...tokenize(title), '\u0000', ...tokenize(abstract)];
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}

const WORDS = ['language', 'Language', 'LANGUAGE', 'models', 'model', 'large', 'of', 'the', 'x2', '3d', 'gpt4', 'a', 'K'];
const NON_ASCII_WORDS = ['é', 'Über', 'ﬁne', 'naïve', 'K', 'ſ'];
const SEPARATORS = [' ', ' ', ' ', '  ', '\n', '-', ', ', '(', ') ', '/', '$', '\t', '_', "'", '\u0000'];

test('the regex path answers as the token run on 20,000 random texts and phrases', () => {
  const rand = prng(0x9e37);
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)] as T;
  const long = 'w'.repeat(MAX_TOKEN_LENGTH);
  const sentence = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = rand();
      const word = r < 0.04 ? long + (rand() < 0.5 ? 'tail' : '') : r < 0.08 ? String(Math.floor(rand() * 100)) : r < 0.1 ? pick(NON_ASCII_WORDS) : pick(WORDS);
      s += word + pick(SEPARATORS);
    }
    return s;
  };
  let matched = 0;
  let fast = 0;
  for (let i = 0; i < 20_000; i++) {
    const title = sentence(1 + Math.floor(rand() * 6));
    const abstract = sentence(Math.floor(rand() * 30));
    // phrases from the text's own words (often present) or random ones
    const words = rand() < 0.6 ? tokenize(`${title} ${abstract}`).slice(0, 3 + Math.floor(rand() * 3)).slice(-1 - Math.floor(rand() * 3)).join(' ') : sentence(1 + Math.floor(rand() * 3));
    const phrase = Phrase.of([words]);
    const expected = tokenize(words).length > 0 && reference(words, title, abstract);
    const text = new PhraseText(title, abstract);
    assert.equal(phrase !== null && phrase.in(text), expected, JSON.stringify({ words, title, abstract }));
    if (expected) matched++;
    if (phrase && text.ascii && phrase.run.every((t) => /^[a-z0-9]+$/.test(t) && t.length < MAX_TOKEN_LENGTH)) fast++;
  }
  assert.ok(matched > 4000, `enough matches to mean something (${matched})`);
  assert.ok(fast > 8000, `the regex path was exercised (${fast})`);
});

test('papers: phrases across line breaks and punctuation, not inside words, never across title and abstract', () => {
  const text = new PhraseText('Large Language\nModels are few-shot learners', 'We train GPT-3, an autoregressive language model.\nLarge-language-models scale.');
  const has = (q: string) => Phrase.of([q])!.in(text);
  assert.equal(has('large language models'), true);
  assert.equal(has('few shot'), true);
  assert.equal(has('gpt 3'), true);
  assert.equal(has('language model'), true);
  assert.equal(has('anguage model'), false);
  assert.equal(has('language mode'), false);
  assert.equal(has('learners we'), false, 'not across the title and the abstract');
  assert.equal(Phrase.of(['—', '!!']), null, 'no tokens: no phrase');
  const accented = new PhraseText('Über naïve models', 'x');
  assert.equal(Phrase.of(['uber naive'])!.in(accented), true, 'folded like the index');
});
