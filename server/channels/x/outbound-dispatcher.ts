import type { Logger } from 'pino';
import type { XDelivery } from '../../../protocol/index.ts';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../db/client.ts';
import type { XAccountRow, XOutboundRow } from '../../db/schema.ts';
import { setXDelivery } from '../../db/stores/messages-store.ts';
import { xAccountById } from '../../db/stores/x-accounts-store.ts';
import { claimDueOutbound, holdWaiting, sentSince, updateOutbound } from '../../db/stores/x-dm-store.ts';
import type { Publisher } from '../../services/publisher.ts';
import type { XOutboundSender, XTokenSource } from './contracts.ts';
import { XApiError, type XHttp } from './x-http.ts';

/**
 * The outbound queue to X (docs/channels/x.md#direct-messages): every node runs one; rows are claimed
 * with `FOR UPDATE SKIP LOCKED` (a claim moves the row's next attempt a lease ahead, so a node that dies
 * mid-send leaves it to another later). Generic over the kinds: a sender per `x_outbound.kind` (`dm`
 * for DMs, `reply`, `like`, `unlike` for public posts: the senders are built in x-runtime.ts).
 *
 * What X answers decides: sent → `x_id` recorded (our echo filter); 429 → held until `x-rate-limit-reset`,
 * with the account's other waiting rows of that kind (`rate_limited_until` records it for the admin); 5xx, timeouts, network → retried with backoff; any other
 * 4xx → refused with X's reason. DMs also keep a local budget (15 per 15 min, 1,440 per day per account,
 * X's own limits), so X is not asked for what it would refuse. Each change of state is written to the
 * message's payload and published to the agents following the conversation (`x:delivery`).
 */
export interface OutboundDispatcherOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  publisher: Publisher;
  http: XHttp;
  tokens: XTokenSource;
  senders: Partial<Record<XOutboundRow['kind'], XOutboundSender>>;
  /** Records X's 429 on the account, for Admin › Channels (`xAccounts.noteRateLimited`). */
  noteRateLimited: (accountId: string, until: Date | null) => Promise<void>;
  /** How often due rows are looked for, besides `kick()` (ms). */
  intervalMs?: number;
  /** Per kind, how many sends X allows per window; DMs: 15 per 15 min and 1,440 per day. */
  budgets?: Partial<Record<XOutboundRow['kind'], Budget[]>>;
}

export interface Budget {
  max: number;
  windowMs: number;
}

export const DM_BUDGETS: Budget[] = [
  { max: 15, windowMs: 15 * 60_000 },
  { max: 1_440, windowMs: 24 * 3_600_000 },
];

/** A claimed row's lease: longer than any one send (the HTTP timeout is 15 s, a media upload a few calls). */
const LEASE_MS = 120_000;
const BATCH = 10;
/** After this many failed attempts of X not answering, the message is refused for good. */
const MAX_ATTEMPTS = 12;
const backoffMs = (attempts: number) => Math.min(10 * 60_000, 2_000 * 2 ** Math.max(0, attempts - 1));

export function createOutboundDispatcher(opts: OutboundDispatcherOptions) {
  const { db, clock, logger, publisher, http, tokens, senders, noteRateLimited } = opts;
  const budgets = { dm: DM_BUDGETS, ...opts.budgets };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  async function settle(row: XOutboundRow, patch: Parameters<typeof updateOutbound>[2]): Promise<void> {
    const updated = await updateOutbound(db, row.id, patch);
    if (!updated?.messageId) return;
    const delivery = { state: updated.state, retryAt: updated.state === 'held' ? updated.nextAttemptAt.toISOString() : null, reason: updated.state === 'refused' ? updated.reason : null };
    // Told only when what the agent sees changes (a retry after a 5xx stays "sending").
    if (delivery.state === row.state && delivery.state !== 'held' && row.attempts > 1) return;
    await setXDelivery(db, updated.messageId, delivery);
    const event: XDelivery = { conversationId: updated.conversationId, messageId: updated.messageId, ...delivery };
    publisher.xDelivery(event);
  }

  /** When the local budget lets this account send another of `kind`, or null now. */
  async function budgetHold(account: XAccountRow, kind: XOutboundRow['kind'], now: Date): Promise<Date | null> {
    let until: Date | null = null;
    for (const b of budgets[kind] ?? []) {
      const sent = await sentSince(db, account.id, kind, new Date(now.getTime() - b.windowMs));
      if (sent.length >= b.max) {
        const free = new Date(sent[sent.length - b.max]!.getTime() + b.windowMs);
        if (!until || free > until) until = free;
      }
    }
    return until;
  }

  async function sendOne(row: XOutboundRow): Promise<void> {
    const now = clock.now();
    const account = await xAccountById(db, row.accountId);
    const sender = senders[row.kind];
    if (!account) return settle(row, { state: 'refused', reason: 'The X account is no longer connected.' });
    if (!sender) return settle(row, { state: 'refused', reason: `This server cannot send "${row.kind}" to X.` });
    // X's limits are per endpoint: a 429 on polling (rate_limited_until, for the admin) does not stop sends.
    const hold = await budgetHold(account, row.kind, now);
    if (hold) return settle(row, { state: 'held', nextAttemptAt: hold, attempts: Math.max(0, row.attempts - 1) });
    try {
      const token = await tokens.accessToken(account);
      const { xId } = await sender({ row, account, token, http });
      await settle(row, { state: 'sent', xId, sentAt: clock.now(), reason: null });
    } catch (err) {
      await failed(row, account, err);
    }
  }

  async function failed(row: XOutboundRow, account: XAccountRow, err: unknown): Promise<void> {
    const now = clock.now();
    if (err instanceof XApiError && err.rateLimited) {
      const until = err.rateLimit.resetAt && err.rateLimit.resetAt > now ? err.rateLimit.resetAt : new Date(now.getTime() + 15 * 60_000);
      await noteRateLimited(account.id, until);
      logger.info({ accountId: account.id, until }, 'X rate limit: outbound held');
      // The account's other messages of this kind wait too, and their agents are told.
      const others = await holdWaiting(db, account.id, row.kind, until);
      for (const other of others.filter((o) => o.id !== row.id && o.messageId)) {
        const delivery = { state: 'held' as const, retryAt: until.toISOString(), reason: null };
        await setXDelivery(db, other.messageId!, delivery);
        publisher.xDelivery({ conversationId: other.conversationId, messageId: other.messageId!, ...delivery });
      }
      // A hold is not a failed attempt: the row keeps its count for the crash check only.
      return settle(row, { state: 'held', nextAttemptAt: until });
    }
    if (err instanceof XApiError && !err.retryable && !err.unauthorized) {
      logger.warn({ rowId: row.id, status: err.status, detail: err.detail }, 'X refused an outbound message');
      return settle(row, { state: 'refused', reason: err.detail ?? err.title });
    }
    // 5xx, timeouts, network, an expired token (refreshed meanwhile): later, unless it never works.
    if (row.attempts >= MAX_ATTEMPTS) return settle(row, { state: 'refused', reason: err instanceof XApiError ? (err.detail ?? err.title) : 'X did not answer.' });
    logger.warn({ err, rowId: row.id, attempts: row.attempts }, 'X outbound send failed; retried later');
    return settle(row, { state: 'pending', nextAttemptAt: new Date(now.getTime() + backoffMs(row.attempts)) });
  }

  /** Claims and sends what is due; returns how many rows were handled. */
  async function tick(): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await db.transaction((tx) => claimDueOutbound(tx, clock.now(), LEASE_MS, BATCH));
      // One account's rows in order (a DM thread reads in the order agents wrote).
      for (const row of rows) await sendOne(row).catch((err: unknown) => logger.error({ err, rowId: row.id }, 'X outbound row failed'));
      handled += rows.length;
      if (rows.length < BATCH || stopped) return handled;
    }
  }

  /** Runs a tick now (or right after the running one): an agent's message was just queued. */
  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .catch((err: unknown) => {
        logger.warn({ err }, 'X outbound dispatcher tick failed');
        return 0;
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  function start(): void {
    stopped = false;
    timer = setInterval(kick, opts.intervalMs ?? 1_000);
    timer.unref();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearInterval(timer);
    timer = null;
    await running;
  }

  return { tick, kick, start, stop };
}
export type OutboundDispatcher = ReturnType<typeof createOutboundDispatcher>;
