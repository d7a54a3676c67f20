import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookPayload, type SessionCard, type SessionEvent, type SessionEventType } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';
import { backends } from '../db/test-backends.ts';
import { webhookDeliveries, webhooks, type WebhookRow } from '../db/tables/webhooks.ts';
import { claimDueDeliveries, recordAttempt } from '../db/stores/webhook-deliveries-store.ts';
import { createWebhookDispatcher, type DispatcherOptions } from './dispatcher.ts';
import { enqueueWebhookEvent } from '../db/stores/webhook-outbox-store.ts';
import { verifyWebhookSignature } from './sign.ts';
import { startReceiver, type TestReceiver } from './test-receiver.ts';
import { insertWebhook, redeliver } from '../db/stores/webhooks-store.ts';
import { createCredentialCipher } from '../keys/credential-cipher.ts';
import { createKeyring, keyIdOf } from '../keys/keyring.ts';

const START = '2025-01-01T00:00:00Z';
const SECRET = 'dispatcher-test-secret-0123456789';
const credentials = createCredentialCipher(createKeyring(SECRET));

function card(): SessionCard {
  return {
    sessionId: randomUUID(),
    conversationId: randomUUID(),
    websiteId: randomUUID(),
    contact: { id: randomUUID(), name: 'Visitor' },
    channel: 'chat',
    state: 'waiting',
    endedBy: null,
    colour: 'blue',
    queue: { id: randomUUID(), name: 'General' },
    agent: null,
    wrapUpCode: null,
    wrapUpLabel: null,
    startedAt: START,
    endedAt: null,
    durations: { waitMs: null, handleMs: null, afterContactWorkMs: null },
  };
}

const event = (type: SessionEventType, at: Date): SessionEvent => ({
  id: randomUUID(),
  sessionId: randomUUID(),
  type,
  at: at.toISOString(),
  agentId: null,
  queueId: null,
  data: { reason: 'test' },
});

describe.each(backends)('outgoing webhooks on $name', (backend) => {
  let database: Database;
  let websiteId: string;
  let otherWebsiteId: string;
  let receiver: TestReceiver | null = null;
  let clock: ReturnType<typeof fakeClock>;

  beforeAll(async () => {
    database = await backend.open();
    websiteId = (await upsertWebsite(database.db, { key: 'wh-site', name: 'Site', allowedOrigins: [] })).id;
    otherWebsiteId = (await upsertWebsite(database.db, { key: 'wh-other', name: 'Other', allowedOrigins: [] })).id;
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    clock = fakeClock(START);
    await database.db.delete(webhooks);
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });

  // The receiver listens on 127.0.0.1: these tests allow private targets explicitly (off by default, see below).
  const dispatcher = (opts: Partial<DispatcherOptions> = {}) =>
    createWebhookDispatcher({ db: database.db, credentials, clock, timeoutMs: 2000, backoff: { scheduleMs: [10_000, 30_000], random: () => 0.5 }, allowPrivateTargets: true, ...opts });
  const enqueue = (type: SessionEventType, site = websiteId) =>
    database.db.transaction((tx) => enqueueWebhookEvent(tx, { websiteId: site, event: event(type, clock.now()), card: card() }));
  const deliveriesOf = (hook: WebhookRow) => database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
  /** A webhook as created (its row, with its signing secret in clear as the admin got it). */
  const hook = async (url: string, events: SessionEventType[] = [], active = true, site = websiteId): Promise<WebhookRow> => {
    const { row, secret } = await insertWebhook(database.db, credentials, { websiteId: site, url, events, active });
    return { ...row, secret };
  };

  it('enqueues one delivery per active webhook subscribed to the event (empty list = all)', async () => {
    const all = await hook('http://127.0.0.1:9/all');
    const connectedOnly = await hook('http://127.0.0.1:9/connected', ['connected', 'abandoned']);
    const inactive = await hook('http://127.0.0.1:9/off', [], false);
    const otherSite = await hook('http://127.0.0.1:9/other', [], true, otherWebsiteId);

    await enqueue('queued');
    await enqueue('connected');

    expect((await deliveriesOf(all)).map((d) => d.event).sort()).toEqual(['session.connected', 'session.queued']);
    expect((await deliveriesOf(connectedOnly)).map((d) => d.event)).toEqual(['session.connected']);
    expect(await deliveriesOf(inactive)).toEqual([]);
    expect(await deliveriesOf(otherSite)).toEqual([]);
  });

  it('writes nothing when the caller transaction rolls back (outbox)', async () => {
    const all = await hook('http://127.0.0.1:9/all');
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueWebhookEvent(tx, { websiteId, event: event('queued', clock.now()), card: card() });
        throw new Error('session change failed');
      }),
    ).rejects.toThrow('session change failed');
    expect(await deliveriesOf(all)).toEqual([]);
  });

  it('POSTs a payload whose signature verifies with the webhook secret', async () => {
    receiver = await startReceiver();
    const created = await hook(receiver.url);
    await enqueue('connected');

    expect(await dispatcher().runOnce()).toBe(1);

    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    const [row] = await deliveriesOf(created);
    expect(req!.headers['parley-delivery']).toBe(row!.id);
    expect(req!.headers['parley-event']).toBe('session.connected');
    expect(verifyWebhookSignature(req!.rawBody, req!.headers['parley-signature'] as string, created.secret, { now: clock.now() }).ok).toBe(true);
    expect(verifyWebhookSignature(req!.rawBody, req!.headers['parley-signature'] as string, 'whsec_wrong', { now: clock.now() }).ok).toBe(false);
    const payload = WebhookPayload.parse(JSON.parse(req!.rawBody));
    expect(payload).toMatchObject({ deliveryId: row!.id, event: 'session.connected', websiteId, data: { reason: 'test' } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null });
  });

  it('keeps the signing secret encrypted in the database and still signs with it', async () => {
    receiver = await startReceiver();
    const created = await hook(receiver.url);
    const [stored] = await database.db.select().from(webhooks).where(eq(webhooks.id, created.id));
    expect(stored!.secret).toMatch(new RegExp(`^v1\\.${keyIdOf(SECRET)}\\.`));
    expect(stored!.secret).not.toContain(created.secret.slice(6));
    await enqueue('connected');
    // A node whose SECRET moved on, with the old one in SECRET_PREVIOUS, still signs with the same webhook secret.
    const rotated = createCredentialCipher(createKeyring('the-next-secret-0123456789', [SECRET]));
    expect(await dispatcher({ credentials: rotated }).runOnce()).toBe(1);
    const [req] = receiver.requests;
    expect(verifyWebhookSignature(req!.rawBody, req!.headers['parley-signature'] as string, created.secret, { now: clock.now() }).ok).toBe(true);
  });

  it('sends nothing with a secret encrypted under a key this node lacks: the attempt fails and is retried', async () => {
    receiver = await startReceiver();
    const created = await hook(receiver.url);
    await enqueue('connected');
    const retired = createCredentialCipher(createKeyring('the-next-secret-0123456789'));
    expect(await dispatcher({ credentials: retired }).runOnce()).toBe(1);
    expect(receiver.requests).toEqual([]);
    const [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: expect.stringContaining(`key id ${keyIdOf(SECRET)}`) });
    // Retried by a node that has the key.
    clock.advance(10_000);
    expect(await dispatcher().runOnce()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a failing receiver with backoff and delivers exactly once, same delivery id', async () => {
    const seen = new Set<string>();
    let successes = 0;
    // 500, 500, then 200; the receiver de-duplicates on the delivery id like an integrator should.
    receiver = await startReceiver((req, i) => {
      if (i < 2) return 500;
      const id = String(req.headers['parley-delivery']);
      if (!seen.has(id)) successes++;
      seen.add(id);
      return 200;
    });
    const created = await hook(receiver.url);
    await enqueue('abandoned');
    const d = dispatcher();

    expect(await d.runOnce()).toBe(1); // attempt 1 → 500
    expect(await d.runOnce()).toBe(0); // not due before its backoff
    clock.advance(9_000);
    expect(await d.runOnce()).toBe(0);
    clock.advance(1_000);
    expect(await d.runOnce()).toBe(1); // attempt 2 after 10 s → 500
    let [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, lastStatus: 500, lastError: 'HTTP 500' });
    clock.advance(29_000);
    expect(await d.runOnce()).toBe(0);
    clock.advance(1_000);
    expect(await d.runOnce()).toBe(1); // attempt 3 after 30 s → 200
    clock.advance(3_600_000);
    expect(await d.runOnce()).toBe(0);

    [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
    expect(new Set(receiver.requests.map((r) => r.headers['parley-delivery']))).toEqual(new Set([row!.id]));
    expect(receiver.requests).toHaveLength(3);
    expect(successes).toBe(1);
  });

  it('gives up after the last scheduled attempt, keeps the error, and can be redelivered', async () => {
    let healthy = false;
    receiver = await startReceiver(() => (healthy ? 200 : 503));
    const created = await hook(receiver.url);
    await enqueue('queued');
    const d = dispatcher({ backoff: { scheduleMs: [1_000], random: () => 0.5 } });

    await d.runOnce();
    clock.advance(1_000);
    await d.runOnce();
    clock.advance(3_600_000);
    expect(await d.runOnce()).toBe(0);
    let [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'failed', attempts: 2, lastStatus: 503, lastError: 'HTTP 503' });

    healthy = true;
    expect(await redeliver(database.db, created.id, row!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await d.runOnce()).toBe(1);
    [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.requests.map((r) => r.headers['parley-delivery'])).toEqual([row!.id, row!.id, row!.id]);
  });

  it('does not follow redirects', async () => {
    receiver = await startReceiver(() => 302);
    const created = await hook(receiver.url);
    await enqueue('queued');
    await dispatcher().runOnce();
    const [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'pending', lastStatus: 302, lastError: 'redirect not followed' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('keeps only the status of an answer, never what the receiver wrote back', async () => {
    receiver = await startReceiver(() => 500); // answers "nope"
    const created = await hook(receiver.url);
    await enqueue('queued');
    await dispatcher().runOnce();
    const [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'pending', lastStatus: 500, lastError: 'HTTP 500' });
    expect(JSON.stringify(row)).not.toContain('nope');
  });

  it('refuses loopback and private targets by default, by address and after DNS, sending nothing', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const byAddress = await hook(receiver.url);
    const byV6Mapped = await hook(`http://[::ffff:127.0.0.1]:${port}/hooks`);
    // Saved while the name looked public; now it resolves to loopback (DNS rebinding).
    const byName = await hook(`http://localhost:${port}/hooks`);
    await enqueue('queued');
    // No allowPrivateTargets: the default.
    const strict = createWebhookDispatcher({ db: database.db, credentials, clock, timeoutMs: 2000, backoff: { scheduleMs: [10_000], random: () => 0.5 } });
    expect(await strict.runOnce()).toBe(3);
    expect(receiver.requests).toEqual([]);
    for (const created of [byAddress, byV6Mapped, byName]) {
      const [row] = await deliveriesOf(created);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
      expect(row!.lastError).toMatch(/^target address (127\.0\.0\.1|::ffff:7f00:1|::1) is loopback, private, link-local or reserved/);
    }
    // WEBHOOKS_ALLOW_PRIVATE_TARGETS=true lets them through.
    clock.advance(10_000);
    expect(await dispatcher().runOnce()).toBe(3);
    expect(receiver.requests).toHaveLength(3);
  });

  it('records an unreachable receiver as an error and retries later', async () => {
    const created = await hook('http://127.0.0.1:9/closed-port');
    await enqueue('queued');
    await dispatcher().runOnce();
    const [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(row!.lastError).toBeTruthy();
  });

  it('makes a crashed claim due again after its lease, ignoring the late result', async () => {
    receiver = await startReceiver();
    const created = await hook(receiver.url);
    await enqueue('queued');
    // A node claims it and dies before sending.
    const [stale] = await claimDueDeliveries(database.db, { now: clock.now(), limit: 10, leaseMs: 60_000 });
    const d = dispatcher({ leaseMs: 60_000 });
    expect(await d.runOnce()).toBe(0);
    clock.advance(60_000);
    expect(await d.runOnce()).toBe(1);
    // The dead node's outcome, arriving late, must not overwrite the real one.
    await recordAttempt(database.db, stale!, { ok: false, status: 500, error: 'late', retryAt: clock.now() }, clock.now());
    const [row] = await deliveriesOf(created);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('two dispatchers on one database never send a delivery twice', async () => {
    receiver = await startReceiver(() => 200, { delayMs: 20 });
    const created = await hook(receiver.url);
    for (let i = 0; i < 30; i++) await enqueue('queued');
    const a = dispatcher({ batchSize: 4 });
    const b = dispatcher({ batchSize: 4 });

    for (let round = 0; round < 20; round++) {
      const [na, nb] = await Promise.all([a.runOnce(), b.runOnce()]);
      if (na + nb === 0) break;
    }

    const ids = receiver.requests.map((r) => String(r.headers['parley-delivery']));
    const rows = await deliveriesOf(created);
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
  });

  it('the background loop delivers and stops cleanly', async () => {
    receiver = await startReceiver();
    await hook(receiver.url);
    await enqueue('wrapped_up');
    const d = dispatcher({ intervalMs: 10 });
    d.start();
    await expect.poll(() => receiver!.requests.length, { timeout: 5000 }).toBe(1);
    await d.stop();
  });
});
