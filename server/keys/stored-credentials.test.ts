import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IdentifyResult, VisitorSendResult, Webhook } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { websites } from '../db/schema.ts';
import { websiteByKey } from '../db/stores/websites-store.ts';
import { backends } from '../db/test-backends.ts';
import { webhooks } from '../db/tables/webhooks.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, call, closeSockets, connectVisitor, expectOk, loginCookie, startTestServer } from '../testing/test-kit.ts';
import { verifyWebhookSignature } from '../webhooks/sign.ts';
import { startReceiver, type TestReceiver } from '../webhooks/test-receiver.ts';
import { keyIdOf } from './keyring.ts';

/**
 * Issue 18, item 7: the secrets Parley keeps (website identity secrets, webhook signing secrets) are stored
 * encrypted under a key derived from SECRET, and everything that uses them works as before.
 */
const SECRET = 'stored-credentials-test-secret-0123';
const OTHER_SECRET = 'another-server-secret-0123456789';
const sealedUnder = (secret: string) => new RegExp(`^v1\\.${keyIdOf(secret)}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`);

function siteJwt(sub: string, identitySecret: string) {
  return new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + 300).sign(new TextEncoder().encode(identitySecret));
}

describe.each(backends)('credentials encrypted at rest on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let receiver: TestReceiver;
  let admin: string;

  const start = async (env: { secret: string; secretPrevious?: string[] }) =>
    startTestServer(database, { webhooksAllowPrivateTargets: true, ...env }, { webhooks: { intervalMs: 20 } });
  const restart = async () => {
    await server.close();
    server = await start({ secret: SECRET });
    admin = await loginCookie(server);
  };

  beforeAll(async () => {
    database = await backend.open();
    receiver = await startReceiver();
    server = await start({ secret: SECRET });
    admin = await loginCookie(server);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await database?.close();
  });

  const demoSite = async () => (await websiteByKey(database.db, DEMO.websiteKey))!;
  const storedWebhookSecret = async (id: string) => (await database.db.select().from(webhooks).where(eq(webhooks.id, id)))[0]!.secret;
  const identify = async (identitySecret: string) =>
    call<IdentifyResult>(await connectVisitor(server), 'identify', { jwt: await siteJwt(`user-${randomUUID()}`, identitySecret) });
  const listedWebhook = async (id: string) => (await api<{ webhooks: Webhook[] }>(server, admin, 'GET', '/webhooks')).body.webhooks.find((w) => w.id === id);

  it('stores a new identity secret encrypted, and still verifies the JWTs the site signs with it', async () => {
    const { identitySecret } = (await api<{ identitySecret: string }>(server, admin, 'POST', `/websites/${(await demoSite()).id}/identity-secret`)).body;
    const stored = (await demoSite()).identitySecret!;
    expect(stored).toMatch(sealedUnder(SECRET));
    expect(stored).not.toContain(identitySecret);
    expect(await identify(identitySecret)).toMatchObject({ ok: true });
    expect(await identify('not-the-identity-secret-0123456789')).toMatchObject({ ok: false, error: { code: 'IDENTITY_INVALID' } });
  });

  it('stores a new webhook secret encrypted, masks it when listed, and signs deliveries with it', async () => {
    const created = await api<{ webhook: Webhook }>(server, admin, 'POST', '/webhooks', { websiteKey: DEMO.websiteKey, url: receiver.url, events: ['queued'] });
    const { id, secret } = created.body.webhook;
    expect(secret).toMatch(/^whsec_/);
    expect(await storedWebhookSecret(id)).toMatch(sealedUnder(SECRET));
    expect(await storedWebhookSecret(id)).not.toContain(secret.slice(6));
    expect((await listedWebhook(id))?.secret).toBe(`…${secret.slice(-4)}`);

    // A visitor's first message queues a session: the webhook hears of it, signed with its secret.
    await expectOk(call<VisitorSendResult>(await connectVisitor(server), 'message:send', { clientId: randomUUID(), text: 'Hello' }));
    await vi.waitFor(() => expect(receiver.requests.length).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
    const [delivery] = receiver.requests;
    expect(verifyWebhookSignature(delivery!.rawBody, delivery!.headers['parley-signature'] as string, secret).ok).toBe(true);
    await database.db.delete(webhooks).where(eq(webhooks.id, id));
  });

  it('encrypts at the next start the credentials stored in plain text before encryption; they keep working', async () => {
    const identitySecret = 'a-plain-identity-secret-from-before-0123';
    const webhookSecret = 'whsec_a-plain-webhook-secret-from-before-0123';
    const site = await demoSite();
    await database.db.update(websites).set({ identitySecret }).where(eq(websites.id, site.id));
    const [hook] = await database.db.insert(webhooks).values({ websiteId: site.id, url: 'https://example.com/hooks', secret: webhookSecret, active: false }).returning();

    await restart();
    expect((await demoSite()).identitySecret).toMatch(sealedUnder(SECRET));
    expect(await storedWebhookSecret(hook!.id)).toMatch(sealedUnder(SECRET));
    expect(await identify(identitySecret)).toMatchObject({ ok: true });
    expect((await listedWebhook(hook!.id))?.secret).toBe(`…${webhookSecret.slice(-4)}`);
    await database.db.delete(webhooks).where(eq(webhooks.id, hook!.id));
  });

  it('refuses to start with a SECRET that cannot read a stored credential, naming its key id and what to do', async () => {
    const startWithout = start({ secret: OTHER_SECRET });
    await expect(startWithout).rejects.toThrow(`encrypted with key id ${keyIdOf(SECRET)}, which no configured secret has`);
    await expect(startWithout).rejects.toThrow(/SECRET_PREVIOUS[\s\S]*npm run secrets:reencrypt/);
    // With the old secret listed as previous, it starts and reads it.
    await server.close();
    server = await start({ secret: OTHER_SECRET, secretPrevious: [SECRET] });
    admin = await loginCookie(server);
    const site = await demoSite();
    expect(site.identitySecret).toMatch(sealedUnder(SECRET));
    expect(await identify('a-plain-identity-secret-from-before-0123')).toMatchObject({ ok: true });
  });
});
