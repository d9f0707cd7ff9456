/**
 * Browser-test plumbing: the real app served by @hono/node-server on an ephemeral port over a
 * fresh database loaded with the sample, Debian's Chromium driven by playwright-core, a page
 * wrapper that collects console errors, page errors and CSP violations, and the in-page
 * measurements the tests assert on (overflow, visibility, colours and contrast, PNG headers).
 *
 * The project compiles without the DOM lib, so code that runs in the page reaches the DOM
 * through `globalThis as any`; those functions are serialized by Playwright and must not use
 * anything from this module's scope.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { freshDb, type Engine, type TestDb } from '../engines.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/web/app.js';
import type { AppEnv } from '../../src/web/context.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { refreshTrending } from '../../src/feed/trending.js';
import { setLogLevel } from '../../src/log.js';

// In-page code only: the DOM, untyped (see the header comment).
type Dom = any;

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'];

/** Why the browser tests cannot run (Chromium missing), or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM}: install Debian's chromium: apt-get install chromium`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The running app: its origin and how to stop it. */
export interface Site {
  engine: Engine;
  origin: string;
  close(): Promise<void>;
}

/**
 * What `serve` does, on an ephemeral port: a fresh database on `engine`, migrated and loaded
 * with the bundled sample, trending refreshed, the app behind @hono/node-server on 127.0.0.1.
 */
export async function startSite(engine: Engine): Promise<Site> {
  setLogLevel('error');
  const db: TestDb = await freshDb(engine);
  let app: Hono<AppEnv> | null = null;
  // The port is known only once listening, and the config (BASE_URL) needs it: the app is
  // built right after, before any request can arrive.
  const server = serve({
    fetch: (req, env) => (app ? app.fetch(req, env) : new Response('starting', { status: 503 })),
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  try {
    if (!server.listening) await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', BASE_URL: origin, DATABASE_URL: db.url, SCHEDULE: 'false', LOG_LEVEL: 'error' });
    assert.equal(config.schedule, false);
    await loadSampleIfEmpty(db.store, config.calendar);
    await refreshTrending(db.store, new Date());
    app = createApp({ store: db.store, search: await db.search(), config, now: () => new Date() });
    return {
      engine,
      origin,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.cleanup();
      },
    };
  } catch (err) {
    server.close();
    await db.cleanup();
    throw err;
  }
}

/** Records CSP violations on window (and survives JavaScript being disabled: init scripts still run). */
const INIT_SCRIPT = `(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber + (e.sample ? ' (' + e.sample + ')' : ''));
  });
})();`;

/** Chromium asks every new context for /favicon.ico; reported separately (see the favicon test), not on every page. */
export const isFaviconMessage = (m: ConsoleMessage) => /\/favicon\.ico$/.test(m.location().url);

/** One browser context with one page whose console errors, page errors and CSP violations are collected. */
export class Tab {
  readonly problems: string[] = [];
  readonly faviconErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly origin: string,
    readonly jsEnabled: boolean,
  ) {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const line = `console error: ${m.text()} (${m.location().url})`;
      (isFaviconMessage(m) ? this.faviconErrors : this.problems).push(line);
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
  }

  static async open(browser: Browser, site: Site, options: BrowserContextOptions = {}): Promise<Tab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    context.setDefaultTimeout(10_000);
    await context.addInitScript(INIT_SCRIPT);
    const page = await context.newPage();
    return new Tab(context, page, site.origin, options.javaScriptEnabled !== false);
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** The path (and query) the page is at. */
  path(): string {
    const u = new URL(this.page.url());
    return u.pathname + u.search;
  }

  /** Navigates and asserts the status and a clean page (no console errors or CSP violations). */
  async visit(path: string, status = 200): Promise<void> {
    const res = await this.page.goto(this.url(path), { waitUntil: 'load' });
    assert.ok(res, `${path}: no response`);
    assert.equal(res.status(), status, `${path}: status`);
    await this.assertClean(path);
  }

  /** Asserts nothing went wrong on the current page (and since the last check). */
  async assertClean(label = this.path()): Promise<void> {
    if (this.jsEnabled) {
      // Let queued securitypolicyviolation events fire. (With JavaScript off timers never run.)
      await this.page.evaluate(() => new Promise((r) => (globalThis as Dom).requestAnimationFrame(() => setTimeout(r, 0))));
    }
    const csp = (await this.page.evaluate(() => (globalThis as Dom).__cspViolations ?? ['init script did not run'])) as string[];
    const found = [...this.problems.splice(0), ...csp.map((v) => `CSP violation: ${v}`)];
    assert.deepEqual(found, [], `${label}: console errors or CSP violations`);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Runs `fn` with a fresh context and page, closed afterwards. */
export async function withTab<T>(browser: Browser, site: Site, options: BrowserContextOptions, fn: (tab: Tab) => Promise<T>): Promise<T> {
  const tab = await Tab.open(browser, site, options);
  try {
    return await fn(tab);
  } finally {
    await tab.close();
  }
}

// ---------------------------------------------------------------------------------------------
// In-page measurements

export interface OverflowReport {
  innerWidth: number;
  scrollWidth: number;
  /** elements whose right edge is past the viewport and that no scrolling/clipping container (itself in view) holds */
  offenders: string[];
}

/**
 * Horizontal overflow: the document's scroll width, and every element extending past the
 * viewport's right edge unless an ancestor that scrolls or clips horizontally (pre.bibtex,
 * .katex-display, …) holds it and fits in the viewport itself.
 */
export function measureOverflow(page: Page): Promise<OverflowReport> {
  return page.evaluate(() => {
    const { document, window, getComputedStyle } = globalThis as Dom;
    const W: number = window.innerWidth;
    const describe = (el: Dom) => {
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} "${text}"`;
    };
    const offenders: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || r.right <= W + 0.5) continue;
      let held = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'visible') continue;
        held = a.getBoundingClientRect().right <= W + 0.5;
        break;
      }
      if (!held) offenders.push(`${describe(el)} right=${r.right.toFixed(1)} (width ${r.width.toFixed(1)})`);
    }
    return { innerWidth: W, scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 15) };
  });
}

/** The element's box relative to the viewport, and whether it lies inside it (horizontally whole, vertically at least partly). */
export async function inViewport(page: Page, selector: string): Promise<{ inView: boolean; box: string; text: string }> {
  return page.locator(selector).first().evaluate((el: Dom) => {
    const { window } = globalThis as Dom;
    const r = el.getBoundingClientRect();
    const inView = r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= window.innerWidth + 0.5 && r.top < window.innerHeight && r.bottom > 0;
    return { inView, box: `x ${r.left.toFixed(0)}–${r.right.toFixed(0)}, y ${r.top.toFixed(0)}–${r.bottom.toFixed(0)} in ${window.innerWidth}×${window.innerHeight}`, text: (el.innerText ?? '').trim() };
  });
}

/** What the focused element is, and whether it shows a focus indicator (an outline or a box-shadow). */
export interface FocusInfo {
  tag: string;
  text: string;
  id: string;
  inMain: boolean;
  inHeader: boolean;
  inMainNav: boolean;
  outline: string;
  boxShadow: string;
  visibleFocus: boolean;
  inView: boolean;
}

export function focused(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const { document, window, getComputedStyle } = globalThis as Dom;
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const outlineWidth = parseFloat(cs.outlineWidth) || 0;
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40),
      id: el.id,
      inMain: !!el.closest('main'),
      inHeader: !!el.closest('header.site'),
      inMainNav: !!el.closest('nav[aria-label="Main"]'),
      outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
      boxShadow: cs.boxShadow,
      visibleFocus: (cs.outlineStyle !== 'none' && outlineWidth > 0) || (cs.boxShadow !== 'none' && cs.boxShadow !== ''),
      inView: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
    };
  });
}

/** One text colour against the background behind it. */
export interface ContrastSample {
  what: string;
  fg: string;
  bg: string;
  ratio: number;
  /** large text (24px, or 18.66px bold) needs 3:1 instead of 4.5:1 */
  large: boolean;
}

/**
 * Contrast of the text in elements matching `selector` (visible ones with text of their own, and <body>):
 * the computed colour against the effective background, the element's and its ancestors'
 * background colours composited (alpha included) over the canvas.
 */
export function measureContrast(page: Page, selector: string): Promise<ContrastSample[]> {
  return page.evaluate((selector: string) => {
    const { document, getComputedStyle } = globalThis as Dom;
    type RGBA = [number, number, number, number];
    const parse = (s: string): RGBA => {
      const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(s.trim());
      if (!m) throw new Error(`unparsed colour: ${s}`);
      const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
      return [parseFloat(m[1]!), parseFloat(m[2]!), parseFloat(m[3]!), a];
    };
    const over = (top: RGBA, below: RGBA): RGBA => {
      const a = top[3] + below[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const ch = (i: number) => (top[i]! * top[3] + below[i]! * below[3] * (1 - top[3])) / a;
      return [ch(0), ch(1), ch(2), a];
    };
    const luminance = ([r, g, b]: RGBA) => {
      const lin = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    // The canvas behind everything: the root's background, else white/black by the used color scheme.
    const canvasColor = (): RGBA => (getComputedStyle(document.documentElement).colorScheme.includes('dark') && (globalThis as Dom).matchMedia('(prefers-color-scheme: dark)').matches ? [18, 18, 18, 1] : [255, 255, 255, 1]);
    const background = (el: Dom): RGBA => {
      const layers: RGBA[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let bg = canvasColor();
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg;
    };
    const fmt = (c: RGBA) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(', ')})`;
    const out: Array<{ what: string; fg: string; bg: string; ratio: number; large: boolean }> = [];
    for (const el of document.querySelectorAll(selector)) {
      // Elements with text of their own; <body> always (its colours are the page's body text).
      const ownText = el === document.body || [...el.childNodes].some((n: Dom) => n.nodeType === 3 && n.textContent.trim() !== '');
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (!ownText || cs.visibility !== 'visible' || r.width <= 1 || r.height <= 1 || el.closest('.katex-mathml')) continue;
      const bg = background(el);
      const fg = over(parse(cs.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const size = parseFloat(cs.fontSize);
      const weight = parseInt(cs.fontWeight, 10) || 400;
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      out.push({
        what: `${el.tagName.toLowerCase()}${cls} "${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 30)}"`,
        fg: fmt(fg),
        bg: fmt(bg),
        ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
        large: size >= 24 || (size >= 18.66 && weight >= 700),
      });
    }
    return out;
  }, selector);
}

/** Relative luminance of the page's body background (to tell light from dark). */
export function bodyBackgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as Dom;
    const m = /(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(getComputedStyle(document.body).backgroundColor);
    if (!m) return -1;
    const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(Number(m[1])) + 0.7152 * lin(Number(m[2])) + 0.0722 * lin(Number(m[3]));
  });
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (which must come first). */
export function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.length > 24 && png.subarray(0, 8).equals(PNG_SIGNATURE), 'not a PNG');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR', 'PNG without IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
