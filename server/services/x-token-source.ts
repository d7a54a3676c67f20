import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import { must } from '../db/must.ts';
import { lockXAccount, markXTokenExpired, updateXTokens } from '../db/stores/x-accounts-store.ts';
import type { XAccountRow } from '../db/tables/channels.ts';
import type { CredentialCipher } from '../keys/credential-cipher.ts';
import type { XTokenSource } from '../channels/x/contracts.ts';
import type { XOAuthClient } from '../channels/x/oauth-api.ts';
import { XApiError } from '../channels/x/x-http.ts';

/**
 * The X accounts' access tokens (issue 19): the stored one while more than 5 minutes remain, else a refresh.
 * A refresh runs under `SELECT … FOR UPDATE` of the account row and re-reads it once locked: another node may
 * have refreshed meanwhile, and X's refresh tokens rotate, so one used twice would cost the account its
 * connection. A refresh X refuses (4xx) marks the account `token_expired` (an admin reconnects it); X being
 * unreachable or failing (5xx) changes nothing and is thrown, to be retried.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface XTokenSourceWithRetry extends XTokenSource {
  /** After X answered 401 to `rejected`: a refreshed token (or the one another node got meanwhile). */
  afterUnauthorized(account: XAccountRow, rejected: string): Promise<string>;
  /** Runs `call` with a fresh token; once more with a refreshed one if X answers 401 (a token revoked early). */
  withToken<T>(account: XAccountRow, call: (token: string) => Promise<T>): Promise<T>;
}

/** The account needs an admin: its token expired for good (refused refresh, or none to refresh with). */
export const tokenExpiredError = (account: Pick<XAccountRow, 'username'>, detail: string | null) =>
  new XApiError(401, 'token_expired', `The X account @${account.username} must be reconnected (Admin › Channels)`, detail, { limit: null, remaining: null, resetAt: null });

export function createXTokenSource(deps: { db: Db; clock: Clock; credentials: CredentialCipher; logger: Logger; oauth: () => XOAuthClient | null }): XTokenSourceWithRetry {
  const { db, clock, credentials, logger } = deps;
  const fresh = (row: XAccountRow) => !row.tokenExpired && row.accessToken !== '' && row.tokenExpiresAt.getTime() - clock.now().getTime() > REFRESH_MARGIN_MS;

  async function refresh(accountId: string, rejected: string | null): Promise<string> {
    // Decided in the transaction, thrown after it: marking the account expired must commit.
    type Outcome = { token: string } | { expired: XAccountRow; detail: string | null };
    const outcome = await db.transaction(async (tx): Promise<Outcome> => {
      const row = must(await lockXAccount(tx, accountId), 'NOT_FOUND');
      if (row.tokenExpired) return { expired: row, detail: row.lastError };
      const current = row.accessToken === '' ? null : credentials.decrypt(row.accessToken);
      if (fresh(row) && current !== rejected) return { token: current! };
      const oauth = deps.oauth();
      if (!row.refreshToken || !oauth) {
        const reason = oauth ? 'X gave no refresh token (offline.access)' : 'the X channel is not configured (X_CLIENT_ID)';
        await markXTokenExpired(tx, row.id, reason, clock.now());
        return { expired: row, detail: reason };
      }
      try {
        const tokens = await oauth.refresh(credentials.decrypt(row.refreshToken));
        const saved = { accessToken: credentials.encrypt(tokens.accessToken), refreshToken: tokens.refreshToken ? credentials.encrypt(tokens.refreshToken) : null, tokenExpiresAt: tokens.expiresAt, scopes: tokens.scopes };
        await updateXTokens(tx, row.id, saved, clock.now());
        logger.info({ xAccount: row.id, username: row.username }, 'X access token refreshed');
        return { token: tokens.accessToken };
      } catch (err) {
        if (err instanceof XApiError && !err.retryable) {
          const reason = `X refused the token refresh: ${err.message}`;
          await markXTokenExpired(tx, row.id, reason, clock.now());
          logger.warn({ xAccount: row.id, username: row.username, err: err.message }, 'X token refresh refused: the account must be reconnected');
          return { expired: row, detail: reason };
        }
        throw err;
      }
    });
    if ('expired' in outcome) throw tokenExpiredError(outcome.expired, outcome.detail);
    return outcome.token;
  }

  async function accessToken(account: XAccountRow): Promise<string> {
    if (fresh(account)) return credentials.decrypt(account.accessToken);
    return refresh(account.id, null);
  }

  return {
    accessToken,
    afterUnauthorized: (account, rejected) => refresh(account.id, rejected),
    async withToken(account, call) {
      const token = await accessToken(account);
      try {
        return await call(token);
      } catch (err) {
        if (!(err instanceof XApiError) || !err.unauthorized) throw err;
        return call(await refresh(account.id, token));
      }
    },
  };
}
