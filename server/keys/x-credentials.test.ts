import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { websites } from '../db/schema.ts';
import { xAccounts, xOauthPending } from '../db/tables/channels.ts';
import { backends } from '../db/test-backends.ts';
import { createCredentialCipher } from './credential-cipher.ts';
import { createKeyring, keyIdOf } from './keyring.ts';
import { encryptStoredCredentials, prepareStoredCredentials, unreadableCredentials } from './stored-credentials.ts';

/**
 * The X channel's stored secrets (issue 19): an account's access and refresh tokens and a pending authorization's
 * PKCE verifier are checked at start, sealed when in plain text, re-encrypted by `secrets:reencrypt`, and
 * discarded when their secret is lost (the account then shows "token expired").
 */
const OLD = 'x-credentials-old-secret-0123456789';
const NEW = 'x-credentials-new-secret-0123456789';
const sealedUnder = (secret: string) => new RegExp(`^v1\\.${keyIdOf(secret)}\\.`);

describe.each(backends)('X tokens and verifiers as stored credentials on $name', (backend) => {
  let database: Database;
  const oldCipher = createCredentialCipher(createKeyring(OLD, []));
  const rotated = createKeyring(NEW, [OLD]);
  const newCipher = createCredentialCipher(rotated);
  let accountId: string;

  beforeAll(async () => {
    database = await backend.open();
    const [site] = await database.db.insert(websites).values({ key: 'x-creds', name: 'X creds', allowedOrigins: [] }).returning();
    const [account] = await database.db
      .insert(xAccounts)
      .values({ websiteId: site!.id, xUserId: '42', username: 'brand', name: 'Brand', accessToken: 'plain-access', refreshToken: oldCipher.encrypt('old-refresh'), tokenExpiresAt: new Date(Date.now() + 3_600_000) })
      .returning();
    accountId = account!.id;
    await database.db.insert(xOauthPending).values({ state: 'st', websiteId: site!.id, codeVerifier: oldCipher.encrypt('verifier'), redirectUri: 'http://x/cb', expiresAt: new Date(Date.now() + 600_000) });
  });
  afterAll(async () => database?.close());

  const account = async () => (await database.db.select().from(xAccounts))[0]!;

  it('refuses to start on tokens no configured secret reads, naming them', async () => {
    const stranger = createCredentialCipher(createKeyring('a-stranger-secret-0123456789', []));
    const unreadable = await unreadableCredentials(database.db, stranger);
    expect(unreadable.map((u) => `${u.credential.kind} of ${u.credential.label}`).sort()).toEqual(['X PKCE verifier of an X authorization under way', 'X refresh token of @brand']);
    await expect(prepareStoredCredentials(database.db, stranger, createKeyring('a-stranger-secret-0123456789', []))).rejects.toThrow(/X refresh token of @brand/);
  });

  it('seals a token still in plain text at start, and re-encrypts everything under the new secret', async () => {
    const started = await prepareStoredCredentials(database.db, newCipher, rotated);
    expect(started.encrypted).toBe(1);
    expect((await account()).accessToken).toMatch(sealedUnder(NEW));
    const report = await encryptStoredCredentials(database.db, newCipher, { only: 'all' });
    expect(report.reencrypted).toBe(2);
    const row = await account();
    expect(row.refreshToken).toMatch(sealedUnder(NEW));
    expect(newCipher.decrypt(row.refreshToken!)).toBe('old-refresh');
    expect(newCipher.decrypt(row.accessToken)).toBe('plain-access');
    const [pending] = await database.db.select().from(xOauthPending);
    expect(newCipher.decrypt(pending!.codeVerifier)).toBe('verifier');
  });

  it('discards what a lost secret sealed: the account waits for a reconnect, the authorization is dropped', async () => {
    const lost = createCredentialCipher(createKeyring('the-secret-after-a-loss-0123456789', []));
    const report = await encryptStoredCredentials(database.db, lost, { only: 'all', discardUnreadable: true });
    expect(report.discarded.map((d) => d.credential.kind).sort()).toEqual(['X PKCE verifier', 'X access token', 'X refresh token']);
    const row = await account();
    expect(row).toMatchObject({ id: accountId, accessToken: '', refreshToken: null, tokenExpired: true });
    expect(await database.db.select().from(xOauthPending)).toEqual([]);
    expect(await unreadableCredentials(database.db, lost)).toEqual([]);
  });
});
