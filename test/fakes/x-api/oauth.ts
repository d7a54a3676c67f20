import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { randomToken } from './ids.ts';
import type { App, Env } from './env.ts';
import type { FakeX } from './state.ts';
import { escapeHtml } from './html.ts';

// OAuth 2.0 Authorization Code with PKCE, as X runs it (brief §1): the code lives 30 s and is single-use,
// access tokens 2 h, and each refresh token works once (X rotates them).

const CODE_TTL_MS = 30_000;
export const ACCESS_TTL_MS = 2 * 3_600_000;

const oauthError = (c: Context<Env>, status: 400 | 401, error: string, description: string) =>
  c.json({ error, error_description: description }, status);

export function registerOAuth(app: App, fake: FakeX): void {
  app.get('/i/oauth2/authorize', (c) => {
    const q = c.req.query();
    if (q.client_id !== fake.options.clientId) return c.html(errorPage('This app is not known (client_id).'), 400);
    const redirect = parseRedirect(q.redirect_uri);
    if (!redirect) return c.html(errorPage('redirect_uri is missing or not an http(s) URL.'), 400);
    const back = (params: Record<string, string>) => {
      const url = new URL(redirect);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return c.redirect(url.toString(), 302);
    };
    const state = q.state ?? '';
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', state });
    if (!q.state) return back({ error: 'invalid_request', error_description: 'state is required', state });
    if (!q.scope?.trim()) return back({ error: 'invalid_scope', state });
    const method = q.code_challenge_method ?? 'plain';
    if (!q.code_challenge || (method !== 'S256' && method !== 'plain')) return back({ error: 'invalid_request', error_description: 'code_challenge', state });
    if (q.interactive === '1' || fake.options.interactiveConsent) return c.html(consentPage(fake, c.req.url));
    return back({ state, code: issueCode(fake, q.redirect_uri!, q.code_challenge, method, q.scope) });
  });

  // The consent page's buttons: approve issues the code, cancel redirects with access_denied (as X does).
  app.post('/i/oauth2/authorize', async (c) => {
    const form = await c.req.parseBody();
    const q = new URL(String(form.authorize_url ?? ''), 'http://x').searchParams;
    const redirect = parseRedirect(q.get('redirect_uri') ?? undefined);
    if (q.get('client_id') !== fake.options.clientId || !redirect || !q.get('code_challenge') || !q.get('scope')) {
      return c.html(errorPage('The authorization request is incomplete.'), 400);
    }
    const url = new URL(redirect);
    url.searchParams.set('state', q.get('state') ?? '');
    if (form.decision !== 'allow') url.searchParams.set('error', 'access_denied');
    else {
      const method = q.get('code_challenge_method') === 'S256' ? 'S256' : 'plain';
      url.searchParams.set('code', issueCode(fake, redirect, q.get('code_challenge')!, method, q.get('scope')!));
    }
    return c.redirect(url.toString(), 302);
  });

  app.post('/2/oauth2/token', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
    const client = clientOf(fake, c.req.header('authorization'), field('client_id'));
    if (client === 'bad-basic') return oauthError(c, 401, 'invalid_client', 'Value passed for the client credentials was invalid.');
    if (client === 'missing') return oauthError(c, 401, 'unauthorized_client', 'Missing valid authorization header');
    if (client === 'unknown') return oauthError(c, 400, 'invalid_request', 'Missing required parameter [client_id].');
    const grant = field('grant_type');
    if (grant === 'authorization_code') {
      const code = fake.state.codes.get(field('code') ?? '');
      // Single use: gone from the table whether or not the rest checks out.
      if (code) fake.state.codes.delete(field('code')!);
      const verifier = field('code_verifier');
      if (!verifier) return oauthError(c, 400, 'invalid_request', 'Missing required parameter [code_verifier].');
      if (!code || code.expiresAt <= fake.now() || code.clientId !== fake.options.clientId) {
        return oauthError(c, 400, 'invalid_request', 'Value passed for the authorization code was invalid.');
      }
      if (field('redirect_uri') !== code.redirectUri) return oauthError(c, 400, 'invalid_request', 'Value passed for the redirect uri did not match the uri of the authorization code.');
      if (!challengeMatches(code.challenge, code.method, verifier)) return oauthError(c, 400, 'invalid_request', 'Value passed for the code verifier did not match the code challenge.');
      return c.json(issueTokens(fake, code.userId, code.scope));
    }
    if (grant === 'refresh_token') {
      const token = field('refresh_token') ?? '';
      const stored = fake.state.refreshTokens.get(token);
      if (!stored) return oauthError(c, 400, 'invalid_request', 'Value passed for the token was invalid.');
      fake.state.refreshTokens.delete(token);
      return c.json(issueTokens(fake, stored.userId, stored.scope));
    }
    return oauthError(c, 400, 'invalid_request', 'Value passed for the grant type was invalid.');
  });

  app.post('/2/oauth2/revoke', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form.token === 'string' ? form.token : '';
    fake.state.accessTokens.delete(token);
    fake.state.refreshTokens.delete(token);
    return c.json({ revoked: true });
  });
}

function issueCode(fake: FakeX, redirectUri: string, challenge: string, method: 'S256' | 'plain', scope: string): string {
  const code = randomToken(48);
  fake.state.codes.set(code, {
    clientId: fake.options.clientId,
    redirectUri,
    challenge,
    method,
    scope: scope.split(/[\s+]+/).filter(Boolean),
    userId: fake.options.brand.id,
    expiresAt: fake.now() + CODE_TTL_MS,
  });
  return code;
}

export function issueTokens(fake: FakeX, userId: string, scope: string[]) {
  const accessToken = randomToken(48);
  fake.state.accessTokens.set(accessToken, { userId, clientId: fake.options.clientId, scope, expiresAt: fake.now() + ACCESS_TTL_MS });
  const body: { token_type: 'bearer'; expires_in: number; access_token: string; scope: string; refresh_token?: string } = {
    token_type: 'bearer',
    expires_in: ACCESS_TTL_MS / 1000,
    access_token: accessToken,
    scope: scope.join(' '),
  };
  if (scope.includes('offline.access')) {
    body.refresh_token = randomToken(48);
    fake.state.refreshTokens.set(body.refresh_token, { userId, clientId: fake.options.clientId, scope });
  }
  return body;
}

function clientOf(fake: FakeX, authorization: string | undefined, bodyClientId: string | undefined) {
  if (authorization?.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
    const ok = id === fake.options.clientId && fake.options.clientSecret !== undefined && secret === fake.options.clientSecret;
    return ok ? 'ok' : 'bad-basic';
  }
  if (fake.options.clientSecret !== undefined) return 'missing';
  return bodyClientId === fake.options.clientId ? 'ok' : 'unknown';
}

function challengeMatches(challenge: string, method: 'S256' | 'plain', verifier: string): boolean {
  const expected = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseRedirect(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function consentPage(fake: FakeX, authorizeUrl: string): string {
  const u = new URL(authorizeUrl);
  const scopes = (u.searchParams.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const hidden = `<input type="hidden" name="authorize_url" value="${escapeHtml(u.pathname + u.search)}">`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorize app – Fake X</title></head><body>
<main><h1>An app wants to access your X account</h1>
<p>Signed in as <strong>${escapeHtml(fake.options.brand.name)}</strong> (@${escapeHtml(fake.options.brand.username)}).</p>
<p>It asks for:</p><ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form method="post" action="/i/oauth2/authorize">${hidden}
<button type="submit" name="decision" value="allow" data-testid="authorize-app">Authorize app</button>
<button type="submit" name="decision" value="deny">Cancel</button></form></main></body></html>`;
}

const errorPage = (message: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake X</title></head><body><main><h1>Something went wrong</h1><p>${escapeHtml(message)}</p></main></body></html>`;
