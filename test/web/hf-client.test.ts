/**
 * Hugging Face's own Python client (huggingface_hub) against a real server on an ephemeral port,
 * on a fresh database loaded with the sample: test/web/hf_client_check.py calls list_daily_papers,
 * paper_info and list_papers with HF_ENDPOINT pointing here and prints what PaperInfo parsed.
 * Without python3 and huggingface_hub the test is skipped, or fails with CI=true.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { readFixture } from '../helpers.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { createApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config.js';

const SCRIPT = fileURLToPath(new URL('../../../test/web/hf_client_check.py', import.meta.url));
type Json = any;

/** Reason to skip, or false; with CI=true a missing client throws. */
function skipClient(): string | false {
  const r = spawnSync('python3', ['-c', 'import huggingface_hub; print(huggingface_hub.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  const why = r.error ? 'python3 is not installed' : `huggingface_hub is not importable (${r.stderr.trim().split('\n').at(-1)})`;
  if (process.env.CI === 'true') throw new Error(`The HF client test needs python3 with huggingface_hub in CI: ${why}`);
  return why;
}

/** Runs the check script against `endpoint`, with no token and no telemetry. */
function runClient(endpoint: string, home: string): Promise<Json> {
  const env: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: endpoint, HF_HOME: home, HF_HUB_DISABLE_TELEMETRY: '1', HF_HUB_DISABLE_IMPLICIT_TOKEN: '1', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' };
  delete env.HF_TOKEN;
  delete env.HUGGING_FACE_HUB_TOKEN;
  delete env.HF_HUB_OFFLINE;
  return new Promise((resolve, reject) => {
    execFile('python3', [SCRIPT], { env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

const TAESIRI = {
  username: 'taesiri',
  fullname: 'taesiri',
  avatar_url: 'https://cdn-avatars.huggingface.co/v1/production/uploads/6039478ab3ecf716b1a5fd4d/_Thy4E7taiSYBLKxEKJbT.jpeg',
  type: 'user',
};
const HALLUCINATE = {
  id: '2509.04664',
  title: 'Why Language Models Hallucinate',
  summary_start: 'Like students facing hard exam questions',
  upvotes: 26,
  published_at: '2025-09-04T21:26:31+00:00',
  submitted_at: '2025-09-08T02:44:20.973000+00:00',
  submitted_by: TAESIRI,
  authors: ['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang'],
  discussion_id: '68be5810c123124955ef60b0',
  comments: 0,
  github_repo: null,
};

for (const engine of ENGINES) {
  describe(`huggingface_hub against a live server on ${engine}`, async () => {
    const skip = skipClient() || (engine === 'postgres' ? await skipPostgres() : false);
    let t: TestDb;
    let server: ServerType;
    let home: string;
    let out: Json;
    before(async () => {
      if (skip) return;
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, DEFAULT_CALENDAR);
      let app: ReturnType<typeof createApp> | null = null;
      server = serve({ fetch: (req) => app!.fetch(req), port: 0, hostname: '127.0.0.1' });
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      app = createApp({ store: t.store, search: await t.search(), config: loadConfig({ BASE_URL: base }), now: () => new Date() });
      home = mkdtempSync(join(tmpdir(), 'dp-hf-home-'));
      out = await runClient(base, home);
    });
    after(async () => {
      if (server) await new Promise((resolve) => server.close(resolve));
      await t?.cleanup();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test('list_daily_papers(date=…): every paper of the day, datetimes parsed, submitters as users', { skip }, () => {
      const day: Json[] = out.daily_2026_06_01;
      assert.equal(day.length, 50);
      const fixture = JSON.parse(readFixture('hf/daily_papers-2026-06-01.json')) as Json[];
      const submitters = new Map(fixture.map((i) => [i.paper.id, i.submittedBy.name]));
      assert.deepEqual(day.map((p) => p.id).sort(), [...submitters.keys()].sort());
      for (const p of day) {
        assert.equal(p.submitted_at, '2026-06-01T00:00:00+00:00');
        assert.match(p.published_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
        assert.equal(p.submitted_by.username, submitters.get(p.id));
        assert.equal(p.submitted_by.type, 'user');
        // PaperInfo reads `paper.upvotes or item.upvotes`: 0 upvotes come out as None.
        assert.equal(p.upvotes, null);
      }
      const one = day.find((p) => p.id === '2605.23458');
      assert.equal(one.title, 'One-Forcing: Towards Stable One-Step Autoregressive Video Generation');
      assert.equal(one.published_at, '2026-05-22T00:00:00+00:00');
      assert.equal(one.submitted_by.username, 'cuijiaxing');
      assert.equal(one.authors[0], 'Jiaqi Feng');
      assert.equal(one.discussion_id, null);
    });

    test('list_daily_papers: the full record of 2509.04664', { skip }, () => {
      // The client reads ai_summary, ai_keywords and githubRepo at the item's top level, where HF's list has none.
      assert.deepEqual(out.daily_2025_09_08, [{ ...HALLUCINATE, ai_summary_start: null, ai_keywords: null }]);
    });

    test('list_daily_papers: latest day, week with sort and page, submitter filter', { skip }, () => {
      assert.equal(out.daily_latest.length, 3);
      assert.ok(out.daily_latest.every((p: Json) => p.submitted_at === '2026-10-03T00:00:00+00:00' && p.submitted_by === null));
      assert.equal(out.daily_week_page.length, 16);
      assert.ok(out.daily_week_page.every((p: Json) => p.submitted_at === '2026-06-01T00:00:00+00:00'));
      assert.equal(out.daily_submitter.length, 6);
      assert.ok(out.daily_submitter.every((p: Json) => p.submitted_by.username === 'taesiri'));
    });

    test('paper_info: new, versioned and old-style ids', { skip }, () => {
      const full = { ...HALLUCINATE, ai_summary_start: 'Language models produce incorrect statem', ai_keywords: ['hallucinations', 'binary classification', 'uncertain responses', 'trustworthy AI systems'] };
      assert.deepEqual(out.paper_new, full);
      assert.deepEqual(out.paper_versioned, full);
      const old = out.paper_old_style;
      assert.equal(old.id, 'hep-ph/0301050');
      assert.equal(old.title, 'Statistical Test of Anarchy');
      assert.equal(old.published_at, '2003-01-08T20:15:43+00:00');
      assert.equal(old.submitted_at, null);
      assert.equal(old.submitted_by, null);
      assert.deepEqual(old.authors, ['Andre de Gouvea', 'Hitoshi Murayama']);
    });

    test('list_papers(query=…): search results as PaperInfo', { skip }, () => {
      assert.ok(out.search.length >= 1 && out.search.length <= 3);
      assert.equal(out.search[0].id, '2509.04664');
      assert.equal(out.search[0].title, 'Why Language Models Hallucinate');
      assert.equal(out.search[0].submitted_at, '2025-09-08T02:44:20.973000+00:00');
    });

    test('errors reach the client as HTTP errors with the message', { skip }, () => {
      assert.equal(out.unknown_paper.status, 404);
      assert.match(out.unknown_paper.message, /There is no paper 2101\.11408/);
      assert.equal(out.invalid_paper.status, 400);
      assert.match(out.invalid_paper.message, /"abc" is not an arXiv id/);
      assert.equal(out.bad_date.status, 400);
      assert.match(out.bad_date.message, /date: "2026-13-01"/);
    });
  });
}
