/**
 * BibTeX as arXiv's "Export BibTeX citation" writes it (arxiv-browse browse/formatting/cite.py):
 * @misc with title, author, year (of the latest version), eprint, archivePrefix, primaryClass,
 * doi when there is one, and url; the key is the first author's surname, the year and the
 * first four title words that are not stopwords, letters and digits only, lower-cased.
 */
import type { Paper } from '../papers/repository.js';
import { absUrl } from './format.js';

/** A display name split the way arXiv splits author names: surname (with van/de… prefixes), given names, suffix. */
export interface NameParts {
  first: string;
  last: string;
  suffix: string;
}

const PREFIX = 'van|der|de|la|von|del|della|da|mac|ter|dem|di|vaziri';
const NAME_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => NameParts]> = [
  [new RegExp(`^(.*)\\s+((?:${PREFIX})\\s(?:${PREFIX})\\s\\S+)$`, 'i'), (m) => ({ first: m[1]!, last: m[2]!, suffix: '' })],
  [new RegExp(`^(.*)\\s+((?:${PREFIX})\\s\\S+)$`, 'i'), (m) => ({ first: m[1]!, last: m[2]!, suffix: '' })],
  [/^(.*)\s+(\S+)\s(I|II|III|IV|V|Sr|Jr|Sr\.|Jr\.)$/i, (m) => ({ first: m[1]!, last: m[2]!, suffix: m[3]! })],
  [/^(.*)\s+(\S+)$/, (m) => ({ first: m[1]!, last: m[2]!, suffix: '' })],
];

/** Splits "Andre de Gouvea" into { first: "Andre", last: "de Gouvea" }; collaborations and single names are all surname. */
export function splitName(name: string): NameParts {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (/\b(?:collaboration|consortium|group|team)\b/i.test(clean)) return { first: '', last: clean, suffix: '' };
  for (const [re, parts] of NAME_PATTERNS) {
    const m = re.exec(clean);
    if (m) return parts(m);
  }
  return { first: '', last: clean, suffix: '' };
}

/** The year arXiv puts in its BibTeX: that of the latest version, else of the latest date known. */
function bibtexYear(p: Paper): string | null {
  const latest = [...p.versions].sort((a, b) => b.version - a.version)[0];
  const at = latest?.submittedAt ?? p.updatedAt ?? p.submittedAt;
  return at ? at.slice(0, 4) : null;
}

/** arXiv's citation key: surname + year + up to four title words that are not stopwords, e.g. vaswani2023attentionneed. */
export function bibtexKey(p: Paper): string {
  const surname = p.authors[0] ? splitName(p.authors[0].name).last : 'unknown';
  const words = p.title
    .split(' ')
    .filter((w) => !STOPWORDS.has(w.toLowerCase()))
    .slice(0, 4)
    .join('');
  return `${surname}${bibtexYear(p) ?? 'unknown'}${words}`.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
}

/** The BibTeX entry for a paper, arXiv's layout and field order. */
export function paperBibtex(p: Paper): string {
  const fields: Array<[string, string | null]> = [
    ['title', value(p.title)],
    ['author', p.authors.map((a) => authorValue(a.name)).join(' and ')],
    ['year', bibtexYear(p)],
    ['eprint', p.id],
    ['archivePrefix', 'arXiv'],
    ['primaryClass', p.primaryCategory],
    ['doi', p.doi ? value(p.doi) : null],
    ['url', absUrl(p.id)],
  ];
  const body = fields
    .filter((f): f is [string, string] => f[1] !== null && f[1] !== '')
    .map(([k, v]) => `      ${k}={${v}},\n`)
    .join('');
  return `@misc{${bibtexKey(p)},\n${body}}\n`;
}

/** A name for the author list: braced when it would confuse BibTeX's name parser (a comma, or the word "and"). */
function authorValue(name: string): string {
  const v = value(name.trim().replace(/\s+/g, ' '));
  return /,|\sand\s/i.test(v) ? `{${v}}` : v;
}

/**
 * A field value for inside braces: whitespace collapsed; balanced braces kept (they are TeX
 * grouping, as in $\Lambda_{\alpha}$); a stray brace, which would end the field, is written as a
 * TeX command instead.
 */
function value(text: string): string {
  const s = text.trim().replace(/\s+/g, ' ');
  const stray = new Set<number>();
  const open: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') open.push(i);
    else if (s[i] === '}' && open.pop() === undefined) stray.add(i);
  }
  for (const i of open) stray.add(i);
  if (stray.size === 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) out += stray.has(i) ? (s[i] === '{' ? '\\textbraceleft{}' : '\\textbraceright{}') : s[i];
  return out;
}

/** arXiv's stopword list for citation keys (cite.py). */
const STOPWORDS = new Set(
  (
    'a about above across after afterwards again against all almost alone along already also although always am among ' +
    'amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became ' +
    'because become becomes becoming been before beforehand behind being below beside besides between beyond bill both ' +
    'bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight ' +
    'either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fify ' +
    'fill find fire first five for former formerly forty found four from front full further get give go had has hasnt ' +
    'have he hence her here hereafter hereby herein hereupon hers herself him himself his how however hundred ie if in ' +
    'inc indeed interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile might ' +
    'mill mine more moreover most mostly move much must my myself name namely neither never nevertheless next nine no ' +
    'nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours ' +
    'ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious several she ' +
    'should show side since sincere six sixty so some somehow someone something sometime sometimes somewhere still such ' +
    'system take ten than that the their them themselves then thence there thereafter thereby therefore therein thereupon ' +
    'these they thickv thin third this those though three through throughout thru thus to together too top toward towards ' +
    'twelve twenty two un under until up upon us very via was we well were what whatever when whence whenever where ' +
    'whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why ' +
    'will with within without would yet you your yours yourself yourselves'
  ).split(' '),
);
