/** The page frame every HTML page shares: head, header with navigation, main, footer. */
import type { Child } from 'hono/jsx';
import { ASSET_VERSION } from './assets.js';

export interface FeedLink {
  title: string;
  href: string;
  type: 'application/rss+xml' | 'application/atom+xml';
}

export interface PageMeta {
  title: string;
  description?: string;
  canonical?: string;
  feeds?: FeedLink[];
  /** extra elements for <head> (citation meta tags, OpenGraph) */
  head?: Child;
  /** page-specific stylesheet paths (KaTeX) */
  styles?: string[];
  /** progressive scripts, loaded deferred */
  scripts?: string[];
  noindex?: boolean;
}

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
  { key: 'new', href: '/list/cs.LG', label: 'New on arXiv' },
];

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
        {(meta.feeds ?? []).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <link rel="stylesheet" href={`/static/style.css?v=${ASSET_VERSION}`} nonce={nonce} />
        {(meta.styles ?? []).map((s) => (
          <link rel="stylesheet" href={s} nonce={nonce} />
        ))}
        {meta.head}
        {(meta.scripts ?? []).map((s) => (
          <script src={s} defer nonce={nonce}></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <nav aria-label="Main">
            <a class="brand" href="/">
              {instanceName}
            </a>
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
        </header>
        <main id="main">{children}</main>
        <footer class="site">
          <p>
            Paper metadata from <a href="https://arxiv.org/">arXiv</a> (CC0). Thank you to arXiv for use of its open access interoperability.
          </p>
        </footer>
      </body>
    </html>
  );
}
