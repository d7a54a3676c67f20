import { randomUUID } from 'node:crypto';
import type { SessionCard } from '../../../protocol/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { ensureAgent } from '../../db/stores/agents-store.ts';
import { websiteByKey } from '../../db/stores/websites-store.ts';
import { backends } from '../../db/test-backends.ts';
import { startServer, type RunningServer } from '../../main.ts';
import { hashPassword } from '../../services/passwords.ts';
import { loginCookie } from '../../testing/test-kit.ts';
import { enqueueWebhookEvent } from '../../db/stores/webhook-outbox-store.ts';

describe.each(backends)('webhook admin routes on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    database = await backend.open();
    // No dispatcher on this node: the deliveries stay as enqueued while the routes look at them.
    server = await startServer({
      database,
      env: {
        port: 0,
        host: '127.0.0.1',
        publicUrl: null,
        seedDemo: true,
        seedDemoAssistant: false,
        logLevel: 'silent',
        secret: 'webhook-routes-test-secret-0123456789',
        webhooksAllowPrivateTargets: false,
      },
      banner: false,
      webhooks: false,
    });
    await ensureAgent(database.db, { email: 'plain@demo.shop', name: 'Plain Agent', role: 'agent', passwordHash: await hashPassword('plain-pass') });
    admin = await loginCookie(server);
    agent = await loginCookie(server, 'plain@demo.shop', 'plain-pass');
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const api = async (method: string, path: string, body?: unknown, cookie: string | null = admin) => {
    const res = await fetch(`${server.url}/api/v1/webhooks${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('refuses anonymous callers (401) and non-admin agents (403)', async () => {
    expect((await api('GET', '', undefined, null)).status).toBe(401);
    const res = await api('POST', '', { websiteKey: 'demo-shop', url: 'https://example.com/h' }, agent);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('FORBIDDEN');
    expect((await api('GET', '', undefined, admin)).json.webhooks).toEqual([]);
  });

  it('creates a webhook, returning the secret once and masking it afterwards', async () => {
    const created = await api('POST', '', { websiteKey: 'demo-shop', url: 'https://example.com/hook', events: ['connected'] });
    expect(created.status).toBe(201);
    const { webhook } = created.json;
    expect(webhook).toMatchObject({ url: 'https://example.com/hook', events: ['connected'], active: true });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const list = await api('GET', '?websiteKey=demo-shop');
    expect(list.json.webhooks).toHaveLength(1);
    expect(list.json.webhooks[0].secret).toBe(`…${webhook.secret.slice(-4)}`);

    const patched = await api('PATCH', `/${webhook.id}`, { active: false });
    expect(patched.json.webhook).toMatchObject({ active: false, events: ['connected'], url: 'https://example.com/hook' });

    expect((await api('DELETE', `/${webhook.id}`)).status).toBe(200);
    expect((await api('PATCH', `/${webhook.id}`, { active: true })).status).toBe(404);
  });

  it('rejects bad input with typed errors and creates nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ websiteKey: 'demo-shop', url: 'ftp://example.com/h' }, 400, 'VALIDATION_FAILED'],
      [{ websiteKey: 'demo-shop', url: 'not a url' }, 400, 'VALIDATION_FAILED'],
      [{ websiteKey: 'demo-shop', url: 'https://example.com/h', events: ['exploded'] }, 400, 'VALIDATION_FAILED'],
      [{ url: 'https://example.com/h' }, 400, 'VALIDATION_FAILED'],
      [{ websiteKey: 'no-such-site', url: 'https://example.com/h' }, 404, 'UNKNOWN_WEBSITE'],
      ['{not json', 400, 'BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api('POST', '', body);
      expect([res.status, res.json.error.code]).toEqual([status, code]);
    }
    expect((await api('GET', '')).json.webhooks).toEqual([]);
    expect((await api('PATCH', '/not-a-uuid', { active: true })).json.error.code).toBe('VALIDATION_FAILED');
    expect((await api('PATCH', `/${randomUUID()}`, { active: true })).status).toBe(404);
  });

  it('refuses loopback, private and link-local targets when saved (WEBHOOKS_ALLOW_PRIVATE_TARGETS off)', async () => {
    const targets = ['http://127.0.0.1:9/hook', 'http://localhost:3000/hook', 'http://[::1]/hook', 'http://[::ffff:10.0.0.1]/hook', 'http://169.254.169.254/latest/meta-data', 'https://192.168.1.10/hook', 'http://100.64.0.1/hook', 'http://0.0.0.0/hook'];
    for (const url of targets) {
      const res = await api('POST', '', { websiteKey: 'demo-shop', url });
      expect([res.status, res.json.error.code, res.json.error.details], url).toEqual([400, 'VALIDATION_FAILED', [{ path: 'url', message: expect.stringMatching(/loopback, private, link-local/) }]]);
    }
    expect((await api('GET', '')).json.webhooks).toEqual([]);
    const { webhook } = (await api('POST', '', { websiteKey: 'demo-shop', url: 'https://hooks.example.com/parley' })).json;
    const moved = await api('PATCH', `/${webhook.id}`, { url: 'http://10.0.0.5/internal' });
    expect([moved.status, moved.json.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await api('GET', '')).json.webhooks[0].url).toBe('https://hooks.example.com/parley');
    await api('DELETE', `/${webhook.id}`);
  });

  it('lists deliveries and redelivers one', async () => {
    const { webhook } = (await api('POST', '', { websiteKey: 'demo-shop', url: 'https://hooks.example.com/hook', events: ['abandoned'] })).json;
    const website = (await websiteByKey(database.db, 'demo-shop'))!;
    const at = new Date().toISOString();
    const sessionId = randomUUID();
    const card: SessionCard = {
      sessionId,
      conversationId: randomUUID(),
      websiteId: website.id,
      contact: { id: randomUUID(), name: null },
      channel: 'chat',
      state: 'abandoned',
      endedBy: 'customer',
      colour: 'white',
      queue: null,
      agent: null,
      wrapUpCode: null,
      wrapUpLabel: null,
      startedAt: at,
      endedAt: at,
      durations: { waitMs: 0, handleMs: null, afterContactWorkMs: null },
    };
    for (const type of ['queued', 'abandoned'] as const)
      await database.db.transaction((tx) =>
        enqueueWebhookEvent(tx, { websiteId: website.id, event: { id: randomUUID(), sessionId, type, at, agentId: null, queueId: null, data: {} }, card }),
      );
    const { deliveries } = (await api('GET', `/${webhook.id}/deliveries`)).json;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event: 'session.abandoned', status: 'pending', attempts: 0, lastError: null });

    const again = await api('POST', `/${webhook.id}/deliveries/${deliveries[0].id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.json.delivery).toMatchObject({ id: deliveries[0].id, status: 'pending', attempts: 0 });
    expect((await api('POST', `/${webhook.id}/deliveries/${randomUUID()}/redeliver`)).status).toBe(404);
    expect((await api('GET', `/${webhook.id}/deliveries?limit=1000`)).json.error.code).toBe('VALIDATION_FAILED');
    await api('DELETE', `/${webhook.id}`);
  });
});
