import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeX, type FakeXServer } from '../../../test/fakes/x-api/index.ts';
import { fakeClock } from '../../core/clock.ts';
import type { Database } from '../../db/client.ts';
import { ensureAgent } from '../../db/stores/agents-store.ts';
import { websiteByKey } from '../../db/stores/websites-store.ts';
import { xAccountById } from '../../db/stores/x-accounts-store.ts';
import { xAccounts, xOauthPending } from '../../db/tables/channels.ts';
import { backends } from '../../db/test-backends.ts';
import { X_CHANNEL_OFF, type XSettings } from '../../env.ts';
import type { RunningServer } from '../../main.ts';
import { createCredentialCipher } from '../../keys/credential-cipher.ts';
import { createKeyring } from '../../keys/keyring.ts';
import { hashPassword } from '../../services/passwords.ts';
import { createXTokenSource, REFRESH_MARGIN_MS } from '../../services/x-token-source.ts';
import { createXOAuthClient } from './oauth-api.ts';
import { usersMe } from './users-api.ts';
import { createXHttp } from './x-http.ts';
import { api, loginCookie, startTestServer } from '../../testing/test-kit.ts';

/**
 * x-connect end to end against the fake X API (test/fakes/x-api), over real HTTP: connecting an account with
 * OAuth + PKCE through the public callback, the webhook and subscriptions at X, the token source's refresh
 * (locked, rotating tokens never used twice), token expiry, re-validation, capabilities and disconnect.
 */
const BRAND = { id: '1700000000000000001', username: 'ParleyDemo', name: 'Parley Demo' };
const CONSUMER_SECRET = 'x-connect-test-consumer-secret';
const CLIENT_ID = 'x-connect-test-client';
const CLIENT_SECRET = 'x-connect-test-client-secret';
const APP_TOKEN = 'x-connect-test-app-bearer';
/** The test server's secret (server/testing/test-kit.ts): the same cipher reads and writes its stored tokens. */
const credentials = createCredentialCipher(createKeyring('integration-test-secret-0123456789', []));

/** Stands in for the webhook endpoint: answers X's CRC, rightly unless told not to. */
async function startCrcReceiver(): Promise<{ url: string; answerWrong: (wrong: boolean) => void; close: () => Promise<void> }> {
  let wrong = false;
  const server: Server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('crc_token') ?? '';
    const digest = createHmac('sha256', wrong ? 'not-the-secret' : CONSUMER_SECRET).update(token).digest('base64');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token: `sha256=${digest}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/channels/x/webhook`,
    answerWrong: (w) => void (wrong = w),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe.each(backends)('x-connect against the fake X API on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let fake: FakeXServer;
  let fakeUrl: string;
  let closeFake: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startCrcReceiver>>;
  let admin: string;
  let agent: string;
  let websiteId: string;
  const clock = fakeClock(new Date());
  let settings: XSettings;

  beforeAll(async () => {
    fake = createFakeX({ mode: 'self-serve', consumerSecret: CONSUMER_SECRET, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appBearerToken: APP_TOKEN, brand: BRAND, retryDelaysMs: [] });
    ({ url: fakeUrl, close: closeFake } = await fake.listen());
    receiver = await startCrcReceiver();
    settings = {
      ...X_CHANNEL_OFF,
      apiBaseUrl: fakeUrl,
      authorizeUrl: `${fakeUrl}/i/oauth2/authorize`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      consumerSecret: CONSUMER_SECRET,
      appBearerToken: APP_TOKEN,
      webhookUrl: receiver.url,
    };
    database = await backend.open();
    server = await startTestServer(database, { x: settings }, { clock });
    await ensureAgent(database.db, { email: 'plain@demo.shop', name: 'Plain Agent', role: 'agent', passwordHash: await hashPassword('plain-pass') });
    admin = await loginCookie(server);
    agent = await loginCookie(server, 'plain@demo.shop', 'plain-pass');
    websiteId = (await websiteByKey(database.db, 'demo-shop'))!.id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await closeFake?.();
    await receiver?.close();
  });
  afterEach(() => receiver.answerWrong(false));

  /** Admin › Channels' Connect, the admin's browser at X (the fake approves at once), and X's redirect to the callback. */
  async function connect(): Promise<{ location: string; state: string }> {
    const started = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    expect(started.status).toBe(200);
    const atX = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    expect(atX.status).toBe(302);
    const back = new URL(atX.headers.get('location')!);
    // No cookie: the admin's SameSite=Strict cookie does not come along on a redirect from x.com.
    const callback = await fetch(back, { redirect: 'manual' });
    expect(callback.status).toBe(302);
    return { location: callback.headers.get('location')!, state: back.searchParams.get('state')! };
  }
  const accounts = async () => (await api(server, admin, 'GET', '/channels/x/accounts')).body;
  const row = async () => (await database.db.select().from(xAccounts))[0]!;

  it('lists nothing at first, to admins only', async () => {
    expect(await accounts()).toEqual({ configured: true, webhooks: true, accounts: [] });
    expect((await api(server, agent, 'GET', '/channels/x/accounts')).status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/channels/x/accounts`)).status).toBe(401);
    expect((await api(server, agent, 'POST', '/channels/x/connect', { websiteId })).status).toBe(403);
  });

  it('sends the admin to X with PKCE S256 and the scopes, and refuses an unknown website', async () => {
    const started = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    const url = new URL(started.body.authorizeUrl);
    expect(url.origin + url.pathname).toBe(`${fakeUrl}/i/oauth2/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('scope')).toBe('tweet.read tweet.write users.read dm.read dm.write like.write media.write offline.access');
    expect(url.searchParams.get('redirect_uri')).toBe(`${server.url}/api/v1/channels/x/callback`);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(40);
    const unknown = await api(server, admin, 'POST', '/channels/x/connect', { websiteId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.body.error.code).toBe('UNKNOWN_WEBSITE');
    expect((await api(server, admin, 'POST', '/channels/x/connect', { websiteId: 'nope' })).status).toBe(400);
  });

  it('connects through the public callback: tokens encrypted, webhook registered, four subscriptions on the brand', async () => {
    const { location, state } = await connect();
    expect(location).toBe('/desktop/?x_connect=connected');
    const [account] = (await accounts()).accounts;
    expect(account).toMatchObject({ websiteId, xUserId: BRAND.id, username: BRAND.username, name: BRAND.name, status: 'connected', webhook: { registered: true, valid: true }, capabilities: { likes: false, unsummonedReplies: false }, lastError: null });
    const stored = await row();
    expect(stored.accessToken).toMatch(/^v1\./);
    expect(stored.refreshToken).toMatch(/^v1\./);
    expect(fake.control.webhooks().map((w) => w.url)).toEqual([receiver.url]);
    const subs = fake.control.subscriptions().filter((s) => s.userId === BRAND.id);
    expect(subs.map((s) => s.eventType).sort()).toEqual(['dm.received', 'dm.sent', 'post.mention.create', 'post.reply.create']);
    // The state is single use: the same redirect again connects nothing.
    const again = await fetch(`${server.url}/api/v1/channels/x/callback?state=${encodeURIComponent(state)}&code=whatever`, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/desktop/?x_connect=error&reason=expired');
    // The audit log names the admin who started it.
    const audit = await api(server, admin, 'GET', '/admin/audit-log?targetType=x_account');
    expect(audit.body.entries[0]).toMatchObject({ action: 'x_account.connect', actorName: expect.any(String) });
  });

  it('says why a callback did not connect, never with a stack', async () => {
    const denied = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    const state = new URL(denied.body.authorizeUrl).searchParams.get('state')!;
    const res = await fetch(`${server.url}/api/v1/channels/x/callback?state=${state}&error=access_denied`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/desktop/?x_connect=error&reason=denied');
    const unknown = await fetch(`${server.url}/api/v1/channels/x/callback?state=forged&code=abc`, { redirect: 'manual' });
    expect(unknown.headers.get('location')).toBe('/desktop/?x_connect=error&reason=expired');
    const bare = await fetch(`${server.url}/api/v1/channels/x/callback`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/desktop/?x_connect=error&reason=invalid');
    // A code X never issued: the exchange fails, and the pending authorization is used up.
    const started = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    const s2 = new URL(started.body.authorizeUrl).searchParams.get('state')!;
    const bad = await fetch(`${server.url}/api/v1/channels/x/callback?state=${s2}&code=not-a-code`, { redirect: 'manual' });
    expect(bad.headers.get('location')).toBe('/desktop/?x_connect=error&reason=exchange_failed');
  });

  it('refreshes a token about to expire once, even when several nodes ask at once (rotating refresh tokens)', async () => {
    const before = await row();
    const first = await server.services.xAccounts.tokens.accessToken(before);
    clock.advance(before.tokenExpiresAt.getTime() - clock.now().getTime() - REFRESH_MARGIN_MS + 1_000);
    // A second node on the same database: its own token source and OAuth client, the same rows.
    const oauth = createXOAuthClient(createXHttp({ baseUrl: fakeUrl }), { authorizeUrl: settings.authorizeUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, () => clock.now());
    const other = { xAccounts: { tokens: createXTokenSource({ db: database.db, clock, credentials, logger: server.logger, oauth: () => oauth }) } };
    const stale = await row();
    const tokens = await Promise.all([
      server.services.xAccounts.tokens.accessToken(stale),
      other.xAccounts.tokens.accessToken(stale),
      server.services.xAccounts.tokens.accessToken(stale),
      other.xAccounts.tokens.accessToken(stale),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    const after = await row();
    expect(after.tokenExpired).toBe(false);
    expect(after.tokenExpiresAt.getTime()).toBeGreaterThan(clock.now().getTime() + REFRESH_MARGIN_MS);
    // The new token works at X.
    const me = await fetch(`${fakeUrl}/2/users/me`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    expect(me.status).toBe(200);
  });

  it('after a 401, refreshes unless another node already did', async () => {
    const current = await server.services.xAccounts.tokens.accessToken(await row());
    fake.control.expireTokens();
    const refreshed = await server.services.xAccounts.tokens.afterUnauthorized(await row(), current);
    expect(refreshed).not.toBe(current);
    // Someone rejected the old one late: the new one is kept, not refreshed again.
    expect(await server.services.xAccounts.tokens.afterUnauthorized(await row(), current)).toBe(refreshed);
    // A call X answers 401 (the token revoked early) runs again once, with a refreshed token.
    fake.control.expireTokens();
    const http = server.services.xAccounts.http;
    const me = await server.services.xAccounts.tokens.withToken(await row(), (token) => usersMe(http, token));
    expect(me.username).toBe(BRAND.username);
  });

  it('re-validates the webhook: invalid while the CRC fails (polling meanwhile), valid again after', async () => {
    const { id } = (await accounts()).accounts[0];
    receiver.answerWrong(true);
    const failed = await api(server, admin, 'POST', `/channels/x/accounts/${id}/webhook/revalidate`);
    expect(failed.body.account).toMatchObject({ status: 'webhook_invalid', webhook: { registered: true, valid: false } });
    expect(failed.body.account.lastError).toMatch(/validate/);
    receiver.answerWrong(false);
    const fixed = await api(server, admin, 'POST', `/channels/x/accounts/${id}/webhook/revalidate`);
    expect(fixed.body.account).toMatchObject({ status: 'connected', webhook: { registered: true, valid: true }, lastError: null });
    expect((await api(server, admin, 'POST', '/channels/x/accounts/00000000-0000-4000-8000-000000000000/webhook/revalidate')).status).toBe(404);
  });

  it('reads X\'s own verdict on the webhook (its periodic CRC) into the account, and removes expired authorizations', async () => {
    fake.control.webhooks()[0]!.valid = false; // X's periodic CRC failed
    await server.services.xAccounts.maintain();
    expect((await accounts()).accounts[0]).toMatchObject({ status: 'webhook_invalid', webhook: { registered: true, valid: false } });
    const { id } = (await accounts()).accounts[0];
    await api(server, admin, 'POST', `/channels/x/accounts/${id}/webhook/revalidate`);
    expect((await accounts()).accounts[0]).toMatchObject({ status: 'connected' });
    const started = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    const state = new URL(started.body.authorizeUrl).searchParams.get('state')!;
    clock.advance(11 * 60_000);
    await server.services.xAccounts.maintain();
    expect((await database.db.select().from(xOauthPending)).map((p) => p.state)).not.toContain(state);
  });

  it('sets the capabilities of the plan, one or both, and refuses nonsense', async () => {
    const { id } = (await accounts()).accounts[0];
    const likes = await api(server, admin, 'PATCH', `/channels/x/accounts/${id}/capabilities`, { likes: true });
    expect(likes.body.account.capabilities).toEqual({ likes: true, unsummonedReplies: false });
    expect((await api(server, admin, 'PATCH', `/channels/x/accounts/${id}/capabilities`, {})).status).toBe(400);
    expect((await api(server, admin, 'PATCH', `/channels/x/accounts/${id}/capabilities`, { likes: 'yes' })).status).toBe(400);
    expect((await api(server, agent, 'PATCH', `/channels/x/accounts/${id}/capabilities`, { likes: false })).status).toBe(403);
  });

  it('marks the account token_expired when X refuses the refresh for good', async () => {
    const stored = await row();
    // A refresh token X does not know (revoked at X, or used by someone else).
    await database.db.update(xAccounts).set({ refreshToken: credentials.encrypt('revoked-refresh-token'), tokenExpiresAt: new Date(clock.now().getTime() + 60_000) });
    await expect(server.services.xAccounts.tokens.accessToken(await row())).rejects.toMatchObject({ status: 401, problemType: 'token_expired' });
    expect((await accounts()).accounts[0]).toMatchObject({ status: 'token_expired' });
    // Reconnecting clears it, keeping the capabilities.
    expect((await connect()).location).toBe('/desktop/?x_connect=connected');
    expect((await accounts()).accounts[0]).toMatchObject({ id: stored.id, status: 'connected', capabilities: { likes: true } });
  });

  it('disconnects: subscriptions removed at X, tokens revoked and forgotten', async () => {
    const { id } = (await accounts()).accounts[0];
    const refresh = credentials.decrypt((await row()).refreshToken!);
    expect((await api(server, agent, 'DELETE', `/channels/x/accounts/${id}`)).status).toBe(403);
    expect((await api(server, admin, 'DELETE', `/channels/x/accounts/${id}`)).body).toEqual({ ok: true });
    expect(fake.control.subscriptions().filter((s) => s.userId === BRAND.id)).toEqual([]);
    expect(await xAccountById(database.db, id)).toBeNull();
    const reused = await fetch(`${fakeUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh }),
    });
    expect(reused.status).toBe(400);
    expect((await api(server, admin, 'DELETE', `/channels/x/accounts/${id}`)).status).toBe(404);
  });
});

describe('the X OAuth callback under its own limit', () => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backends[0]!.open();
    server = await startTestServer(database, { limits: { xCallbacksPerAddressPerMinute: 2 } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('answers 429 past LIMIT_X_CALLBACKS_PER_ADDRESS_PER_MINUTE from one address', async () => {
    const hit = () => fetch(`${server.url}/api/v1/channels/x/callback?state=guess`, { redirect: 'manual' });
    expect((await hit()).status).toBe(302);
    expect((await hit()).status).toBe(302);
    const refused = await hit();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });
});

describe('x-connect without an X app', () => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backends[0]!.open();
    server = await startTestServer(database);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('lists nothing configured, refuses to connect (409), and the callback says so', async () => {
    const admin = await loginCookie(server);
    expect((await api(server, admin, 'GET', '/channels/x/accounts')).body).toEqual({ configured: false, webhooks: false, accounts: [] });
    const websiteId = (await websiteByKey(database.db, 'demo-shop'))!.id;
    const refused = await api(server, admin, 'POST', '/channels/x/connect', { websiteId });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    const cb = await fetch(`${server.url}/api/v1/channels/x/callback?state=s&code=c`, { redirect: 'manual' });
    expect(cb.headers.get('location')).toBe('/desktop/?x_connect=error&reason=not_configured');
  });
});
