import type { Context, Hono } from 'hono';
import { forbidden, unsupportedAuthentication } from './problems.ts';

export type Caller = { kind: 'user'; userId: string; scope: string[] } | { kind: 'app' };

export type Env = { Variables: { caller: Caller } };
export type App = Hono<Env>;
export type Ctx = Context<Env>;

/** The user behind a user-context token with every scope the endpoint lists (X's security table), or the 403. */
export function userWith(c: Ctx, scopes: string[]): { userId: string } | Response {
  const caller = c.get('caller');
  if (caller.kind !== 'user') {
    return unsupportedAuthentication(
      c,
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    );
  }
  const missing = scopes.filter((s) => !caller.scope.includes(s));
  if (missing.length) return forbidden(c, `Missing scopes: ${missing.join(', ')}. The token's scopes: ${caller.scope.join(' ')}.`);
  return { userId: caller.userId };
}

/** Endpoints X also opens to the app-only bearer: the app passes, a user token needs the scopes. */
export function appOrUserWith(c: Ctx, scopes: string[]): true | Response {
  if (c.get('caller').kind === 'app') return true;
  const user = userWith(c, scopes);
  return user instanceof Response ? user : true;
}

export function appOnly(c: Ctx): true | Response {
  if (c.get('caller').kind === 'app') return true;
  return unsupportedAuthentication(
    c,
    'Authenticating with OAuth 2.0 User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only].',
  );
}

/** A JSON body, or undefined when it is missing or not JSON (the route then answers 400). */
export async function jsonBody(c: Ctx): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await c.req.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const list = (value: string | undefined): string[] => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);
