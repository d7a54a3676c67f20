import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers (Hono's secureHeaders: nosniff, no referrer, COOP, …) per area:
 *
 * - /desktop: a strict CSP the built desktop satisfies (module scripts and the
 *   stylesheet from 'self', no inline script or style; Preact's style props go
 *   through the CSSOM, which CSP does not govern) and it may not be framed.
 * - /demo: the shop pages host the widget, so their CSP allows what the widget
 *   needs from this server (its scripts, config, socket, uploads) and inline styles:
 *   the loader's placeholder launcher, the emoji picker and a few icons still carry
 *   `<style>` elements and style attributes (Lit's own styles are constructed
 *   stylesheets, which CSP does not govern). Scripts stay 'self' only.
 * - /widget: scripts that customer sites load cross-origin: CORP cross-origin (a
 *   site with COEP can still load them), no framing or CSP headers of their own.
 * - everything else (the JSON API, health, redirects): nothing to render or frame.
 *
 * Images: bot messages and cards show https images that admins put in a flow, in the
 * widget and the desktop transcript; attachments are same-origin or blob: URLs.
 * A header a handler set itself (an attachment's sandbox CSP) is kept.
 */
export interface SecurityHeaderOptions {
  /** PUBLIC_URL as configured (null: the Host header names the server). */
  publicUrl: string | null;
  /** Served over https: add HSTS. */
  https: boolean;
}

const HOST_PATTERN = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The socket's own ws(s) origin for connect-src. CSP3's 'self' covers it, but not
 * in every browser still in use; a Host header that is not a plain host adds nothing.
 */
function socketOrigins(publicUrl: string | null): (c: Context) => string {
  return (c) => {
    if (publicUrl) {
      const url = new URL(publicUrl);
      return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
    }
    const host = c.req.header('host') ?? '';
    return HOST_PATTERN.test(host) ? `ws://${host} wss://${host}` : "'self'";
  };
}

export function securityHeaders(opts: SecurityHeaderOptions): MiddlewareHandler {
  const common = {
    strictTransportSecurity: opts.https ? 'max-age=15552000; includeSubDomains' : false,
    overwrite: false,
  } as const;
  const page = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
    connectSrc: ["'self'", socketOrigins(opts.publicUrl)],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
  };
  const desktop = secureHeaders({ ...common, xFrameOptions: 'DENY', contentSecurityPolicy: { ...page, frameAncestors: ["'none'"] } });
  const demo = secureHeaders({ ...common, contentSecurityPolicy: { ...page, styleSrc: ["'self'", "'unsafe-inline'"], frameAncestors: ["'self'"] } });
  const widget = secureHeaders({ ...common, crossOriginResourcePolicy: 'cross-origin', crossOriginOpenerPolicy: false, xFrameOptions: false });
  const api = secureHeaders({ ...common, xFrameOptions: 'DENY', contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } });

  return (c, next) => {
    const path = c.req.path;
    if (path === '/desktop' || path.startsWith('/desktop/')) return desktop(c, next);
    if (path === '/demo' || path.startsWith('/demo/')) return demo(c, next);
    if (path.startsWith('/widget/')) return widget(c, next);
    return api(c, next);
  };
}
