/** The public read pages, on both engines, against the bundled sample: statuses, exact content, structure and escaping. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/web/app.js';
import { refreshTrending } from '../../src/feed/trending.js';
import { setLogLevel } from '../../src/log.js';
import type { Hono } from 'hono';
import type { AppEnv } from '../../src/web/context.js';

const BASE = 'https://papers.example';
const NOW = new Date('2026-10-04T12:00:00Z');

interface Page {
  status: number;
  type: string;
  html: string;
  headers: Headers;
}

/** arXiv ids of the cards on a page, in order. */
const cardIds = (html: string) => [...html.matchAll(/<span class="id">arXiv:([^<]+)<\/span>/g)].map((m) => m[1]!);
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

/** Asserts the page contains a pattern, with a short message (pages are long). */
function has(html: string, pattern: RegExp | string, want = true) {
  const found = typeof pattern === 'string' ? html.includes(pattern) : pattern.test(html);
  if (found !== want) {
    const h1 = /<h1>(.*?)<\/h1>/.exec(html)?.[1];
    assert.fail(`${want ? 'missing' : 'unexpected'}: ${String(pattern)} (page h1: ${h1})`);
  }
}

/** The structure every HTML page shares: one h1, landmarks, labelled controls, no inline code, the CSP. */
function assertShape(p: Page, path: string) {
  assert.match(p.type, /^text\/html/, path);
  assert.equal(count(p.html, /<h1[ >]/g), 1, `${path}: one h1`);
  assert.equal(count(p.html, /<main[ >]/g), 1, `${path}: one main`);
  assert.ok(/<link rel="alternate" type="application\/rss\+xml"[^>]*href="\/feeds\//.test(p.html), `${path}: links an RSS feed`);
  assert.ok(/<link rel="alternate" type="application\/atom\+xml"[^>]*href="\/feeds\//.test(p.html), `${path}: links an Atom feed`);
  for (const landmark of ['<header class="site"', '<nav aria-label="Main"', '<footer class="site"', 'role="search"']) assert.ok(p.html.includes(landmark), `${path}: ${landmark}`);
  for (const m of p.html.matchAll(/<(?:input|select)\b([^>]*)>/g)) {
    if (/type="hidden"/.test(m[1]!)) continue;
    const id = /id="([^"]+)"/.exec(m[1]!)?.[1];
    assert.ok(id && p.html.includes(`<label for="${id}"`), `${path}: control without a label: ${m[0]}`);
  }
  for (const tag of p.html.match(/<[a-z][^>]*>/g) ?? []) {
    // Attribute values removed, what is left must hold no handler or style attribute.
    assert.doesNotMatch(tag.replace(/"[^"]*"/g, '""'), /\son[a-z]+=|\sstyle=|^<script(?![^>]*\ssrc=)/, `${path}: inline code in ${tag}`);
  }
  const nonce = /'nonce-([^']+)'/.exec(p.headers.get('content-security-policy') ?? '')?.[1];
  assert.ok(nonce && p.html.includes(`<script src="/static/app.js?v=`) && p.html.includes(`nonce="${nonce}"`), `${path}: CSP with the page's nonce`);
}

for (const engine of ENGINES) {
  describe(`public pages on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let app: Hono<AppEnv>;
    const get = async (path: string): Promise<Page> => {
      const r = await app.request(path);
      return { status: r.status, type: r.headers.get('content-type') ?? '', html: await r.text(), headers: r.headers };
    };
    /** GET that must answer `status` with a well-formed HTML page. */
    const page = async (path: string, status = 200) => {
      const p = await get(path);
      assert.equal(p.status, status, `${path} → ${p.status}`);
      assertShape(p, path);
      return p.html;
    };

    before(async () => {
      if (skip) return;
      setLogLevel('error');
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, { holidays: new Set() });
      app = createApp({ store: t.store, search: await t.search(), config: loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'error' }), now: () => NOW });
    });
    after(async () => {
      await t?.cleanup();
    });

    test('/ shows the latest featured day, linking back past empty days', { skip }, async () => {
      const html = await page('/');
      has(html, /<h1>Sat, 3 Oct 2026<\/h1>/);
      assert.equal(cardIds(html).length, 50);
      has(html, /<a href="\/papers\/date\/2026-06-02" rel="prev">← Tue, 2 Jun 2026<\/a>/);
      has(html, /rel="next"/, false);
      has(html, `<link rel="canonical" href="${BASE}/"/>`);
      assert.ok(html.includes('<link rel="alternate" type="application/rss+xml" title="Daily papers (RSS)" href="/feeds/daily.rss"/>'));
      has(html, 'href="/feeds/daily.atom"');
      has(html, '<meta property="og:title" content="Daily Papers"/>');
      has(html, '<meta property="og:description" content="50 papers featured by the community on Sat, 3 Oct 2026, ranked by upvotes."/>');
    });

    test('a day page lists its papers, with tabs, a date picker, a filter and neighbours', { skip }, async () => {
      const html = await page('/papers/date/2026-06-01');
      has(html, /<h1>Mon, 1 Jun 2026<\/h1>/);
      has(html, /<h2 id="papers-heading">50 papers<\/h2>/);
      assert.equal(cardIds(html).length, 50);
      has(html, /href="\/papers\/date\/2025-09-08" rel="prev"/);
      has(html, /href="\/papers\/date\/2026-06-02" rel="next"/);
      has(html, /<a href="\/papers\/week\/2026-W23">Weekly<\/a><a href="\/papers\/month\/2026-06">Monthly<\/a>/);
      has(html, /<form class="datepicker" action="\/papers\/date" method="get"><label for="date-picker">Go to date<\/label><input type="date" id="date-picker" name="date" value="2026-06-01" required="" data-autosubmit="true"\/>/);
      has(html, /<select id="category-filter" name="category">/);
      has(html, 'href="/feeds/daily.rss?date=2026-06-01"');
      has(html, 'href="/feeds/daily.atom?date=2026-06-01"');
      has(html, `<link rel="canonical" href="${BASE}/papers/date/2026-06-01"/>`);
    });

    test('ranked by upvotes, ties newest first, paged with numbered pages', { skip }, async () => {
      const ids = cardIds(await page('/papers/date/2026-06-02'));
      assert.equal(ids.length, 50);
      const order = await t.store.db
        .selectFrom('featured')
        .innerJoin('papers', 'papers.seq', 'featured.paper_seq')
        .select('papers.id')
        .where('featured_day', '=', '2026-06-02')
        .orderBy('papers.upvotes', 'desc')
        .orderBy('featured.featured_at', 'desc')
        .orderBy('papers.seq', 'desc')
        .execute();
      assert.deepEqual(ids, order.slice(0, 50).map((r) => r.id));
      const second = await page('/papers/date/2026-06-02?page=2');
      assert.deepEqual(cardIds(second), order.slice(50).map((r) => r.id));
      has(second, /<h2 id="papers-heading">66 papers · 51–66 shown<\/h2>/);
      has(second, /<a href="\/papers\/date\/2026-06-02" aria-label="Page 1">1<\/a><span aria-current="page">2<\/span>/);
      // Upvotes win over recency.
      const last = order.at(-1)!.id;
      await t.store.db.updateTable('papers').set({ upvotes: 7 }).where('id', '=', last).execute();
      assert.equal(cardIds(await page('/papers/date/2026-06-02'))[0], last);
      await t.store.db.updateTable('papers').set({ upvotes: 0 }).where('id', '=', last).execute();
      await page('/papers/date/2026-06-02?page=3', 404);
    });

    test('week and month pages span both June days', { skip }, async () => {
      const week = await page('/papers/week/2026-W23');
      has(week, /<h1>Week 23 of 2026 \(1 Jun – 7 Jun\)<\/h1>/);
      has(week, /<h2 id="papers-heading">116 papers · 1–50 shown<\/h2>/);
      has(week, /aria-label="Page 3">3<\/a>/);
      has(week, /href="\/papers\/week\/2025-W37" rel="prev"/);
      has(week, /href="\/papers\/week\/2026-W40" rel="next"/);
      has(week, /<a href="\/papers\/date\/2026-06-02">Daily<\/a><a href="\/papers\/week\/2026-W23" aria-current="page">Weekly<\/a>/);
      has(week, 'href="/feeds/daily.rss?week=2026-W23"');
      assert.equal(cardIds(await page('/papers/week/2026-W23?page=3')).length, 16);
      const month = await page('/papers/month/2026-06');
      has(month, /<h1>June 2026<\/h1>/);
      has(month, /116 papers/);
      has(month, /href="\/papers\/month\/2025-09" rel="prev"/);
      has(month, /href="\/papers\/month\/2026-10" rel="next"/);
      has(month, 'href="/feeds/daily.atom?month=2026-06"');
    });

    test('an empty period is a 404 that links to the nearest periods with papers', { skip }, async () => {
      const html = await page('/papers/date/2026-06-03', 404);
      has(html, /<h1>No featured papers on Wed, 3 Jun 2026<\/h1>/);
      has(html, /href="\/papers\/date\/2026-06-02" rel="prev"/);
      has(html, /href="\/papers\/date\/2026-10-03" rel="next"/);
      has(await page('/papers/month/2026-07', 404), /href="\/papers\/month\/2026-10" rel="next"/);
    });

    test('malformed dates, weeks, months, pages and categories are 400s that say why', { skip }, async () => {
      const cases: Array<[string, string]> = [
        ['/papers/date/2026-02-30', '"2026-02-30" is not a valid date (YYYY-MM-DD), for example 2026-06-01.'],
        ['/papers/date/yesterday', '"yesterday" is not a valid date (YYYY-MM-DD)'],
        ['/papers/week/2026-W54', '"2026-W54" is not a valid ISO week (YYYY-Www), for example 2026-W23.'],
        ['/papers/month/2026-13', '"2026-13" is not a valid month (YYYY-MM), for example 2026-06.'],
        ['/papers/date?date=06/01/2026', 'is not a valid date (YYYY-MM-DD)'],
        ['/papers/date/2026-06-01?page=0', '"0" is not a page number: use a whole number from 1 to 100000.'],
        ['/papers/trending?page=two', '"two" is not a page number'],
        ['/list/cs.AI?page=-1', '"-1" is not a page number'],
        ['/papers/trending?category=cs..LG', '"cs..LG" is not an arXiv category: use an id such as cs.LG, math.CO or hep-th.'],
        ['/list/cs_AI', '"cs_AI" is not an arXiv category'],
        ['/list/cs.AI/2025-8-20', '"2025-8-20" is not a valid date: use YYYY-MM-DD'],
      ];
      for (const [path, message] of cases) assert.ok((await page(path, 400)).includes(message.replace(/"/g, '&quot;')), `${path}: ${message}`);
    });

    test('the date picker target redirects to the canonical period URL', { skip }, async () => {
      const redirect = async (path: string) => {
        const r = await app.request(path);
        assert.equal(r.status, 302, path);
        return r.headers.get('location');
      };
      assert.equal(await redirect('/papers/date?date=2026-06-01'), '/papers/date/2026-06-01');
      assert.equal(await redirect('/papers/week?date=2026-06-03&category=cs.CL'), '/papers/week/2026-W23?category=cs.CL');
      assert.equal(await redirect('/papers/month'), '/papers/month/2026-10');
      assert.equal(await redirect('/list/cs.AI?date=2025-08-20'), '/list/cs.AI/2025-08-20');
    });

    test('the category filter narrows the feeds and keeps itself in links', { skip }, async () => {
      const categorize = (categories: string) => t.store.db.updateTable('papers').set({ categories }).where('id', '=', '2605.23458').execute();
      await categorize('cs.CL cs.AI');
      try {
        const html = await page('/papers/date/2026-06-01?category=cs.CL');
        assert.deepEqual(cardIds(html), ['2605.23458']);
        has(html, /<option value="cs.CL" selected="">cs.CL · Computation and Language<\/option>/);
        has(html, '<a href="/papers/week/2026-W23?category=cs.CL">Weekly</a>');
        has(await page('/?category=cs.CL'), /<h1>Mon, 1 Jun 2026<\/h1>/);
        assert.deepEqual(cardIds(await page('/papers/trending?category=cs.CL')), ['2605.23458']);
        has(await page('/papers/date/2026-06-02?category=cs.CL', 404), /href="\/papers\/date\/2026-06-01\?category=cs.CL" rel="prev"/);
      } finally {
        await categorize('');
      }
      await page('/?category=cs.CL', 404);
    });

    test('trending ranks by the stored score and explains it', { skip }, async () => {
      await t.store.db.updateTable('papers').set({ upvotes: 40, num_comments: 3 }).where('id', '=', '2609.22753').execute();
      await refreshTrending(t.store, NOW);
      const html = await page('/papers/trending');
      has(html, /<h1>Trending papers<\/h1>/);
      has(html, /Score = \(upvotes \+ 2 × comments \+ 1\) ÷ \(hours since featured \+ 2\)<sup>1.5<\/sup>/);
      has(html, /<h2 id="papers-heading">167 featured papers, highest score first<\/h2>/);
      const ids = cardIds(html);
      assert.equal(ids[0], '2609.22753');
      has(html, /<strong>40<\/strong> <small>upvotes<\/small>/);
      has(html, /3 comments/);
      has(html, 'href="/feeds/trending.rss"');
      has(html, 'href="/feeds/trending.atom"');
      assert.equal(cardIds(await page('/papers/trending?page=4')).length, 17);
      await page('/papers/trending?page=5', 404);
    });

    test('a category listing: new submissions, then cross-lists marked, with counts and neighbours', { skip }, async () => {
      const html = await page('/list/cs.AI/2025-08-20');
      has(html, /<h1>cs.AI · Artificial Intelligence<\/h1>/);
      has(html, /Announced Wed, 20 Aug 2025: 2 new, 5 cross-lists\./);
      assert.deepEqual(cardIds(html), ['2508.14001', '2508.14002', '2508.13426', '2508.13428', '2508.13429', '2508.13434', '2508.13435']);
      const cards = html.split('<li class="card">').slice(1);
      assert.deepEqual(cards.map((c) => c.includes('<strong class="cross">cross-list</strong>')), [false, false, true, true, true, true, true]);
      has(html, /<h2 id="cross-heading">Cross-lists from other categories \(5\)<\/h2>/);
      has(html, /href="\/list\/cs.AI\/2025-04-08" rel="prev"/);
      has(html, /href="\/list\/cs.AI\/2025-09-09" rel="next"/);
      has(html, 'href="/feeds/list/cs.AI.rss"');
      has(html, 'href="/feeds/list/cs.AI.atom"');
      has(await page('/list/cs.AI'), /Announced Tue, 9 Sep 2025: 0 new, 1 cross-list\./);
      const big = await page('/list/astro-ph/2008-01-29');
      has(big, /58 new, 8 cross-lists/);
      assert.equal(cardIds(big).length, 50);
      assert.equal(cardIds(await page('/list/astro-ph/2008-01-29?page=2')).length, 16);
      await page('/list/astro-ph/2008-01-29?page=3', 404);
    });

    test('listing errors and the category index', { skip }, async () => {
      has(await page('/list/cs.AI/2025-08-21', 404), /href="\/list\/cs.AI\/2025-08-20" rel="prev"/);
      has(await page('/list/cs.DL', 404), /no papers in cs.DL \(Digital Libraries\) yet/);
      has(await page('/list/cs.QQ', 404), /not a category in arXiv&#39;s taxonomy/);
      const r = await app.request('/list/cs.ai');
      assert.equal(r.status, 301);
      assert.equal(r.headers.get('location'), '/list/cs.AI');
      const index = await page('/list');
      for (const link of ['<a href="/list/cs.LG">cs.LG · Machine Learning</a>', '<span class="id">q-fin.TR</span> Trading and Market Microstructure', '<h3>Condensed Matter</h3>', '<h2 id="group-eess">Electrical Engineering and Systems Science</h2>']) {
        has(index, link);
      }
    });

    test('author pages: newest first, paged; unknown authors are a 404 that offers search', { skip }, async () => {
      const html = await page('/authors/Uwe%20Aickelin');
      has(html, /<h1>Uwe Aickelin<\/h1>/);
      has(html, /6 papers in this catalog, newest first\./);
      const ids = cardIds(html);
      const rows = await t.store.db.selectFrom('papers').select(['id', 'submitted_at']).where('id', 'in', ids).execute();
      const at = new Map(rows.map((r) => [r.id, r.submitted_at ?? '']));
      assert.deepEqual(ids, [...ids].sort((a, b) => at.get(b)!.localeCompare(at.get(a)!)));
      has(html, 'href="/feeds/authors/Uwe%20Aickelin.rss"');
      await page('/authors/Uwe%20Aickelin?page=2', 404);
      has(await page('/authors/Nobody%20Anywhere', 404), /<a href="\/search\?q=Nobody\+Anywhere">/);
    });

    test('search: the form alone, then results with the query kept in the box', { skip }, async () => {
      const empty = await page('/search');
      has(empty, /<h1>Search papers<\/h1>/);
      has(empty, /results-heading|<li class="card">/, false);
      const html = await page('/search?q=Aickelin');
      has(html, /<input type="search" id="q" name="q" value="Aickelin" maxlength="500"\/>/);
      assert.equal(cardIds(html).length, 6);
      has(html, 'href="/feeds/search.rss?q=Aickelin"');
      has(await page('/search?q=zzqqxxnothing'), /No papers match “zzqqxxnothing”/);
      await page('/search?q=Aickelin&page=2', 404);
    });

    test('search: marked snippets, counts, controls, warnings, arXiv ids go to the paper', { skip }, async () => {
      const html = await page('/search?q=hallucinate');
      has(html, /<mark>[Hh]allucinat\w*<\/mark>/);
      has(html, /<h2 id="results-heading">4 results · papers matching &quot;hallucinate&quot; · best match first<\/h2>/);
      assert.equal(cardIds(html)[0], '2509.04664');
      const sorted = await page('/search?q=models&sort=newest&since=2026-06');
      has(sorted, /<option value="newest" selected="">Newest<\/option>/);
      has(sorted, /newest first/);
      has(sorted, /value="2026-06-01"/);
      has(await page('/search?q=cat%3Axx.YY%20models'), /<ul class="warnings"/);
      const r = await get('/search?q=https%3A%2F%2Farxiv.org%2Fabs%2F2509.04664v2');
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/papers/2509.04664');
      assert.equal((await get('/search?q=x&sort=sideways')).status, 400);
      assert.equal((await get('/search?q=x&since=2024-13')).status, 400);
      assert.equal((await get('/papers/date/2024-13-01')).status, 400);
      for (const q of ['"', '(((', '\u0000', 'x'.repeat(10_000), 'author:', '-', '🙂']) assert.equal((await get(`/search?q=${encodeURIComponent(q)}`)).status, 200, q.slice(0, 10));
      const paper = await page('/papers/2509.04664');
      has(paper, /<h2 id="similar-heading">Similar papers<\/h2>/);
    });

    test('LaTeX in card titles is typeset on the server, with its rules under the nonce', { skip }, async () => {
      const html = await page('/authors/M.%20Kriener');
      has(html, /<h3><a href="\/papers\/0801.4188">Magnetic and structural transitions in La<span class="katex">/);
      has(html, /<link rel="stylesheet" href="\/static\/katex\/katex.min.css\?v=[^"]+" nonce="[^"]+"\/>/);
      has(html, /<style nonce="[^"]+">\.tx-/);
      has(html, '$_{1-x}', false);
    });

    test('nothing a visitor types appears unescaped', { skip }, async () => {
      for (const payload of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']) {
        const e = encodeURIComponent(payload);
        const paths = [`/search?q=${e}`, `/?category=${e}`, `/papers/trending?category=${e}`, `/papers/date/2026-06-01?page=${e}`, `/search?q=x&page=${e}`, `/authors/${e}`, `/papers/date/${e}`, `/papers/week/${e}`, `/papers/date?date=${e}`, `/list/${e}`, `/list/cs.AI/${e}`];
        for (const path of paths) {
          const p = await get(path);
          assertShape(p, path);
          assert.ok(!p.html.includes(payload) && !/<img|<script>/.test(p.html), `${path} echoes the payload`);
        }
      }
    });

    test('before anything is featured, / shows the newest announcements', { skip }, async () => {
      await t.store.db.deleteFrom('featured').execute();
      const html = await page('/');
      has(html, /<h1>New on arXiv, by announcement day<\/h1>/);
      has(html, /<h2 class="day-heading" id="day-2026-10-02">/);
      assert.equal(cardIds(html).length, 30);
      has(html, /aria-label="Page 2">2<\/a>/);
      await page('/papers/date/2026-06-01', 404);
    });
  });
}
