import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentifyResult, SyncResult, VisitorSendResult, Webhook } from '../protocol/index.ts';
import { openDatabase, targetFromEnv, type Database } from '../server/db/client.ts';
import { websites } from '../server/db/schema.ts';
import { storedCredentials } from '../server/db/stores/credentials-store.ts';
import { upsertWebsite, websiteByKey } from '../server/db/stores/websites-store.ts';
import { backends } from '../server/db/test-backends.ts';
import { webhooks } from '../server/db/tables/webhooks.ts';
import { loadEnv } from '../server/env.ts';
import { createCredentialCipher, storedForm } from '../server/keys/credential-cipher.ts';
import { createKeyring, keyIdOf } from '../server/keys/keyring.ts';
import type { RunningServer } from '../server/main.ts';
import { DEMO } from '../server/services/seed-demo.ts';
import { api, call, closeSockets, connectVisitor, expectOk, handshakeRefusal, loginCookie, startTestServer, visitorSocket } from '../server/testing/test-kit.ts';
import { runSecretsReencrypt } from './secrets-reencrypt.ts';

/** Issue 18, item 7: rotating SECRET keeps credentials readable and old visitor tokens valid until the old secret is retired. */
const A = 'the-secret-before-rotation-0123456';
const B = 'the-secret-after-rotation-78901234';

function captured() {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream, text: () => text };
}

/** `SECRET=<secret> SECRET_PREVIOUS=<previous> npm run secrets:reencrypt -- …argv`. */
async function reencrypt(argv: string[], secret: string, previous: string[], target: { database?: Database; dataDir?: string }) {
  const stdout = captured();
  const stderr = captured();
  const env = loadEnv({ NODE_ENV: 'test', SECRET: secret, SECRET_PREVIOUS: previous.join(','), DATA_DIR: target.dataDir ?? tmpdir() });
  const code = await runSecretsReencrypt({ argv, stdout: stdout.stream, stderr: stderr.stream, env, database: target.database });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A visitor token as servers signed them before key ids: HS256 with the raw SECRET, no `kid`. */
function tokenSignedBeforeKeyIds(like: string, secret: string) {
  const { sub, wid, ver, iat, exp } = decodeJwt(like);
  return new SignJWT({ wid, ver }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub!).setAudience('parley:visitor').setIssuedAt(iat!).setExpirationTime(exp!).sign(new TextEncoder().encode(secret));
}

const siteJwt = (identitySecret: string) =>
  new SignJWT({ sub: `user-${randomUUID()}` }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + 300).sign(new TextEncoder().encode(identitySecret));

// The tests of this block follow one database through a rotation, in order.
describe.each(backends)('rotating SECRET with npm run secrets:reencrypt on $name', (backend) => {
  let database: Database;
  let server: RunningServer | null = null;

  beforeAll(async () => {
    database = await backend.open();
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  /** (Re)starts the one node with this SECRET and SECRET_PREVIOUS; no webhook is sent (none is reachable). */
  async function start(secret: string, previous: string[] = []) {
    await server?.close();
    server = await startTestServer(database, { secret, secretPrevious: previous }, { webhooks: false });
    return { server, admin: await loginCookie(server) };
  }
  const kidsStored = async () => (await storedCredentials(database.db)).map((c) => storedForm(c.stored));
  const historyWith = async (s: RunningServer, token: string) =>
    (await expectOk(call<SyncResult>(await connectVisitor(s, { token }), 'sync', { afterSeq: 0 }))).events.flatMap((m) => (m.kind === 'text' ? [m.text] : []));
  const identify = async (s: RunningServer, identitySecret: string) => call<IdentifyResult>(await connectVisitor(s), 'identify', { jwt: await siteJwt(identitySecret) });
  const maskedSecret = async (s: RunningServer, admin: string, id: string) => (await api<{ webhooks: Webhook[] }>(s, admin, 'GET', '/webhooks')).body.webhooks.find((w) => w.id === id)?.secret;

  it('keeps an old visitor token valid and the credentials readable until the previous secret is retired', async () => {
    // SECRET=A: a visitor writes and gets a token; the site gets an identity secret and a webhook.
    let { server: node, admin } = await start(A);
    const { token } = await expectOk(call<VisitorSendResult>(await connectVisitor(node), 'message:send', { clientId: randomUUID(), text: 'Written under A' }));
    const legacyToken = await tokenSignedBeforeKeyIds(token!, A);
    const site = (await websiteByKey(database.db, DEMO.websiteKey))!;
    const { identitySecret } = (await api<{ identitySecret: string }>(node, admin, 'POST', `/websites/${site.id}/identity-secret`)).body;
    const { webhook } = (await api<{ webhook: Webhook }>(node, admin, 'POST', '/webhooks', { websiteKey: DEMO.websiteKey, url: 'https://example.com/hooks' })).body;
    expect(await kidsStored()).toEqual([{ form: 'sealed', kid: keyIdOf(A) }, { form: 'sealed', kid: keyIdOf(A) }]);

    // Step 1: SECRET=B, SECRET_PREVIOUS=A. Tokens signed with A still connect; credentials encrypted under A still read.
    ({ server: node, admin } = await start(B, [A]));
    expect(await historyWith(node, token!)).toEqual(['Written under A']);
    expect(await historyWith(node, legacyToken)).toEqual(['Written under A']);
    expect(await identify(node, identitySecret)).toMatchObject({ ok: true });
    expect(await maskedSecret(node, admin, webhook.id)).toBe(`…${webhook.secret.slice(-4)}`);

    // Step 2: the command moves every credential to B; running it again changes nothing.
    const first = await reencrypt([], B, [A], { database });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`Stored credentials under key id ${keyIdOf(B)}: 2 (2 re-encrypted, 0 encrypted from plain text, 0 already under the current secret)`);
    expect(await kidsStored()).toEqual([{ form: 'sealed', kid: keyIdOf(B) }, { form: 'sealed', kid: keyIdOf(B) }]);
    expect((await reencrypt([], B, [A], { database })).stdout).toContain('2 (0 re-encrypted, 0 encrypted from plain text, 2 already under the current secret)');

    // Step 3: SECRET=B alone. The old tokens are refused; the credentials still read.
    ({ server: node, admin } = await start(B));
    expect(await handshakeRefusal(visitorSocket(node, { token: token! }))).toBe('TOKEN_INVALID');
    expect(await handshakeRefusal(visitorSocket(node, { token: legacyToken }))).toBe('TOKEN_INVALID');
    expect(await identify(node, identitySecret)).toMatchObject({ ok: true });
    expect(await maskedSecret(node, admin, webhook.id)).toBe(`…${webhook.secret.slice(-4)}`);
    await server?.close();
    server = null;
  });

  it('--status changes nothing and says which secret encrypts what', async () => {
    const before = await storedCredentials(database.db);
    const status = await reencrypt(['--status'], A, [B], { database });
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toContain(`SECRET has key id ${keyIdOf(A)}; SECRET_PREVIOUS: key id ${keyIdOf(B)}.`);
    expect(status.stdout).toContain(`key id ${keyIdOf(B)} (SECRET_PREVIOUS): 2`);
    expect(await storedCredentials(database.db)).toEqual(before);
  });

  it('leaves what it cannot read, says why (exit 1); --discard-unreadable clears identity secrets and deletes those webhooks', async () => {
    const lost = await reencrypt([], A, [], { database });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`website identity secret of ${DEMO.websiteKey}: encrypted with key id ${keyIdOf(B)}, which no configured secret has`);
    expect(lost.stderr).toContain('--discard-unreadable');
    expect(await kidsStored()).toEqual([{ form: 'sealed', kid: keyIdOf(B) }, { form: 'sealed', kid: keyIdOf(B) }]);

    const discarded = await reencrypt(['--discard-unreadable'], A, [], { database });
    expect(discarded).toMatchObject({ code: 0, stderr: '' });
    expect(discarded.stdout).toContain('2 discarded');
    expect(discarded.stdout).toContain('discarded: webhook signing secret of https://example.com/hooks');
    expect((await websiteByKey(database.db, DEMO.websiteKey))!.identitySecret).toBeNull();
    expect(await database.db.select().from(webhooks)).toEqual([]);
    // The server starts again with A alone.
    await start(A);
  });
});

describe('npm run secrets:reencrypt on the embedded database in DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-reencrypt-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // An embedded database on disk, created, migrated and opened three times: seconds of CPU, and over the default
  // 20 s when the machine is busy (npm test runs other suites beside this one).
  it('encrypts credentials stored in plain text, in place', { timeout: 90_000 }, async () => {
    const target = targetFromEnv({ databaseUrl: null, dataDir });
    let database = await openDatabase(target);
    await database.migrate();
    const site = await upsertWebsite(database.db, { key: 'plain-site', name: 'Plain', allowedOrigins: [] });
    await database.db.update(websites).set({ identitySecret: 'plain-identity-secret-0123456789' }).where(eq(websites.id, site.id));
    await database.db.insert(webhooks).values({ websiteId: site.id, url: 'https://example.com/plain', secret: 'whsec_plain-webhook-secret-0123456789' });
    await database.close();

    const run = await reencrypt([], A, [], { dataDir });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('2 (0 re-encrypted, 2 encrypted from plain text, 0 already under the current secret)');

    database = await openDatabase(target);
    try {
      const cipher = createCredentialCipher(createKeyring(A));
      const stored = await storedCredentials(database.db);
      expect(stored.map((c) => storedForm(c.stored))).toEqual([{ form: 'sealed', kid: keyIdOf(A) }, { form: 'sealed', kid: keyIdOf(A) }]);
      expect(stored.map((c) => cipher.decrypt(c.stored))).toEqual(['plain-identity-secret-0123456789', 'whsec_plain-webhook-secret-0123456789']);
    } finally {
      await database.close();
    }
  });
});
