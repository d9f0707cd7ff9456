/**
 * RSS and Atom feeds end to end, through app.request on a fresh database loaded with the
 * bundled sample, on both engines. Every feed is checked for well-formedness with saxes (a
 * strict XML parser) and read back with @rowanmanning/feed-parser (a real feed reader's parser).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from '@rowanmanning/feed-parser';
import { SaxesParser } from 'saxes';
import { ENGINES, freshDb, skipPostgres, type Engine, type TestDb } from '../engines.js';
import { createApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { getPapers, type Paper } from '../../src/papers/repository.js';
import { refreshTrending } from '../../src/feed/trending.js';
import { escapeAttr, escapeText, el, xmlDocument, xmlSafe } from '../../src/web/feeds/xml.js';
import type { IngestItem } from '../../src/ingest/types.js';

const BASE = 'https://papers.example.org';
const NOW = new Date('2026-10-04T12:00:00.000Z');
const CONTENT_TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8' };
const FORMATS = ['rss', 'atom'] as const;
type Format = (typeof FORMATS)[number];

// ------------------------------------------------------------------ a strict XML reader

interface XNode {
  name: string;
  uri: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** the element's own text (not its children's) */
  text: string;
}

/** Parses with saxes, namespaces on; any well-formedness error throws. */
function parseXml(xml: string): XNode {
  const parser = new SaxesParser({ xmlns: true });
  const doc: XNode = { name: '#document', uri: '', attrs: {}, children: [], text: '' };
  const stack = [doc];
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    const node: XNode = { name: tag.name, uri: tag.uri ?? '', attrs: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value])), children: [], text: '' };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  assert.equal(doc.children.length, 1, 'one root element');
  return doc.children[0]!;
}

function all(n: XNode, name: string): XNode[] {
  return n.children.filter((c) => c.name === name);
}

function one(n: XNode, name: string): XNode {
  const found = all(n, name);
  assert.equal(found.length, 1, `exactly one <${name}> in <${n.name}>`);
  return found[0]!;
}

/** The <item>s or <entry>s of a parsed feed document. */
function entriesOf(root: XNode, format: Format): XNode[] {
  return format === 'rss' ? all(one(root, 'channel'), 'item') : all(root, 'entry');
}

function formatOf(path: string): Format {
  return /\.atom(\?|$)/.test(path) ? 'atom' : 'rss';
}

// ------------------------------------------------------------------ test papers

const calendar = DEFAULT_CALENDAR;

/** Everything XML finds hard in one paper. NUL only on SQLite: PostgreSQL text cannot hold it. */
function nasty(engine: Engine) {
  const nul = engine === 'sqlite' ? '\u0000' : '';
  const raw = {
    title: `Escaping <b>bold</b> & "double" 'single' ]]> ${nul}nul\u0001 ctrl 🧪 done`,
    abstract: `We test <script>alert(1)</script> & ]]> and "quotes" with emoji 😀 and a${nul}\u000b control.\nA second paragraph <i>too</i>.`,
  };
  const item: IngestItem = {
    paper: {
      id: '2606.00001',
      title: raw.title,
      abstract: raw.abstract,
      authors: [{ name: `O'Brien & <Sons>` }, { name: 'Zoë "Q" Ångström' }],
      versions: [{ version: 1, submittedAt: '2026-06-01T10:00:00.000Z' }],
      categories: ['cs.CV', 'cs.AI'],
    },
    featured: { paperId: '2606.00001', featuredAt: '2026-06-03T08:00:00.000Z', upvotes: 7 },
  };
  return {
    item,
    title: `Escaping <b>bold</b> & "double" 'single' ]]> nul ctrl 🧪 done`,
    abstract: `We test <script>alert(1)</script> & ]]> and "quotes" with emoji 😀 and a control.\nA second paragraph <i>too</i>.`,
  };
}

/** A plain paper featured later the same day with fewer upvotes. */
function plain(upvotes: number): IngestItem {
  return {
    paper: {
      id: '2606.00002',
      title: 'A plain featured paper',
      abstract: 'Nothing special here.',
      authors: [{ name: 'Plain Author' }],
      versions: [{ version: 1, submittedAt: '2026-06-01T11:00:00.000Z' }],
      categories: ['cs.LG'],
    },
    featured: { paperId: '2606.00002', featuredAt: '2026-06-03T09:00:00.000Z', upvotes },
  };
}

/** The most upvoted paper of the latest featured day, and the most trending one. */
const HOT: IngestItem = {
  paper: {
    id: '2610.09999',
    title: 'Hot off the press',
    abstract: 'Everyone is talking about it.',
    authors: [{ name: 'Hot Author' }],
    versions: [{ version: 1, submittedAt: '2026-10-01T12:00:00.000Z' }],
    categories: ['cs.CL'],
  },
  featured: { paperId: '2610.09999', featuredAt: '2026-10-03T06:00:00.000Z', upvotes: 20, numComments: 4 },
};

// ------------------------------------------------------------------ the XML writer

describe('feed XML writer', () => {
  test('escapes the five special characters in text and attributes', () => {
    assert.equal(escapeText(`a<b>&"c"'d'`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    assert.equal(escapeText(']]>'), ']]&gt;');
    assert.equal(escapeAttr('x"y\tz\n'), 'x&quot;y&#9;z&#10;');
  });

  test('removes characters XML 1.0 cannot carry and keeps everything else', () => {
    assert.equal(xmlSafe('a\u0000b\u0001c\u000bd\u001fe\uFFFEf\uFFFFg'), 'abcdefg');
    assert.equal(xmlSafe('lone \uD800 high, lone \uDC00 low, reversed \uDC00\uD800 pair'), 'lone  high, lone  low, reversed  pair');
    assert.equal(xmlSafe('tab\tnl\ncr\r emoji 😀 ümlaut \uE000\uFFFD'), 'tab\tnl\ncr\r emoji 😀 ümlaut \uE000\uFFFD');
    assert.equal(escapeText('cr\r'), 'cr&#13;');
  });

  test('builds elements: text escaped, markup kept, empty attributes left out, empty elements self-closed', () => {
    const doc = xmlDocument(el('a', { href: 'x?a=1&b="2"', skip: undefined, none: null, n: 3 }, 'T<', el('b', null), ['</a>', null, false]));
    assert.equal(doc, '<?xml version="1.0" encoding="utf-8"?>\n<a href="x?a=1&amp;b=&quot;2&quot;" n="3">T&lt;<b/>&lt;/a&gt;</a>\n');
    assert.equal(parseXml(doc).text, 'T<</a>');
  });
});

// ------------------------------------------------------------------ the feeds

for (const engine of ENGINES) {
  describe(`feeds on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let app: ReturnType<typeof createApp>;
    const bad = nasty(engine);

    before(async () => {
      if (skip) return;
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, calendar);
      await upsertItems(t.store, [bad.item, plain(3), HOT], { calendar });
      await refreshTrending(t.store, NOW);
      app = createApp({ store: t.store, search: await t.search(), config: loadConfig({ BASE_URL: BASE, LOAD_SAMPLE: 'false' }), now: () => NOW });
    });
    after(async () => {
      await t?.cleanup();
    });

    const request = (path: string, init?: RequestInit) => app.request(`${BASE}${path}`, init);

    /** Fetches a feed and checks what every feed must be: 200, its content type, well-formed, readable, self link = request URL. */
    async function feed(path: string) {
      const res = await request(path);
      const body = await res.text();
      assert.equal(res.status, 200, `${path}: ${body}`);
      const format = formatOf(path);
      assert.equal(res.headers.get('content-type'), CONTENT_TYPES[format], path);
      const xml = parseXml(body);
      const parsed = parseFeed(body);
      assert.equal(parsed.meta.type, format);
      assert.equal(parsed.meta.version, format === 'rss' ? '2.0' : '1.0');
      assert.equal(parsed.self, `${BASE}${path}`, `${path}: self link`);
      return { res, body, xml, parsed, entries: entriesOf(xml, format), ids: parsed.items.map((i) => i.id) };
    }

    async function stored(ids: Array<string | null>): Promise<Paper[]> {
      return getPapers(t.store, ids.map((id) => id!.slice(`${BASE}/papers/`.length)));
    }

    /** Every route, in both formats (the set the generic checks run over). */
    const EVERY_FEED = [
      '/feeds/daily',
      '/feeds/daily?date=2026-06-01',
      '/feeds/daily?week=2026-W23&limit=100',
      '/feeds/daily?month=2026-06',
      '/feeds/daily?date=2026-06-05',
      '/feeds/trending',
      '/feeds/list/cs.AI',
      '/feeds/list/cs.AI?date=2025-08-20',
      '/feeds/list/math.XX',
      '/feeds/authors/Adam%20Tauman%20Kalai',
      `/feeds/authors/${encodeURIComponent(`O'Brien & <Sons>`)}`,
      '/feeds/authors/Nobody%20Atall',
      '/feeds/search?q=hallucinate',
      '/feeds/search?q=escaping%20bold&limit=3',
    ];

    test('every feed is well-formed, readable, self-linked and stable: unique entry ids, the same bytes on a second request', { skip }, async () => {
      for (const route of EVERY_FEED) {
        for (const format of FORMATS) {
          const [path, query] = route.split('?');
          const url = `${path}.${format}${query ? `?${query}` : ''}`;
          const first = await feed(url);
          assert.equal(new Set(first.ids).size, first.ids.length, `${url}: unique ids`);
          for (const item of first.parsed.items) {
            assert.match(item.id ?? '', /^https:\/\/papers\.example\.org\/papers\/\d{4}\.\d{4,5}$/, url);
            assert.equal(item.url, item.id, `${url}: link is the id`);
            assert.ok(item.title, `${url}: title`);
            assert.ok(item.published && !Number.isNaN(item.published.getTime()), `${url}: published`);
          }
          assert.ok(first.parsed.url?.startsWith(`${BASE}/`), `${url}: alternate link`);
          const second = await request(url);
          assert.equal(await second.text(), first.body, `${url}: same bytes`);
          assert.equal(second.headers.get('etag'), first.res.headers.get('etag'));
        }
      }
    });

    test('daily for a date: 50 entries with the stored titles, authors, abstracts and featured times', { skip }, async () => {
      for (const format of FORMATS) {
        const f = await feed(`/feeds/daily.${format}?date=2026-06-01`);
        assert.equal(f.parsed.items.length, 50);
        assert.equal(f.parsed.title, 'Daily Papers: featured papers, Mon, 1 Jun 2026');
        assert.equal(f.parsed.url, `${BASE}/papers/date/2026-06-01`);
        const papers = await stored(f.ids);
        assert.equal(papers.length, 50);
        for (const [i, item] of f.parsed.items.entries()) {
          const p = papers[i]!;
          assert.equal(p.featured?.day, '2026-06-01');
          assert.equal(item.title, p.title);
          assert.deepEqual(
            item.authors.map((a) => a.name),
            p.authors.map((a) => a.name),
          );
          // RSS dates carry whole seconds, Atom dates the stored time exactly.
          const at = Date.parse(p.featured!.at);
          assert.equal(item.published!.getTime(), format === 'rss' ? Math.floor(at / 1000) * 1000 : at);
          const entry = f.entries[i]!;
          if (format === 'atom') assert.equal(one(entry, 'summary').text, p.abstract);
          const html = one(entry, format === 'rss' ? 'description' : 'content').text;
          assert.ok(html.includes(`href="https://arxiv.org/abs/${p.id}"`) && html.includes(`href="https://arxiv.org/pdf/${p.id}"`), 'arXiv links');
          if (format === 'atom') {
            const related = all(entry, 'link').filter((l) => l.attrs.rel === 'related');
            assert.deepEqual(
              related.map((l) => l.attrs.href),
              [`https://arxiv.org/abs/${p.id}`, `https://arxiv.org/pdf/${p.id}`],
            );
          } else {
            assert.equal(one(entry, 'guid').attrs.isPermaLink, 'true');
          }
        }
      }
    });

    test('RSS guids and Atom ids name the same papers, in the same order', { skip }, async () => {
      const rss = await feed('/feeds/daily.rss?date=2026-06-02&limit=100');
      const atom = await feed('/feeds/daily.atom?date=2026-06-02&limit=100');
      assert.equal(rss.ids.length, 66);
      assert.deepEqual(atom.ids, rss.ids);
    });

    test('daily ranks by upvotes, limits to 50 by default and follows ?limit=', { skip }, async () => {
      const day = await feed('/feeds/daily.atom?date=2026-06-03');
      assert.deepEqual(day.ids, [`${BASE}/papers/2606.00001`, `${BASE}/papers/2606.00002`], 'more upvotes first, though featured earlier');
      assert.equal((await feed('/feeds/daily.rss?date=2026-06-02')).ids.length, 50);
      assert.equal((await feed('/feeds/daily.rss?date=2026-06-02&limit=7')).ids.length, 7);
      assert.equal((await feed('/feeds/daily.rss?date=2026-06-02&limit=1')).ids.length, 1);
    });

    test('daily without a period is the latest featured day, linked to the home page', { skip }, async () => {
      for (const format of FORMATS) {
        const f = await feed(`/feeds/daily.${format}`);
        assert.equal(f.parsed.title, 'Daily Papers: featured papers');
        assert.equal(f.parsed.url, `${BASE}/`);
        assert.equal(f.ids.length, 50, '51 papers that day, 50 by default');
        assert.equal(f.ids[0], `${BASE}/papers/2610.09999`, 'the most upvoted first');
        for (const p of await stored(f.ids)) assert.equal(p.featured?.day, '2026-10-03');
      }
    });

    test('weeks and months cover their days', { skip }, async () => {
      const week = await feed('/feeds/daily.atom?week=2026-W23&limit=100');
      assert.equal(week.ids.length, 100, '50 + 66 + 2 featured that week, capped at 100');
      assert.equal(week.parsed.url, `${BASE}/papers/week/2026-W23`);
      assert.equal(week.parsed.title, 'Daily Papers: featured papers, Week 23 of 2026 (1 Jun – 7 Jun)');
      const days = new Set((await stored(week.ids)).map((p) => p.featured?.day));
      assert.deepEqual([...days].sort(), ['2026-06-01', '2026-06-02', '2026-06-03']);
      const month = await feed('/feeds/daily.rss?month=2026-06');
      assert.equal(month.ids.length, 50);
      assert.equal(month.parsed.url, `${BASE}/papers/month/2026-06`);
      assert.equal((await feed('/feeds/daily.rss?month=2026-09&limit=100')).ids.length, 0);
      assert.equal((await feed('/feeds/daily.rss?month=2025-09&limit=100')).ids.length, 1);
    });

    test('a period with nothing featured is a valid empty feed', { skip }, async () => {
      const atom = await feed('/feeds/daily.atom?date=2026-06-05');
      assert.equal(atom.parsed.items.length, 0);
      assert.equal(one(atom.xml, 'updated').text, '1970-01-01T00:00:00.000Z');
      const rss = await feed('/feeds/daily.rss?date=2026-06-05');
      assert.equal(rss.parsed.items.length, 0);
      assert.equal(rss.parsed.title, 'Daily Papers: featured papers, Fri, 5 Jun 2026');
    });

    // featuredPapers' category filter binds untyped concat() arguments, which PostgreSQL rejects (src/feed/featured.ts).
    test('?category= keeps the papers listed in that category, primary or cross-list', { skip }, async () => {
      assert.deepEqual((await feed('/feeds/daily.rss?date=2026-06-03&category=cs.AI')).ids, [`${BASE}/papers/2606.00001`]);
      assert.deepEqual((await feed('/feeds/daily.rss?date=2026-06-03&category=cs.LG')).ids, [`${BASE}/papers/2606.00002`]);
      assert.deepEqual((await feed('/feeds/daily.rss?date=2026-06-01&category=cs.LG')).ids, []);
      const latest = await feed('/feeds/daily.atom?category=cs.CV');
      assert.deepEqual(latest.ids, [`${BASE}/papers/2606.00001`], 'the latest day with a cs.CV paper');
      assert.equal(latest.parsed.title, 'Daily Papers: featured papers in cs.CV');
      assert.equal(latest.parsed.url, `${BASE}/?category=cs.CV`);
      const trending = await feed('/feeds/trending.rss?category=cs.CL');
      assert.deepEqual(trending.ids, [`${BASE}/papers/2610.09999`]);
      assert.equal(trending.parsed.url, `${BASE}/papers/trending?category=cs.CL`);
    });

    test('trending ranks by trending score, not by featured time', { skip }, async () => {
      const f = await feed('/feeds/trending.rss?limit=100');
      assert.equal(f.parsed.url, `${BASE}/papers/trending`);
      assert.equal(f.ids.length, 100);
      assert.equal(f.ids[0], `${BASE}/papers/2610.09999`);
      const papers = await stored(f.ids);
      for (const p of papers.slice(1, 51)) assert.equal(p.featured?.day, '2026-10-03');
      // Featured the same morning: 7 upvotes outrank 3, although the 3 came an hour later.
      const seven = f.ids.indexOf(`${BASE}/papers/2606.00001`);
      const three = f.ids.indexOf(`${BASE}/papers/2606.00002`);
      assert.ok(seven > 50 && three > seven, `${seven} then ${three}`);
      assert.equal((await feed('/feeds/trending.atom')).ids.length, 50);
    });

    test('a listing: new submissions first, then cross-lists, marked; dates are submission or announcement times', { skip }, async () => {
      for (const format of FORMATS) {
        const f = await feed(`/feeds/list/cs.AI.${format}?date=2025-08-20`);
        assert.equal(f.parsed.title, 'Daily Papers: new in cs.AI, Wed, 20 Aug 2025');
        assert.equal(f.parsed.url, `${BASE}/list/cs.AI/2025-08-20`);
        assert.deepEqual(
          f.ids.map((id) => id!.slice(-10)),
          ['2508.14001', '2508.14002', '2508.13426', '2508.13428', '2508.13429', '2508.13434', '2508.13435'],
        );
        const papers = await stored(f.ids);
        for (const [i, item] of f.parsed.items.entries()) {
          const p = papers[i]!;
          const html = one(f.entries[i]!, format === 'rss' ? 'description' : 'content').text;
          const cross = p.primaryCategory !== 'cs.AI';
          assert.equal(html.includes(`(cross-list from ${p.primaryCategory})`), cross, `${p.id} marked iff a cross-list`);
          assert.deepEqual(
            item.categories.map((c) => c.term),
            p.categories,
          );
          assert.ok(item.categories.some((c) => c.term === 'cs.AI'));
          // These came from arXiv's RSS, which gives no submission time: the announcement day stands in.
          assert.equal(p.submittedAt, null);
          assert.equal(item.published?.toISOString(), '2025-08-20T00:00:00.000Z');
        }
      }
      const latest = await feed('/feeds/list/cs.AI.atom');
      assert.deepEqual(latest.ids, [`${BASE}/papers/2606.00001`], 'the latest cs.AI day is the test paper’s');
      assert.equal(latest.parsed.items[0]!.published?.toISOString(), '2026-06-01T10:00:00.000Z', 'first-version submission time');
      assert.ok(one(latest.entries[0]!, 'content').text.includes('(cross-list from cs.CV)'));
      assert.equal(latest.parsed.url, `${BASE}/list/cs.AI`);
      const unknown = await feed('/feeds/list/math.XX.rss');
      assert.equal(unknown.parsed.items.length, 0, 'a well-formed category without papers is an empty feed');
    });

    test('an author feed: exact author, dotted names, URL-encoded names, unknown authors empty', { skip }, async () => {
      for (const path of ['/feeds/authors/Adam%20Tauman%20Kalai.atom', '/feeds/authors/Santosh%20S.%20Vempala.rss']) {
        const f = await feed(path);
        assert.deepEqual(f.ids, [`${BASE}/papers/2509.04664`], path);
        assert.equal(f.parsed.items[0]!.published?.toISOString(), '2025-09-04T21:26:31.000Z');
      }
      const kalai = await feed('/feeds/authors/Adam%20Tauman%20Kalai.rss');
      assert.equal(kalai.parsed.title, 'Daily Papers: papers by Adam Tauman Kalai');
      assert.equal(kalai.parsed.url, `${BASE}/authors/Adam%20Tauman%20Kalai`);
      const name = `O'Brien & <Sons>`;
      const odd = await feed(`/feeds/authors/${encodeURIComponent(name)}.atom`);
      assert.deepEqual(odd.ids, [`${BASE}/papers/2606.00001`]);
      assert.equal(one(odd.xml, 'title').text, `Daily Papers: papers by ${name}`);
      assert.equal(all(odd.xml, 'link').find((l) => l.attrs.rel === 'self')?.attrs.href, `${BASE}/feeds/authors/${encodeURIComponent(name)}.atom`);
      assert.equal((await feed('/feeds/authors/Nobody%20Atall.rss')).parsed.items.length, 0);
    });

    test('a search feed: best match first, linked to the search page', { skip }, async () => {
      const f = await feed('/feeds/search.rss?q=hallucinate');
      assert.equal(f.ids[0], `${BASE}/papers/2509.04664`);
      assert.equal(f.parsed.url, `${BASE}/search?q=hallucinate`);
      assert.equal(f.parsed.title, 'Daily Papers: search for “hallucinate”');
      assert.equal((await feed('/feeds/search.atom?q=escaping%20bold')).ids[0], `${BASE}/papers/2606.00001`);
    });

    test('markup, quotes, ]]>, control characters and emoji survive as text, and nothing else does', { skip }, async () => {
      for (const format of FORMATS) {
        const f = await feed(`/feeds/daily.${format}?date=2026-06-03`);
        for (const forbidden of ['\u0000', '\u0001', '\u000b', ']]>', '<script', '<b>']) assert.ok(!f.body.includes(forbidden), `${format}: no raw ${JSON.stringify(forbidden)}`);
        const entry = f.entries[0]!;
        assert.equal(one(entry, 'title').text, bad.title);
        assert.equal(f.parsed.items[0]!.title, bad.title);
        const html = one(entry, format === 'rss' ? 'description' : 'content').text;
        // Readers render this as HTML: the abstract's markup must arrive as escaped text in it.
        // one <p> a paragraph
        const paras = bad.abstract.split('\n');
        assert.equal(paras.length, 2);
        assert.equal(html.includes(paras.map((t) => `<p>${escapeText(t)}</p>`).join('')), true);
        assert.equal(html.includes('<script'), false);
        assert.equal(one(entry, format === 'rss' ? 'description' : 'content').children.length, 0, 'no child elements');
        if (format === 'rss') {
          assert.deepEqual(
            all(entry, 'dc:creator').map((n) => n.text),
            [`O'Brien & <Sons>`, 'Zoë "Q" Ångström'],
          );
          assert.equal(all(entry, 'dc:creator')[0]!.uri, 'http://purl.org/dc/elements/1.1/');
        } else {
          assert.equal(one(entry, 'summary').text, bad.abstract);
          assert.equal(one(entry, 'summary').attrs.type, 'text');
          assert.deepEqual(
            all(entry, 'author').map((a) => one(a, 'name').text),
            [`O'Brien & <Sons>`, 'Zoë "Q" Ångström'],
          );
        }
      }
    });

    test('caching: max-age, RSS ttl, an ETag per body, 304 for a matching If-None-Match, HEAD', { skip }, async () => {
      const path = '/feeds/daily.rss?date=2026-06-01';
      const res = await request(path);
      const body = await res.text();
      const etag = res.headers.get('etag')!;
      assert.match(etag, /^"[\w-]+"$/);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=900');
      assert.equal(one(one(parseXml(body), 'channel'), 'ttl').text, '15');
      for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
        const again = await request(path, { headers: { 'If-None-Match': inm } });
        assert.equal(again.status, 304, inm);
        assert.equal(await again.text(), '');
        assert.equal(again.headers.get('etag'), etag);
        assert.equal(again.headers.get('cache-control'), 'public, max-age=900');
        assert.equal(again.headers.get('x-content-type-options'), 'nosniff', 'security headers on every response');
      }
      assert.equal((await request(path, { headers: { 'If-None-Match': '"nope"' } })).status, 200);
      const atom = await request('/feeds/daily.atom?date=2026-06-01');
      assert.notEqual(atom.headers.get('etag'), etag, 'each format has its own ETag');
      const head = await request(path, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('etag'), etag);
      assert.equal(await head.text(), '');
    });

    test('malformed parameters are a 400 in plain text that does not repeat the input', { skip }, async () => {
      const cases = [
        '/feeds/daily.rss?date=2026-02-30',
        '/feeds/daily.rss?date=2026-13-45',
        '/feeds/daily.rss?date=2026-6-1',
        '/feeds/daily.atom?date=%3Cscript%3E',
        '/feeds/daily.rss?week=2026-W54',
        '/feeds/daily.rss?month=2026-13',
        '/feeds/daily.rss?date=2026-06-01&week=2026-W23',
        '/feeds/daily.rss?limit=0',
        '/feeds/daily.rss?limit=101',
        '/feeds/daily.rss?limit=abc',
        '/feeds/daily.rss?limit=1.5',
        '/feeds/trending.atom?limit=-1',
        '/feeds/daily.rss?category=CS%3Cscript%3E',
        '/feeds/list/cs..AI.rss',
        '/feeds/list/%3Cscript%3E.atom',
        '/feeds/list/cs.AI.rss?date=%3Cscript%3E',
        '/feeds/authors/%20.rss',
        `/feeds/authors/${'a'.repeat(201)}.rss`,
        '/feeds/search.rss',
        '/feeds/search.atom?q=%20',
        `/feeds/search.rss?q=${'a'.repeat(501)}`,
      ];
      for (const path of cases) {
        const res = await request(path);
        const body = await res.text();
        assert.equal(res.status, 400, `${path}: ${body}`);
        assert.equal(res.headers.get('content-type'), 'text/plain; charset=UTF-8', path);
        assert.equal(res.headers.get('cache-control'), 'no-store', path);
        assert.ok(body.length > 10 && !body.includes('<'), `${path}: ${body}`);
      }
      assert.equal((await request('/feeds/list/cs.AI.json')).status, 404);
    });

    test('a change in the data changes the bytes and the ETag', { skip }, async () => {
      const path = '/feeds/daily.atom?date=2026-06-03';
      const before = await request(path);
      const etag = before.headers.get('etag')!;
      await upsertItems(t.store, [plain(10)], { calendar });
      const after = await request(path, { headers: { 'If-None-Match': etag } });
      assert.equal(after.status, 200);
      assert.notEqual(after.headers.get('etag'), etag);
      assert.deepEqual(parseFeed(await after.text()).items.map((i) => i.id), [`${BASE}/papers/2606.00002`, `${BASE}/papers/2606.00001`]);
    });
  });
}
