import { randomUUID } from 'node:crypto';
import { and, arrayContains, eq, or, sql } from 'drizzle-orm';
import type { SessionCard, SessionEvent, WebhookPayload } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { webhookDeliveries, webhooks } from '../tables/webhooks.ts';

/**
 * Transactional outbox: called inside the transaction that records a session event,
 * it inserts one pending delivery per active webhook of the website subscribed to
 * `session.<type>` (empty list = all). If the session change commits, so do its
 * deliveries; if it rolls back, nothing is sent. Re-enqueueing one event is a no-op.
 */
export async function enqueueWebhookEvent(
  tx: Tx,
  { websiteId, event, card }: { websiteId: string; event: SessionEvent; card: SessionCard },
): Promise<void> {
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.websiteId, websiteId),
        eq(webhooks.active, true),
        or(sql`cardinality(${webhooks.events}) = 0`, arrayContains(webhooks.events, [event.type])),
      ),
    );
  if (targets.length === 0) return;

  const name = `session.${event.type}` as const;
  const rows = targets.map(({ id: webhookId }) => {
    const deliveryId = randomUUID();
    const payload: WebhookPayload = { deliveryId, event: name, occurredAt: event.at, websiteId, session: card, data: event.data };
    // Due "now" by the event's own clock: the dispatcher picks it up on its next tick.
    return { id: deliveryId, webhookId, eventId: event.id, event: name, payload, nextAttemptAt: new Date(event.at) };
  });
  await tx.insert(webhookDeliveries).values(rows).onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.eventId] });
}
