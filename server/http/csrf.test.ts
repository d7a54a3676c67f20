import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAccount, Website } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { loginCookie, startTestServer } from '../testing/test-kit.ts';

/**
 * Issue 16 finding 2: a page on another port of the same host (same site, other origin)
 * sent `no-cors` text/plain requests with the admin's cookie and changed settings.
 * These requests are what such a page's browser sends.
 */
describe.each(backends)('CSRF protection of cookie-authenticated routes on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let own: string;
  /** The same host on another port: same site, another origin. */
  let sibling: string;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database, {}, { webhooks: false });
    admin = await loginCookie(server);
    own = new URL(server.url).origin;
    sibling = `http://localhost:${Number(new URL(server.url).port) + 1}`;
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${server.url}/api/v1${path}`, { method, headers: { cookie: admin, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
  const agents = async () => ((await (await send('GET', '/agents', {})).json()) as { agents: AgentAccount[] }).agents.map((a) => a.email);
  const demoSite = async () => ((await (await send('GET', '/websites', {})).json()) as { websites: Website[] }).websites.find((w) => w.key === 'demo-shop')!;
  const newAgent = (email: string) => ({ email, name: 'Mallory', password: 'correct horse battery', role: 'admin' });

  it('refuses a no-cors text/plain POST from a sibling origin and creates nothing', async () => {
    const res = await send('POST', '/agents', { origin: sibling, 'sec-fetch-site': 'same-site', 'content-type': 'text/plain;charset=UTF-8' }, newAgent('mallory@demo.shop'));
    expect(await errorOf(res)).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect(await agents()).not.toContain('mallory@demo.shop');
  });

  it('refuses JSON, bodiless and form writes from a foreign origin, whatever the route', async () => {
    const website = await demoSite();
    const attempts: [string, string, Record<string, string>, unknown?][] = [
      ['POST', '/agents', { origin: sibling, 'content-type': 'application/json' }, newAgent('eve@demo.shop')],
      ['POST', `/websites/${website.id}/identity-secret`, { origin: sibling }],
      ['POST', '/webhooks', { origin: 'null', 'content-type': 'application/json' }, { websiteKey: 'demo-shop', url: 'https://evil.example/hook' }],
      ['PATCH', `/websites/${website.id}`, { origin: `http://shop.localhost:${new URL(server.url).port}`, 'content-type': 'application/json' }, { allowedOrigins: ['*'] }],
      // A browser that sends no Origin still says where the request comes from.
      ['POST', '/agents', { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, newAgent('trudy@demo.shop')],
      ['POST', '/agents', { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, newAgent('trudy@demo.shop')],
    ];
    for (const [method, path, headers, body] of attempts) expect(await errorOf(await send(method, path, headers, body))).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect(await agents()).not.toContain('eve@demo.shop');
    expect(await agents()).not.toContain('trudy@demo.shop');
    expect(await demoSite()).toEqual(website);
    expect((await (await send('GET', '/webhooks', {})).json()).webhooks).toEqual([]);
  });

  it('accepts only JSON bodies, from browsers and other clients alike (415 otherwise)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const res = await send('POST', '/agents', { 'content-type': type }, newAgent('plain@demo.shop'));
      expect(await errorOf(res)).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    expect(await agents()).not.toContain('plain@demo.shop');
  });

  it('accepts JSON writes from the own origin and from clients that send no origin', async () => {
    const fromDesktop = await send('POST', '/agents', { origin: own, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json; charset=utf-8' }, newAgent('desk@demo.shop'));
    expect(fromDesktop.status).toBe(201);
    const fromScript = await send('POST', '/agents', { 'content-type': 'application/json' }, newAgent('script@demo.shop'));
    expect(fromScript.status).toBe(201);
    // Bodiless writes need no content type.
    const rotated = await send('POST', `/websites/${(await demoSite()).id}/identity-secret`, { origin: own });
    expect(rotated.status).toBe(200);
  });

  it('guards login and logout too (login CSRF), and sets a SameSite=Strict cookie', async () => {
    const login = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers, body: JSON.stringify({ email: 'agent@demo.shop', password: 'parley-demo' }) });
    const foreign = await login({ origin: sibling, 'content-type': 'application/json' });
    expect(await errorOf(foreign)).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const textPlain = await login({ origin: own, 'content-type': 'text/plain' });
    expect(await errorOf(textPlain)).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(textPlain.headers.get('set-cookie')).toBeNull();

    const ok = await login({ origin: own, 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;

    const foreignLogout = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, origin: sibling } });
    expect(await errorOf(foreignLogout)).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('leaves reads alone: a GET from anywhere answers as before (CORS keeps its body from foreign pages)', async () => {
    expect((await send('GET', '/agents', { origin: sibling, 'sec-fetch-site': 'same-site' })).status).toBe(200);
  });
});
