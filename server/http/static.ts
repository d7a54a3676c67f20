import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface StaticPaths {
  /** dist/widget: loader.js, app.js, chunks. */
  widget: string;
  /** dist/desktop: index.html, main.js, css. */
  desktop: string;
  /** demo/: the demo shop's pages. */
  demo: string;
}

const strip = (prefix: string) => (path: string) => path.slice(prefix.length) || '/';

/**
 * serveStatic once its folder exists: a node started before `npm run build` serves the bundles as soon
 * as they are built, and writes no plain-text warning of its own (its log is JSON lines; /readyz and a
 * logged error already say the bundles are missing).
 */
function whenBuilt(options: { root: string; rewriteRequestPath: (path: string) => string }): MiddlewareHandler {
  let handler: MiddlewareHandler | null = null;
  return (c, next) => {
    handler ??= existsSync(options.root) ? serveStatic(options) : null;
    return handler ? handler(c, next) : next();
  };
}

/** /widget (CORS *, any site embeds it), /desktop (SPA fallback), /demo, and / → /demo/. */
export function mountStatic(app: Hono, paths: StaticPaths): void {
  app.use('/widget/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  app.use('/widget/*', whenBuilt({ root: paths.widget, rewriteRequestPath: strip('/widget') }));

  app.get('/desktop', (c) => c.redirect('/desktop/', 301));
  app.use('/desktop/*', whenBuilt({ root: paths.desktop, rewriteRequestPath: strip('/desktop') }));
  // Client-side routes (e.g. /desktop/conversations/…) get the app shell; missing assets still 404.
  app.get('/desktop/*', async (c, next) => {
    const index = join(paths.desktop, 'index.html');
    if (/\.[a-z0-9]+$/i.test(c.req.path) || !existsSync(index)) return next();
    return serveStatic({ path: index })(c, next);
  });

  app.get('/demo', (c) => c.redirect('/demo/', 301));
  app.use('/demo/*', serveStatic({ root: paths.demo, rewriteRequestPath: strip('/demo') }));

  app.get('/', (c) => c.redirect('/demo/', 302));
}
