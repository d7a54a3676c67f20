import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { WebhookPayload } from '../../../protocol/index.ts';
import type { Db } from '../client.ts';
import { webhookDeliveries, webhooks } from '../tables/webhooks.ts';

/** The dispatcher's queries: claim due deliveries under a lease, then record each attempt's outcome. */

export interface ClaimedDelivery {
  id: string;
  leaseId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  event: string;
  payload: WebhookPayload;
  url: string;
  /** The webhook's signing secret as stored, encrypted (server/keys/credential-cipher.ts): decrypted to sign. */
  storedSecret: string;
}

/**
 * Claims up to `limit` due deliveries of active webhooks. `SKIP LOCKED` lets several
 * nodes claim side by side without waiting on or double-taking each other's rows;
 * pushing `next_attempt_at` to the lease end makes a crashed node's claims due again.
 */
export async function claimDueDeliveries(db: Db, opts: { now: Date; limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, opts.now), eq(webhooks.active, true)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(opts.limit)
      .for('update', { of: webhookDeliveries, skipLocked: true });
    if (due.length === 0) return [];
    const leaseId = randomUUID();
    const claimed = await tx
      .update(webhookDeliveries)
      .set({
        leaseId,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        nextAttemptAt: new Date(opts.now.getTime() + opts.leaseMs),
        lastAttemptAt: opts.now,
        updatedAt: opts.now,
      })
      .where(inArray(webhookDeliveries.id, due.map((d) => d.id)))
      .returning({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts, event: webhookDeliveries.event, payload: webhookDeliveries.payload, webhookId: webhookDeliveries.webhookId });
    const hooks = await tx
      .select({ id: webhooks.id, url: webhooks.url, secret: webhooks.secret })
      .from(webhooks)
      .where(inArray(webhooks.id, [...new Set(claimed.map((c) => c.webhookId))]));
    const byId = new Map(hooks.map((h) => [h.id, h]));
    return claimed.map((c) => {
      const hook = byId.get(c.webhookId)!;
      return { id: c.id, leaseId, attempt: c.attempts, event: c.event, payload: c.payload, url: hook.url, storedSecret: hook.secret };
    });
  });
}

export type AttemptOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; /** null = give up (attempts exhausted) */ retryAt: Date | null };

/** Records an attempt; ignored if the lease was lost (reclaimed after expiry, or reset by a redelivery). */
export async function recordAttempt(db: Db, claim: Pick<ClaimedDelivery, 'id' | 'leaseId'>, outcome: AttemptOutcome, now: Date): Promise<void> {
  const fence = and(eq(webhookDeliveries.id, claim.id), eq(webhookDeliveries.leaseId, claim.leaseId), eq(webhookDeliveries.status, 'pending'));
  const common = { leaseId: null, lastStatus: outcome.status, updatedAt: now };
  if (outcome.ok) {
    await db.update(webhookDeliveries).set({ ...common, status: 'delivered', lastError: null, deliveredAt: now }).where(fence);
  } else if (outcome.retryAt) {
    await db.update(webhookDeliveries).set({ ...common, lastError: outcome.error, nextAttemptAt: outcome.retryAt }).where(fence);
  } else {
    await db.update(webhookDeliveries).set({ ...common, status: 'failed', lastError: outcome.error }).where(fence);
  }
}
