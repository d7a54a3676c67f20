import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { XHttp } from './x-http.ts';

/**
 * OAuth 2.0 Authorization Code with PKCE, as X runs it (brief §1): the authorize URL the admin is sent to
 * (S256 challenge), the code exchange and the refresh at `POST /2/oauth2/token`, form-encoded, with Basic
 * auth for a confidential client (X_CLIENT_SECRET) or the client id in the form for a public one.
 * The access token lives 2 h; each refresh token works once (X rotates it).
 */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'dm.read', 'dm.write', 'like.write', 'media.write', 'offline.access'] as const;

export interface XOAuthClientSettings {
  authorizeUrl: string;
  clientId: string;
  clientSecret: string | null;
}

export interface XTokens {
  accessToken: string;
  /** Null when X gave none (no `offline.access`): the account must be reconnected after 2 h. */
  refreshToken: string | null;
  expiresAt: Date;
  scopes: string[];
}

const TokenAnswer = z.object({
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  access_token: z.string().min(1),
  scope: z.string().default(''),
  refresh_token: z.string().min(1).optional(),
});

/** A PKCE pair: 43+ characters of base64url randomness, and its S256 challenge. */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The `state` that finds the pending authorization again: random, unguessable, single-use. */
export const newOAuthState = () => randomBytes(32).toString('base64url');

export function authorizeUrlFor(settings: XOAuthClientSettings, p: { redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(settings.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('scope', X_SCOPES.join(' '));
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export function createXOAuthClient(http: XHttp, settings: XOAuthClientSettings, now: () => Date) {
  /** Public clients name themselves in the form; confidential ones authenticate with Basic (RFC 6749 §2.3.1). */
  function authenticate(form: URLSearchParams): string | undefined {
    if (!settings.clientSecret) {
      form.set('client_id', settings.clientId);
      return undefined;
    }
    return `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64')}`;
  }
  async function token(fields: Record<string, string>): Promise<XTokens> {
    const form = new URLSearchParams(fields);
    const authorization = authenticate(form);
    const { data } = await http.request({ method: 'POST', path: '/2/oauth2/token', body: form, authorization }, TokenAnswer);
    return {
      accessToken: data.access_token,
      refreshToken: data.refresh_token ?? null,
      expiresAt: new Date(now().getTime() + data.expires_in * 1000),
      scopes: data.scope.split(/\s+/).filter(Boolean),
    };
  }
  return {
    exchangeCode: (p: { code: string; verifier: string; redirectUri: string }) =>
      token({ grant_type: 'authorization_code', code: p.code, code_verifier: p.verifier, redirect_uri: p.redirectUri }),
    refresh: (refreshToken: string) => token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    /** Best effort at disconnect: X forgets the token (the refresh token, which outlives the access token). */
    revoke: async (tokenValue: string, hint: 'access_token' | 'refresh_token') => {
      const form = new URLSearchParams({ token: tokenValue, token_type_hint: hint });
      const authorization = authenticate(form);
      await http.request({ method: 'POST', path: '/2/oauth2/revoke', body: form, authorization }, z.unknown());
    },
  };
}
export type XOAuthClient = ReturnType<typeof createXOAuthClient>;
