/** The page frame every HTML page shares: head, header with navigation, main, footer. */
import type { Child } from 'hono/jsx';
import { APP_JS, ASSET_VERSION } from './assets.js';

/** A <link rel="alternate"> to one of the page's feeds. */
/** Every page links a feed; pages without one of their own link today's papers. */
const DEFAULT_FEEDS: FeedLink[] = [
  { title: 'Daily papers (RSS)', type: 'application/rss+xml', href: '/feeds/daily.rss' },
  { title: 'Daily papers (Atom)', type: 'application/atom+xml', href: '/feeds/daily.atom' },
];

export interface FeedLink {
  title: string;
  href: string;
  type: 'application/rss+xml' | 'application/atom+xml';
}

/** What a page puts in <head>: title, description, canonical URL, feeds, OpenGraph and assets. */
export interface PageMeta {
  title: string;
  description?: string;
  canonical?: string;
  feeds?: FeedLink[];
  /** OpenGraph type; the layout writes og:title, og:description and og:url from the fields above */
  ogType?: 'website' | 'article';
  /** extra elements for <head> (citation meta tags) */
  head?: Child;
  /** page-specific stylesheet paths (KaTeX) */
  styles?: string[];
  /** progressive scripts besides app.js (which every page loads), deferred */
  scripts?: string[];
  noindex?: boolean;
}

/** The layout's inputs: the page's meta and body, the request's CSP nonce, and the current section. */
export interface LayoutProps {
  meta: PageMeta;
  nonce: string;
  instanceName: string;
  children: Child;
  /** the current section, for aria-current in the navigation */
  section?: 'daily' | 'trending' | 'new' | 'search' | null;
}

const NAV: Array<{ key: LayoutProps['section']; href: string; label: string }> = [
  { key: 'daily', href: '/', label: 'Daily' },
  { key: 'trending', href: '/papers/trending', label: 'Trending' },
  { key: 'new', href: '/list', label: 'New on arXiv' },
];

/** The HTML document around every page. */
export function Layout({ meta, nonce, instanceName, children, section }: LayoutProps) {
  const title = meta.title === instanceName ? instanceName : `${meta.title} · ${instanceName}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        {meta.description ? <meta name="description" content={meta.description} /> : null}
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        {meta.canonical ? <link rel="canonical" href={meta.canonical} /> : null}
        <meta property="og:site_name" content={instanceName} />
        <meta property="og:type" content={meta.ogType ?? 'website'} />
        <meta property="og:title" content={meta.title} />
        {meta.description ? <meta property="og:description" content={meta.description} /> : null}
        {meta.canonical ? <meta property="og:url" content={meta.canonical} /> : null}
        {(meta.feeds?.length ? meta.feeds : DEFAULT_FEEDS).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <link rel="icon" href={`/static/favicon.svg?v=${ASSET_VERSION}`} type="image/svg+xml" />
        <link rel="stylesheet" href={`/static/style.css?v=${ASSET_VERSION}`} nonce={nonce} />
        {(meta.styles ?? []).map((s) => (
          <link rel="stylesheet" href={s} nonce={nonce} />
        ))}
        {meta.head}
        {[APP_JS, ...(meta.scripts ?? []).filter((s) => s !== APP_JS)].map((s) => (
          <script src={s} defer nonce={nonce}></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="bar">
            <a class="brand" href="/">
              {instanceName}
            </a>
            <nav aria-label="Main">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a href={n.href} aria-current={section === n.key ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <form class="search" role="search" action="/search" method="get">
              <label for="site-search" class="visually-hidden">
                Search papers
              </label>
              <input type="search" id="site-search" name="q" placeholder="Search papers" maxlength={500} />
              <button type="submit">Search</button>
            </form>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
        <footer class="site">
          <p>
            Paper metadata from <a href="https://arxiv.org/">arXiv</a> (CC0). Thank you to arXiv for use of its open access interoperability.
          </p>
        </footer>
      </body>
    </html>
  );
}
