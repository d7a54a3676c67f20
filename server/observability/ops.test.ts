import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ack, Offer, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { messages } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { startRedis, type RedisInstance } from '../testing/redis-server.ts';
import { call, closeSockets, connectAgent, connectVisitor, expectOk, nextEvents, startTestServer, visitorSocket } from '../testing/test-kit.ts';

/** One sample of a Prometheus exposition, e.g. value(text, 'parley_offers_total', { outcome: 'accepted' }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function eventually(check: () => Promise<void>, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.each(backends)('operations on $name', (backend) => {
  let database: Database;
  let server: RunningServer | undefined;
  let redis: RedisInstance;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    database = await backend.open();
  });
  afterEach(async () => {
    closeSockets();
    await server?.close();
    server = undefined;
    await database?.close();
  });
  const start = async (env: Parameters<typeof startTestServer>[1] = {}) => {
    server = await startTestServer(database, env);
    return server;
  };

  it('is live while up, ready only while the database and Redis answer, and says which failed', async () => {
    const srv = await start({ redisUrl: redis.url });
    expect(await (await fetch(`${srv.url}/healthz`)).json()).toEqual({ ok: true });
    await eventually(async () => {
      const ready = await fetch(`${srv.url}/readyz`);
      expect(await ready.json()).toEqual({ ok: true, checks: { database: 'ok', redis: 'ok', assets: 'skipped', startup: 'ok', accepting: 'ok' } });
      expect(ready.status).toBe(200);
    });

    await redis.stop(true);
    const down = await fetch(`${srv.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, checks: { database: 'ok', redis: 'failed' }, error: { code: 'UNAVAILABLE', message: expect.stringContaining('redis') } });
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);

    await redis.start();
    await eventually(async () => expect((await fetch(`${srv.url}/readyz`)).status).toBe(200), 15_000);
  });

  it('is not ready while the widget and desktop bundles are missing (no `npm run build`)', async () => {
    const missing = join(tmpdir(), `parley-no-build-${randomUUID()}`);
    const srv = (server = await startTestServer(database, {}, { requireAssets: true, staticPaths: { widget: join(missing, 'widget'), desktop: join(missing, 'desktop') } }));
    const ready = await fetch(`${srv.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, checks: { assets: 'failed', startup: 'ok', database: 'ok' }, error: { message: expect.stringContaining('assets') } });
    expect((await fetch(`${srv.url}/widget/loader.js`)).status).toBe(404);
  });

  it('starts every counter at 0 for each of its labels, so alerts see a series from the first scrape', async () => {
    const text = await (await fetch(`${(await start()).url}/metrics`)).text();
    for (const outcome of ['pending', 'accepted', 'rejected', 'expired', 'revoked']) expect(value(text, 'parley_offers_total', { outcome })).toBe(0);
    for (const author of ['visitor', 'agent', 'bot', 'system']) expect(value(text, 'parley_messages_total', { author })).toBe(0);
  });

  it('reports sockets, messages, ack latency, queue lengths and offers by outcome at /metrics', async () => {
    const srv = await start();
    const scrape = async () => {
      const res = await fetch(`${srv.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };

    const visitor = await connectVisitor(srv);
    const sent = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'Is anyone there?' }));
    let text = await scrape();
    expect(value(text, 'parley_connected_visitors')).toBe(1);
    expect(value(text, 'parley_connected_agents')).toBe(0);
    expect(value(text, 'parley_messages_total', { author: 'visitor' })).toBe(1);
    expect(value(text, 'parley_ack_latency_seconds_count', { namespace: '/visitor', event: 'message:send' })).toBe(1);
    expect(value(text, 'parley_queue_waiting_sessions', { queue: 'General' })).toBe(1);

    const agent = await connectAgent(srv);
    const offered = nextEvents<Offer>(agent, 'offer');
    await expectOk(call(agent, 'presence:set', { channel: 'chat', state: 'ready' }));
    const [offer] = await offered;
    await expectOk(call(agent, 'offer:accept', { offerId: offer!.id }));
    await expectOk(call(agent, 'message:send', { conversationId: sent.conversationId, clientId: randomUUID(), text: 'Hello, Ada here.' }));

    text = await scrape();
    expect(value(text, 'parley_connected_agents')).toBe(1);
    expect(value(text, 'parley_messages_total', { author: 'agent' })).toBe(1);
    expect(value(text, 'parley_offers_total', { outcome: 'accepted' })).toBe(1);
    expect(value(text, 'parley_queue_waiting_sessions', { queue: 'General' })).toBe(0);
    expect(value(text, 'parley_ack_latency_seconds_count', { namespace: '/agent', event: 'offer:accept' })).toBe(1);
    // The agent's message went through the batched write path (a conversation with an active session).
    expect(value(text, 'parley_write_batch_size_count')).toBeGreaterThan(0);
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    visitor.disconnect();
    await eventually(async () => expect(value(await scrape(), 'parley_connected_visitors')).toBe(0));
  });

  it('guards /metrics with METRICS_TOKEN when one is set', async () => {
    const srv = await start({ metricsToken: 'scrape-token-0123456789' });
    const open = await fetch(`${srv.url}/metrics`);
    expect(open.status).toBe(401);
    expect(await open.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('parley_connected_visitors');
  });

  it('does not serve /metrics to the public in production without a token', async () => {
    const srv = await start({ nodeEnv: 'production', seedDemo: false });
    const refused = await fetch(`${srv.url}/metrics`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('METRICS_TOKEN') } });
  });

  it('serves /metrics on the private METRICS_LISTEN address, and only with the token on the main port', async () => {
    const srv = await start({ metricsListen: { host: '127.0.0.1', port: 0 } });
    expect(srv.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scraped = await fetch(`${srv.metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('parley_offers_total');
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(404);
    // Nothing else is served on the private address.
    expect((await fetch(`${srv.metricsUrl}/api/v1/websites`)).status).toBe(404);
  });

  it('closes gracefully: what it acked is stored, what it stored was acked, clients are told to reconnect', async () => {
    const srv = await start();
    const visitor = await connectVisitor(srv);
    await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'first' }));
    const closed = new Promise<string>((resolve) => visitor.once('disconnect', (reason) => resolve(reason)));

    // A burst in flight when the node is told to stop.
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const acks = ids.map((clientId, i) =>
      (visitor.timeout(5_000).emitWithAck('message:send', { clientId, text: `burst ${i}` }) as Promise<Ack<VisitorSendResult>>).catch(() => null),
    );
    await Promise.race(acks);
    await srv.close();
    server = undefined;

    // "transport close" is what socket.io-client reconnects from by itself (unlike "io server disconnect").
    expect(await closed).toBe('transport close');
    const answers = await Promise.all(acks);
    const acked = ids.filter((_, i) => answers[i]?.ok);
    const refused = answers.filter((a) => a && !a.ok).map((a) => (a && !a.ok ? a.error.code : null));
    expect(new Set(refused)).toEqual(refused.length ? new Set(['UNAVAILABLE']) : new Set());
    const stored = await database.db.select({ clientId: messages.clientId }).from(messages).where(inArray(messages.clientId, ids));
    expect(acked.length).toBeGreaterThan(0);
    expect(new Set(stored.map((r) => r.clientId))).toEqual(new Set(acked));
  });

  it('refuses new websocket handshakes once shutting down', async () => {
    const srv = await start();
    const closing = srv.close();
    server = undefined;
    const late = visitorSocket(srv);
    const error = await new Promise<Error>((resolve) => late.once('connect_error', resolve));
    late.disconnect();
    expect(error).toBeInstanceOf(Error);
    await closing;
  });
});
