import { AppError, type XAccount, type XCapabilities, type XConnectFailure } from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import { must } from '../db/must.ts';
import { agentById } from '../db/stores/agents-store.ts';
import { websiteById } from '../db/stores/websites-store.ts';
import {
  deleteXAccount,
  insertPending,
  listXAccounts,
  otherXAccountOnWebsite,
  setXCapabilities,
  setXRateLimitedUntil,
  sweepExpiredPending,
  takePending,
  toXAccount,
  upsertXAccount,
  xAccountById,
  xAccountByXUser,
} from '../db/stores/x-accounts-store.ts';
import type { XAccountRow } from '../db/tables/channels.ts';
import type { XSettings } from '../env.ts';
import { authorizeUrlFor, createPkce, createXOAuthClient, newOAuthState, type XOAuthClient } from '../channels/x/oauth-api.ts';
import { usersMe } from '../channels/x/users-api.ts';
import { createXWebhooksApi } from '../channels/x/webhooks-api.ts';
import { createXHttp, type XHttp } from '../channels/x/x-http.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';
import { createXTokenSource } from './x-token-source.ts';
import { createXWebhookSetup } from './x-webhook-setup.ts';

/**
 * Connected X accounts (issue 19; docs/channels/x.md): connecting one to a website with OAuth 2.0 + PKCE, the
 * callback, the account's state for Admin › Channels, webhook re-validation, the plan's capabilities, disconnect,
 * and the token source every X call takes its access token from.
 */
export const PENDING_TTL_MS = 10 * 60_000;
export const X_CALLBACK_PATH = '/api/v1/channels/x/callback';
export const X_WEBHOOK_PATH = '/api/v1/channels/x/webhook';

export type XCallbackResult = { ok: true; account: XAccountRow } | { ok: false; reason: XConnectFailure; detail?: string };

export interface XAccountsDeps extends ServiceDeps {
  audit: RecordAudit;
  settings: XSettings;
  site: { publicUrl: () => string };
  /** The fetch X calls go through (tests may count them). */
  fetch?: typeof fetch;
}

export function createXAccountsService(deps: XAccountsDeps) {
  const { db, clock, credentials, logger, settings } = deps;
  const http: XHttp = createXHttp({ baseUrl: settings.apiBaseUrl, fetch: deps.fetch });
  const oauth: XOAuthClient | null = settings.clientId
    ? createXOAuthClient(http, { authorizeUrl: settings.authorizeUrl, clientId: settings.clientId, clientSecret: settings.clientSecret }, () => clock.now())
    : null;
  const webhooksApi = settings.appBearerToken && settings.consumerSecret ? createXWebhooksApi(http, settings.appBearerToken) : null;
  const webhookUrl = () => settings.webhookUrl ?? `${deps.site.publicUrl()}${X_WEBHOOK_PATH}`;
  const webhook = createXWebhookSetup({ db, clock, logger, api: () => webhooksApi, webhookUrl, apiBaseUrl: settings.apiBaseUrl });
  const tokens = createXTokenSource({ db, clock, credentials, logger, oauth: () => oauth });

  function requireOAuth(): XOAuthClient {
    if (!oauth) throw new AppError('CONFLICT', 'The X channel is not configured on this server (X_CLIENT_ID).');
    return oauth;
  }
  const existing = async (id: string) => must(await xAccountById(db, id), 'NOT_FOUND', 'No such X account.');
  const view = (row: XAccountRow): XAccount => toXAccount(row, clock.now());

  /** Starts an authorization for a website: the URL to send the admin to. */
  async function startConnect(websiteId: string, agentId: string | null): Promise<{ authorizeUrl: string }> {
    requireOAuth();
    must(await websiteById(db, websiteId), 'UNKNOWN_WEBSITE');
    const { verifier, challenge } = createPkce();
    const state = newOAuthState();
    const redirectUri = `${deps.site.publicUrl()}${X_CALLBACK_PATH}`;
    await insertPending(db, { state, websiteId, agentId, codeVerifier: credentials.encrypt(verifier), redirectUri, expiresAt: new Date(clock.now().getTime() + PENDING_TTL_MS) });
    return { authorizeUrl: authorizeUrlFor({ authorizeUrl: settings.authorizeUrl, clientId: settings.clientId!, clientSecret: null }, { redirectUri, state, challenge }) };
  }

  /**
   * X redirected the admin back. The pending authorization is found by `state` (the admin's SameSite=Strict cookie
   * does not come back from x.com) and used up whatever follows; then the code exchange, who the account is, the
   * stored account, and its webhook. Never throws for X's or the admin's doing: the result says what went wrong.
   */
  async function completeCallback(q: { state?: string; code?: string; error?: string; ip: string | null }): Promise<XCallbackResult & { websiteId?: string }> {
    if (!oauth) return { ok: false, reason: 'not_configured' };
    if (!q.state) return { ok: false, reason: 'invalid' };
    const pending = await db.transaction((tx) => takePending(tx, q.state!, clock.now()));
    if (!pending) return { ok: false, reason: 'expired' };
    const websiteId = pending.websiteId;
    if (q.error) return { ok: false, reason: q.error === 'access_denied' ? 'denied' : 'exchange_failed', detail: q.error, websiteId };
    if (!q.code) return { ok: false, reason: 'invalid', websiteId };
    let granted;
    try {
      granted = await oauth.exchangeCode({ code: q.code, verifier: credentials.decrypt(pending.codeVerifier), redirectUri: pending.redirectUri });
    } catch (err) {
      logger.warn({ err: String(err) }, 'X OAuth code exchange failed');
      return { ok: false, reason: 'exchange_failed', detail: err instanceof Error ? err.message : String(err), websiteId };
    }
    let me;
    try {
      me = await usersMe(http, granted.accessToken);
    } catch (err) {
      return { ok: false, reason: 'profile_failed', detail: err instanceof Error ? err.message : String(err), websiteId };
    }
    const connection = {
      websiteId,
      xUserId: me.id,
      username: me.username,
      name: me.name,
      accessToken: credentials.encrypt(granted.accessToken),
      refreshToken: granted.refreshToken ? credentials.encrypt(granted.refreshToken) : null,
      tokenExpiresAt: granted.expiresAt,
      scopes: granted.scopes,
    };
    const stored = await db.transaction(async (tx) => {
      const elsewhere = await xAccountByXUser(tx, me.id);
      if (elsewhere && elsewhere.websiteId !== websiteId) return { ok: false as const, reason: 'other_website' as const };
      if (await otherXAccountOnWebsite(tx, websiteId, me.id)) return { ok: false as const, reason: 'website_taken' as const };
      const row = await upsertXAccount(tx, connection, clock.now());
      const agent = pending.agentId ? await agentById(tx, pending.agentId) : null;
      const actor: AuditActor = { agentId: agent?.id ?? null, name: agent?.name ?? 'X authorization', ip: q.ip };
      await deps.audit(tx, actor, { action: 'x_account.connect', targetType: 'x_account', targetId: row.id, changes: { websiteId, username: me.username, xUserId: me.id } });
      return { ok: true as const, row };
    });
    if (!stored.ok) return { ok: false, reason: stored.reason, websiteId };
    logger.info({ xAccount: stored.row.id, username: me.username, website: websiteId }, 'X account connected');
    return { ok: true, account: await webhook.ensure(stored.row), websiteId };
  }

  async function list(): Promise<{ configured: boolean; webhooks: boolean; accounts: XAccount[] }> {
    return { configured: oauth !== null, webhooks: webhooksApi !== null, accounts: (await listXAccounts(db)).map(view) };
  }

  async function revalidateWebhook(id: string): Promise<XAccount> {
    return view(await webhook.revalidate(await existing(id)));
  }

  async function setCapabilities(id: string, patch: Partial<XCapabilities>, actor: AuditActor): Promise<XAccount> {
    const row = await existing(id);
    const saved = await db.transaction(async (tx) => {
      const next = { ...row.capabilities, ...patch };
      const updated = must(await setXCapabilities(tx, id, next, clock.now()), 'NOT_FOUND', 'No such X account.');
      await deps.audit(tx, actor, { action: 'x_account.capabilities', targetType: 'x_account', targetId: id, changes: patch });
      return updated;
    });
    return view(saved);
  }

  /** Unsubscribes at X and revokes the refresh token where possible, then forgets the account and its tokens. */
  async function disconnect(id: string, actor: AuditActor): Promise<void> {
    const row = await existing(id);
    await webhook.unsubscribe(row);
    if (oauth && row.refreshToken) {
      await oauth.revoke(credentials.decrypt(row.refreshToken), 'refresh_token').catch((err: unknown) => logger.warn({ xAccount: id, err: String(err) }, 'X token revocation failed'));
    }
    await db.transaction(async (tx) => {
      must(await deleteXAccount(tx, id), 'NOT_FOUND', 'No such X account.');
      await deps.audit(tx, actor, { action: 'x_account.disconnect', targetType: 'x_account', targetId: id, changes: { username: row.username, websiteId: row.websiteId } });
    });
  }

  /** Periodic (every node, `startXMaintenance`): X's verdict on the webhook into the accounts, expired authorizations removed. */
  async function maintain(): Promise<void> {
    await sweepExpiredPending(db, clock.now());
    if (oauth) await webhook.refreshStates(await listXAccounts(db));
  }

  /** X answered 429 until `until` (the outbound queue): the admin sees "rate-limited until …". */
  const noteRateLimited = (id: string, until: Date | null) => setXRateLimitedUntil(db, id, until, clock.now());

  return { startConnect, completeCallback, list, revalidateWebhook, setCapabilities, disconnect, noteRateLimited, maintain, tokens, http, webhookUrl, configured: () => oauth !== null };
}
export type XAccountsService = ReturnType<typeof createXAccountsService>;
