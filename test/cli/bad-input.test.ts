/**
 * Bad input through the real CLI, on both engines: bad JSON Lines records are reported with
 * their line numbers while every good record is stored (exit 3); truncated or foreign documents
 * write nothing (exit 1); wrong usage exits 2; invalid ids and unusable DATABASE_URLs fail with
 * one clear line. No case prints a stack trace.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, PG_URL, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { fixturePath } from '../helpers.js';
import { importInput } from '../../src/ingest/runner.js';
import { isUserError } from '../../src/errors.js';
import type { RecordError } from '../../src/ingest/types.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { closedPort, countAll, hasStackTrace, importStates, lastLine, query, runCli, show, snapshotLines, type CliOptions, type CliResult } from './cli-helpers.js';

const OAI = 'arxiv/oai-pmh/ListRecords-arXivRaw-page.xml';
const API = 'arxiv/api/q_testing_s0_m100.xml';
const RSS = 'arxiv/rss/cs.AI.atom.xml';
const USAGE_HINT = 'Run "dailypapers --help" for usage.';

/** stderr lines that are not the info log lines of a first start (migrations). */
function messages(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^\d{4}-\d{2}-\d{2}T\S+ (info|debug) /.test(l));
}

/** A failure a user can fix: exit 1, exactly one "error: …" line, no stack trace. */
function assertOneLineError(r: CliResult, pattern: RegExp): string {
  assert.equal(r.timedOut, false, show(r));
  assert.equal(r.code, 1, show(r));
  assert.equal(hasStackTrace(r.stderr), false, show(r));
  const lines = messages(r);
  assert.equal(lines.length, 1, show(r));
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  return lines[0]!;
}

/** Runs the cases concurrently; each must exit 2 with its message first and the usage hint last. */
async function assertUsageErrors(cases: Array<[string[], RegExp]>, opts: CliOptions): Promise<void> {
  const results = await Promise.all(cases.map(([args]) => runCli(args, opts)));
  for (const [i, [args, pattern]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.code, 2, `${args.join(' ')}\n${show(r)}`);
    assert.equal(hasStackTrace(r.stderr), false);
    const m = messages(r);
    assert.match(m[0]!, pattern, args.join(' '));
    assert.equal(m.at(-1), USAGE_HINT, args.join(' '));
  }
}

const lines = snapshotLines();
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dp-bad-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
const write = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Good fixture lines 1-5 mixed with bad ones; the line numbers in the comments are the file's. */
const MIXED = [
  lines[0], // 1 good 0704.0001
  lines[1], // 2 good 0704.0002
  '{"id": "0704.9999", "title": broken', // 3 broken JSON
  lines[2], // 4 good 0704.0003
  '{"title": "A paper without an id", "abstract": "x"}', // 5 missing id
  '', // 6 empty: skipped, but counted as a line
  '{"id": "abc", "title": "Bad id", "abstract": "y"}', // 7 invalid arXiv id
  lines[3], // 8 good 0704.0004
  '[1, 2, 3]', // 9 not an object
  `${lines[4]}\r`, // 10 good 0704.0005, CRLF
  '{"id": "0704.0006", "abstract": "no title"}', // 11 missing title
].join('\n');

// The engines run side by side (each on its own databases); within an engine, tests run in order.
describe('bad input on every engine', { concurrency: true }, () => {
  for (const engine of ENGINES) {
    describe(engine, { concurrency: 1 }, () => {
      describe(`bad input through the CLI on ${engine}`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });
        const cli = (args: string[], opts: CliOptions = {}) => runCli(args, { databaseUrl: t.url, ...opts });

        test('(a) JSON Lines with bad records: each reported with its line and reason, every good one stored, exit 3', { skip }, async () => {
          const file = write(`mixed-${engine}.jsonl`, `${MIXED}\n`);
          const r = await cli(['import', file, '--quiet']);
          assert.equal(r.code, 3, show(r));
          assert.equal(hasStackTrace(r.stderr), false);
          const bad = messages(r).filter((l) => l.startsWith('bad record'));
          assert.equal(bad.length, 5, show(r));
          assert.match(bad[0]!, /^bad record at line 3: invalid JSON\b/);
          assert.equal(bad[1], 'bad record at line 5: missing id');
          assert.equal(bad[2], 'bad record at line 7: invalid arXiv id "abc"');
          assert.equal(bad[3], 'bad record at line 9: not a JSON object');
          assert.equal(bad[4], 'bad record at line 11: missing title');
          assert.equal(lastLine(r.stderr), 'snapshot: 10 records read, 5 new, 0 updated, 0 unchanged, 5 bad');
          const ids = await query<{ id: string }>(t.store, 'SELECT id FROM papers ORDER BY id');
          assert.deepEqual(
            ids.map((x) => x.id),
            ['0704.0001', '0704.0002', '0704.0003', '0704.0004', '0704.0005'],
          );
          const states = await importStates(t.store);
          assert.equal(states.length, 1);
          assert.equal(states[0]!.value.done, true);
          assert.equal(states[0]!.value.errors, 5);
          assert.equal(states[0]!.value.line, 11);
        });

        test('(a) more than 100 bad records: the first 100 are shown, then a count of the rest', { skip }, async () => {
          const before = (await countAll(t.store)).papers;
          const many = [lines[5]!, ...Array.from({ length: 150 }, (_, i) => `{"id": "not-an-id-${i}", "title": "x"}`), lines[6]!];
          const r = await cli(['import', write(`many-${engine}.jsonl`, many.join('\n')), '--quiet']);
          assert.equal(r.code, 3, show(r));
          assert.equal(hasStackTrace(r.stderr), false);
          const bad = messages(r).filter((l) => l.startsWith('bad record'));
          assert.equal(bad.length, 100);
          assert.equal(bad[0], 'bad record at line 2: invalid arXiv id "not-an-id-0"');
          assert.equal(bad[99], 'bad record at line 101: invalid arXiv id "not-an-id-99"');
          assert.ok(messages(r).includes('… and 50 more bad records'), show(r));
          assert.equal(lastLine(r.stderr), 'snapshot: 152 records read, 2 new, 0 updated, 0 unchanged, 150 bad');
          assert.equal((await countAll(t.store)).papers, before + 2);
        });

        test('(a) a JSON Lines file cut in the middle of a line: the cut line is reported, the rest stored', { skip }, async () => {
          const before = (await countAll(t.store)).papers;
          const text = `${lines.slice(10, 20).join('\n')}\n${lines[20]!.slice(0, 300)}`;
          const r = await cli(['import', write(`cut-${engine}.jsonl`, text), '--quiet']);
          assert.equal(r.code, 3, show(r));
          assert.equal(hasStackTrace(r.stderr), false);
          const bad = messages(r).filter((l) => l.startsWith('bad record'));
          assert.equal(bad.length, 1);
          assert.match(bad[0]!, /^bad record at line 11: invalid JSON/);
          assert.equal(lastLine(r.stderr), 'snapshot: 11 records read, 10 new, 0 updated, 0 unchanged, 1 bad');
          assert.equal((await countAll(t.store)).papers, before + 10);
        });

        test('(b) truncated XML (OAI page, API page): exit 1, one line naming the line, nothing written', { skip }, async () => {
          // Something already stored, so "unchanged" is not trivially zero.
          const seeded = await cli(['import', fixturePath(RSS), '--quiet']);
          assert.equal(seeded.code, 0, show(seeded));
          await t.store.db.deleteFrom('ingest_state').execute();
          const counts = await countAll(t.store);
          const cuts = [
            [OAI, 200_000],
            [API, 30_000],
          ] as const;
          const files = cuts.map(([rel, cut]) => {
            const bytes = readFileSync(fixturePath(rel)).subarray(0, cut);
            return { rel, bytes, file: write(`truncated-${engine}-${cut}.xml`, bytes) };
          });
          const results = await Promise.all(files.map(({ file }) => cli(['import', file, '--quiet'])));
          for (const [i, { rel, bytes }] of files.entries()) {
            const line = assertOneLineError(results[i]!, /\bline (\d+)\b/);
            const n = Number(/\bline (\d+)\b/.exec(line)![1]);
            const fileLines = bytes.toString('utf8').split('\n').length;
            assert.ok(n >= 1 && n <= fileLines, `${rel}: line ${n} of a ${fileLines}-line file: ${line}`);
            assert.match(line, /malformed|truncated|unclosed|unexpected end/i);
          }
          assert.deepEqual(await countAll(t.store), counts);
          assert.deepEqual(await importStates(t.store), []);
        });

        test('(b) truncated Hugging Face JSON: exit 1, one line, nothing written', { skip }, async () => {
          const counts = await countAll(t.store);
          const file = write(`truncated-${engine}.json`, readFileSync(fixturePath('hf/daily_papers-2026-06-01.json')).subarray(0, 5000));
          const r = await cli(['import', file, '--quiet']);
          assertOneLineError(r, /not valid JSON/i);
          assert.deepEqual(await countAll(t.store), counts);
        });

        test('(c) an HTML page and a non-arXiv XML document: exit 1 with a message, nothing written', { skip }, async () => {
          const counts = await countAll(t.store);
          const html = write(`page-${engine}.html`, '<!DOCTYPE html>\n<html><head><title>arXiv</title></head><body><p>Rate exceeded.</p></body></html>\n');
          const foo = write(`foo-${engine}.xml`, '<?xml version="1.0"?>\n<foo/>\n');
          const cases: Array<[string[], RegExp]> = [
            [['import', html, '--quiet'], /Cannot tell the format of .*page-.*\.html.*--format/],
            [['import', foo, '--quiet'], /Cannot tell the format of .*foo-.*\.xml/],
            // Forced formats name what they expected and what they got.
            [['import', foo, '--format', 'oai', '--quiet'], /OAI-PMH.*<foo>/],
            [['import', html, '--format', 'arxiv-api', '--quiet'], /arXiv API.*HTML page/],
            [['import', foo, '--format', 'hf', '--quiet'], /not valid JSON/i],
            // arXiv's own error document for a bad id_list.
            [['import', fixturePath('arxiv/api/id_abc_s0_m100.xml'), '--quiet'], /incorrect id format for abc/],
          ];
          const results = await Promise.all(cases.map(([args]) => cli(args)));
          for (const [i, [, pattern]] of cases.entries()) assertOneLineError(results[i]!, pattern);
          assert.deepEqual(await countAll(t.store), counts);
        });

        test('(c) a file that does not exist: exit 1, one line', { skip }, async () => {
          assertOneLineError(await cli(['import', join(dir, 'nope.jsonl')]), /Cannot read .*nope\.jsonl: no such file/);
        });

        test(
          '(c) a directory instead of a file: exit 1, one line saying so',
          { skip },
          async () => {
            assertOneLineError(await cli(['import', dir]), /Cannot read .*: it is a directory/);
          },
        );

        test('(d) wrong usage of import: bad --format or --batch-size, wrong file count → exit 2 with the usage hint', { skip }, async () => {
          const file = fixturePath(RSS);
          const counts = await countAll(t.store);
          await assertUsageErrors(
            [
              [['import', file, '--format', 'xml'], /^error: --format must be one of snapshot, hf, arxiv-api, oai, rss$/],
              [['import', file, '--batch-size', '0'], /^error: --batch-size must be a whole number/],
              [['import'], /^error: import takes one file/],
              [['import', file, file], /^error: import takes one file/],
            ],
            { databaseUrl: t.url },
          );
          assert.deepEqual(await countAll(t.store), counts);
        });

        test('(e) paper add with an invalid id: exit 1, the message shows what a valid id looks like', { skip }, async () => {
          // cli-helpers points ARXIV_API_URL at a closed local port: nothing can reach the internet.
          const ids = ['abc', 'https://arxiv.org/abs/abc', '2101.1140', 'hep-th/99010'];
          const results = await Promise.all(ids.map((id) => cli(['paper', 'add', id])));
          for (const [i, bad] of ids.entries()) {
            const line = assertOneLineError(results[i]!, /is not an arXiv id/);
            assert.ok(line.includes(`"${bad}"`), line);
            assert.ok(line.includes('2101.11408'), line);
            assert.ok(line.includes('hep-th/9901001'), line);
          }
        });

        test('(e) paper add with a valid id while arXiv is unreachable: exit 1, one line, fast', { skip }, async () => {
          const counts = await countAll(t.store);
          const r = await cli(['paper', 'add', '2101.11408'], { timeoutMs: 20_000 });
          assertOneLineError(r, /arXiv/);
          assert.ok(r.ms < 10_000, `took ${Math.round(r.ms)} ms`);
          assert.deepEqual(await countAll(t.store), counts);
        });
      });

      describe(`bad input through importInput on ${engine}`, async () => {
        const skip = engine === 'postgres' ? await skipPostgres() : false;
        let t: TestDb;
        before(async () => {
          if (!skip) t = await freshDb(engine);
        });
        after(async () => {
          await t?.cleanup();
        });

        test('bad JSON Lines records reach onRecordError with line numbers; the report counts them', { skip }, async () => {
          const seen: RecordError[] = [];
          const file = write(`direct-${engine}.jsonl`, MIXED);
          const r = await importInput(t.store, file, { calendar: DEFAULT_CALENDAR, batchSize: 2, onRecordError: (e) => seen.push(e) });
          assert.deepEqual(
            seen.map((e) => [e.line, e.record]),
            [
              [3, 3],
              [5, 5],
              [7, 7],
              [9, 9],
              [11, 11],
            ],
          );
          assert.deepEqual(
            seen.slice(1).map((e) => e.reason),
            ['missing id', 'invalid arXiv id "abc"', 'not a JSON object', 'missing title'],
          );
          assert.deepEqual(r.errorSamples, seen);
          assert.equal(r.records, 10);
          assert.equal(r.errors, 5);
          assert.equal(r.inserted, 5);
          assert.equal((await countAll(t.store)).papers, 5);
        });

        test('a truncated document throws a UserError and writes nothing', { skip }, async () => {
          const counts = await countAll(t.store);
          const file = write(`direct-truncated-${engine}.xml`, readFileSync(fixturePath(OAI)).subarray(0, 100_000));
          await assert.rejects(
            () => importInput(t.store, file, { calendar: DEFAULT_CALENDAR }),
            (e: unknown) => isUserError(e) && /line \d+/.test((e as Error).message),
          );
          assert.deepEqual(await countAll(t.store), counts);
        });
      });
    });
  }
});

describe('wrong usage without a database', () => {
  test('(d) unknown commands, subcommands and options → exit 2 with the usage hint; nothing is created', async () => {
    const url = join(dir, 'usage', 'never.db');
    await assertUsageErrors(
      [
        [['frobnicate'], /^error: unknown command "frobnicate"$/],
        [['db', 'frob'], /^error: db needs a subcommand/],
        [['db', 'backup'], /^error: usage: dailypapers db backup <file>$/],
        [['--bogus'], /^error: Unknown option '--bogus'/],
        [['import', 'x.jsonl', '--format'], /^error: Option '--format <value>' argument missing/],
      ],
      { databaseUrl: url },
    );
    assert.equal(existsSync(url), false);
    const [none, help] = await Promise.all([runCli([], { databaseUrl: url }), runCli(['--help'], { databaseUrl: url })]);
    assert.equal(none.code, 2, show(none));
    assert.match(none.stdout, /^Usage: dailypapers <command>/m);
    assert.equal(help.code, 0, show(help));
    assert.match(help.stdout, /^Exit codes:/m);
    assert.match(help.stdout, /^ {2}130 interrupted/m);
  });

  test('(d) usage errors of database commands → exit 2', async () => {
    const url = join(dir, 'usage2', 'x.db');
    await assertUsageErrors(
      [
        [['ingest', 'nowhere'], /^error: ingest needs a source/],
        [['paper', 'remove', '2101.11408'], /^error: usage: dailypapers paper add/],
        [['ingest', 'arxiv'], /^error: ingest arxiv needs --ids, --query, --category or a date range$/],
      ],
      { databaseUrl: url },
    );
  });
});

describe('unusable DATABASE_URL: exit 1, one clear line, no stack trace', async () => {
  const skipPg = await skipPostgres();

  test('(f) an unsupported scheme', async () => {
    const results = await Promise.all([['db', 'status'], ['import', fixturePath(RSS)]].map((args) => runCli(args, { databaseUrl: 'mysql://x' })));
    for (const r of results) {
      assertOneLineError(r, /unsupported scheme/);
      assert.match(r.stderr, /mysql:\/\/x/);
    }
  });

  test('(f) PostgreSQL on a closed port: "connection refused", in well under 10 s, password masked', async () => {
    const port = await closedPort();
    const url = `postgres://postgres:s3cret-pw@127.0.0.1:${port}/x`;
    const results = await Promise.all([['db', 'status'], ['import', fixturePath(RSS)]].map((args) => runCli(args, { databaseUrl: url, timeoutMs: 20_000 })));
    for (const r of results) {
      assertOneLineError(r, /connection refused/);
      assert.ok(r.ms < 10_000, `took ${Math.round(r.ms)} ms`);
      assert.equal(r.stderr.includes('s3cret-pw'), false, 'the password must not be printed');
    }
  });

  test('(f) a PostgreSQL database that does not exist: the message says so', { skip: skipPg }, async () => {
    const u = new URL(PG_URL);
    u.pathname = '/dailypapers_no_such_db_4711';
    const r = await runCli(['db', 'status'], { databaseUrl: u.toString(), timeoutMs: 20_000 });
    assertOneLineError(r, /database "dailypapers_no_such_db_4711" does not exist/);
    assert.match(r.stderr, /createdb|database name/);
  });

  test('(f) a data directory that cannot be created (/sys): "Cannot write to the data directory"', async () => {
    const results = await Promise.all(
      [['db', 'status'], ['import', fixturePath(RSS)]].map((args) => runCli(args, { databaseUrl: '/sys/dailypapers-test/x.db', timeoutMs: 15_000 })),
    );
    for (const r of results) assertOneLineError(r, /Cannot write to the data directory \/sys\/dailypapers-test\b/);
  });

  test(
    '(f) a data directory that cannot be written (chmod 0500)',
    { skip: process.getuid?.() === 0 ? 'running as root: chmod does not stop root from writing' : false },
    async () => {
      const ro = join(dir, 'read-only');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      try {
        const r = await runCli(['db', 'status'], { databaseUrl: join(ro, 'x.db'), timeoutMs: 15_000 });
        assertOneLineError(r, /Cannot write to the data directory/);
        assert.equal(existsSync(join(ro, 'x.db')), false);
      } finally {
        chmodSync(ro, 0o700);
      }
    },
  );

  test(
    '(f) a data directory under /proc: "Cannot write to the data directory", fast',
    {},
    async () => {
      const r = await runCli(['db', 'status'], { databaseUrl: '/proc/dailypapers/x.db', timeoutMs: 3_000 });
      assert.equal(r.timedOut, false, 'the command hung (killed after 3 s)');
      assertOneLineError(r, /Cannot write to the data directory/);
    },
  );
});
