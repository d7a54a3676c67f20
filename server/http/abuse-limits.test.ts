import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VisitorSendResult } from '../../protocol/index.ts';
import { png } from '../attachments/test-images.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, connectVisitor, expectOk, useTestServer } from '../testing/test-kit.ts';

/**
 * The HTTP side of the abuse limits, through real requests: login lockouts per account and per
 * address, X-Forwarded-For trusted only from a configured proxy, uploads and API requests.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function login(server: RunningServer, password: string, opts: { email?: string; forwardedFor?: string } = {}) {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}) },
    body: JSON.stringify({ email: opts.email ?? DEMO.agentEmail, password }),
  });
}

async function refusal(res: Response): Promise<{ status: number; retryAfter: string | null; code: string; retryAfterMs?: number }> {
  const body = (await res.json()) as { error: { code: string; retryAfterMs?: number } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error.code, retryAfterMs: body.error.retryAfterMs };
}

describe.each(backends)('HTTP abuse limits on $name', (backend) => {
  describe('login, with a 3 s first lockout', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { limits: { loginLockoutSec: 3, loginLockoutMaxSec: 60 } });

    it('locks out after a run of wrong passwords: the right one is refused with 429 and Retry-After, and works once the lockout ends', { timeout: 60_000 }, async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await login(server, `guess-${i}`);
        statuses.push(res.status);
        await res.body?.cancel();
      }
      // Five free tries, then the lockout; attempts while locked out are refused before the password is checked.
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(190);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);

      const locked = await refusal(await login(server, DEMO.agentPassword));
      expect(locked).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(locked.retryAfter)).toBe(Math.ceil(locked.retryAfterMs! / 1000));

      await sleep(locked.retryAfterMs!);
      expect((await login(server, DEMO.agentPassword)).status).toBe(200);
      // A success starts the count again: the next mistake is only a mistake.
      expect((await login(server, 'typo')).status).toBe(401);
    });

    it('ignores X-Forwarded-For from a peer that is not a trusted proxy: a rotating header does not escape the lockout', { timeout: 60_000 }, async () => {
      // Not believed from this peer: all of these come from one address.
      for (let i = 0; i < 6; i++) await (await login(server, 'wrong', { forwardedFor: `203.0.113.${i}` })).body?.cancel();
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '198.51.100.1' })).status).toBe(429);
      // Another account from the same address is still open (below the address's allowance).
      expect((await login(server, DEMO.agentPassword, { email: DEMO.agent2Email })).status).toBe(200);
    });
  });

  describe('login behind a trusted proxy', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), {
      trustedProxies: ['127.0.0.1', '::1'],
      limits: { loginFailuresPerAccount: 8, loginFailuresPerAddressPerHour: 10 },
    });

    it('locks out the guessing address, not the agent signing in from another one', async () => {
      for (let i = 0; i < 6; i++) await (await login(server, 'wrong', { forwardedFor: '203.0.113.1' })).body?.cancel();
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '203.0.113.1' })).status).toBe(429);
      // A forged left part does not get the guesser out of its lockout.
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '198.51.100.9, 203.0.113.1' })).status).toBe(429);
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '198.51.100.2' })).status).toBe(200);
    });

    it('locks out an account guessed from many addresses', { timeout: 60_000 }, async () => {
      for (let i = 0; i < 9; i++) await (await login(server, 'wrong', { forwardedFor: `203.0.113.${i}` })).body?.cancel();
      expect(await refusal(await login(server, DEMO.agentPassword, { forwardedFor: '198.51.100.2' }))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    });

    it('locks out an address trying many accounts, even after it signs in to one', { timeout: 60_000 }, async () => {
      for (let i = 0; i < 5; i++) await (await login(server, 'wrong', { email: `nobody${i}@demo.shop`, forwardedFor: '203.0.113.50' })).body?.cancel();
      expect((await login(server, DEMO.agentPassword, { email: DEMO.agent2Email, forwardedFor: '203.0.113.50' })).status).toBe(200);
      for (let i = 5; i < 11; i++) await (await login(server, 'wrong', { email: `nobody${i}@demo.shop`, forwardedFor: '203.0.113.50' })).body?.cancel();
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '203.0.113.50' })).status).toBe(429);
      expect((await login(server, DEMO.agentPassword, { forwardedFor: '203.0.113.51' })).status).toBe(200);
    });
  });

  describe('API requests and uploads', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { limits: { apiRequestsPerAddressPerMinute: 12, uploadsPerUploaderPerMinute: 2 } });

    it('refuses uploads past the uploader’s allowance with 429 and Retry-After', async () => {
      const visitor = await connectVisitor(server);
      const { token } = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'a photo follows' }));
      const upload = () => {
        const form = new FormData();
        form.append('file', new Blob([png(2, 2) as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'p.png');
        return fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
      };
      expect((await upload()).status).toBe(201);
      expect((await upload()).status).toBe(201);
      const third = await refusal(await upload());
      expect(third).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(third.retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('refuses API requests from one address past its allowance', async () => {
      const origin = new URL(server.url).origin;
      const statuses: number[] = [];
      for (let i = 0; i < 13; i++) statuses.push((await fetch(`${server.url}/api/v1/widget/config?websiteKey=${DEMO.websiteKey}`, { headers: { origin } })).status);
      expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
      expect(statuses[12]).toBe(429);
    });
  });
});
