import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { contacts, conversations, messages, visitors, type ContactRow, type MessageRow, type VisitorRow } from '../schema.ts';

/** Browser identities (visitors) and the people behind them (contacts). */

/** A first send's rows; `firstSendProofHash` lets a retry of that send from another socket prove it is the same browser. */
export async function createVisitorWithContact(tx: Tx, websiteId: string, firstSendProofHash: string | null = null): Promise<{ visitor: VisitorRow; contact: ContactRow }> {
  const [contact] = await tx.insert(contacts).values({ websiteId }).returning();
  const [visitor] = await tx.insert(visitors).values({ websiteId, contactId: contact!.id, firstSendProofHash }).returning();
  return { visitor: visitor!, contact: contact! };
}

/**
 * The first message `clientId` on this website written by the holder of the proof, with the visitor row
 * that send created (its contact owns the conversation). Null for anyone else. Several conversations may
 * start with one client id (whoever replays it without the proof starts their own): only the proof tells
 * whose this one is. Starts from the partial index of first messages by client id.
 */
export async function provenFirstSend(tx: Tx, websiteId: string, clientId: string, proofHash: string): Promise<{ visitor: VisitorRow; message: MessageRow } | null> {
  const [row] = await tx
    .select({ visitor: visitors, message: messages })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(visitors, and(eq(visitors.contactId, conversations.contactId), eq(visitors.firstSendProofHash, proofHash)))
    .where(and(eq(messages.clientId, clientId), sql`${messages.seq} = 1`, eq(messages.authorKind, 'visitor'), eq(conversations.websiteId, websiteId), eq(visitors.websiteId, websiteId)))
    .limit(1);
  return row ?? null;
}

export async function visitorById(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [row] = await tx.select().from(visitors).where(eq(visitors.id, id));
  return row ?? null;
}

/** A returning visitor in one query: their row and their contact's latest conversation on that website (or null). */
export async function visitorWithConversation(tx: Tx, id: string): Promise<{ visitor: VisitorRow; conversationId: string | null } | null> {
  // Spelled out with an alias: drizzle renders a bare column without its table here, which would
  // make the subquery compare the conversation's own columns and answer someone else's thread.
  const latest = sql<string | null>`(
    select c.id from conversations c
    where c.website_id = "visitors"."website_id" and c.contact_id = "visitors"."contact_id"
    order by c.created_at desc limit 1)`;
  const [row] = await tx.select({ visitor: visitors, conversationId: latest }).from(visitors).where(eq(visitors.id, id));
  return row ?? null;
}

/** Marks visitors as seen now (one statement for many). */
export async function touchVisitors(tx: Tx, ids: string[]): Promise<void> {
  if (ids.length) await tx.update(visitors).set({ lastSeenAt: sql`now()` }).where(inArray(visitors.id, ids));
}

/**
 * Retires the tokens of every browser signed in as a verified user of this website (its contact has the
 * site's user id); anonymous visitors keep theirs. Answers the ids of the rows retired.
 */
export async function revokeVerifiedVisitorTokens(tx: Tx, websiteId: string): Promise<string[]> {
  const verified = tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.websiteId, websiteId), isNotNull(contacts.externalId)));
  const rows = await tx
    .update(visitors)
    .set({ tokenVersion: sql`${visitors.tokenVersion} + 1` })
    .where(and(eq(visitors.websiteId, websiteId), inArray(visitors.contactId, verified)))
    .returning({ id: visitors.id });
  return rows.map((r) => r.id);
}

/** Invalidates every token issued so far for this visitor. */
export async function revokeVisitorTokens(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [row] = await tx
    .update(visitors)
    .set({ tokenVersion: sql`${visitors.tokenVersion} + 1` })
    .where(eq(visitors.id, id))
    .returning();
  return row ?? null;
}

/** Held until the transaction ends: two racing retries of one first message serialise instead of creating two visitors. */
export async function lockFirstSend(tx: Tx, websiteId: string, clientId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${websiteId}:${clientId}`}, 0))`);
}
