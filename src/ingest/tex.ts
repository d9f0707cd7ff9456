/**
 * TeX accents and letter macros, as arXiv authors type them in names, titles and abstracts, to
 * Unicode.
 * Math ($…$, $$…$$) is left as written: it is rendered later, not decoded.
 */

/** Accents written with a symbol (\'e, \"{o}, \^ o): the base letter may follow directly. */
const SYMBOL_ACCENTS: Record<string, string> = {
  "'": '\u0301',
  '"': '\u0308',
  '`': '\u0300',
  '^': '\u0302',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
};

/** Accents written with a letter (\c{c}, \v s): the base letter is braced or after a space. */
const LETTER_ACCENTS: Record<string, string> = {
  c: '\u0327',
  v: '\u030C',
  u: '\u0306',
  H: '\u030B',
  k: '\u0328',
  r: '\u030A',
  d: '\u0323',
  b: '\u0331',
};

/** Letters that are macros of their own ({\ss}, \o, {\AA}). */
const LETTER_MACROS: Record<string, string> = {
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

/** The letter an accent applies to: "e", "{e}", "{\i}", "\i". */
const BASE = String.raw`(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij])(?![A-Za-z])|([A-Za-z]))`;

/**
 * One accent or letter macro. Groups: 1 symbol accent with 2-4 its base; 5 letter accent with
 * 6-7 its base; 8 letter macro.
 */
const BODY =
  String.raw`\\(?:([\'"\x60^~=.])\s*${BASE}` +
  String.raw`|([${Object.keys(LETTER_ACCENTS).join('')}])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))` +
  String.raw`|(${Object.keys(LETTER_MACROS).join('|')})(?![A-Za-z])(?:\{\}|\s)?)`;

/** A macro wrapped in its own group ({\"u}, {\ss}: groups 1-8) or bare (\"u: groups 9-16). */
const MACRO = new RegExp(String.raw`\{${BODY}\}|${BODY}`, 'g');
const GROUPS = 8;

/** Math spans ($…$ or $$…$$), skipping escaped dollars. */
const MATH = /(?<!\\)\$\$[\s\S]*?(?<!\\)\$\$|(?<!\\)\$[\s\S]*?(?<!\\)\$/g;

/** Decodes TeX accents and letter macros outside math to Unicode, NFC-normalized: "Bal\'azs" → "Balázs". */
export function decodeTex(s: string): string {
  if (!s.includes('\\')) return nfc(s);
  let out = '';
  let last = 0;
  MATH.lastIndex = 0;
  for (let m = MATH.exec(s); m; m = MATH.exec(s)) {
    out += decodeText(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  out += decodeText(s.slice(last));
  return nfc(out);
}

/**
 * NFC of a text; ASCII is its own NFC. An abstract's normalize('NFC') cost ~0.9 µs, its UTF-8
 * length (equal to its length only when it is ASCII) ~0.1 µs: the bulk import's hot path.
 */
function nfc(s: string): string {
  return Buffer.byteLength(s, 'utf8') === s.length ? s : s.normalize('NFC');
}

function decodeText(text: string): string {
  return text.includes('\\') ? text.replace(MACRO, replaceMacro) : text;
}

function replaceMacro(match: string, ...args: Array<string | undefined>): string {
  const g = match.startsWith('{') ? 0 : GROUPS;
  const symbol = args[g];
  if (symbol !== undefined) return baseLetter(args[g + 1] ?? args[g + 2] ?? args[g + 3]!) + SYMBOL_ACCENTS[symbol];
  const letter = args[g + 4];
  if (letter !== undefined) return baseLetter(args[g + 5] ?? args[g + 6]!) + LETTER_ACCENTS[letter];
  return LETTER_MACROS[args[g + 7]!]!;
}

/** The letter an accent sits on; an accent on a dotless i or j is on i or j. */
function baseLetter(base: string): string {
  return base === '\\i' ? 'i' : base === '\\j' ? 'j' : base;
}
