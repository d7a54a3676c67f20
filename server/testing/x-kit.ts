import { createFakeX, type FakeXServer } from '../../test/fakes/x-api/index.ts';
import { createCredentialCipher } from '../keys/credential-cipher.ts';
import { createKeyring } from '../keys/keyring.ts';
import type { Database } from '../db/client.ts';
import { xAccounts, websites } from '../db/schema.ts';
import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../main.ts';
import { createScratchDatabase, dropScratchDatabase } from './scratch.ts';
import { TWO_NODES_SECRET, useTwoNodes } from './two-nodes.ts';
import { DEMO } from '../services/seed-demo.ts';

/**
 * Tests of the X channel against the fake X API (test/fakes/x-api/), over real HTTP on a free port:
 * the brand's account connected to the demo website (what the OAuth flow of Admin › Channels stores, written
 * directly here), its webhook registered on the fake (which runs a real CRC against the server) and
 * subscribed to the brand's DM and post events.
 */
export const X_SECRET = 'integration-test-secret-0123456789';
export const CONSUMER_SECRET = 'consumer-secret-for-product-tests';
export const BRAND = { id: '17200003', username: 'KettleLeaf', name: 'Kettle & Leaf' };
export const CUSTOMER = { id: '944480690', username: 'jo', name: 'Jo' };

export interface FakeXHandle {
  fake: FakeXServer;
  url: string;
  close(): Promise<void>;
  /** The fake's control API over HTTP, as a test in another process would use it. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

export async function startFakeX(): Promise<FakeXHandle> {
  const fake = createFakeX({ mode: 'self-serve', consumerSecret: CONSUMER_SECRET, clientId: 'parley-tests', brand: BRAND, retryDelaysMs: [] });
  const { url, close } = await fake.listen(0, '127.0.0.1');
  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { fake, url, close, control };
}

/** The settings that point a test server at the fake (`apiBaseUrl`) and give it the consumer secret. */
export const xEnv = (fakeUrl?: string) => ({ x: { consumerSecret: CONSUMER_SECRET, ...(fakeUrl ? { apiBaseUrl: fakeUrl } : {}) } });
/** Polling out of the way: a test delivers by webhook unless it polls on purpose. */
export const xOptions = () => ({ dmPollMs: 3_600_000, mentionsPollMs: 3_600_000 });

/** Connects the brand to the demo website (tokens from the fake, stored encrypted as the OAuth callback stores them). Returns the account id. */
export async function connectBrand(database: Pick<Database, 'db'>, x: FakeXHandle, opts: { webhook?: RunningServer | null; secret?: string } = {}): Promise<string> {
  const tokens = x.fake.control.authorize();
  const cipher = createCredentialCipher(createKeyring(opts.secret ?? X_SECRET));
  const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
  const [row] = await database.db
    .insert(xAccounts)
    .values({
      websiteId: site!.id,
      xUserId: BRAND.id,
      username: BRAND.username,
      name: BRAND.name,
      accessToken: cipher.encrypt(tokens.access_token),
      refreshToken: tokens.refresh_token ? cipher.encrypt(tokens.refresh_token) : null,
      tokenExpiresAt: new Date(Date.now() + tokens.expires_in * 1000),
      scopes: tokens.scope.split(' '),
      webhookValid: Boolean(opts.webhook),
    })
    .returning();
  if (opts.webhook) await subscribeWebhook(x, opts.webhook.url);
  return row!.id;
}

/** What connecting does: the webhook (X runs its CRC now) and the brand's subscriptions. */
export async function subscribeWebhook(x: FakeXHandle, serverUrl: string): Promise<string> {
  const app = x.fake.control.appBearerToken;
  const call = async (path: string, body: unknown) => {
    const res = await fetch(x.url + path, { method: 'POST', headers: { authorization: `Bearer ${app}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { data?: { id?: string } };
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const hook = await call('/2/webhooks', { url: `${serverUrl}/api/v1/channels/x/webhook` });
  const webhookId = hook.data!.id!;
  for (const eventType of ['dm.received', 'dm.sent', 'post.mention.create', 'post.reply.create']) {
    await call('/2/activity/subscriptions', { event_type: eventType, filter: { user_id: BRAND.id }, webhook_id: webhookId });
  }
  return webhookId;
}

export interface SentDm {
  dm_event_id: string;
  dm_conversation_id: string;
  text: string;
  media_keys: string[];
}

/**
 * Two nodes (Postgres + Redis) pointed at one fake X API, for the X channel's multi-node tests; the
 * brand is connected with the nodes' secret by `connect`. `restartFirst` starts node A again on the
 * address and database it had (after the test closed it), with what is stored.
 */
export function useXOnTwoNodes(databaseUrl: string, redisUrl: string, polling: { dmPollMs: number; mentionsPollMs: number }) {
  let x: FakeXHandle;
  beforeAll(async () => {
    x = await startFakeX();
  });
  const two = useTwoNodes(databaseUrl, redisUrl, 6, {}, () => xEnv(x.url), () => ({ x: polling }));
  afterAll(async () => {
    await x?.close();
  });
  return {
    ...two,
    fake: () => x,
    connect: () => connectBrand({ db: two.db() }, x, { webhook: two.nodes[0]!, secret: TWO_NODES_SECRET }),
    async restartFirst(stopped: { url: string; database: RunningServer['database'] }): Promise<RunningServer> {
      const restarted = await startServer({
        database: stopped.database,
        env: { port: Number(new URL(stopped.url).port), host: '127.0.0.1', publicUrl: null, seedDemo: false, logLevel: 'silent', secret: TWO_NODES_SECRET, redisUrl, ...xEnv(x.url) },
        banner: false,
        requireAssets: false,
        x: polling,
      });
      two.nodes[0] = restarted;
      return restarted;
    },
  };
}

/**
 * The end-to-end tests' server: `startServer`, the composition `npm start` runs (the demo seeded, the built
 * desktop served), pointed at the fake, with the brand connected and its webhook registered.
 */
export async function startServerOnFake(x: FakeXHandle, secret: string): Promise<{ server: RunningServer; accountId: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-x-e2e-'));
  // A database of its own: a scratch Postgres database when DATABASE_URL is set (never the shared one, which
  // other files' servers leave rows in, encrypted with their own secrets), else PGlite in the data dir.
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'e2e_x') : null;
  const server = await startServer({
    env: { port: 0, host: '127.0.0.1', publicUrl: null, dataDir, databaseUrl: scratch?.url ?? null, seedDemo: true, seedDemoAssistant: false, logLevel: 'silent', secret, ...xEnv(x.url) },
    banner: false,
    x: xOptions(),
  });
  const accountId = await connectBrand(server.database, x, { webhook: server, secret });
  return {
    server,
    accountId,
    async close() {
      await server.close();
      if (scratch) await dropScratchDatabase(scratch);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
