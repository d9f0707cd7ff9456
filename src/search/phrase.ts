/**
 * Phrase checks on a paper's text: the index keeps no positions, so a phrase query's candidates
 * are checked on their title and abstract (a phrase never spans the two).
 *
 * A phrase is a run of folded tokens (lexical/analyzer.ts tokenize). On ASCII text the tokens
 * are the maximal runs of [a-z0-9] after lowercasing, so a run of tokens is exactly a regex
 * match: the tokens separated by other characters, not inside longer runs. That test costs a
 * regex scan of the text instead of tokenizing it (~30 µs an abstract, ~30 ms of a 1,000-paper
 * phrase check at 2.7 million papers). Text with other characters (folding may decompose them)
 * and phrases with tokens of other characters or of the maximum token length (a longer word is
 * cut to one) are tokenized, as before.
 */
import { MAX_TOKEN_LENGTH, NON_ASCII, tokenize } from './lexical/analyzer.js';

const ASCII_TOKEN = /^[a-z0-9]+$/;

/** A paper's title and abstract, tokenized only if a phrase needs it. */
export class PhraseText {
  private tokenList: string[] | null = null;
  private asciiText: boolean | null = null;

  constructor(
    readonly title: string,
    readonly abstract: string,
  ) {}

  get ascii(): boolean {
    return (this.asciiText ??= !NON_ASCII.test(this.title) && !NON_ASCII.test(this.abstract));
  }

  /** the title's tokens, a separator no token equals, the abstract's tokens */
  tokens(): string[] {
    return (this.tokenList ??= [...tokenize(this.title), '\u0000', ...tokenize(this.abstract)]);
  }
}

export class Phrase {
  private readonly pattern: RegExp | null;

  /** `run`: the phrase's tokens (tokenize of its words), at least one */
  constructor(readonly run: string[]) {
    const plain = run.every((t) => t.length < MAX_TOKEN_LENGTH && ASCII_TOKEN.test(t));
    this.pattern = plain ? new RegExp(`(?<![a-z0-9])${run.join('[^a-z0-9]+')}(?![a-z0-9])`, 'i') : null;
  }

  /** The phrase of a query's words, or null when they hold no token. */
  static of(words: string[]): Phrase | null {
    const run = tokenize(words.join(' '));
    return run.length > 0 ? new Phrase(run) : null;
  }

  in(text: PhraseText): boolean {
    if (this.pattern && text.ascii) return this.pattern.test(text.title) || this.pattern.test(text.abstract);
    return containsRun(text.tokens(), this.run);
  }
}

/** Whether `run` occurs as consecutive tokens in `tokens`. */
function containsRun(tokens: string[], run: string[]): boolean {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}
