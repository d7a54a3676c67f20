import { createHash } from 'node:crypto';
import type { XInboundSink } from '../channels/x/contracts.ts';
import { eventsOfWebhook, webhookHead } from '../channels/x/inbound-schemas.ts';
import { claimInbox, deleteInbox, postponeInbox, forgetSeenEvents, recordDelivery, xAccountByUserId } from '../db/stores/x-dm-store.ts';
import { xAccountById } from '../db/stores/x-accounts-store.ts';
import type { XInboxRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import { RetryLater } from './x-dm-service.ts';

/**
 * Signed X webhook deliveries, after the route checked the signature (docs/channels/x.md#receiving):
 * `accept` stores the body in the inbox (deduplicated by `event_uuid`, in the same transaction) and the
 * route answers 200 at once; `process` then hands the events to the sink. A node that dies between the
 * two leaves the inbox row, which `sweep` (any node, on a timer) takes up after its lease; a failure
 * backs off. Duplicates (X delivers some) stop at the dedupe key; the sink is idempotent besides.
 */
export interface XInboundDeps extends ServiceDeps {
  sink: XInboundSink;
}

/** A claimed row is retried after this long if its node did not finish it (died, or the sink failed). */
const LEASE_MS = 30_000;
/** Failures back off up to this (an account deleted meanwhile, X payloads we cannot store…). */
const MAX_BACKOFF_MS = 3_600_000;
/** Deduplication keys are kept this long: X redelivers within minutes. */
const SEEN_TTL_MS = 3 * 24 * 3_600_000;

export type AcceptOutcome = { kind: 'stored'; inboxId: string } | { kind: 'duplicate' } | { kind: 'ignored'; reason: string };

export function createXInboundService({ db, clock, logger, sink }: XInboundDeps) {
  const running = new Set<Promise<void>>();

  async function accept(body: unknown, rawBody: Uint8Array): Promise<AcceptOutcome> {
    const head = webhookHead(body);
    if (!head) return { kind: 'ignored', reason: 'not an X activity body' };
    const account = await xAccountByUserId(db, head.userId);
    if (!account) return { kind: 'ignored', reason: `no connected account for X user ${head.userId}` };
    // Old AAA bodies carry no event uuid: their bytes stand in (X resends the same bytes).
    const eventUuid = head.eventUuid ?? `aaa:${createHash('sha256').update(rawBody).digest('base64url')}`;
    const row = await db.transaction((tx) => recordDelivery(tx, account.id, eventUuid, body));
    return row ? { kind: 'stored', inboxId: row.id } : { kind: 'duplicate' };
  }

  /** Processes one inbox row now (right after `accept`), in the background; errors are logged and retried by `sweep`. */
  function processSoon(inboxId: string): void {
    const run = (async () => {
      const [row] = await db.transaction((tx) => claimInbox(tx, clock.now(), LEASE_MS, 1, inboxId));
      if (row) await processRow(row);
    })()
      .catch((err: unknown) => logger.warn({ err, inboxId }, 'X webhook delivery not processed yet'))
      .finally(() => running.delete(run));
    running.add(run);
  }

  async function processRow(row: XInboxRow): Promise<void> {
    const account = await xAccountById(db, row.accountId);
    if (!account) return deleteInbox(db, row.id);
    const events = eventsOfWebhook(row.body, { id: account.xUserId, username: account.username });
    if (events.ignored.length) logger.info({ eventUuid: row.eventUuid, ignored: events.ignored }, 'X webhook: parts ignored');
    try {
      for (const dm of events.dms) await sink.dm(account, dm);
      for (const post of events.posts) await sink.post(account, post);
      await deleteInbox(db, row.id);
    } catch (err) {
      // Next try after a backoff that grows with the attempts (the claim set the lease already).
      const backoff = err instanceof RetryLater ? 2_000 : Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.min(row.attempts, 12));
      await postponeInbox(db, row.id, new Date(clock.now().getTime() + backoff));
      if (!(err instanceof RetryLater)) throw err;
    }
  }

  /** Claims and processes due rows (left by a node that died, or failed before); returns how many. */
  async function sweep(limit = 20): Promise<number> {
    const rows = await db.transaction((tx) => claimInbox(tx, clock.now(), LEASE_MS, limit));
    for (const row of rows) {
      await processRow(row).catch((err: unknown) => logger.warn({ err, eventUuid: row.eventUuid }, 'X webhook delivery failed; retried later'));
    }
    return rows.length;
  }

  async function forgetOldEvents(): Promise<void> {
    await db.transaction((tx) => forgetSeenEvents(tx, new Date(clock.now().getTime() - SEEN_TTL_MS)));
  }

  /** Waits for the deliveries being processed in the background (graceful close, tests). */
  async function drain(): Promise<void> {
    while (running.size) await Promise.allSettled([...running]);
  }

  return { accept, processSoon, sweep, forgetOldEvents, drain };
}
export type XInboundService = ReturnType<typeof createXInboundService>;
