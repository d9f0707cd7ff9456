/** Rendering a page inside the layout, and the error pages. */
import type { Child } from 'hono/jsx';
import { Layout, type LayoutProps, type PageMeta } from './layout.js';
import type { Ctx, Deps } from './context.js';

/** Renders `body` in the site layout with the request's CSP nonce. */
export function renderPage(c: Ctx, deps: Deps, meta: PageMeta, body: Child, opts: { status?: number; section?: LayoutProps['section'] } = {}) {
  const html = (
    <Layout meta={meta} nonce={c.get('nonce')} instanceName={deps.config.instanceName} section={opts.section ?? null}>
      {body}
    </Layout>
  );
  return c.html(`<!doctype html>${html}`, (opts.status ?? 200) as 200);
}

/** An error page with a heading, a message for the visitor, and optional next steps. */
export function renderError(c: Ctx, deps: Deps, status: number, title: string, message: string, extra?: Child) {
  return renderPage(
    c,
    deps,
    { title, noindex: true },
    <section class="error">
      <h1>{title}</h1>
      <p>{message}</p>
      {extra}
      <p>
        <a href="/">Back to today’s papers</a>
      </p>
    </section>,
    { status },
  );
}
