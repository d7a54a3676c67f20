import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../protocol/index.ts';
import { isOwnOrigin } from '../core/own-origin.ts';

/**
 * CSRF protection for what the session cookie authenticates. SameSite=Strict
 * keeps the cookie off cross-site requests, but a sibling origin of the same
 * site (another port, another sub-domain beside the shop) still gets it sent,
 * so every state-changing request must also:
 *
 * - come from the server's own origin when a browser says where it comes from
 *   (`Origin`, or `Sec-Fetch-Site` when no `Origin` is sent). Clients that send
 *   neither are not browsers and carry no victim's ambient cookie: allowed.
 * - carry its body in a media type a cross-origin page cannot send without a
 *   CORS preflight (which /api/v1 never grants): `application/json`, or
 *   multipart for the upload route, which checks the origin itself.
 *
 * `hono/csrf` is not used: it only looks at form content types (JSON is this
 * API's only type) and refuses clients that send no Origin at all.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isStateChanging = (c: Context) => !SAFE_METHODS.has(c.req.method);

/** Refuses (403 ORIGIN_NOT_ALLOWED) a browser request whose origin is not the server's own. */
export function assertOwnOrigin(c: Context, publicUrl: string | null): void {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  const foreignOrigin = origin !== undefined && !isOwnOrigin(origin, { host: c.req.header('host'), publicUrl });
  const foreignSite = site === 'cross-site' || site === 'same-site';
  if (foreignOrigin || foreignSite) throw new AppError('ORIGIN_NOT_ALLOWED', 'Cross-origin requests to this API are refused.');
}

/** A request has a body when it declares a non-zero length or is chunked. */
const hasBody = (c: Context) => c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length') ?? 0) > 0;
const mediaTypeOf = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** Refuses (415 UNSUPPORTED_MEDIA_TYPE) a body of another media type; requests without a body pass. */
export function assertBodyType(c: Context, mediaType: 'application/json' | 'multipart/form-data'): void {
  if (hasBody(c) && mediaTypeOf(c) !== mediaType) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The request body must be ${mediaType}.`);
}

/** For cookie-authenticated JSON routes: state-changing requests are JSON and from the own origin. */
export function csrfProtection(opts: { publicUrl: string | null }): MiddlewareHandler {
  return async (c, next) => {
    if (isStateChanging(c)) {
      assertOwnOrigin(c, opts.publicUrl);
      assertBodyType(c, 'application/json');
    }
    await next();
  };
}
