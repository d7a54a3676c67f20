import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import { setXWebhookState } from '../db/stores/x-accounts-store.ts';
import type { XAccountRow } from '../db/tables/channels.ts';
import { X_SUBSCRIBED_EVENTS, type XWebhooksApi } from '../channels/x/webhooks-api.ts';
import { XApiError } from '../channels/x/x-http.ts';
import { webhookUnreachableReason } from '../channels/x/webhook-reachability.ts';

/**
 * The webhook side of a connected X account (issue 19): the app's one webhook registered (or found again by its
 * URL, re-validated when X holds it invalid), then the account's X Activity API subscriptions on it, filtered on
 * the brand's user id. Whatever fails is written on the account (`lastError`), never thrown: the account is then
 * polled, which works without a webhook.
 */
export interface XWebhookSetupDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Null without X_APP_BEARER_TOKEN and X_CONSUMER_SECRET: polling only. */
  api: () => XWebhooksApi | null;
  webhookUrl: () => string;
  apiBaseUrl: string;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createXWebhookSetup(deps: XWebhookSetupDeps) {
  const { db, clock, logger } = deps;
  const save = (row: XAccountRow, webhookId: string | null, valid: boolean, lastError: string | null) =>
    setXWebhookState(db, row.id, { webhookId, valid, checkedAt: clock.now(), lastError }).then((saved) => saved ?? row);

  /** Registers and subscribes; the account as saved. */
  async function ensure(row: XAccountRow): Promise<XAccountRow> {
    const api = deps.api();
    if (!api) return row;
    const url = deps.webhookUrl();
    const unreachable = webhookUnreachableReason(url, deps.apiBaseUrl);
    if (unreachable) return save(row, null, false, `Polling: ${unreachable} (${url}).`);
    try {
      let hook = (await api.list()).find((w) => w.url === url) ?? null;
      if (!hook) {
        const registered = await api.register(url);
        if ('crcFailed' in registered) return save(row, null, false, `X could not validate the webhook ${url}: ${registered.crcFailed}`);
        hook = registered.webhook;
      } else if (!hook.valid) {
        const check = await api.revalidate(hook.id);
        hook = { ...hook, valid: check.valid };
      }
      for (const eventType of X_SUBSCRIBED_EVENTS) await api.subscribe({ eventType, userId: row.xUserId, webhookId: hook.id, tag: `parley-${row.id}` });
      logger.info({ xAccount: row.id, webhook: hook.id, valid: hook.valid }, 'X webhook and subscriptions in place');
      return save(row, hook.id, hook.valid, hook.valid ? null : 'X holds the webhook invalid (its CRC failed): events are polled meanwhile.');
    } catch (err) {
      logger.warn({ xAccount: row.id, err: describe(err) }, 'X webhook setup failed: the account is polled');
      return save(row, null, false, `Webhook setup failed: ${describe(err)}`);
    }
  }

  /** `PUT /2/webhooks/:id` (X runs the CRC again), or the whole setup when there is no webhook yet. */
  async function revalidate(row: XAccountRow): Promise<XAccountRow> {
    const api = deps.api();
    if (!api || !row.webhookId) return ensure(row);
    try {
      const check = await api.revalidate(row.webhookId);
      return save(row, row.webhookId, check.valid, check.valid ? null : `X could not validate the webhook: ${check.reason}`);
    } catch (err) {
      // X no longer knows this webhook (deleted in the developer portal): set it up again.
      if (err instanceof XApiError && err.status === 404) return ensure({ ...row, webhookId: null });
      return save(row, row.webhookId, false, `Re-validation failed: ${describe(err)}`);
    }
  }

  /** At disconnect: the account's subscriptions at X go (the app's webhook stays for the other accounts). */
  async function unsubscribe(row: XAccountRow): Promise<void> {
    const api = deps.api();
    if (!api) return;
    try {
      for (const sub of await api.subscriptions()) if (sub.filter.user_id === row.xUserId) await api.unsubscribe(sub.subscription_id);
    } catch (err) {
      logger.warn({ xAccount: row.id, err: describe(err) }, 'X subscriptions could not be removed at disconnect');
    }
  }

  /**
   * X re-runs the CRC by itself from time to time and marks a failing webhook invalid: this reads X's verdict
   * (`GET /2/webhooks`) into the accounts, so that Admin › Channels says "webhook invalid" and polling takes over.
   */
  async function refreshStates(rows: XAccountRow[]): Promise<void> {
    const api = deps.api();
    const registered = rows.filter((r) => r.webhookId !== null);
    if (!api || !registered.length) return;
    let hooks;
    try {
      hooks = await api.list();
    } catch (err) {
      logger.warn({ err: describe(err) }, 'X webhooks could not be listed');
      return;
    }
    for (const row of registered) {
      const hook = hooks.find((w) => w.id === row.webhookId);
      if (hook && hook.valid === row.webhookValid) continue;
      if (!hook) await save(row, null, false, 'X no longer has the webhook: events are polled; Re-validate registers it again.');
      else await save(row, hook.id, hook.valid, hook.valid ? null : 'X holds the webhook invalid (its CRC failed): events are polled meanwhile.');
    }
  }

  return { ensure, revalidate, unsubscribe, refreshStates };
}
export type XWebhookSetup = ReturnType<typeof createXWebhookSetup>;
