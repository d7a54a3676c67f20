import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectMatchesSpec } from './spec.ts';
import { ALL_SCOPES, authorizeCode, BRAND, CLIENT_ID, connect, pkce, REDIRECT_URI, startFake, type Harness } from './testing.ts';

let h: Harness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

const exchange = (code: string, verifier: string) =>
  h.call('POST', '/2/oauth2/token', { form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT_ID } });

describe('OAuth 2.0 Authorization Code with PKCE', () => {
  it('approves as the brand, redirects with state and code, and exchanges the code for X-shaped tokens', async () => {
    const tokens = await connect(h);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: ALL_SCOPES });
    const me = await h.call('GET', '/2/users/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expectMatchesSpec('GET', '/2/users/me', 200, me.json);
    expect(me.json).toEqual({ data: BRAND });
    expect(me.headers.get('x-rate-limit-limit')).toBe('75');
  });

  it('looks users up by id and by handle, and answers an unknown one with a partial error', async () => {
    const { access_token } = await connect(h);
    await h.control.injectDm({ from: { id: '944480690', username: 'jo', name: 'Jo' }, text: 'hi' });
    const byId = await h.call('GET', '/2/users/944480690', { token: access_token });
    expectMatchesSpec('GET', '/2/users/{id}', 200, byId.json);
    expect(byId.json).toEqual({ data: { id: '944480690', name: 'Jo', username: 'jo' } });
    const byName = await h.call('GET', '/2/users/by/username/JO', { token: h.control.appBearerToken });
    expectMatchesSpec('GET', '/2/users/by/username/{username}', 200, byName.json);
    expect(byName.json.data.id).toBe('944480690');
    const unknown = await h.call('GET', '/2/users/42', { token: access_token });
    expectMatchesSpec('GET', '/2/users/{id}', 200, unknown.json);
    expect(unknown.json.errors[0]).toMatchObject({ resource_type: 'user', value: '42' });
  });

  it('refuses a wrong code_verifier, and the code is then spent', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(h, challenge);
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe('invalid_request');
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  it('accepts a code once only', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(h, challenge);
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
  });

  it('lets a code expire after 30 seconds', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(h, challenge);
    h.clock.now += 30_000;
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  it('rotates refresh tokens: the old one is refused after one use', async () => {
    const first = await connect(h);
    const refresh = () => h.call('POST', '/2/oauth2/token', { form: { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID } });
    const second = await refresh();
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    expect(second.json.access_token).not.toBe(first.access_token);
    const reused = await refresh();
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe('invalid_request');
  });

  it('gives no refresh token without offline.access', async () => {
    const tokens = await connect(h, 'tweet.read users.read');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('answers 401 problem JSON once the access token is 2 hours old, or forced to expire', async () => {
    const tokens = await connect(h);
    h.clock.now += 7_200_000;
    const late = await h.call('GET', '/2/users/me', { token: tokens.access_token });
    expect(late.status).toBe(401);
    expectMatchesSpec('GET', '/2/users/me', 401, late.json);
    const fresh = await connect(h);
    h.control.expireTokens();
    expect((await h.call('GET', '/2/users/me', { token: fresh.access_token })).status).toBe(401);
    expect((await h.call('GET', '/2/users/me')).status).toBe(401);
  });

  it('requires Basic auth from a confidential client', async () => {
    await h.close();
    h = await startFake({ clientSecret: 's3cret' });
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(h, challenge);
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
    expect((await h.call('POST', '/2/oauth2/token', { form })).status).toBe(401);
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`;
    expect((await h.call('POST', '/2/oauth2/token', { form, headers: { authorization: basic } })).status).toBe(401);
    const good = `Basic ${Buffer.from(`${CLIENT_ID}:s3cret`).toString('base64')}`;
    expect((await h.call('POST', '/2/oauth2/token', { form, headers: { authorization: good } })).status).toBe(200);
  });

  it('shows a consent page when asked, and its button redirects with a working code', async () => {
    const { verifier, challenge } = pkce();
    const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'users.read tweet.read', state: 's', code_challenge: challenge, code_challenge_method: 'S256', interactive: '1' });
    const page = await h.call('GET', `/i/oauth2/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Authorize app');
    const authorizeUrl = /name="authorize_url" value="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
    const approved = await h.call('POST', '/i/oauth2/authorize', { form: { authorize_url: authorizeUrl, decision: 'allow' } });
    expect(approved.status).toBe(302);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    expect((await exchange(code, verifier)).status).toBe(200);
    const denied = await h.call('POST', '/i/oauth2/authorize', { form: { authorize_url: authorizeUrl, decision: 'deny' } });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });

  it('refuses an unknown client without redirecting', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: 'nope', redirect_uri: REDIRECT_URI, scope: 'users.read', state: 's', code_challenge: 'x', code_challenge_method: 'S256' });
    expect((await h.call('GET', `/i/oauth2/authorize?${q}`)).status).toBe(400);
  });
});
