import { and, eq, lt, ne } from 'drizzle-orm';
import type { XAccount, XAccountStatus, XCapabilities } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { xAccounts, xOauthPending, type XAccountRow } from '../tables/channels.ts';

/**
 * The X channel's accounts and pending authorizations (issue 19; docs/channels/x.md). Tokens and PKCE verifiers
 * arrive here already encrypted by the caller (server/keys/credential-cipher.ts): this module never sees them in clear.
 */
export type XPendingRow = typeof xOauthPending.$inferSelect;

export async function insertPending(tx: Tx, row: typeof xOauthPending.$inferInsert): Promise<void> {
  await tx.insert(xOauthPending).values(row);
}

/** Takes the pending authorization of `state` (single use: deleted whatever follows), or null. Expired rows go too. */
export async function takePending(tx: Tx, state: string, now: Date): Promise<XPendingRow | null> {
  const [row] = await tx.delete(xOauthPending).where(eq(xOauthPending.state, state)).returning();
  await tx.delete(xOauthPending).where(lt(xOauthPending.expiresAt, now));
  return row && row.expiresAt > now ? row : null;
}

export async function xAccountById(tx: Tx, id: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.id, id)).limit(1);
  return row ?? null;
}

export async function xAccountByWebsite(tx: Tx, websiteId: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.websiteId, websiteId)).limit(1);
  return row ?? null;
}

export async function xAccountByXUser(tx: Tx, xUserId: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.xUserId, xUserId)).limit(1);
  return row ?? null;
}

export async function listXAccounts(tx: Tx): Promise<XAccountRow[]> {
  return tx.select().from(xAccounts).orderBy(xAccounts.connectedAt);
}

/** The account row locked for this transaction (a token refresh on one node at a time), read fresh. */
export async function lockXAccount(tx: Tx, id: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.id, id)).for('update');
  return row ?? null;
}

export interface XAccountConnection {
  websiteId: string;
  xUserId: string;
  username: string;
  name: string;
  accessToken: string;
  refreshToken: string | null;
  tokenExpiresAt: Date;
  scopes: string[];
}

/**
 * Stores a connection: a new account, or the same X user connected again to the same website (new tokens, the
 * token-expired flag and the last error cleared; capabilities, webhook state and polling cursors kept).
 */
export async function upsertXAccount(tx: Tx, c: XAccountConnection, now: Date): Promise<XAccountRow> {
  const tokens = { accessToken: c.accessToken, refreshToken: c.refreshToken, tokenExpiresAt: c.tokenExpiresAt, scopes: c.scopes };
  const [row] = await tx
    .insert(xAccounts)
    .values({ ...c, connectedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: xAccounts.xUserId,
      set: { ...tokens, username: c.username, name: c.name, tokenExpired: false, lastError: null, connectedAt: now, updatedAt: now },
      setWhere: eq(xAccounts.websiteId, c.websiteId),
    })
    .returning();
  return row!;
}

/** Another account than this X user's on the website (one X account per website). */
export async function otherXAccountOnWebsite(tx: Tx, websiteId: string, xUserId: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(and(eq(xAccounts.websiteId, websiteId), ne(xAccounts.xUserId, xUserId))).limit(1);
  return row ?? null;
}

export async function updateXTokens(tx: Tx, id: string, t: { accessToken: string; refreshToken: string | null; tokenExpiresAt: Date; scopes: string[] }, now: Date): Promise<XAccountRow> {
  const [row] = await tx.update(xAccounts).set({ ...t, tokenExpired: false, updatedAt: now }).where(eq(xAccounts.id, id)).returning();
  return row!;
}

export async function markXTokenExpired(tx: Tx, id: string, reason: string, now: Date): Promise<void> {
  await tx.update(xAccounts).set({ tokenExpired: true, lastError: reason, updatedAt: now }).where(eq(xAccounts.id, id));
}

export async function setXWebhookState(tx: Tx, id: string, w: { webhookId: string | null; valid: boolean; checkedAt: Date; lastError: string | null }): Promise<XAccountRow | null> {
  const [row] = await tx
    .update(xAccounts)
    .set({ webhookId: w.webhookId, webhookValid: w.valid, webhookCheckedAt: w.checkedAt, lastError: w.lastError, updatedAt: w.checkedAt })
    .where(eq(xAccounts.id, id))
    .returning();
  return row ?? null;
}

export async function setXCapabilities(tx: Tx, id: string, capabilities: XCapabilities, now: Date): Promise<XAccountRow | null> {
  const [row] = await tx.update(xAccounts).set({ capabilities, updatedAt: now }).where(eq(xAccounts.id, id)).returning();
  return row ?? null;
}

/** X said 429 until `until` (the outbound queue calls this): shown to the admin until then. */
export async function setXRateLimitedUntil(tx: Tx, id: string, until: Date | null, now: Date): Promise<void> {
  await tx.update(xAccounts).set({ rateLimitedUntil: until, updatedAt: now }).where(eq(xAccounts.id, id));
}

export async function deleteXAccount(tx: Tx, id: string): Promise<XAccountRow | null> {
  const [row] = await tx.delete(xAccounts).where(eq(xAccounts.id, id)).returning();
  return row ?? null;
}

/** The worst thing true now (protocol/channels.ts XAccountStatus). */
export function xAccountStatus(row: Pick<XAccountRow, 'tokenExpired' | 'webhookId' | 'webhookValid' | 'rateLimitedUntil'>, now: Date): XAccountStatus {
  if (row.tokenExpired) return 'token_expired';
  if (row.webhookId && !row.webhookValid) return 'webhook_invalid';
  if (row.rateLimitedUntil && row.rateLimitedUntil > now) return 'rate_limited';
  return 'connected';
}

export function toXAccount(row: XAccountRow, now: Date): XAccount {
  const limited = row.rateLimitedUntil && row.rateLimitedUntil > now ? row.rateLimitedUntil.toISOString() : null;
  return {
    id: row.id,
    websiteId: row.websiteId,
    xUserId: row.xUserId,
    username: row.username,
    name: row.name,
    status: xAccountStatus(row, now),
    rateLimitedUntil: limited,
    webhook: { registered: row.webhookId !== null, valid: row.webhookId !== null && row.webhookValid, checkedAt: row.webhookCheckedAt?.toISOString() ?? null },
    capabilities: row.capabilities,
    lastError: row.lastError,
    connectedAt: row.connectedAt.toISOString(),
  };
}

/** The stored secrets of the X channel, for the credential check and re-encryption (credentials-store.ts). */
export async function storedXSecrets(tx: Tx) {
  const accounts = await tx.select({ id: xAccounts.id, username: xAccounts.username, access: xAccounts.accessToken, refresh: xAccounts.refreshToken }).from(xAccounts);
  const pending = await tx.select({ state: xOauthPending.state, verifier: xOauthPending.codeVerifier }).from(xOauthPending);
  return { accounts, pending };
}

/** Replaces one stored X secret only where it still holds what was read (a refresh meanwhile wins). True when written. */
export async function replaceXSecret(tx: Tx, kind: 'access' | 'refresh' | 'verifier', id: string, expected: string, next: string | null): Promise<boolean> {
  if (kind === 'verifier') {
    if (next === null) return (await tx.delete(xOauthPending).where(and(eq(xOauthPending.state, id), eq(xOauthPending.codeVerifier, expected))).returning()).length > 0;
    return (await tx.update(xOauthPending).set({ codeVerifier: next }).where(and(eq(xOauthPending.state, id), eq(xOauthPending.codeVerifier, expected))).returning()).length > 0;
  }
  if (kind === 'access') {
    // Discarding an access token leaves nothing to call X with: the account shows "token expired" (reconnect).
    const set = next === null ? { accessToken: '', tokenExpired: true } : { accessToken: next };
    return (await tx.update(xAccounts).set(set).where(and(eq(xAccounts.id, id), eq(xAccounts.accessToken, expected))).returning()).length > 0;
  }
  const set = next === null ? { refreshToken: null, tokenExpired: true } : { refreshToken: next };
  return (await tx.update(xAccounts).set(set).where(and(eq(xAccounts.id, id), eq(xAccounts.refreshToken, expected))).returning()).length > 0;
}

/** Pending authorizations past their expiry (the callback also removes them as it goes). */
export async function sweepExpiredPending(tx: Tx, now: Date): Promise<number> {
  return (await tx.delete(xOauthPending).where(lt(xOauthPending.expiresAt, now)).returning({ state: xOauthPending.state })).length;
}

