/**
 * The paper page end to end through app.request, on both engines, against the bundled sample:
 * exact content of real papers, rendered math, head tags, BibTeX, id spellings, the 400 and 404
 * pages, and fetching a missing paper from a local stand-in for the arXiv API.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { readFixture } from '../helpers.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { loadConfig } from '../../src/config.js';
import type { SearchService } from '../../src/search/service.js';
import { createApp } from '../../src/web/app.js';
import type { AppEnv } from '../../src/web/context.js';
import { deletePapers, getPaper } from '../../src/papers/repository.js';
import { KATEX_CSS } from '../../src/web/assets.js';
import { setLogLevel } from '../../src/log.js';

const BASE = 'https://papers.example';
const NOW = new Date('2026-10-04T12:00:00Z');

interface Res {
  status: number;
  html: string;
  headers: Headers;
}

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
/** The content of every <meta name|property=…> with that name, in order. */
const metas = (html: string, name: string) => [...html.matchAll(new RegExp(`<meta (?:name|property)="${name}" content="([^"]*)"/>`, 'g'))].map((m) => m[1]!);
/** The HTML of the element that starts with `open` up to the first `close` after it. */
const between = (html: string, open: string, close: string) => {
  const i = html.indexOf(open);
  assert.ok(i >= 0, `missing ${open}`);
  return html.slice(i, html.indexOf(close, i) + close.length);
};

/** What every page here must be: one h1, the paper's sections labelled, no inline style or script, the CSP nonce on its <style>. */
function assertPageShape(r: Res, path: string) {
  assert.equal(count(r.html, /<h1[ >]/g), 1, `${path}: one h1`);
  for (const m of r.html.matchAll(/<(?:section|article)[^>]* aria-labelledby="([^"]+)"/g)) {
    assert.ok(r.html.includes(` id="${m[1]}"`), `${path}: section labelled by missing #${m[1]}`);
  }
  const article = r.html.indexOf('<article class="paper"');
  if (article >= 0) assert.equal(count(r.html.slice(article), /<section(?![^>]*aria-labelledby=)[ >]/g), 0, `${path}: unlabelled section`);
  assert.doesNotMatch(r.html, /\son[a-z]+=|\sstyle=|<script(?![^>]*\ssrc=)/, `${path}: inline code or style`);
  const nonce = /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')?.[1];
  for (const m of r.html.matchAll(/<style([^>]*)>/g)) assert.equal(m[1], ` nonce="${nonce}"`, `${path}: <style> without the nonce`);
}

/** A stand-in for arXiv's API answering with recorded responses; records the id_list of every request. */
async function arxivStandIn(answer: (idList: string) => string): Promise<{ url: string; asked: string[]; server: Server }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const idList = new URL(req.url ?? '/', 'http://x').searchParams.get('id_list') ?? '';
    asked.push(idList);
    res.writeHead(200, { 'Content-Type': 'application/atom+xml; charset=utf-8' });
    res.end(answer(idList));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query`, asked, server };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

for (const engine of ENGINES) {
  describe(`paper page on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let app: Hono<AppEnv>;
    let arxiv: Awaited<ReturnType<typeof arxivStandIn>>;
    let search: SearchService;
    const appFor = (apiUrl: string) =>
      createApp({
        store: t.store,
        search,
        config: loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'error', ARXIV_API_URL: apiUrl, ARXIV_MIN_INTERVAL_MS: '0', ARXIV_MAX_RETRIES: '0', ARXIV_TIMEOUT_MS: '5000' }),
        now: () => NOW,
      });
    const get = async (path: string, a = app): Promise<Res> => {
      const r = await a.request(path);
      return { status: r.status, html: await r.text(), headers: r.headers };
    };
    const page = async (path: string, status = 200) => {
      const r = await get(path);
      assert.equal(r.status, status, `${path} → ${r.status}`);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assertPageShape(r, path);
      return r.html;
    };
    const redirect = async (path: string, status = 301) => {
      const r = await app.request(path);
      assert.equal(r.status, status, path);
      return r.headers.get('location');
    };
    const post = (path: string, a = app, origin = BASE) =>
      a.request(path, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });

    before(async () => {
      if (skip) return;
      setLogLevel('error');
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, { holidays: new Set() });
      search = await t.search();
      arxiv = await arxivStandIn((idList) => readFixture(idList === '1707.08567' ? 'arxiv/api/id_1707.08567_s0_m100.xml' : 'arxiv/api/id_0808.05394_s0_m100.xml'));
      app = appFor(arxiv.url);
    });
    after(async () => {
      arxiv?.server.close();
      await t?.cleanup();
    });

    test('/healthz: the database, the papers and how far search has caught up, never cached', { skip }, async () => {
      const r = await app.request('/healthz');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const body = (await r.json()) as { status: string; database: string; papers: number; search: { indexed: number; semantic: string; embedded: number | null; provider: string | null } };
      assert.equal(body.status, 'ok');
      assert.equal(body.database, engine);
      assert.ok(body.papers > 50, `the sample's papers (${body.papers})`);
      assert.equal(body.search.indexed, body.papers, 'the lexical index holds every paper');
      const semantic = search.status().semantic as { vectors: number } | null;
      assert.equal(body.search.embedded, semantic ? semantic.vectors : null);
      assert.equal(body.search.semantic, semantic ? 'ready' : search.status().semanticConfigured ? 'starting' : 'off');
    });

    test('0704.0001: title, authors, DOI, journal-ref, report-no, versions with dates, categories', { skip }, async () => {
      const html = await page('/papers/0704.0001');
      assert.ok(html.includes('<title>Calculation of prompt diphoton production cross sections at Tevatron and LHC energies · Daily Papers</title>'));
      assert.ok(html.includes('<p class="muted">arXiv:0704.0001v2 [hep-ph] · submitted 2 Apr 2007 · announced Wed, 4 Apr 2007</p>'));
      assert.ok(html.includes('<h1 id="paper-title">Calculation of prompt diphoton production cross sections at Tevatron and LHC energies</h1>'));
      assert.equal(
        between(html, '<ul class="author-list"', '</ul>'),
        '<ul class="author-list" aria-label="Authors"><li><a href="/authors/C.%20Bal%C3%A1zs">C. Balázs</a></li><li><a href="/authors/E.%20L.%20Berger">E. L. Berger</a></li><li><a href="/authors/P.%20M.%20Nadolsky">P. M. Nadolsky</a></li><li><a href="/authors/C.-P.%20Yuan">C.-P. Yuan</a></li></ul>',
      );
      assert.ok(html.includes('<a class="button" href="https://arxiv.org/abs/0704.0001">arXiv abstract</a><a class="button secondary" href="https://arxiv.org/pdf/0704.0001">PDF</a>'));
      assert.ok(html.includes('<dt>Categories</dt><dd><ul class="badges" aria-label="Categories"><li><a class="badge" href="/list/hep-ph">hep-ph</a></li></ul></dd>'));
      assert.ok(html.includes('<dt>Upvotes</dt><dd>0</dd>'));
      assert.ok(html.includes('<dt>Comments</dt><dd>37 pages, 15 figures; published version</dd>'));
      assert.ok(html.includes('<dt>Journal reference</dt><dd>Phys.Rev.D76:013009,2007</dd>'));
      assert.ok(html.includes('<dt>DOI</dt><dd><a href="https://doi.org/10.1103/PhysRevD.76.013009">10.1103/PhysRevD.76.013009</a></dd>'));
      assert.ok(html.includes('<dt>Report number</dt><dd>ANL-HEP-PR-07-12</dd>'));
      assert.equal(
        between(html, '<ul class="versions">', '</ul>'),
        '<ul class="versions"><li><a href="https://arxiv.org/abs/0704.0001v1">v1</a> · 2 Apr 2007 19:18 UTC</li><li><a href="https://arxiv.org/abs/0704.0001v2">v2</a> · 24 Jul 2007 20:10 UTC</li></ul>',
      );
      assert.ok(!html.includes('<dt>Featured</dt>'), 'never featured');
      assert.ok(!html.includes('AI-generated'), 'no AI summary');
      assert.ok(!html.includes(KATEX_CSS), 'no math, no KaTeX stylesheet');
    });

    test("1812.11470: a structured abstract's four paragraphs, each its own <p>; the API's summary keeps them as line breaks", { skip }, async () => {
      const html = await page('/papers/1812.11470');
      const section = between(html, '<section aria-labelledby="abstract-heading">', '</section>');
      const paras = [...section.matchAll(/<p class="abstract">([^<]*)<\/p>/g)].map((m) => m[1]!);
      assert.deepEqual(
        paras.map((t) => t.slice(0, t.indexOf('.') + 1)),
        ['Context.', 'Objective.', 'Results.', 'Conclusion.'],
      );
      assert.ok(paras[3]!.endsWith('current automated testing techniques are not efficient enough.'));
      assert.ok(paras.every((t) => !t.includes('\n') && !/\s\s/.test(t)));
      const api = (await (await app.request('/api/papers/1812.11470')).json()) as { summary: string };
      assert.deepEqual(api.summary.split('\n').length, 4);
      assert.ok(api.summary.startsWith('Context. Multiple automated techniques'));
    });

    test('0704.0010: TeX accents in an abstract are shown decoded and found by search (Djokovi\\\'{c} → Djoković)', { skip }, async () => {
      const html = await page('/papers/0704.0010');
      const section = between(html, '<section aria-labelledby="abstract-heading">', '</section>');
      assert.ok(section.includes('Djoković&#39;s and Winkler&#39;s relations') || section.includes("Djoković's and Winkler's relations"), section.slice(0, 400));
      assert.equal(count(section, /<p class="abstract">/g), 2);
      const results = await page('/search?q=djokovic');
      assert.ok(results.includes('href="/papers/0704.0010"'), 'found by the folded name');
    });

    test('0704.0001: Highwire, OpenGraph and Twitter tags, canonical link', { skip }, async () => {
      const html = await page('/papers/0704.0001');
      assert.deepEqual(metas(html, 'citation_title'), ['Calculation of prompt diphoton production cross sections at Tevatron and LHC energies']);
      assert.ok(html.includes('<link rel="alternate" type="application/rss+xml" title="New in hep-ph (RSS)" href="/feeds/list/hep-ph.rss"/>'), 'the primary category feed');
      assert.deepEqual(metas(html, 'citation_author'), ['Balázs, C.', 'Berger, E. L.', 'Nadolsky, P. M.', 'Yuan, C.-P.']);
      assert.deepEqual(metas(html, 'citation_date'), ['2007/04/02']);
      assert.deepEqual(metas(html, 'citation_online_date'), ['2007/07/24']);
      assert.deepEqual(metas(html, 'citation_doi'), ['10.1103/PhysRevD.76.013009']);
      assert.deepEqual(metas(html, 'citation_journal_title'), ['Phys.Rev.D']);
      assert.deepEqual(metas(html, 'citation_arxiv_id'), ['0704.0001']);
      assert.deepEqual(metas(html, 'citation_pdf_url'), ['https://arxiv.org/pdf/0704.0001']);
      assert.deepEqual(metas(html, 'citation_abstract_html_url'), [`${BASE}/papers/0704.0001`]);
      assert.equal(metas(html, 'citation_abstract')[0]?.slice(0, 60), 'A fully differential calculation in perturbative quantum chr');
      assert.deepEqual(metas(html, 'og:type'), ['article']);
      assert.deepEqual(metas(html, 'og:title'), ['Calculation of prompt diphoton production cross sections at Tevatron and LHC energies']);
      assert.deepEqual(metas(html, 'og:url'), [`${BASE}/papers/0704.0001`]);
      assert.deepEqual(metas(html, 'og:site_name'), ['Daily Papers']);
      assert.equal(metas(html, 'og:description').length, 1);
      assert.deepEqual(metas(html, 'twitter:card'), ['summary']);
      assert.equal(count(html, /<link rel="canonical" href="https:\/\/papers\.example\/papers\/0704\.0001"\/>/g), 1);
    });

    test('0704.0002: abstract math typeset by KaTeX, with its stylesheet and nonce-carrying rules', { skip }, async () => {
      const r = await get('/papers/0704.0002');
      assertPageShape(r, '/papers/0704.0002');
      const abstract = between(r.html, '<p class="abstract">', '</p>');
      assert.ok(abstract.startsWith('<p class="abstract">We describe a new algorithm, the <span class="katex"><span class="katex-mathml">'));
      assert.equal(count(abstract, /<span class="katex">/g), 3);
      assert.equal(count(abstract, /<annotation encoding="application\/x-tex">\(k,\\ell\)<\/annotation>/g), 3);
      assert.ok(!abstract.includes('$'), 'no delimiter left');
      assert.ok(r.html.includes(`<link rel="stylesheet" href="${KATEX_CSS}"`));
      const style = between(r.html, '<style nonce=', '</style>');
      for (const cls of new Set([...abstract.matchAll(/\b(tx-[\w-]+)/g)].map((m) => m[1]!))) assert.ok(style.includes(`.${cls}{`), `rule for ${cls}`);
      // the plain-text places keep the source
      assert.deepEqual(metas(r.html, 'citation_author'), ['Streinu, Ileana', 'Theran, Louis']);
      assert.ok(metas(r.html, 'citation_abstract')[0]!.startsWith('We describe a new algorithm, the $(k,\\ell)$-pebble game'));
    });

    test('2509.04664: featured day, upvotes, AI summary and keywords labelled as AI-generated', { skip }, async () => {
      const html = await page('/papers/2509.04664');
      assert.ok(html.includes('<dt>Upvotes</dt><dd>26</dd>'));
      assert.ok(html.includes('<dt>Featured</dt><dd><a href="/papers/date/2025-09-08">Mon, 8 Sep 2025</a> · submitted by taesiri</dd>'));
      const ai = between(html, '<section class="ai"', '</section>');
      assert.ok(ai.includes('<h2 id="ai-heading">AI-generated summary</h2><p>Language models produce incorrect statements due to training and evaluation procedures'));
      assert.deepEqual(
        [...ai.matchAll(/<a class="badge" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]),
        [
          ['/search?q=hallucinations', 'hallucinations'],
          ['/search?q=binary%20classification', 'binary classification'],
          ['/search?q=uncertain%20responses', 'uncertain responses'],
          ['/search?q=trustworthy%20AI%20systems', 'trustworthy AI systems'],
        ],
      );
      assert.ok(ai.includes('aria-label="AI-generated keywords"'));
      assert.deepEqual(metas(html, 'citation_date'), ['2025/09/04'], 'no versions known: the submission date');
      assert.ok(!html.includes('<dt>Versions</dt>'));
    });

    test('affiliations are shown next to their authors', { skip }, async () => {
      const html = await page('/papers/astro-ph/0601001');
      assert.ok(html.includes('<li><a href="/authors/Andrew%20Gould">Andrew Gould</a><span class="affil"> (Ohio State)</span></li>'));
      assert.ok(html.includes('<li><a href="/authors/Andrzej%20Udalski">Andrzej Udalski</a><span class="affil"> (Warsaw University Observatory)</span></li>'));
      assert.ok(html.includes('<meta name="citation_author" content="Gould, Andrew"/><meta name="citation_author_institution" content="Ohio State"/><meta name="citation_author" content="Dorsher, Susan"/>'));
      assert.equal(metas(html, 'citation_author_institution').length, 4);
    });

    test('code repository and project page links, only for http(s) URLs', { skip }, async () => {
      const row = await t.store.db.selectFrom('papers').select(['id', 'github_repo']).where('github_repo', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
      await t.store.db.updateTable('papers').set({ github_stars: 1234, project_page: 'javascript:alert(1)' }).where('id', '=', row.id).execute();
      let html = await page(`/papers/${row.id}`);
      assert.ok(html.includes(`<a class="button secondary" href="${row.github_repo}" rel="nofollow noopener">Code (1,234 stars)</a>`));
      assert.ok(!html.includes('javascript:'), 'a javascript: project page is not linked');
      await t.store.db.updateTable('papers').set({ project_page: 'https://example.org/project' }).where('id', '=', row.id).execute();
      html = await page(`/papers/${row.id}`);
      assert.ok(html.includes('<a class="button secondary" href="https://example.org/project" rel="nofollow noopener">Project page</a>'));
    });

    test('BibTeX in a <pre> with a copy button hidden until app.js shows it, and as a download', { skip }, async () => {
      const html = await page('/papers/hep-ph/0301050');
      const entry = `@misc{degouvea2003statisticaltestanarchy,
      title={Statistical Test of Anarchy},
      author={Andre de Gouvea and Hitoshi Murayama},
      year={2003},
      eprint={hep-ph/0301050},
      archivePrefix={arXiv},
      primaryClass={hep-ph},
      doi={10.1016/j.physletb.2003.08.045},
      url={https://arxiv.org/abs/hep-ph/0301050},
}
`;
      assert.ok(html.includes(`<pre class="bibtex" id="bibtex">${entry}</pre>`));
      assert.ok(html.includes('<button type="button" class="secondary" data-copy="bibtex" hidden="">Copy BibTeX</button>'));
      assert.ok(html.includes('<a class="button secondary" href="/papers/hep-ph/0301050/bibtex" download="">Download .bib</a>'));
      const r = await app.request('/papers/hep-ph/0301050/bibtex');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/x-bibtex; charset=utf-8');
      assert.equal(r.headers.get('content-disposition'), 'attachment; filename="hep-ph_0301050.bib"');
      assert.equal(await r.text(), entry);
      const utf8 = await app.request('/papers/0704.0001/bibtex');
      assert.ok((await utf8.text()).startsWith('@misc{balázs2007calculationpromptdiphotonproduction,\n'));
      assert.equal(utf8.headers.get('content-disposition'), 'attachment; filename="0704.0001.bib"');
      assert.equal(await redirect('/papers/0704.0001v1/bibtex'), '/papers/0704.0001/bibtex');
      assert.equal((await app.request('/papers/2101.11408/bibtex')).status, 404);
    });

    test('other spellings of an id redirect to the canonical page', { skip }, async () => {
      assert.equal(await redirect('/papers/0704.0001v2'), '/papers/0704.0001');
      assert.equal(await redirect('/papers/hep-ph/0301050v1'), '/papers/hep-ph/0301050');
      assert.equal(await redirect('/papers/cs.SE/0503050'), '/papers/cs/0503050');
      assert.equal(await redirect('/papers/hep-ph%2F0301050'), '/papers/hep-ph/0301050');
      assert.equal(await redirect('/papers/arXiv:0704.0002'), '/papers/0704.0002');
      await page('/papers/cs/0503050');
      await page('/papers/0704.0001/', 200);
    });

    test('an invalid id is a 400 page showing valid ids; nothing a visitor types is a 500', { skip }, async () => {
      const html = await page('/papers/not-an-id', 400);
      assert.ok(html.includes('<h1>Not an arXiv id</h1>'));
      assert.ok(html.includes('&quot;not-an-id&quot; is not an arXiv id. Valid ids look like 2101.11408, 2101.11408v2, hep-th/9901001 or https://arxiv.org/abs/2101.11408.'));
      assert.ok(html.includes('<a href="/search?q=not-an-id">'));
      for (const path of ['/papers/%E0%A4%A', '/papers/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/papers/0704.0001/x/y', '/papers/1313.00001', '/papers/0704.0001v0', `/papers/${'9'.repeat(5000)}`]) {
        const r = await get(path);
        assert.equal(r.status, 400, path);
        assert.ok(!r.html.includes('<script>alert'), path);
      }
    });

    test('an unknown valid id is a 404 page offering search and a fetch from arXiv', { skip }, async () => {
      const html = await page('/papers/2101.11408', 404);
      assert.ok(html.includes('<h1>Paper not in this catalog yet</h1>'));
      assert.ok(html.includes('<form method="post" action="/papers/2101.11408/fetch"><button type="submit">Fetch arXiv:2101.11408 from arXiv</button></form>'));
      assert.ok(html.includes('<a href="/search?q=2101.11408">'));
      assert.ok(html.includes('<meta name="robots" content="noindex"/>'));
      assert.equal(await redirect('/papers/2101.11408/fetch', 303), '/papers/2101.11408');
    });

    test('fetch: the paper is fetched from arXiv, stored, and the visitor sent to it (303)', { skip }, async () => {
      assert.equal(await deletePapers(t.store, ['1707.08567']), 1);
      await page('/papers/1707.08567', 404);
      const r = await post('/papers/1707.08567v1/fetch');
      assert.equal(r.status, 303);
      assert.equal(r.headers.get('location'), '/papers/1707.08567');
      assert.deepEqual(arxiv.asked, ['1707.08567']);
      assert.equal((await getPaper(t.store, '1707.08567'))?.title, 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications');
      assert.ok((await page('/papers/1707.08567')).includes('<h1 id="paper-title">Proceedings of Workshop AEW10: Concepts in Information Theory and Communications</h1>'));
      // a paper already here is not fetched again
      assert.equal((await post('/papers/1707.08567/fetch')).status, 303);
      assert.equal(arxiv.asked.length, 1);
    });

    test('fetch: arXiv has no such paper → 404 page saying so', { skip }, async () => {
      const before = arxiv.asked.length;
      const r = await post('/papers/2101.11408/fetch');
      assert.equal(r.status, 404);
      const html = await r.text();
      assert.ok(html.includes('<h1>No such paper on arXiv</h1>'));
      assert.ok(html.includes('arXiv has no paper with the id 2101.11408.'));
      assert.deepEqual(arxiv.asked.slice(before), ['2101.11408']);
      assert.equal(await getPaper(t.store, '2101.11408'), null);
    });

    test('fetch: arXiv unreachable → 503 page with a clear message', { skip }, async () => {
      const offline = appFor(`http://127.0.0.1:${await closedPort()}/api/query`);
      const r = await post('/papers/2101.11408/fetch', offline);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '300');
      const html = await r.text();
      assert.ok(html.includes('<h1>arXiv cannot be reached</h1>'));
      assert.ok(html.includes('This server cannot reach arXiv right now, so arXiv:2101.11408 could not be fetched. Try again later.'));
    });

    test('fetch: an invalid id is a 400, another action a 404, a cross-origin POST a 403', { skip }, async () => {
      const before = arxiv.asked.length;
      assert.equal((await post('/papers/nonsense/fetch')).status, 400);
      assert.equal((await post('/papers/2101.11408/delete')).status, 404);
      const cross = await post('/papers/2101.11408/fetch', app, 'https://evil.example');
      assert.equal(cross.status, 403);
      assert.equal(arxiv.asked.length, before, 'nothing was fetched');
    });
  });
}
