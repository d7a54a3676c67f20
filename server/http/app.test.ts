import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { startTestServer } from '../testing/test-kit.ts';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(backends)('HTTP API on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('answers a wrong password with 401 INVALID_CREDENTIALS and no cookie', async () => {
    for (const body of [{ email: 'agent@demo.shop', password: 'wrong' }, { email: 'nobody@demo.shop', password: 'parley-demo' }]) {
      const res = await fetch(`${server.url}/api/v1/auth/login`, json(body));
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } });
    }
  });

  it('logs in with an HttpOnly SameSite=Strict cookie that /me accepts', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, json({ email: 'Agent@Demo.Shop', password: 'parley-demo' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ agent: { email: 'agent@demo.shop', name: 'Ada Lovelace', role: 'admin' } });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^parley_session=[^;]+;.*HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: setCookie.split(';')[0]! } });
    expect(await me.json()).toMatchObject({ agent: { email: 'agent@demo.shop' } });
    expect((await fetch(`${server.url}/api/v1/auth/me`)).status).toBe(401);
  });

  it('turns malformed bodies into 400 JSON errors', async () => {
    const bad = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const invalid = await fetch(`${server.url}/api/v1/auth/login`, json({ email: 'not-an-email' }));
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['email', 'password']);
  });

  it('serves widget config with CORS only to allowed origins, and 404 for unknown keys', async () => {
    const origin = new URL(server.url).origin;
    const ok = await fetch(`${server.url}/api/v1/widget/config?websiteKey=demo-shop`, { headers: { origin } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await ok.json()).toEqual({ websiteKey: 'demo-shop', name: 'Kettle & Leaf', locale: 'en', theme: { primaryColor: expect.any(String) }, engagement: false });
    const foreign = await fetch(`${server.url}/api/v1/widget/config?websiteKey=demo-shop`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const unknown = await fetch(`${server.url}/api/v1/widget/config?websiteKey=nope`, { headers: { origin } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_WEBSITE' } });
  });

  it('reports health and redirects / to the demo', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/demo/');
  });
});
