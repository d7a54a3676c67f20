import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizeUrlFor, createPkce, createXOAuthClient, X_SCOPES } from './oauth-api.ts';
import { webhookUnreachableReason } from './webhook-reachability.ts';
import type { XHttp, XRequest } from './x-http.ts';

/** The pure parts of x-connect: the authorize URL and PKCE, how the token endpoint is called, and which webhook URLs X could reach. */
describe('OAuth 2.0 with PKCE for X', () => {
  it('makes an S256 challenge of a 64-character verifier', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('sends the admin to the authorize URL with the client, the redirect, every scope, the state and the challenge', () => {
    const url = new URL(authorizeUrlFor({ authorizeUrl: 'https://x.com/i/oauth2/authorize', clientId: 'cid', clientSecret: null }, { redirectUri: 'https://chat.example.com/api/v1/channels/x/callback', state: 'st', challenge: 'ch' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'https://chat.example.com/api/v1/channels/x/callback',
      scope: X_SCOPES.join(' '),
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  it('calls the token endpoint form-encoded: Basic auth for a confidential client, the client id in the form for a public one', async () => {
    const sent: XRequest[] = [];
    const http: XHttp = {
      baseUrl: 'https://api.x.com',
      request: async (req, schema) => {
        sent.push(req);
        return { data: schema.parse({ token_type: 'bearer', expires_in: 7200, access_token: 'at', scope: 'tweet.read offline.access', refresh_token: 'rt' }), status: 200, rateLimit: { limit: null, remaining: null, resetAt: null } };
      },
    };
    const now = new Date('2026-07-24T21:00:00Z');
    const confidential = createXOAuthClient(http, { authorizeUrl: '', clientId: 'cid', clientSecret: 's3cret' }, () => now);
    expect(await confidential.exchangeCode({ code: 'c', verifier: 'v', redirectUri: 'r' })).toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: new Date('2026-07-24T23:00:00Z'), scopes: ['tweet.read', 'offline.access'] });
    expect(sent[0]!.authorization).toBe(`Basic ${Buffer.from('cid:s3cret').toString('base64')}`);
    expect(Object.fromEntries(sent[0]!.body as URLSearchParams)).toEqual({ grant_type: 'authorization_code', code: 'c', code_verifier: 'v', redirect_uri: 'r' });
    const publicClient = createXOAuthClient(http, { authorizeUrl: '', clientId: 'cid', clientSecret: null }, () => now);
    await publicClient.refresh('rt');
    expect(sent[1]!.authorization).toBeUndefined();
    expect(Object.fromEntries(sent[1]!.body as URLSearchParams)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt', client_id: 'cid' });
  });
});

describe('whether X could reach a webhook URL', () => {
  const X = 'https://api.x.com';
  it('wants public https without a port', () => {
    expect(webhookUnreachableReason('https://chat.example.com/api/v1/channels/x/webhook', X)).toBeNull();
    expect(webhookUnreachableReason('http://chat.example.com/x', X)).toMatch(/https/);
    expect(webhookUnreachableReason('https://chat.example.com:8443/x', X)).toMatch(/port/);
    expect(webhookUnreachableReason('https://localhost/x', X)).toMatch(/private or loopback/);
    expect(webhookUnreachableReason('https://10.0.0.5/x', X)).toMatch(/private or loopback/);
    expect(webhookUnreachableReason('not a url', X)).toMatch(/not a URL/);
  });

  it('accepts a local URL when the API itself is a local stand-in (the fake X API)', () => {
    expect(webhookUnreachableReason('http://localhost:3000/api/v1/channels/x/webhook', 'http://127.0.0.1:4100')).toBeNull();
    expect(webhookUnreachableReason('ftp://localhost/x', 'http://127.0.0.1:4100')).toMatch(/http/);
  });
});
