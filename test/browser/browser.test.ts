/**
 * The site in a real browser (Debian's Chromium through playwright-core), on SQLite and on
 * PostgreSQL: the real app behind @hono/node-server over a fresh database loaded with the
 * bundled sample. One browser for the file, a fresh context per test; on every page visited,
 * no console errors, no page errors and no CSP violations.
 *
 * Without /usr/bin/chromium the file is skipped, or fails with CI=true (as PostgreSQL does).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ENGINES, skipPostgres } from '../engines.js';
import {
  Tab,
  bodyBackgroundLuminance,
  chromiumMissing,
  focused,
  inViewport,
  launchBrowser,
  measureContrast,
  measureOverflow,
  pngSize,
  startSite,
  withTab,
  type FocusInfo,
  type Site,
} from './browser-helpers.js';

const missing = chromiumMissing();
if (missing && process.env.CI === 'true') {
  test('Chromium is installed for the browser tests', () => assert.fail(missing));
}

/** The pages screenshotted at each width and colour scheme. */
const SCREENS: Array<[name: string, path: string]> = [
  ['home', '/'],
  ['day', '/papers/date/2026-06-01'],
  ['paper', '/papers/0704.0002'],
  ['listing', '/list/cs.AI/2025-08-20'],
  ['author', '/authors/Ileana%20Streinu'],
  ['search', '/search?q=graph'],
  ['trending', '/papers/trending'],
];
const WIDTHS = [
  { width: 360, deviceScaleFactor: 2 },
  { width: 1280, deviceScaleFactor: 1 },
];
const SCHEMES = ['light', 'dark'] as const;
const HEIGHT = 800;

describe('browser', { skip: missing ?? false }, () => {
  let browser: Browser;
  let shotsDir: string;

  before(async () => {
    browser = await launchBrowser();
    shotsDir = mkdtempSync(join(tmpdir(), 'dailypapers-screenshots-'));
    console.log(`browser tests: screenshots in ${shotsDir}`);
  });
  after(async () => {
    await browser?.close();
  });

  for (const engine of ENGINES) {
    describe(`on ${engine}`, async () => {
      const skip = engine === 'postgres' ? await skipPostgres() : false;
      let site: Site;
      const tab = <T,>(options: Parameters<typeof withTab>[2], fn: (tab: Tab) => Promise<T>) => withTab(browser, site, options, fn);

      before(async () => {
        if (!skip) site = await startSite(engine);
      });
      after(async () => {
        await site?.close();
      });

      // The harness checks itself, and the favicon: nothing here depends on the database, so once.
      if (engine === ENGINES[0]) {
        test('the error collector reports CSP violations and console errors', { skip }, () =>
          tab({}, async (t) => {
            await t.visit('/');
            // An un-nonced <style> and inline script, both refused by the policy, and a console error: all reported.
            await t.page.evaluate(() => {
              const { document } = globalThis as any;
              const style = document.createElement('style');
              style.textContent = 'body { outline: 1px solid red }';
              document.head.append(style);
              const script = document.createElement('script');
              script.textContent = 'window.__ran = true';
              document.body.append(script);
              console.error('deliberate console error');
            });
            await assert.rejects(t.assertClean('/'), (err: Error) => {
              assert.match(err.message, /CSP violation: style-src/);
              assert.match(err.message, /CSP violation: script-src/);
              assert.match(err.message, /deliberate console error/);
              return true;
            });
          }),
        );

        test('the overflow and contrast measurements catch what they look for', { skip }, () =>
          tab({ viewport: { width: 360, height: HEIGHT } }, async (t) => {
            const { page } = t;
            await t.visit('/papers/0704.0002');
            // Styles set through the CSSOM (not blocked by the CSP): one element too wide for the
            // page, one as wide inside the BibTeX <pre>, which scrolls.
            await page.evaluate(() => {
              const { document } = globalThis as any;
              const wide = document.createElement('div');
              wide.id = 'too-wide';
              wide.style.width = '500px';
              wide.style.height = '10px';
              document.querySelector('main').append(wide);
              const inside = document.createElement('span');
              inside.id = 'scrolls';
              inside.style.display = 'inline-block';
              inside.style.width = '900px';
              document.querySelector('pre#bibtex').append(inside);
              const grey = document.createElement('p');
              grey.id = 'grey';
              grey.textContent = 'grey on white';
              grey.style.color = '#777777';
              grey.style.background = '#ffffff';
              document.querySelector('main').append(grey);
            });
            const o = await measureOverflow(page);
            assert.ok(o.scrollWidth > 360, `scrollWidth ${o.scrollWidth}`);
            assert.ok(o.offenders.some((x) => x.startsWith('div#too-wide')), o.offenders.join('; '));
            assert.ok(!o.offenders.some((x) => x.startsWith('span#scrolls')), 'content of a scrolling <pre> is not an offender');
            const [grey] = await measureContrast(page, '#grey');
            assert.equal(grey?.ratio, 4.48, '#777 on white is 4.48:1');
            await t.assertClean();
          }),
        );

        test('no console error for the favicon', { skip }, () =>
          // Chromium asks for the favicon once per browser, not per context: a browser of its own.
          launchBrowser().then(async (fresh) => {
            try {
              await withTab(fresh, site, {}, async (t) => {
                await t.page.goto(t.url('/'), { waitUntil: 'networkidle' });
                assert.deepEqual(t.faviconErrors, []);
              });
            } finally {
              await fresh.close();
            }
          }),
        );
      }

      test('home page: the latest featured day with cards, one h1, a main landmark, a labelled search box', { skip }, () =>
        tab({}, async (t) => {
          const { page } = t;
          await t.visit('/');
          assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
          assert.equal((await page.locator('h1').innerText()).trim(), 'Sat, 3 Oct 2026');
          assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
          const cards = page.locator('main li.card');
          const n = await cards.count();
          assert.ok(n > 0, 'paper cards');
          const heading = await page.locator('#papers-heading').innerText();
          const total = Number(/^(\d+) papers?/.exec(heading)?.[1]);
          assert.equal(n, Math.min(total, 50), `cards shown vs "${heading}"`);
          assert.ok(await cards.first().isVisible(), 'first card visible');
          assert.match(await cards.first().locator('h3 a').getAttribute('href') ?? '', /^\/papers\/\d{4}\.\d{4,5}$/);
          // The search form and its input, found by role and accessible name; the name comes from a
          // <label>, not only from the placeholder (which says the same words).
          const search = page.getByRole('search').filter({ has: page.locator('#site-search') });
          assert.equal(await search.count(), 1, 'site search form');
          const box = search.getByRole('searchbox', { name: 'Search papers', exact: true });
          assert.ok(await box.isVisible(), 'search box visible');
          const labels = await box.evaluate((el: any) => [...el.labels].map((l: any) => l.textContent.trim()));
          assert.deepEqual(labels, ['Search papers'], 'search input has a <label>');
          // And the search works.
          await box.fill('graph');
          await box.press('Enter');
          await page.waitForURL(t.url('/search?q=graph'));
          assert.ok((await page.locator('main li.card').count()) > 0, 'search results');
          await t.assertClean();
        }),
      );

      test('featured days: previous/next lead to the adjacent days with papers; Weekly and Monthly tabs', { skip }, () =>
        tab({}, async (t) => {
          const { page } = t;
          const prevNext = () => page.getByRole('navigation', { name: 'Daily pages with papers' });
          const h1 = async () => (await page.locator('h1').innerText()).trim();
          /** Clicks the link named `name` in the previous/next navigation and checks where it lands. */
          const follow = async (name: RegExp, rel: 'prev' | 'next', path: string, heading: string) => {
            const link = prevNext().getByRole('link', { name });
            assert.equal(await link.getAttribute('rel'), rel, `${name} is the ${rel} link`);
            await link.click();
            await page.waitForURL(t.url(path));
            assert.equal(await h1(), heading);
            await t.assertClean();
          };

          await t.visit('/papers/date/2026-06-01');
          assert.equal(await h1(), 'Mon, 1 Jun 2026');
          await follow(/2 Jun 2026/, 'next', '/papers/date/2026-06-02', 'Tue, 2 Jun 2026');
          await follow(/3 Oct 2026/, 'next', '/papers/date/2026-10-03', 'Sat, 3 Oct 2026');
          assert.equal(await prevNext().locator('a[rel="next"]').count(), 0, 'no next after the latest day');
          await follow(/2 Jun 2026/, 'prev', '/papers/date/2026-06-02', 'Tue, 2 Jun 2026');

          await t.visit('/papers/date/2026-06-01');
          await follow(/8 Sep 2025/, 'prev', '/papers/date/2025-09-08', 'Mon, 8 Sep 2025');
          assert.equal(await prevNext().locator('a[rel="prev"]').count(), 0, 'no previous before the earliest day');

          // The period tabs: the week and month around the day, then back to the month's latest day.
          await t.visit('/papers/date/2026-06-01');
          const tabs = page.getByRole('navigation', { name: 'Period' });
          assert.equal(await tabs.getByRole('link', { name: 'Daily' }).getAttribute('aria-current'), 'page');
          await tabs.getByRole('link', { name: 'Weekly' }).click();
          await page.waitForURL(t.url('/papers/week/2026-W23'));
          assert.match(await h1(), /^Week 23 of 2026/);
          assert.equal(await tabs.getByRole('link', { name: 'Weekly' }).getAttribute('aria-current'), 'page');
          assert.ok((await page.locator('main li.card').count()) > 0, 'week cards');
          await t.assertClean();
          await tabs.getByRole('link', { name: 'Monthly' }).click();
          await page.waitForURL(t.url('/papers/month/2026-06'));
          assert.match(await h1(), /June 2026/);
          assert.equal(await tabs.getByRole('link', { name: 'Monthly' }).getAttribute('aria-current'), 'page');
          assert.ok((await page.locator('main li.card').count()) > 0, 'month cards');
          await t.assertClean();
          await tabs.getByRole('link', { name: 'Daily' }).click();
          await page.waitForURL(t.url('/papers/date/2026-06-02'));
          await t.assertClean();
        }),
      );

      test('date picker with JavaScript: picking a date navigates to that day', { skip }, () =>
        tab({}, async (t) => {
          const { page } = t;
          await t.visit('/papers/date/2026-06-01');
          const input = page.getByLabel('Go to date', { exact: true });
          assert.equal(await input.inputValue(), '2026-06-01');
          // fill() sets the value and fires input/change, as picking from the calendar does: app.js submits.
          await input.fill('2026-10-03');
          await page.waitForURL(t.url('/papers/date/2026-10-03'));
          assert.equal((await page.locator('h1').innerText()).trim(), 'Sat, 3 Oct 2026');
          await t.assertClean();
        }),
      );

      test('date picker without JavaScript: the Go button submits the form', { skip }, () =>
        tab({ javaScriptEnabled: false }, async (t) => {
          const { page } = t;
          await t.visit('/papers/date/2026-06-01');
          await page.getByLabel('Go to date', { exact: true }).fill('2025-09-08');
          await page.waitForTimeout(300);
          assert.equal(t.path(), '/papers/date/2026-06-01', 'no autosubmit without JavaScript');
          await page.getByRole('button', { name: 'Go', exact: true }).click();
          await page.waitForURL(t.url('/papers/date/2025-09-08'));
          assert.equal((await page.locator('h1').innerText()).trim(), 'Mon, 8 Sep 2025');
          await t.assertClean();
          // The weekly picker goes to the week containing the date.
          await t.visit('/papers/week/2026-W23');
          await page.getByLabel('Go to date', { exact: true }).fill('2026-10-03');
          await page.getByRole('button', { name: 'Go', exact: true }).click();
          await page.waitForURL(t.url('/papers/week/2026-W40'));
          await t.assertClean();
        }),
      );

      test('paper with math: KaTeX rendered, BibTeX shown, copy button copies it', { skip }, () =>
        tab({ permissions: ['clipboard-read', 'clipboard-write'] }, async (t) => {
          const { page } = t;
          await t.visit('/papers/0704.0002');
          assert.equal((await page.locator('h1').innerText()).trim(), 'Sparsity-certifying Graph Decompositions');
          const abstract = page.locator('article.paper .abstract');
          const katex = abstract.locator('.katex');
          assert.equal(await katex.count(), 3, 'three formulas in the abstract');
          assert.ok(await katex.first().isVisible(), '.katex visible');
          const box = await katex.first().boundingBox();
          assert.ok(box && box.width > 5 && box.height > 5, `.katex box ${JSON.stringify(box)}`);
          const text = await abstract.innerText();
          assert.ok(!text.includes('$') && !text.includes('\\ell'), `raw TeX left in the abstract: ${text.slice(0, 120)}`);
          assert.ok(text.includes('ℓ'), 'the typeset ℓ');
          // KaTeX's stylesheet applies (its font family) and its fonts load despite the CSP.
          const fonts = await page.evaluate(async () => {
            const { document, getComputedStyle } = globalThis as any;
            await document.fonts.ready;
            return {
              family: getComputedStyle(document.querySelector('.abstract .katex')).fontFamily as string,
              loaded: [...document.fonts].filter((f: any) => f.status === 'loaded').map((f: any) => f.family.replace(/"/g, '')) as string[],
            };
          });
          assert.match(fonts.family, /^KaTeX_Main/);
          assert.ok(fonts.loaded.some((f) => f.startsWith('KaTeX_')), `KaTeX fonts loaded: ${fonts.loaded.join(', ')}`);

          const pre = page.locator('pre#bibtex');
          assert.ok(await pre.isVisible(), 'BibTeX block visible');
          const bibtex = (await pre.textContent()) ?? '';
          assert.match(bibtex, /^@\w+\{[^,]+,/);
          assert.ok(bibtex.includes('0704.0002'), 'BibTeX names the paper');
          const copy = page.getByRole('button', { name: 'Copy BibTeX' });
          assert.ok(await copy.isVisible(), 'copy button shown with JavaScript');
          await copy.click();
          await page.getByRole('button', { name: 'Copied' }).waitFor();
          const clip = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
          assert.equal(clip, bibtex);
          await t.assertClean();
        }),
      );

      test('paper without JavaScript: math still typeset, BibTeX shown, .bib download offered', { skip }, () =>
        tab({ javaScriptEnabled: false }, async (t) => {
          const { page } = t;
          await t.visit('/papers/0704.0002');
          const katex = page.locator('article.paper .abstract .katex').first();
          assert.ok(await katex.isVisible(), 'server-rendered math visible');
          const box = await katex.boundingBox();
          assert.ok(box && box.width > 5 && box.height > 5, `.katex box ${JSON.stringify(box)}`);
          assert.equal(await page.locator('button[data-copy]').getAttribute('hidden'), '', 'the copy button is marked hidden for app.js to reveal');
          const download = page.getByRole('link', { name: 'Download .bib' });
          assert.ok(await download.isVisible());
          assert.equal(await download.getAttribute('href'), '/papers/0704.0002/bibtex');
          assert.ok(await page.locator('pre#bibtex').isVisible());
          await t.assertClean();
        }),
      );

      test('paper without JavaScript: the copy button is hidden', { skip }, () =>
        tab({ javaScriptEnabled: false }, async (t) => {
          const { page } = t;
          await t.visit('/papers/0704.0002');
          const copy = page.locator('button[data-copy]');
          assert.equal(await copy.count(), 1);
          const display = await copy.evaluate((el: any) => (globalThis as any).getComputedStyle(el).display as string);
          assert.ok(await copy.isHidden(), `copy button shown without JavaScript (display: ${display})`);
          assert.equal(await page.getByRole('button', { name: 'Copy BibTeX' }).count(), 0, 'not in the accessibility tree');
        }),
      );

      // One context per width and colour scheme, a subtest per page (each reported on its own).
      describe('screenshots: no horizontal overflow, key content in view', () => {
        for (const { width, deviceScaleFactor } of WIDTHS) {
          for (const scheme of SCHEMES) {
            test(`at ${width} px, ${scheme}`, { skip }, (ctx) =>
              tab({ viewport: { width, height: HEIGHT }, deviceScaleFactor, colorScheme: scheme }, async (t) => {
                for (const [name, path] of SCREENS) {
                  await ctx.test(`${name} (${path})`, async () => {
                    const { page } = t;
                    await t.visit(path);
                    const lum = await bodyBackgroundLuminance(page);
                    assert.ok(scheme === 'dark' ? lum >= 0 && lum < 0.1 : lum > 0.8, `${scheme} scheme: body background luminance ${lum}`);

                    const o = await measureOverflow(page);
                    assert.equal(o.innerWidth, width);
                    assert.ok(o.scrollWidth <= o.innerWidth, `document scrollWidth ${o.scrollWidth} > ${o.innerWidth}`);
                    assert.deepEqual(o.offenders, [], 'elements past the right edge of the viewport');

                    assert.equal(await page.locator('h1').count(), 1, 'one h1');
                    const h1 = await inViewport(page, 'h1');
                    assert.ok(h1.text.length > 0, 'h1 has text');
                    assert.ok(h1.inView, `h1 in view: ${h1.box}`);
                    const content = page.locator('main li.card, article.paper .abstract').first();
                    assert.ok(await content.isVisible(), 'a paper card or the abstract is visible');
                    const nav = await inViewport(page, 'header.site nav[aria-label="Main"]');
                    assert.ok(nav.inView, `header nav in view: ${nav.box}`);
                    for (const label of ['Daily', 'Trending', 'New on arXiv']) {
                      assert.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).isVisible(), `nav link ${label}`);
                    }

                    await page.evaluate(() => (globalThis as any).document.fonts.ready.then(() => undefined));
                    const file = join(shotsDir, `${engine}-${name}-${width}-${scheme}.png`);
                    const png = await page.screenshot({ path: file });
                    const size = pngSize(png);
                    assert.deepEqual(size, { width: width * deviceScaleFactor, height: HEIGHT * deviceScaleFactor }, file);
                    // A blank or near-blank viewport compresses to a few kilobytes; a page of text does not.
                    assert.ok(png.length > 12_000 * deviceScaleFactor, `${file}: ${png.length} bytes looks blank`);
                    await t.assertClean();
                  });
                }
              }),
            );
          }
        }
      });

      test('keyboard: the skip link comes first, then the navigation; focus is always visible', { skip }, () =>
        tab({}, async (t) => {
          const { page } = t;
          await t.visit('/');
          const stops: FocusInfo[] = [];
          for (let i = 0; i < 12; i++) {
            await page.keyboard.press('Tab');
            const f = await focused(page);
            stops.push(f);
            if (f.inMain) break;
          }
          const trail = stops.map((s) => `${s.tag} "${s.text || s.id}"`).join(' → ');
          const [first] = stops;
          assert.ok(first && first.tag === 'a' && first.text === 'Skip to content', `first stop: ${trail}`);
          assert.ok(first.inView, 'the focused skip link is on screen');
          const beforeMain = stops.slice(0, -1);
          assert.ok(stops.at(-1)?.inMain, `Tab reaches main: ${trail}`);
          assert.ok(
            beforeMain.slice(1).every((s) => s.inHeader),
            `only header stops between the skip link and main: ${trail}`,
          );
          assert.deepEqual(
            beforeMain.filter((s) => s.inMainNav).map((s) => s.text),
            ['Daily', 'Trending', 'New on arXiv'],
            `navigation links in order: ${trail}`,
          );
          assert.ok(beforeMain.some((s) => s.id === 'site-search'), `the search box before main: ${trail}`);
          for (const s of stops) assert.ok(s.visibleFocus, `no visible focus style on ${s.tag} "${s.text || s.id}": outline ${s.outline}, box-shadow ${s.boxShadow}`);

          // Enter on the skip link: to #main, and the next Tab continues inside main.
          await t.visit('/');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Enter');
          await page.waitForURL(t.url('/#main'));
          await page.keyboard.press('Tab');
          const next = await focused(page);
          assert.ok(next.inMain, `Tab after the skip link lands in main, not on ${next.tag} "${next.text}"`);
          assert.ok(next.visibleFocus, `focus style on ${next.tag} "${next.text}"`);
          await t.assertClean();
        }),
      );

      test('keyboard: Enter on the skip link moves focus onto main', { skip }, () =>
        tab({}, async (t) => {
          const { page } = t;
          await t.visit('/');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Enter');
          await page.waitForURL(t.url('/#main'));
          const f = await focused(page);
          assert.equal(f.tag, 'main', `focus after the skip link: ${f.tag} "${f.text}"`);
        }),
      );

      for (const scheme of SCHEMES) {
        test(`contrast in ${scheme} mode: body text and links at least 4.5:1, all text meets WCAG AA`, { skip }, () =>
          tab({ colorScheme: scheme }, async (t) => {
            const { page } = t;
            for (const path of ['/', '/papers/0704.0002', '/list/cs.AI/2025-08-20']) {
              await t.visit(path);
              const lum = await bodyBackgroundLuminance(page);
              assert.ok(scheme === 'dark' ? lum < 0.1 : lum > 0.8, `${path}: ${scheme} scheme applied (luminance ${lum})`);
              const [body] = await measureContrast(page, 'body');
              assert.ok(body, `${path}: body measured`);
              assert.ok(body.ratio >= 4.5, `${path}: body text ${body.fg} on ${body.bg} = ${body.ratio}`);
              const links = await measureContrast(page, 'a');
              assert.ok(links.length > 10, `${path}: links measured (${links.length})`);
              const weakLinks = links.filter((s) => s.ratio < 4.5);
              assert.deepEqual(weakLinks, [], `${path}: links under 4.5:1`);
              const all = await measureContrast(page, 'body *');
              const weak = all.filter((s) => s.ratio < (s.large ? 3 : 4.5));
              assert.deepEqual(weak, [], `${path}: text under WCAG AA contrast`);
            }
          }),
        );
      }
    });
  }
});
