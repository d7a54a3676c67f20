import { and, asc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { must } from '../must.ts';
import { conversations, xAccounts, xContacts, xEventsSeen, xInbox, xOutbound, xPollLeases, type ConversationRow, type XAccountRow, type XInboxRow, type XOutboundRow } from '../schema.ts';

/** The SQL of receiving X direct messages and of the outbound queue (issue 19). */

export async function xAccountByUserId(tx: Tx, xUserId: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.xUserId, xUserId));
  return row ?? null;
}

export async function allXAccounts(tx: Tx): Promise<XAccountRow[]> {
  return tx.select().from(xAccounts);
}

// ── the inbox of webhook deliveries ────────────────────────────────────────

/** Seen before (a duplicate delivery): null. Otherwise the inbox row, written with the event's uuid in one statement each, same transaction. */
export async function recordDelivery(tx: Tx, accountId: string, eventUuid: string, body: unknown): Promise<XInboxRow | null> {
  const seen = await tx.insert(xEventsSeen).values({ accountId, eventUuid }).onConflictDoNothing().returning();
  if (!seen.length) return null;
  const [row] = await tx.insert(xInbox).values({ accountId, eventUuid, body }).returning();
  return must(row, 'INTERNAL');
}

/**
 * Claims due inbox rows (one, by id, or the oldest due): their next attempt moves `leaseMs` on, so a
 * node that dies while processing leaves them to another node later; SKIP LOCKED keeps two nodes apart.
 */
export async function claimInbox(tx: Tx, now: Date, leaseMs: number, limit: number, id?: string): Promise<XInboxRow[]> {
  const due = tx
    .select({ id: xInbox.id })
    .from(xInbox)
    .where(and(lte(xInbox.nextAttemptAt, now), id ? eq(xInbox.id, id) : undefined))
    .orderBy(asc(xInbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return tx
    .update(xInbox)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${xInbox.attempts} + 1` })
    .where(inArray(xInbox.id, due))
    .returning();
}

export async function deleteInbox(tx: Tx, id: string): Promise<void> {
  await tx.delete(xInbox).where(eq(xInbox.id, id));
}

export async function postponeInbox(tx: Tx, id: string, at: Date): Promise<void> {
  await tx.update(xInbox).set({ nextAttemptAt: at }).where(eq(xInbox.id, id));
}

/** Deduplication keys older than `before` (X redelivers within minutes, not days). */
export async function forgetSeenEvents(tx: Tx, before: Date): Promise<void> {
  await tx.delete(xEventsSeen).where(lte(xEventsSeen.receivedAt, before));
}

// ── contacts and conversations (created by x-contacts-store.ts and x-public-store.ts) ──

/** The X user behind a contact on this website (for the DM sender: who to write to). */
export async function xUserOfContact(tx: Tx, websiteId: string, contactId: string): Promise<{ xUserId: string; username: string } | null> {
  const [row] = await tx.select({ xUserId: xContacts.xUserId, username: xContacts.username }).from(xContacts).where(and(eq(xContacts.websiteId, websiteId), eq(xContacts.contactId, contactId)));
  return row ?? null;
}

export async function channelOfConversation(tx: Tx, conversationId: string): Promise<ConversationRow['channel'] | null> {
  const [row] = await tx.select({ channel: conversations.channel }).from(conversations).where(eq(conversations.id, conversationId));
  return row?.channel ?? null;
}

// ── the outbound queue ─────────────────────────────────────────────────────

export async function insertOutbound(tx: Tx, values: typeof xOutbound.$inferInsert): Promise<XOutboundRow | null> {
  const [row] = await tx.insert(xOutbound).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function outboundByXId(tx: Tx, accountId: string, xId: string): Promise<XOutboundRow | null> {
  const [row] = await tx.select().from(xOutbound).where(and(eq(xOutbound.accountId, accountId), eq(xOutbound.xId, xId)));
  return row ?? null;
}

export async function outboundOfMessage(tx: Tx, messageId: string): Promise<XOutboundRow | null> {
  const [row] = await tx.select().from(xOutbound).where(eq(xOutbound.messageId, messageId));
  return row ?? null;
}

/** Rows of this conversation already attempted but not settled: X may have sent one whose answer we have not recorded yet. */
export async function unsettledAttempts(tx: Tx, conversationId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(xOutbound)
    .where(and(eq(xOutbound.conversationId, conversationId), inArray(xOutbound.state, ['pending', 'held']), sql`${xOutbound.attempts} > 0`, isNull(xOutbound.xId)));
  return row?.n ?? 0;
}

/** Claims due rows (pending, or held past their time), moving their next attempt `leaseMs` on; SKIP LOCKED across nodes. */
export async function claimDueOutbound(tx: Tx, now: Date, leaseMs: number, limit: number): Promise<XOutboundRow[]> {
  const due = tx
    .select({ id: xOutbound.id })
    .from(xOutbound)
    .where(and(inArray(xOutbound.state, ['pending', 'held']), lte(xOutbound.nextAttemptAt, now)))
    .orderBy(asc(xOutbound.nextAttemptAt), asc(xOutbound.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return tx
    .update(xOutbound)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${xOutbound.attempts} + 1` })
    .where(inArray(xOutbound.id, due))
    .returning();
}

export async function updateOutbound(tx: Tx, id: string, patch: Partial<Pick<XOutboundRow, 'state' | 'nextAttemptAt' | 'xId' | 'reason' | 'sentAt' | 'attempts'>>): Promise<XOutboundRow | null> {
  const [row] = await tx.update(xOutbound).set(patch).where(eq(xOutbound.id, id)).returning();
  return row ?? null;
}

/** X's limit answered for one of these: every other waiting row of the account and kind waits with it (X would refuse them too). */
export async function holdWaiting(tx: Tx, accountId: string, kind: XOutboundRow['kind'], until: Date): Promise<XOutboundRow[]> {
  return tx
    .update(xOutbound)
    .set({ state: 'held', nextAttemptAt: until })
    .where(and(eq(xOutbound.accountId, accountId), eq(xOutbound.kind, kind), inArray(xOutbound.state, ['pending', 'held']), lte(xOutbound.nextAttemptAt, until)))
    .returning();
}

/** Pushes an account's next poll of `kind` to `until` (X's reset after a 429). */
export async function deferPoll(tx: Tx, accountId: string, kind: 'dm' | 'mentions', until: Date): Promise<void> {
  await tx.update(xPollLeases).set({ dueAt: until }).where(and(eq(xPollLeases.accountId, accountId), eq(xPollLeases.kind, kind)));
}

/** DMs this account sent since `since`, oldest first (the local budget: 15 per 15 min, 1,440 per day). */
export async function sentSince(tx: Tx, accountId: string, kind: XOutboundRow['kind'], since: Date): Promise<Date[]> {
  const rows = await tx
    .select({ at: xOutbound.sentAt })
    .from(xOutbound)
    .where(and(eq(xOutbound.accountId, accountId), eq(xOutbound.kind, kind), eq(xOutbound.state, 'sent'), gte(xOutbound.sentAt, since)))
    .orderBy(asc(xOutbound.sentAt));
  return rows.map((r) => r.at!).filter(Boolean);
}

/** X ids already recorded for this account among `ids` (the crash check before a resend). */
export async function knownXIds(tx: Tx, accountId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx.select({ xId: xOutbound.xId }).from(xOutbound).where(and(eq(xOutbound.accountId, accountId), inArray(xOutbound.xId, ids)));
  return new Set(rows.map((r) => r.xId!));
}

// ── polling ────────────────────────────────────────────────────────────────

/** Claims the account's next poll of `kind`: one node wins per interval (the lease moves on atomically). */
export async function claimPoll(tx: Tx, accountId: string, kind: 'dm' | 'mentions', now: Date, intervalMs: number): Promise<boolean> {
  await tx.insert(xPollLeases).values({ accountId, kind, dueAt: now }).onConflictDoNothing();
  const rows = await tx
    .update(xPollLeases)
    .set({ dueAt: new Date(now.getTime() + intervalMs) })
    .where(and(eq(xPollLeases.accountId, accountId), eq(xPollLeases.kind, kind), lte(xPollLeases.dueAt, now)))
    .returning();
  return rows.length > 0;
}

export async function setDmCursor(tx: Tx, accountId: string, cursor: string): Promise<void> {
  await tx.update(xAccounts).set({ dmCursor: cursor, updatedAt: sql`now()` }).where(eq(xAccounts.id, accountId));
}

export async function setMentionsSinceId(tx: Tx, accountId: string, sinceId: string): Promise<void> {
  await tx.update(xAccounts).set({ mentionsSinceId: sinceId, updatedAt: sql`now()` }).where(eq(xAccounts.id, accountId));
}
