import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  generateSnapshot, monthPlan, Rng, ZipfSampler, SNAPSHOT_KEYS, VOCABULARY_SIZE, type GenerateOptions,
} from '../../bench/generate.js';
import { corpusStats, mean, quantile } from '../../bench/corpus-stats.js';
import { parseArxivId } from '../../src/papers/arxiv-id.js';
import { readFixture } from '../helpers.js';

interface SnapshotRecord {
  id: string;
  submitter: string;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: { version: string; created: string }[];
  update_date: string;
  authors_parsed: string[][];
}

const GENERATE_JS = fileURLToPath(new URL('../../bench/generate.js', import.meta.url));

/** Generates into memory through a stream that applies backpressure (small buffer, async acks). */
async function generate(opts: Omit<GenerateOptions, 'out'>): Promise<{ text: string; records: number; bytes: number }> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  const result = await generateSnapshot({ ...opts, out });
  return { text: Buffer.concat(chunks).toString('latin1'), ...result };
}

function lines(text: string): string[] {
  const out = text.split('\n');
  assert.equal(out.pop(), '', 'output ends with a newline');
  return out;
}

const words = (s: string): number => s.trim().split(/\s+/).filter(Boolean).length;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const RFC2822 = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), ([1-9]|[12]\d|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;

/** seconds since the epoch of an RFC 2822 date as the snapshot writes it, checking the weekday */
function parseCreated(s: string): { sec: number; year: number; month: number } {
  const m = RFC2822.exec(s);
  assert.ok(m, `created date format: ${s}`);
  const [, wd, d, mon, y, hh, mm, ss] = m as unknown as string[];
  const month = MONTHS.indexOf(mon!) + 1;
  const ms = Date.UTC(Number(y), month - 1, Number(d), Number(hh), Number(mm), Number(ss));
  const date = new Date(ms);
  assert.equal(date.getUTCDate(), Number(d), `day exists: ${s}`);
  assert.equal(WEEKDAYS[date.getUTCDay()], wd, `weekday of ${s}`);
  return { sec: ms / 1000, year: Number(y), month };
}

let sample: { text: string; records: SnapshotRecord[]; bytes: number } | null = null;
/** 20,000 records over the default years, shared by several tests */
async function defaultSample() {
  if (!sample) {
    const { text, records, bytes } = await generate({ count: 20_000, seed: 42 });
    assert.equal(records, 20_000);
    sample = { text, bytes, records: lines(text).map((l) => JSON.parse(l) as SnapshotRecord) };
  }
  return sample;
}

test('every line is JSON with exactly the real snapshot keys, in order, and their formats', async () => {
  const realKeys = Object.keys(JSON.parse(readFixture('arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl').split('\n')[0]!));
  assert.deepEqual([...SNAPSHOT_KEYS], realKeys);
  const { text, records } = await defaultSample();
  assert.ok(/^[\x00-\x7f]*$/.test(text), 'ASCII only, non-ASCII escaped as \\uXXXX like the real snapshot');
  for (const r of records) {
    assert.deepEqual(Object.keys(r), realKeys);
    for (const k of ['id', 'submitter', 'authors', 'title', 'categories', 'abstract', 'update_date'] as const) {
      assert.equal(typeof r[k], 'string', `${k} of ${r.id}`);
    }
    for (const k of ['comments', 'journal-ref', 'doi', 'report-no', 'license'] as const) {
      assert.ok(r[k] === null || (typeof r[k] === 'string' && r[k]!.length > 0), `${k} of ${r.id}`);
    }
    assert.ok(r.abstract.startsWith('  ') && r.abstract.endsWith('\n') && !r.abstract.startsWith('   '), `abstract framing of ${r.id}`);
    for (const line of r.abstract.slice(0, -1).split('\n')) assert.ok(line.length <= 79 || !line.includes(' '), `abstract line ≤ 79: ${line}`);
    for (const [field, first] of [['title', 72], ['authors', 70], ['comments', 69]] as const) {
      const v = r[field];
      if (!v) continue;
      const [head, ...rest] = v.split('\n');
      assert.ok(head!.length <= first || !head!.includes(' '), `${field} first line: ${head}`);
      for (const l of rest) assert.ok(l.startsWith('  ') && (l.length <= 79 || !l.trim().includes(' ')), `${field} continuation: ${JSON.stringify(l)}`);
    }
    const cats = r.categories.split(' ');
    assert.ok(cats.length >= 1 && cats.length <= 4, `1-4 categories: ${r.categories}`);
    assert.equal(new Set(cats).size, cats.length, `no repeated category: ${r.categories}`);
    for (const c of cats) assert.match(c, /^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$/);
    assert.ok(r.license === null || /^http:\/\/(arxiv\.org\/licenses|creativecommons\.org\/(licenses|publicdomain))\//.test(r.license), r.license ?? '');
    assert.ok(r.doi === null || /^10\.\d{4,5}\//.test(r.doi), r.doi ?? '');
    assert.ok(r.authors_parsed.length >= 1);
    for (const a of r.authors_parsed) {
      assert.ok(a.length === 3 || a.length === 4, JSON.stringify(a));
      assert.ok(a.every((x) => typeof x === 'string') && a[0]!.length > 0 && a[1]!.length > 0);
    }
    // the parsed names are the names of the author list (ASCII ones compare directly; others are TeX there)
    const authorText = r.authors.replace(/\n {2}/g, ' ');
    for (const [last, given] of r.authors_parsed.slice(0, 30)) {
      if (/^[\x20-\x7e]+$/.test(last! + given!)) assert.ok(authorText.includes(`${given} ${last}`), `${given} ${last} in ${r.id}`);
    }
  }
});

test('the same seed gives identical output, another seed other output; workers, file and stream agree', async () => {
  const a = await generate({ count: 3000, seed: 7 });
  const b = await generate({ count: 3000, seed: 7 });
  const c = await generate({ count: 3000, seed: 8 });
  assert.equal(a.text, b.text);
  assert.notEqual(a.text, c.text);
  assert.equal(a.bytes, Buffer.byteLength(a.text));
  assert.equal(a.records, 3000);

  // worker threads render blocks in parallel: the same bytes
  const inline = await generate({ count: 20_000, seed: 5, workers: 0 });
  const threaded = await generate({ count: 20_000, seed: 5, workers: 2 });
  assert.equal(threaded.bytes, inline.bytes);
  assert.ok(threaded.text === inline.text, 'workers change nothing');

  const dir = mkdtempSync(join(tmpdir(), 'snapshot-'));
  try {
    const file = join(dir, 'snap.jsonl');
    const r = await generateSnapshot({ count: 3000, seed: 7, out: file });
    assert.deepEqual(r, { records: 3000, bytes: a.bytes });
    assert.equal(statSync(file).size, a.bytes);
    assert.equal(readFileSync(file, 'latin1'), a.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ids are valid, unique, sorted, numbered from 1 each month, with the 4-digit form before 2015', async () => {
  const { records } = await defaultSample();
  let prev = '';
  let prevMonth = '';
  let expected = 1;
  for (const r of records) {
    const parsed = parseArxivId(r.id);
    assert.ok(parsed && parsed.id === r.id && parsed.version === null, `valid id ${r.id}`);
    const [yymm, num] = r.id.split('.') as [string, string];
    assert.equal(num.length, Number(yymm.slice(0, 2)) < 15 ? 4 : 5, r.id);
    assert.ok(r.id > prev, `${r.id} after ${prev}`);
    if (yymm !== prevMonth) expected = 1;
    assert.equal(Number(num), expected++, `contiguous numbering in ${yymm}`);
    prev = r.id;
    prevMonth = yymm;
  }
  assert.equal(records[0]!.id, '0704.0001');
  assert.ok(records[records.length - 1]!.id.startsWith('2612.'));
  const years = new Set(records.map((r) => r.id.slice(0, 2)));
  assert.equal(years.size, 20, 'spread over 2007-2026');
});

test('versions: v1 inside the id month, later ones after it, update_date the last one', async () => {
  const { records } = await defaultSample();
  let prevV1 = 0;
  let prevMonth = '';
  const end = Date.UTC(2027, 0, 1) / 1000;
  for (const r of records) {
    assert.ok(r.versions.length >= 1 && r.versions.length <= 5);
    let last = 0;
    r.versions.forEach((v, i) => {
      assert.equal(v.version, `v${i + 1}`);
      const { sec } = parseCreated(v.created);
      assert.ok(sec > last, `${r.id} versions increase`);
      assert.ok(sec < end, `${r.id} no version after the snapshot`);
      last = sec;
    });
    const v1 = parseCreated(r.versions[0]!.created);
    const yymm = r.id.slice(0, 4);
    assert.equal(`${String(v1.year % 100).padStart(2, '0')}${String(v1.month).padStart(2, '0')}`, yymm, `${r.id} v1 ${r.versions[0]!.created}`);
    if (yymm === prevMonth) assert.ok(v1.sec >= prevV1, `${r.id} submitted after the previous id`);
    prevV1 = v1.sec;
    prevMonth = yymm;
    assert.equal(r.update_date, new Date(last * 1000).toISOString().slice(0, 10));
  }
});

test('counts are exact for any size and year range; months respect arXiv id capacity', async () => {
  for (const [count, startYear, endYear] of [[0, 2007, 2026], [1, 2007, 2026], [17, 2020, 2020], [1234, 2014, 2016]] as const) {
    const { text, records, bytes } = await generate({ count, seed: 3, startYear, endYear });
    assert.equal(records, count);
    assert.equal(bytes, text.length);
    const ls = count === 0 ? [] : lines(text);
    assert.equal(ls.length, count);
    for (const l of ls) {
      const year = 2000 + Number((JSON.parse(l) as SnapshotRecord).id.slice(0, 2));
      assert.ok(year >= startYear && year <= endYear);
    }
  }
  const plan = monthPlan(2_700_000);
  assert.equal(plan.reduce((s, m) => s + m.count, 0), 2_700_000);
  assert.equal(plan.length, 9 + 19 * 12);
  for (const m of plan) assert.ok(m.count <= (m.year < 2015 ? 9999 : 99_999));
  // volume grows with time, as on arXiv
  assert.ok(plan[plan.length - 1]!.count > 3 * plan[0]!.count);
  // more than fits: the pre-2015 months fill up to 9,999 and the rest goes later
  const full = monthPlan(400_000, 2013, 2015);
  assert.ok(full.filter((m) => m.year < 2015).every((m) => m.count === 9999));
  assert.throws(() => monthPlan(200_000, 2010, 2010), RangeError);
  assert.throws(() => monthPlan(10, 2006, 2010), RangeError);
});

test('length statistics land near the real ones (2007-2008 against the early fixtures)', async () => {
  const stats = corpusStats();
  // a snapshot through 2012, so that later versions of 2007-2008 papers are not cut off
  const { text } = await generate({ count: 30_000, seed: 11, startYear: 2007, endYear: 2012 });
  const records = lines(text).map((l) => JSON.parse(l) as SnapshotRecord).filter((r) => r.id < '0901');
  assert.ok(records.length > 6000);
  const real = stats.early;
  const near = (got: number, want: number, tol: number, what: string) =>
    assert.ok(Math.abs(got - want) <= tol * Math.abs(want), `${what}: generated ${got.toFixed(2)}, real ${want.toFixed(2)}`);
  near(mean(records.map((r) => words(r.title))), mean(real.titleWords), 0.08, 'title words');
  near(mean(records.map((r) => words(r.abstract))), mean(real.abstractWords), 0.08, 'abstract words');
  const authors = records.map((r) => r.authors_parsed.length).sort((a, b) => a - b);
  assert.ok(Math.abs(quantile(authors, 0.5) - quantile(real.authorsPerPaper, 0.5)) <= 1, 'median authors');
  assert.ok(Math.abs(quantile(authors, 0.9) - quantile(real.authorsPerPaper, 0.9)) <= 2, 'p90 authors');
  const share = (pred: (r: SnapshotRecord) => boolean) => records.filter(pred).length / records.length;
  const realShare = (xs: number[], pred: (x: number) => boolean) => xs.filter(pred).length / xs.length;
  const close = (got: number, want: number, tol: number, what: string) =>
    assert.ok(Math.abs(got - want) <= tol, `${what}: generated ${got.toFixed(3)}, real ${want.toFixed(3)}`);
  close(share((r) => r.versions.length === 1), realShare(real.versionsPerPaper, (v) => v === 1), 0.05, 'single-version share');
  close(share((r) => r.categories.split(' ').length === 1), realShare(real.categoriesPerPaper, (c) => c === 1), 0.05, 'single-category share');
  close(share((r) => r.comments !== null), real.share.comments, 0.04, 'comments share');
  close(share((r) => r['journal-ref'] !== null), real.share.journalRef, 0.04, 'journal-ref share');
  close(share((r) => r.doi !== null), real.share.doi, 0.04, 'doi share');
  close(share((r) => r['report-no'] !== null), real.share.reportNo, 0.03, 'report-no share');
  close(share((r) => r.abstract.includes('$')), real.abstractMath, 0.05, 'abstracts with LaTeX');
  close(share((r) => r.license === null), 0.85, 0.1, 'no license in 2007-2008');
  // physics and maths dominate 2007-2008, as in the fixtures
  const primaries = new Map<string, number>();
  for (const r of records) primaries.set(r.categories.split(' ')[0]!.split('.')[0]!, (primaries.get(r.categories.split(' ')[0]!.split('.')[0]!) ?? 0) + 1);
  const top = [...primaries.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k]) => k);
  assert.ok(top.includes('astro-ph') && top.includes('math') && top.includes('cond-mat'), top.join(' '));
});

test('recent years: machine learning categories are frequent, computer science text is longer', async () => {
  const stats = corpusStats();
  const { text } = await generate({ count: 8000, seed: 12, startYear: 2024, endYear: 2026 });
  const records = lines(text).map((l) => JSON.parse(l) as SnapshotRecord);
  const primaries = new Map<string, number>();
  for (const r of records) primaries.set(r.categories.split(' ')[0]!, (primaries.get(r.categories.split(' ')[0]!) ?? 0) + 1);
  const top = [...primaries.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k);
  for (const c of ['cs.LG', 'cs.CV', 'cs.CL']) assert.ok(top.includes(c), `${c} among the top primaries ${top.join(' ')}`);
  const all = records.flatMap((r) => r.categories.split(' '));
  assert.ok(all.filter((c) => c === 'cs.AI').length / records.length > 0.05, 'cs.AI frequent (cross-lists)');
  for (const archive of ['math', 'physics', 'stat', 'q-bio', 'astro-ph', 'cond-mat', 'eess']) {
    assert.ok(all.some((c) => c.startsWith(`${archive}.`)), `some ${archive}`);
  }
  const cs = records.filter((r) => r.categories.startsWith('cs.'));
  const real = stats.recent;
  const got = mean(cs.map((r) => words(r.abstract)));
  assert.ok(Math.abs(got - mean(real.abstractWords)) < 0.08 * mean(real.abstractWords), `cs abstract words ${got}`);
  const gotTitle = mean(cs.map((r) => words(r.title)));
  assert.ok(Math.abs(gotTitle - mean(real.titleWords)) < 0.08 * mean(real.titleWords), `cs title words ${gotTitle}`);
  assert.ok(records.every((r) => r.license !== null), 'every recent paper has a license');
});

test('overall: abstracts 120-160 words on average with a long tail; heavy-tailed author lists', async () => {
  const { records } = await defaultSample();
  const abstracts = records.map((r) => words(r.abstract)).sort((a, b) => a - b);
  const m = mean(abstracts);
  assert.ok(m >= 120 && m <= 160, `mean abstract words ${m}`);
  assert.ok(quantile(abstracts, 0.99) > 1.7 * m, 'long tail');
  const authors = records.map((r) => r.authors_parsed.length).sort((a, b) => a - b);
  assert.ok(quantile(authors, 0.5) >= 2 && quantile(authors, 0.5) <= 5);
  assert.ok(quantile(authors, 0.9) <= 12);
  assert.ok(authors[authors.length - 1]! >= 100, 'a few huge collaborations');
  const share = (n: number) => authors.filter((a) => a <= n).length / authors.length;
  assert.ok(share(8) > 0.85, 'most papers have 1-8 authors');
  const versions = records.map((r) => r.versions.length);
  assert.ok(versions.filter((v) => v <= 2).length / versions.length > 0.8, 'mostly 1-2 versions');
  const latex = records.filter((r) => /\$[^$]+\$/.test(r.abstract)).length / records.length;
  assert.ok(latex > 0.03 && latex < 0.3, `abstracts with LaTeX: ${latex}`);
  assert.ok(records.some((r) => /\$[^$]+\$/.test(r.title)), 'some LaTeX in titles');
});

test('vocabulary is Zipfian over real words; authors repeat with a Zipf-like skew', async () => {
  const { records } = await defaultSample();
  const counts = new Map<string, number>();
  for (const r of records) {
    for (const w of r.abstract.toLowerCase().split(/[^a-z-]+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  assert.deepEqual(ranked.slice(0, 3), ['the', 'of', 'and']);
  const stats = corpusStats();
  for (const w of ['model', 'learning', 'network', 'quantum', 'neural']) {
    const real = stats.words.indexOf(w);
    assert.ok(real >= 0 && real < 1000, `${w} is a common real word (rank ${real + 1})`);
    const rank = ranked.indexOf(w);
    assert.ok(rank >= 0 && rank <= 2 * real + 30, `${w}: rank ${rank + 1} generated, ${real + 1} real`);
  }
  assert.ok(counts.size > 50_000, `a long tail of rare words (${counts.size} distinct)`);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  assert.ok(counts.get('the')! / total > 0.04 && counts.get('the')! / total < 0.12, 'the is ~5-8% of words');

  const papers = new Map<string, number>();
  for (const r of records) for (const a of r.authors_parsed) papers.set(`${a[1]} ${a[0]}`, (papers.get(`${a[1]} ${a[0]}`) ?? 0) + 1);
  const perAuthor = [...papers.values()].sort((a, b) => b - a);
  assert.ok(perAuthor[0]! >= 15, `prolific authors (${perAuthor[0]})`);
  assert.ok(perAuthor.filter((n) => n === 1).length > perAuthor.length / 3, 'most authors appear once in a small sample');

  // the sampler itself: p(1) / p(2) = 2^s
  const z = new ZipfSampler(VOCABULARY_SIZE, 1);
  const rng = new Rng(5);
  const hits = [0, 0];
  for (let i = 0; i < 400_000; i++) {
    const r = z.sample(rng);
    if (r < 2) hits[r]!++;
  }
  assert.ok(Math.abs(hits[0]! / hits[1]! - 2) < 0.1, `rank 1 twice as frequent as rank 2 (${hits[0]! / hits[1]!})`);
});

test('CLI writes the same records to stdout; importing the module does not run it', async () => {
  const run = promisify(execFile);
  const { stdout, stderr } = await run(process.execPath, [GENERATE_JS, '--count', '300', '--out', '-', '--seed', '9'], { maxBuffer: 64 << 20, encoding: 'latin1' });
  const expected = await generate({ count: 300, seed: 9 });
  assert.equal(stdout, expected.text);
  assert.match(stderr, /generated 300 records/);
  const imported = await run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(new URL('../../bench/generate.js', import.meta.url).href)}); console.log('ok')`]);
  assert.equal(imported.stdout, 'ok\n');
  assert.equal(imported.stderr, '');
  await assert.rejects(run(process.execPath, [GENERATE_JS, '--count', '10']), (err: { code?: number }) => err.code === 2);
});
