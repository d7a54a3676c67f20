import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { matchedRoutes } from 'hono/route';
import { AppError } from '../../protocol/index.ts';
import { REST_POLICY, restKey, type Rule } from '../auth/policy.ts';
import type { AccessService, StaffCaller } from '../services/access-service.ts';
import { hashSessionToken, SESSION_COOKIE } from '../services/auth-service.ts';

/**
 * The REST side of the authorization table: every request that reaches a route is checked
 * against REST_POLICY before its handler runs. A route missing from the table is refused
 * (and server/auth/policy.test.ts fails); staff routes get the caller, read fresh, in
 * `c.get('caller')`.
 */
export type AuthorizedEnv = { Variables: { caller: StaffCaller } };

/**
 * The route that will answer: the first matched one registered for this method, or for every
 * method on an exact path. Wildcard ALL routes are middleware (and the API's NOT_FOUND
 * fallback), which answer nothing of their own; the same rule picks the routes the table lists.
 */
export const isHandlerRoute = (r: { method: string; path: string }) => r.method !== 'ALL' || !r.path.includes('*');

function answeringRoute(c: Context): { method: string; path: string } | null {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  return matchedRoutes(c).find((r) => isHandlerRoute(r) && (r.method === method || r.method === 'ALL')) ?? null;
}

const decodeSegment = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed escapes: the route's own validation refuses the value
  }
};

/** `:name` segments of a registered path, read from the request path (route patterns here are plain segments). */
export function paramsOf(pattern: string, path: string): Record<string, string> {
  const want = pattern.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  want.forEach((segment, i) => {
    if (segment.startsWith(':') && got[i] !== undefined) params[segment.slice(1)] = decodeSegment(got[i]!);
  });
  return params;
}

export const sessionTokenHash = (c: Context): string | null => {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? hashSessionToken(token) : null;
};

export function authorizeRequests(access: AccessService): MiddlewareHandler<AuthorizedEnv> {
  return async (c, next) => {
    const route = answeringRoute(c);
    // No route of this method: a static file, or the API's NOT_FOUND fallback.
    if (!route) return next();
    const rule: Rule | undefined = REST_POLICY[restKey(route.method, route.path)];
    if (!rule) throw new AppError('FORBIDDEN', 'This route has no entry in the authorization table.');
    if (rule.auth === 'staff') c.set('caller', await access.authorizeStaff(sessionTokenHash(c), rule, paramsOf(route.path, c.req.path)));
    // public, bearer-token and visitor-or-staff routes authenticate themselves (their own protocol).
    await next();
  };
}
