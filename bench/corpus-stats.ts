/**
 * Distributions of real arXiv metadata, derived from the fixtures the project already carries,
 * for the synthetic snapshot generator (bench/generate.ts).
 *
 * Sources (read at run time, nothing is precomputed):
 *   - test/fixtures/arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl  200 records, 2007-04
 *   - test/fixtures/arxiv/oai-pmh/ListRecords-arXivRaw-page.xml               1,000 records, 2008-01
 *   - test/fixtures/arxiv/api/q_testing_s0_m100.xml                            100 papers, mostly 2016-2026
 *   - test/fixtures/hf/daily_papers-*.json                                     166 ML papers, 2026
 *
 * The first two form the "early" era (2007-2008), the last two the "recent" one (~2019-2026); the
 * generator blends the two by submission date. Where the fixtures carry nothing (categories of
 * recent papers across all of arXiv, licenses of recent papers, huge collaborations), the
 * generator uses the documented assumptions in ASSUMPTIONS below, not the fixtures.
 *
 * CLI: `node dist/bench/corpus-stats.js` prints a summary table of everything derived.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Types

export interface EraStats {
  /** papers the era's numbers come from */
  papers: number;
  /** empirical samples (one per paper), sorted ascending */
  titleWords: number[];
  abstractWords: number[];
  authorsPerPaper: number[];
  versionsPerPaper: number[];
  categoriesPerPaper: number[];
  /** whole real category lists ("math.CO cs.DM"), primary first; early era only has many */
  categorySets: string[];
  /** share of papers that carry the field (among sources that report it) */
  share: { comments: number; journalRef: number; doi: number; reportNo: number };
  /** share of titles in Title Case, with a colon, with inline math */
  titleCase: number;
  titleColon: number;
  titleMath: number;
  /** share of abstracts with inline math, and mean snippets among those */
  abstractMath: number;
  mathPerAbstract: number;
  /** share of authors written with initials only ("E. L. Berger") */
  initials: number;
  /** real field values to re-use with fresh numbers */
  comments: string[];
  journalRefs: string[];
  dois: string[];
  reportNos: string[];
}

export interface CorpusStats {
  sources: { name: string; records: number }[];
  early: EraStats;
  recent: EraStats;
  /** real words ranked by frequency (most frequent first), and their era-weighted counts */
  words: string[];
  wordCounts: number[];
  /** whitespace tokens per sentence in abstracts, sorted */
  sentenceWords: number[];
  /** per whitespace token of abstracts: share followed by a comma, share numeric, share "(ABC)" */
  commaRate: number;
  numberRate: number;
  acronymRate: number;
  /** inline math snippets ("$\\alpha$") from titles and abstracts, ASCII only, deduplicated */
  math: string[];
  /** name parts (Unicode), deduplicated, in order of first appearance */
  firstNames: string[];
  lastNames: string[];
  suffixes: string[];
  affiliations: string[];
  /** among authors written with a full given name: share with a middle initial */
  middleInitial: number;
  /** among authors: share with a suffix (Jr, II) */
  suffix: number;
  /** among author lists of 2+: share joined with " and " before the last ("A, B and C") */
  andLast: number;
  /** among those: share with an Oxford comma ("A, B, and C") */
  oxfordComma: number;
  /** share of papers whose author list carries affiliations in parentheses */
  affiliated: number;
  /** share of papers whose submitter is one of the authors (same last name) */
  submitterIsAuthor: number;
  /** days between consecutive versions, sorted */
  versionGapDays: number[];
  /** v1 submissions per UTC weekday (0 = Sunday) and per UTC hour */
  weekday: number[];
  hour: number[];
  /** license counts of the early era (null → "null") */
  licenses: Record<string, number>;
  /** share of papers without a license: [year, share] points from the early sources */
  licenseNull: [number, number][];
  /** weight of one paper of each era in the word counts (era share of the volume / papers) */
  eraWeight: { early: number; recent: number };
  /** monthly volume fit from new-style ids of the API sample: ln(n) = a + b·(year + (month-0.5)/12) */
  growth: { a: number; b: number; samples: number };
}

// ---------------------------------------------------------------------------------------------
// Assumptions: things the fixtures cannot tell, from arXiv's public statistics (approximate).

export const ASSUMPTIONS = {
  /** primary archive shares of new submissions, 2023-2025 (arxiv.org/about/reports, rounded) */
  recentArchives: {
    cs: 40, math: 13, 'cond-mat': 7, 'astro-ph': 6.5, physics: 6, eess: 5, 'quant-ph': 4.5, stat: 2.5,
    'hep-ph': 2.5, 'hep-th': 1.8, 'gr-qc': 1.5, 'q-bio': 1.2, econ: 0.8, 'hep-ex': 0.6, 'math-ph': 0.6,
    'nucl-th': 0.6, 'q-fin': 0.6, nlin: 0.5, 'hep-lat': 0.4, 'nucl-ex': 0.3,
  } as Record<string, number>,
  /** primary category shares within cs, 2023-2025 */
  recentCs: {
    'cs.LG': 22, 'cs.CV': 20, 'cs.CL': 14, 'cs.AI': 7, 'cs.RO': 5.5, 'cs.CR': 4.5, 'cs.SE': 3, 'cs.IR': 2.5,
    'cs.HC': 2.5, 'cs.DC': 1.8, 'cs.NI': 1.5, 'cs.IT': 1.5, 'cs.DS': 1.3, 'cs.CY': 1.2, 'cs.SD': 1,
    'cs.GT': 0.9, 'cs.LO': 0.9, 'cs.NE': 0.8, 'cs.DB': 0.8, 'cs.SI': 0.8, 'cs.GR': 0.8, 'cs.MA': 0.6,
    'cs.PL': 0.6, 'cs.CE': 0.4, 'cs.NA': 0.4, 'cs.CC': 0.4, 'cs.CG': 0.4, 'cs.DM': 0.4, 'cs.AR': 0.4,
    'cs.FL': 0.3, 'cs.ET': 0.3, 'cs.MM': 0.3, 'cs.DL': 0.3, 'cs.PF': 0.2, 'cs.SC': 0.1, 'cs.OS': 0.1,
    'cs.MS': 0.1, 'cs.OH': 0.1, 'cs.GL': 0.05,
  } as Record<string, number>,
  /** cross-lists of cs papers */
  csCrossLists: {
    'cs.LG': 30, 'cs.AI': 25, 'cs.CV': 12, 'cs.CL': 10, 'stat.ML': 8, 'math.OC': 3, 'cs.RO': 3, 'eess.IV': 3,
    'eess.SP': 3, 'cs.IR': 3, 'cs.HC': 3, 'cs.CR': 2, 'cs.SE': 2, 'cs.NE': 2, 'cs.MA': 1, 'cs.SD': 1,
    'eess.AS': 1, 'cs.CY': 1,
  } as Record<string, number>,
  /** subcategories of archives the early fixtures do not cover (or that were split later);
   * repeated entries are proportionally more frequent */
  subcategories: {
    'astro-ph': ['astro-ph.GA', 'astro-ph.GA', 'astro-ph.GA', 'astro-ph.CO', 'astro-ph.CO', 'astro-ph.CO', 'astro-ph.HE',
      'astro-ph.HE', 'astro-ph.HE', 'astro-ph.SR', 'astro-ph.SR', 'astro-ph.EP', 'astro-ph.IM'],
    eess: ['eess.SP', 'eess.SP', 'eess.SY', 'eess.IV', 'eess.IV', 'eess.AS'],
    econ: ['econ.EM', 'econ.EM', 'econ.GN', 'econ.TH'],
    stat: ['stat.ME', 'stat.ME', 'stat.ML', 'stat.ML', 'stat.AP', 'stat.CO', 'stat.OT'],
    'q-fin': ['q-fin.ST', 'q-fin.MF', 'q-fin.CP', 'q-fin.PM', 'q-fin.RM', 'q-fin.TR', 'q-fin.GN', 'q-fin.PR', 'q-fin.EC'],
    nlin: ['nlin.CD', 'nlin.PS', 'nlin.SI', 'nlin.AO', 'nlin.CG'],
    'q-bio': ['q-bio.NC', 'q-bio.QM', 'q-bio.PE', 'q-bio.BM', 'q-bio.MN', 'q-bio.GN', 'q-bio.CB', 'q-bio.TO'],
    physics: ['physics.optics', 'physics.flu-dyn', 'physics.app-ph', 'physics.chem-ph', 'physics.comp-ph',
      'physics.ins-det', 'physics.soc-ph', 'physics.bio-ph', 'physics.atom-ph', 'physics.plasm-ph',
      'physics.med-ph', 'physics.data-an', 'physics.class-ph', 'physics.ao-ph', 'physics.geo-ph',
      'physics.acc-ph', 'physics.space-ph', 'physics.ed-ph', 'physics.hist-ph', 'physics.gen-ph'],
    'cond-mat': ['cond-mat.mtrl-sci', 'cond-mat.str-el', 'cond-mat.mes-hall', 'cond-mat.stat-mech',
      'cond-mat.soft', 'cond-mat.supr-con', 'cond-mat.quant-gas', 'cond-mat.dis-nn', 'cond-mat.other'],
  } as Record<string, string[]>,
  /** the year an archive or subcategory scheme started */
  since: { eess: 2017, econ: 2017, 'astro-ph.': 2009 } as Record<string, number>,
  /** licenses of papers with one, recent years */
  recentLicenses: {
    'http://arxiv.org/licenses/nonexclusive-distrib/1.0/': 68,
    'http://creativecommons.org/licenses/by/4.0/': 22,
    'http://creativecommons.org/licenses/by-nc-sa/4.0/': 3,
    'http://creativecommons.org/licenses/by-nc-nd/4.0/': 3,
    'http://creativecommons.org/licenses/by-sa/4.0/': 2,
    'http://creativecommons.org/publicdomain/zero/1.0/': 2,
  } as Record<string, number>,
  /** collaboration papers listing every author (ATLAS, CMS, LIGO …): the fixtures only show "et al" */
  collaborationShare: 0.003,
  collaborationAuthors: [100, 3000] as [number, number],
  /** the generator's cap on versions (the brief: 1-5) and categories (1-4) */
  maxVersions: 5,
  maxCategories: 4,
};

/**
 * How much of the papers submitted at `time` (year + fraction) look like the recent sample rather
 * than the early one: 0 up to 2008 (the early fixtures), 1 from 2023 (the recent ones), linear
 * in between.
 */
/** archives whose recent papers read like the recent (computer science) sample */
export const CS_LIKE_ARCHIVE = /^(cs|stat|eess|econ|q-bio|q-fin)\b/;

export function recentShare(time: number): number {
  return Math.min(1, Math.max(0, (time - 2008) / (2023 - 2008)));
}

// ---------------------------------------------------------------------------------------------
// Reading the fixtures

interface RealAuthor { first: string; last: string; suffix: string; aff: string }

interface RealPaper {
  source: 'snapshot' | 'oai' | 'api' | 'hf';
  /** year + (month - 0.5) / 12 of the id (new style) */
  time: number | null;
  idNumber: number | null;
  title: string;
  abstract: string;
  authorCount: number;
  authors: RealAuthor[];
  authorsRaw: string | null;
  submitter: string | null;
  categories: string[] | null;
  comments: string | null | undefined;
  journalRef: string | null | undefined;
  doi: string | null | undefined;
  reportNo: string | null | undefined;
  license: string | null | undefined;
  /** version dates, ascending; null when the source does not list them */
  versions: Date[] | null;
  versionCount: number | null;
}

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const HF_FILES = ['daily_papers-2026-06-01.json', 'daily_papers-2026-06-02.json', 'daily_papers-2026-10-03.json'];

function idTime(id: string): { time: number; num: number } | null {
  const m = /^(\d{2})(\d{2})\.(\d{4,5})/.exec(id);
  if (!m) return null;
  return { time: 2000 + Number(m[1]) + (Number(m[2]) - 0.5) / 12, num: Number(m[3]) };
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name] ?? '';
  });
}

function tag(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? decodeXml(m[1]!) : null;
}

const COMBINING: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '"': '\u0308', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030C', u: '\u0306', H: '\u030B', r: '\u030A', k: '\u0328',
};
const LETTERS: Record<string, string> = { ss: 'ß', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', ae: 'æ', AE: 'Æ', aa: 'å', AA: 'Å', i: 'ı' };

/** TeX accents as arXiv writes them in author lists (Bal\'azs, M\"uller, {\o}) → Unicode. */
export function decodeTexAccents(s: string): string {
  let out = s.replace(/\\([`'"^~=.]|[cvuHrk](?=[{\s]))\s*\{?\\?([A-Za-z])\}?/g, (_, acc: string, ch: string) => ch + (COMBINING[acc] ?? ''));
  out = out.replace(/\\(ss|ae|AE|aa|AA|o|O|l|L|i)(?![A-Za-z])\s?/g, (_, n: string) => LETTERS[n] ?? n);
  return out.replace(/[{}]/g, '').normalize('NFC');
}

/** Splits an arXiv author string ("A. B. Cee (Inst), D. Eff and G. Hi") into names and affiliations. */
function splitAuthorString(raw: string): { names: { name: string; aff: string }[]; and: boolean; oxford: boolean } {
  const text = raw.replace(/\s+/g, ' ').trim();
  // strip parenthesised affiliations (one level of nesting), remembering them per name
  const names: { name: string; aff: string }[] = [];
  let depth = 0;
  let cur = '';
  let aff = '';
  let affCur = '';
  const parts: { text: string; aff: string }[] = [];
  for (const ch of text) {
    if (ch === '(') { depth++; if (depth > 1) affCur += ch; continue; }
    if (ch === ')') { depth = Math.max(0, depth - 1); if (depth === 0) { aff = aff || affCur.trim(); affCur = ''; } else affCur += ch; continue; }
    if (depth > 0) { affCur += ch; continue; }
    if (ch === ',') { parts.push({ text: cur, aff }); cur = ''; aff = ''; continue; }
    cur += ch;
  }
  parts.push({ text: cur, aff });
  let sawAnd = false;
  let oxford = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const pieces = p.text.split(/\s+and\s+|^\s*and\s+/);
    if (pieces.length > 1) { sawAnd = true; if (pieces[0]!.trim() === '' && i > 0) oxford = true; }
    for (const piece of pieces) {
      const name = piece.trim();
      if (name) names.push({ name, aff: p.aff });
    }
  }
  return { names, and: sawAnd, oxford };
}

const SUFFIXES = new Set(['Jr', 'Jr.', 'Sr', 'Sr.', 'II', 'III', 'IV']);

function splitName(name: string): RealAuthor | null {
  const tokens = decodeTexAccents(name).split(/\s+/).filter(Boolean);
  let suffix = '';
  if (tokens.length > 2 && SUFFIXES.has(tokens[tokens.length - 1]!)) suffix = tokens.pop()!.replace(/\.$/, '');
  if (tokens.length < 2) return null;
  const last = tokens.pop()!;
  return { first: tokens.join(' '), last, suffix, aff: '' };
}

function loadPapers(dir: string): RealPaper[] {
  const papers: RealPaper[] = [];
  // Kaggle snapshot lines
  for (const line of readFileSync(`${dir}arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl`, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    const parsed = r.authors_parsed as string[][];
    const it = idTime(r.id as string);
    papers.push({
      source: 'snapshot', time: it?.time ?? null, idNumber: it?.num ?? null,
      title: r.title as string, abstract: r.abstract as string,
      authorCount: parsed.length,
      authors: parsed.map((a) => ({ last: a[0] ?? '', first: a[1] ?? '', suffix: a[2] ?? '', aff: a[3] ?? '' })),
      authorsRaw: r.authors as string, submitter: r.submitter as string,
      categories: (r.categories as string).split(' '),
      comments: r.comments as string | null, journalRef: r['journal-ref'] as string | null,
      doi: r.doi as string | null, reportNo: r['report-no'] as string | null, license: r.license as string | null,
      versions: (r.versions as { created: string }[]).map((v) => new Date(v.created)),
      versionCount: (r.versions as unknown[]).length,
    });
  }
  // OAI-PMH arXivRaw page
  const oai = readFileSync(`${dir}arxiv/oai-pmh/ListRecords-arXivRaw-page.xml`, 'utf8');
  for (const rec of oai.split('<record>').slice(1)) {
    const id = tag(rec, 'id');
    if (!id) continue;
    const it = idTime(id);
    const authorsRaw = tag(rec, 'authors') ?? '';
    const split = splitAuthorString(authorsRaw);
    const authors = split.names.map((n) => { const a = splitName(n.name); return a ? { ...a, aff: n.aff } : null; }).filter((a): a is RealAuthor => !!a);
    const versions = [...rec.matchAll(/<version version='v\d+'><date>([^<]+)<\/date>/g)].map((m) => new Date(m[1]!));
    papers.push({
      source: 'oai', time: it?.time ?? null, idNumber: it?.num ?? null,
      title: tag(rec, 'title') ?? '', abstract: tag(rec, 'abstract') ?? '',
      authorCount: split.names.length, authors, authorsRaw, submitter: tag(rec, 'submitter'),
      categories: (tag(rec, 'categories') ?? '').split(/\s+/).filter(Boolean),
      comments: tag(rec, 'comments'), journalRef: tag(rec, 'journal-ref'), doi: tag(rec, 'doi'),
      reportNo: tag(rec, 'report-no'), license: tag(rec, 'license'),
      versions, versionCount: versions.length,
    });
  }
  // arXiv API Atom feed
  const api = readFileSync(`${dir}arxiv/api/q_testing_s0_m100.xml`, 'utf8');
  for (const entry of api.split('<entry>').slice(1)) {
    const idUrl = tag(entry, 'id') ?? '';
    const m = /abs\/(.+?)v(\d+)$/.exec(idUrl);
    const it = m ? idTime(m[1]!) : null;
    const names = [...entry.matchAll(/<author>\s*<name>([^<]+)<\/name>/g)].map((x) => decodeXml(x[1]!));
    papers.push({
      source: 'api', time: it?.time ?? null, idNumber: it?.num ?? null,
      title: tag(entry, 'title') ?? '', abstract: tag(entry, 'summary') ?? '',
      authorCount: names.length,
      authors: names.map(splitName).filter((a): a is RealAuthor => !!a), authorsRaw: null, submitter: null,
      categories: [...entry.matchAll(/<category term="([^"]+)"/g)].map((x) => x[1]!),
      comments: tag(entry, 'arxiv:comment'), journalRef: tag(entry, 'arxiv:journal_ref'), doi: tag(entry, 'arxiv:doi'),
      reportNo: undefined, license: undefined,
      versions: null, versionCount: m ? Number(m[2]) : null,
    });
  }
  // Hugging Face daily papers
  for (const file of HF_FILES) {
    const items = JSON.parse(readFileSync(`${dir}hf/${file}`, 'utf8')) as { paper: { id: string; title: string; summary: string; authors: { name: string }[] } }[];
    for (const { paper } of items) {
      const it = idTime(paper.id);
      papers.push({
        source: 'hf', time: it?.time ?? null, idNumber: it?.num ?? null,
        title: paper.title, abstract: paper.summary, authorCount: paper.authors.length,
        authors: paper.authors.map((a) => splitName(a.name)).filter((a): a is RealAuthor => !!a),
        authorsRaw: null, submitter: null, categories: null,
        comments: undefined, journalRef: undefined, doi: undefined, reportNo: undefined, license: undefined,
        versions: null, versionCount: null,
      });
    }
  }
  return papers;
}

// ---------------------------------------------------------------------------------------------
// Text statistics

const MATH_RE = /\$[^$]{1,120}\$/g;

function words(s: string): number {
  return s.trim().split(/\s+/).filter(Boolean).length;
}

const sorted = (xs: number[]): number[] => xs.slice().sort((a, b) => a - b);
const share = (xs: unknown[], pred: (x: never) => boolean): number => (xs.length ? xs.filter(pred as (x: unknown) => boolean).length / xs.length : 0);

/** Lower-case key and surface candidate of one raw token, or null when it is not a word. */
function wordOf(token: string): string | null {
  const t = token.replace(/^[([{"'`]+/, '').replace(/[)\]}"'`.,;:?!]+$/, '');
  if (t.length === 0 || t.length > 30) return null;
  if (!/^[A-Za-z](?:[A-Za-z-]*[A-Za-z])?$/.test(t) || t.includes('--')) return null;
  return t;
}

export const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'from', 'in', 'into', 'of', 'on', 'or', 'the', 'to', 'via', 'with', 'vs']);

function isTitleCase(title: string): boolean {
  const ws = title.replace(MATH_RE, ' ').split(/\s+/).map(wordOf).filter((w): w is string => !!w && w.length > 3);
  if (ws.length < 2) return false;
  return ws.filter((w) => /^[A-Z]/.test(w)).length / ws.length >= 0.8;
}

function eraStats(papers: RealPaper[]): EraStats {
  const withMath = papers.filter((p) => (p.abstract.match(MATH_RE) ?? []).length > 0);
  const reports = <K extends 'comments' | 'journalRef' | 'doi' | 'reportNo'>(k: K) => papers.filter((p) => p[k] !== undefined);
  const fieldShare = (k: 'comments' | 'journalRef' | 'doi' | 'reportNo') => share(reports(k), (p: RealPaper) => p[k] !== null && p[k] !== '');
  const values = (k: 'comments' | 'journalRef' | 'doi' | 'reportNo') => papers.map((p) => p[k]).filter((v): v is string => !!v).map((v) => v.replace(/\s+/g, ' ').trim());
  const allAuthors = papers.flatMap((p) => p.authors);
  return {
    papers: papers.length,
    titleWords: sorted(papers.map((p) => words(p.title))),
    abstractWords: sorted(papers.map((p) => words(p.abstract))),
    authorsPerPaper: sorted(papers.map((p) => p.authorCount).filter((n) => n > 0)),
    versionsPerPaper: sorted(papers.map((p) => p.versionCount).filter((n): n is number => n !== null && n > 0)),
    categoriesPerPaper: sorted(papers.map((p) => p.categories?.length ?? 0).filter((n) => n > 0)),
    categorySets: papers.map((p) => p.categories?.join(' ') ?? '').filter(Boolean),
    share: { comments: fieldShare('comments'), journalRef: fieldShare('journalRef'), doi: fieldShare('doi'), reportNo: fieldShare('reportNo') },
    titleCase: share(papers, (p: RealPaper) => isTitleCase(p.title)),
    titleColon: share(papers, (p: RealPaper) => /[A-Za-z)]: /.test(p.title)),
    titleMath: share(papers, (p: RealPaper) => /\$[^$]+\$/.test(p.title)),
    abstractMath: withMath.length / papers.length,
    mathPerAbstract: withMath.length ? withMath.reduce((s, p) => s + (p.abstract.match(MATH_RE) ?? []).length, 0) / withMath.length : 0,
    initials: share(allAuthors, (a: RealAuthor) => /^(?:[A-Z][a-z]?\.\s*-?\s*)+$/.test(a.first.trim())),
    comments: values('comments'),
    journalRefs: values('journalRef'),
    dois: values('doi'),
    reportNos: values('reportNo'),
  };
}

/** words that show up in author lists but are not names ("The BABAR Collaboration") */
const NOT_NAMES = new Set(['The', 'For', 'And', 'Of', 'On', 'In', 'Et', 'Al', 'Collaboration', 'Collaborations', 'Team', 'Group', 'Consortium', 'Project', 'Survey', 'Members']);

function isNameWord(s: string): boolean {
  return !NOT_NAMES.has(s) && /^\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}?[\p{Ll}]+)*$/u.test(s) && s.length >= 2 && s.length <= 16;
}

/** Least-squares fit of ln(monthly volume) over time: an id number is uniform in [1, N] → E[ln n] = ln N - 1. */
function growthFit(papers: RealPaper[]): { a: number; b: number; samples: number } {
  const pts = papers.filter((p) => p.time !== null && p.idNumber !== null && p.time > 2007.25).map((p) => [p.time!, Math.log(p.idNumber!) + 1] as const);
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  const b = sxy / sxx;
  return { a: my - b * mx, b, samples: n };
}

let cached: CorpusStats | null = null;

/** Derives every distribution from the fixtures (cached; takes ~100 ms). */
export function corpusStats(fixturesDir: string = FIXTURES): CorpusStats {
  if (cached && fixturesDir === FIXTURES) return cached;
  const dir = fixturesDir.endsWith('/') ? fixturesDir : `${fixturesDir}/`;
  const papers = loadPapers(dir);
  const early = papers.filter((p) => p.source === 'snapshot' || p.source === 'oai');
  const recent = papers.filter((p) => p.source === 'api' || p.source === 'hf');

  // vocabulary: counts of lower-case keys; surface form from mid-sentence abstract occurrences
  // Word frequencies as the generated snapshot mixes the eras: each era's papers weigh what
  // its share of the 2007-2026 volume is, so the few recent papers count for the many recent years.
  const growth = growthFit(papers.filter((p) => p.source === 'api'));
  let earlyVolume = 0;
  let recentVolume = 0;
  for (let y = 2007; y <= 2026; y++) {
    for (let m = y === 2007 ? 4 : 1; m <= 12; m++) {
      const time = y + (m - 0.5) / 12;
      const volume = Math.exp(growth.b * (time - 2007));
      recentVolume += volume * recentShare(time);
      earlyVolume += volume * (1 - recentShare(time));
    }
  }
  // the recent sample is all computer science: it stands for the recent papers of the
  // computer-science-like archives only (as in the generator), the early one for the rest
  const csLike = Object.entries(ASSUMPTIONS.recentArchives).reduce((acc, [a, v]) => acc + (CS_LIKE_ARCHIVE.test(a) ? v : 0), 0) /
    Object.values(ASSUMPTIONS.recentArchives).reduce((a, b) => a + b, 0);
  const recentText = recentVolume * csLike;
  const earlyText = earlyVolume + recentVolume * (1 - csLike);
  const eraWeight = {
    early: earlyText / (earlyText + recentText) / early.length,
    recent: recentText / (earlyText + recentText) / recent.length,
  };
  const counts = new Map<string, number>();
  const forms = new Map<string, Map<string, number>>();
  const allForms = new Map<string, Map<string, number>>();
  const sentenceWords: number[] = [];
  let tokens = 0;
  let commas = 0;
  let numbers = 0;
  let acronyms = 0;
  const math = new Set<string>();
  for (const p of papers) {
    const weight = (p.source === 'snapshot' || p.source === 'oai' ? eraWeight.early : eraWeight.recent) * papers.length;
    for (const [text, isAbstract] of [[p.title, false], [p.abstract, true]] as const) {
      for (const m of text.match(MATH_RE) ?? []) {
        const snippet = m.replace(/\s+/g, ' ');
        // keep whole formulas, not the pieces of chemical formulas (Bi$_2$Se$_3$)
        // (and not the text between two formulas when a $ was unbalanced: "$ which is $")
        if (/^[\x20-\x7e]+$/.test(snippet) && !/^\$[_^]/.test(snippet) && /^\$\S(?:.*\S)?\$$/.test(snippet) && !/[a-z]{3,} [a-z]{3,} [a-z]{3,}/.test(snippet)) math.add(snippet);
      }
      const raw = text.replace(MATH_RE, ' ').replace(/\\[A-Za-z]+|\\./g, ' ');
      const toks = raw.split(/\s+/).filter(Boolean);
      let initial = true;
      let sentence = 0;
      for (const tok of toks) {
        if (isAbstract) {
          tokens++;
          sentence++;
          if (/,$/.test(tok)) commas++;
          if (/^\(?[-+]?\d[\d.,%]*\)?[.,;:]?$/.test(tok)) numbers++;
          if (/^\([A-Z][A-Za-z]*[A-Z]s?\)[.,;:]?$/.test(tok)) acronyms++;
        }
        const w = wordOf(tok);
        // the API sample is the answer to a search for "testing": do not count the query's own words
        if (w && !(p.source === 'api' && /^test(?:s|ing|ed)?$/i.test(w))) {
          const key = w.toLowerCase();
          counts.set(key, (counts.get(key) ?? 0) + weight);
          let af = allForms.get(key);
          if (!af) allForms.set(key, (af = new Map()));
          af.set(w, (af.get(w) ?? 0) + 1);
          if (isAbstract && !initial) {
            let f = forms.get(key);
            if (!f) forms.set(key, (f = new Map()));
            f.set(w, (f.get(w) ?? 0) + 1);
          }
        }
        initial = /[.?!]$/.test(tok) && !/^(?:e\.g|i\.e|et al|al|vs|etc|Fig|Eq|Ref)\.$/.test(tok);
        if (isAbstract && initial) { sentenceWords.push(sentence); sentence = 0; }
      }
      if (isAbstract && sentence > 0) sentenceWords.push(sentence);
    }
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const wordsOut: string[] = [];
  const wordCounts: number[] = [];
  for (const [key, n] of ranked) {
    const f = forms.get(key);
    let surface = key;
    if (f) {
      let best = 0;
      for (const [form, c] of f) if (c > best || (c === best && form === key)) { best = c; surface = form; }
    } else {
      // seen only in titles or at sentence starts: keep acronyms and camel case (LHC, GaN), else lower case
      let best = 0;
      for (const [form, c] of allForms.get(key) ?? []) if (/^.+[A-Z]/.test(form) && c > best) { best = c; surface = form; }
    }
    wordsOut.push(surface);
    wordCounts.push(n);
  }

  // names
  const firstNames = new Set<string>();
  const lastNames = new Set<string>();
  const affiliations = new Set<string>();
  const suffixes = new Set<string>();
  let fullGiven = 0;
  let withMiddle = 0;
  let authorsSeen = 0;
  let withSuffix = 0;
  for (const p of papers) {
    for (const a of p.authors) {
      authorsSeen++;
      if (a.suffix) { withSuffix++; suffixes.add(a.suffix.replace(/\.$/, '')); }
      if (a.aff && /^[\x20-\x7e]+$/.test(a.aff) && a.aff.length <= 60 && !/^\d/.test(a.aff) && !/\band\b/.test(a.aff)) affiliations.add(a.aff.replace(/\s+/g, ' ').trim());
      const given = a.first.trim().split(/\s+/);
      const first = given[0] ?? '';
      if (isNameWord(first)) {
        fullGiven++;
        firstNames.add(first);
        if (given.length > 1 && /^[A-Z]\.$/.test(given[1]!)) withMiddle++;
      }
      const last = a.last.trim();
      if (isNameWord(last)) lastNames.add(last);
    }
  }
  const multi = early.filter((p) => p.authorsRaw && p.authorCount >= 2);
  const splits = multi.map((p) => splitAuthorString(p.authorsRaw!));
  const andSplits = splits.filter((s) => s.and);
  const withSubmitter = early.filter((p) => p.submitter && p.authors.length);
  const submitterIsAuthor = share(withSubmitter, (p: RealPaper) => {
    const sub = decodeTexAccents(p.submitter!).toLowerCase();
    return p.authors.some((a) => a.last.length > 1 && sub.includes(a.last.toLowerCase()));
  });

  // versions and submission times
  const gaps: number[] = [];
  const weekday = new Array<number>(7).fill(0);
  const hour = new Array<number>(24).fill(0);
  for (const p of early) {
    const v = p.versions ?? [];
    for (let i = 1; i < v.length; i++) gaps.push((v[i]!.getTime() - v[i - 1]!.getTime()) / 86_400_000);
    if (v[0] && !Number.isNaN(v[0].getTime())) { weekday[v[0].getUTCDay()]!++; hour[v[0].getUTCHours()]!++; }
  }
  for (const m of readFileSync(`${dir}arxiv/api/q_testing_s0_m100.xml`, 'utf8').matchAll(/<published>([^<]+)<\/published>/g)) {
    const d = new Date(m[1]!);
    weekday[d.getUTCDay()]!++;
    hour[d.getUTCHours()]!++;
  }

  const licenses: Record<string, number> = {};
  for (const p of early) {
    const k = p.license ?? 'null';
    licenses[k] = (licenses[k] ?? 0) + 1;
  }
  const licenseNull: [number, number][] = (['snapshot', 'oai'] as const).map((s) => {
    const ps = early.filter((p) => p.source === s);
    const t = ps.reduce((acc, p) => acc + (p.time ?? 0), 0) / ps.length;
    return [Math.round(t * 1000) / 1000, share(ps, (p: RealPaper) => !p.license)];
  });

  const stats: CorpusStats = {
    sources: (['snapshot', 'oai', 'api', 'hf'] as const).map((s) => ({ name: s, records: papers.filter((p) => p.source === s).length })),
    early: eraStats(early),
    recent: eraStats(recent),
    words: wordsOut,
    wordCounts,
    sentenceWords: sorted(sentenceWords),
    commaRate: commas / tokens,
    numberRate: numbers / tokens,
    acronymRate: acronyms / tokens,
    math: [...math],
    firstNames: [...firstNames],
    lastNames: [...lastNames],
    suffixes: [...suffixes].filter((s) => SUFFIXES.has(s)),
    affiliations: [...affiliations],
    middleInitial: fullGiven ? withMiddle / fullGiven : 0,
    suffix: authorsSeen ? withSuffix / authorsSeen : 0,
    andLast: splits.length ? andSplits.length / splits.length : 0,
    oxfordComma: andSplits.length ? andSplits.filter((s) => s.oxford).length / andSplits.length : 0,
    affiliated: share(early, (p: RealPaper) => p.authors.some((a) => a.aff)),
    submitterIsAuthor,
    versionGapDays: sorted(gaps.filter((g) => g > 0)),
    weekday,
    hour,
    licenses,
    licenseNull,
    eraWeight,
    growth,
  };
  if (fixturesDir === FIXTURES) cached = stats;
  return stats;
}

// ---------------------------------------------------------------------------------------------
// Summary

export function quantile(sortedXs: readonly number[], q: number): number {
  if (sortedXs.length === 0) return NaN;
  const i = Math.min(sortedXs.length - 1, Math.max(0, Math.round(q * (sortedXs.length - 1))));
  return sortedXs[i]!;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;
}

function describe(xs: readonly number[]): string {
  const s = sorted([...xs]);
  return `mean ${mean(s).toFixed(1)}, median ${quantile(s, 0.5)}, p90 ${quantile(s, 0.9)}, max ${s[s.length - 1]}`;
}

function hist(xs: readonly number[], top: number): string {
  const out: string[] = [];
  for (let k = 1; k <= top; k++) out.push(`${k}: ${((xs.filter((x) => x === k).length / xs.length) * 100).toFixed(0)}%`);
  out.push(`>${top}: ${((xs.filter((x) => x > top).length / xs.length) * 100).toFixed(0)}%`);
  return out.join(', ');
}

export function summaryTable(s: CorpusStats = corpusStats()): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rows: [string, string, string][] = [
    ['papers', `${s.early.papers} (snapshot 2007-04 + OAI 2008-01)`, `${s.recent.papers} (API + HF, mostly 2019-2026)`],
    ['title words', describe(s.early.titleWords), describe(s.recent.titleWords)],
    ['abstract words', describe(s.early.abstractWords), describe(s.recent.abstractWords)],
    ['authors per paper', describe(s.early.authorsPerPaper), describe(s.recent.authorsPerPaper)],
    ['versions', hist(s.early.versionsPerPaper, 4), hist(s.recent.versionsPerPaper, 4)],
    ['categories', hist(s.early.categoriesPerPaper, 3), hist(s.recent.categoriesPerPaper, 3)],
    ['comments / journal-ref', `${pct(s.early.share.comments)} / ${pct(s.early.share.journalRef)}`, `${pct(s.recent.share.comments)} / ${pct(s.recent.share.journalRef)}`],
    ['doi / report-no', `${pct(s.early.share.doi)} / ${pct(s.early.share.reportNo)}`, `${pct(s.recent.share.doi)} / (not reported)`],
    ['title: Title Case / colon / math', `${pct(s.early.titleCase)} / ${pct(s.early.titleColon)} / ${pct(s.early.titleMath)}`, `${pct(s.recent.titleCase)} / ${pct(s.recent.titleColon)} / ${pct(s.recent.titleMath)}`],
    ['abstracts with math (snippets each)', `${pct(s.early.abstractMath)} (${s.early.mathPerAbstract.toFixed(1)})`, `${pct(s.recent.abstractMath)} (${s.recent.mathPerAbstract.toFixed(1)})`],
    ['authors as initials', pct(s.early.initials), pct(s.recent.initials)],
  ];
  const lines = ['| quantity | early (2007-08) | recent |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  lines.push('');
  lines.push(`vocabulary: ${s.words.length} real words (top: ${s.words.slice(0, 12).join(', ')}); era weights per paper: early ${(s.eraWeight.early * 1e3).toFixed(3)}‰, recent ${(s.eraWeight.recent * 1e3).toFixed(3)}‰`);
  const rank = (w: string) => s.words.indexOf(w) + 1;
  lines.push(`ranks: ${['model', 'learning', 'neural', 'network', 'quantum', 'field'].map((w) => `${w} ${rank(w)}`).join(', ')}`);
  lines.push(`sentence words: ${describe(s.sentenceWords)}; per token: comma ${pct(s.commaRate)}, number ${pct(s.numberRate)}, acronym ${pct(s.acronymRate)}`);
  lines.push(`math snippets: ${s.math.length} (e.g. ${s.math.slice(0, 4).join(' ')})`);
  lines.push(`names: ${s.firstNames.length} first, ${s.lastNames.length} last, ${s.affiliations.length} affiliations; middle initial ${pct(s.middleInitial)}, suffix ${pct(s.suffix)}`);
  lines.push(`author lists: " and " before last ${pct(s.andLast)} (Oxford comma ${pct(s.oxfordComma)}), affiliations ${pct(s.affiliated)}, submitter is an author ${pct(s.submitterIsAuthor)}`);
  lines.push(`version gap days: ${describe(s.versionGapDays.map((d) => Math.round(d)))}`);
  lines.push(`v1 weekday (Sun..Sat): ${s.weekday.join(' ')}; hour: ${s.hour.join(' ')}`);
  lines.push(`licenses (early): ${Object.entries(s.licenses).map(([k, v]) => `${k} ${v}`).join(', ')}; null share ${s.licenseNull.map(([t, x]) => `${t.toFixed(1)}: ${pct(x)}`).join(', ')}`);
  const g = s.growth;
  const vol = (y: number) => Math.round(Math.exp(g.a + g.b * (y + 0.5)));
  lines.push(`monthly volume fit (${g.samples} API ids): ${(Math.exp(g.b) * 100 - 100).toFixed(1)}%/year; 2008 ${vol(2008)}, 2015 ${vol(2015)}, 2020 ${vol(2020)}, 2025 ${vol(2025)} per month`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(summaryTable());
}
