import { and, asc, eq } from 'drizzle-orm';
import type { Offer } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { contacts, conversations, offers, queues, sessions } from '../schema.ts';

/** Offers as the desktop receives them. */

export async function offerPayload(tx: Tx, offerId: string): Promise<Offer | null> {
  const [r] = await tx
    .select({ o: offers, s: sessions, queueName: queues.name, contactId: contacts.id, contactName: contacts.name, preview: conversations.lastMessageText })
    .from(offers)
    .innerJoin(sessions, eq(sessions.id, offers.sessionId))
    .innerJoin(conversations, eq(conversations.id, sessions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(queues, eq(queues.id, sessions.queueId))
    .where(eq(offers.id, offerId));
  if (!r) return null;
  return {
    id: r.o.id,
    sessionId: r.s.id,
    conversationId: r.s.conversationId,
    queue: { id: r.s.queueId ?? r.s.id, name: r.queueName ?? '' },
    contact: { id: r.contactId, name: r.contactName },
    preview: r.preview,
    transferredBy: r.s.transferredBy,
    returning: r.s.preferredAgentId !== null && r.s.preferredAgentId === r.o.agentId,
    offeredAt: r.o.offeredAt.toISOString(),
    expiresAt: r.o.expiresAt.toISOString(),
  };
}

export async function pendingOffersOf(tx: Tx, agentId: string): Promise<Offer[]> {
  const rows = await tx.select({ id: offers.id }).from(offers).where(and(eq(offers.agentId, agentId), eq(offers.outcome, 'pending'))).orderBy(asc(offers.offeredAt));
  const out: Offer[] = [];
  for (const r of rows) {
    const o = await offerPayload(tx, r.id);
    if (o) out.push(o);
  }
  return out;
}

export type OfferRow = typeof offers.$inferSelect;
export type OfferOutcome = OfferRow['outcome'];

export async function insertOffer(tx: Tx, values: typeof offers.$inferInsert): Promise<void> {
  await tx.insert(offers).values(values);
}

export async function offerById(tx: Tx, offerId: string): Promise<OfferRow | null> {
  const [row] = await tx.select().from(offers).where(eq(offers.id, offerId));
  return row ?? null;
}

/** The offer, locked until the transaction ends. */
export async function lockOffer(tx: Tx, offerId: string): Promise<OfferRow | null> {
  const [row] = await tx.select().from(offers).where(eq(offers.id, offerId)).for('update');
  return row ?? null;
}

/** The session's pending offer (one at most: a partial unique index), locked. */
export async function lockPendingOfferOfSession(tx: Tx, sessionId: string): Promise<OfferRow | null> {
  const [row] = await tx.select().from(offers).where(and(eq(offers.sessionId, sessionId), eq(offers.outcome, 'pending'))).for('update');
  return row ?? null;
}

/** The agent's pending offers, by session (the lock order of the sessions they lead to). */
export async function pendingOfferRowsOf(tx: Tx, agentId: string): Promise<OfferRow[]> {
  return tx.select().from(offers).where(and(eq(offers.agentId, agentId), eq(offers.outcome, 'pending'))).orderBy(asc(offers.sessionId));
}

export async function decideOffer(tx: Tx, offerId: string, outcome: OfferOutcome, at: Date): Promise<void> {
  await tx.update(offers).set({ outcome, decidedAt: at }).where(eq(offers.id, offerId));
}
