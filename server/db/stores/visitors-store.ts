import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { contacts, visitors, type ContactRow, type VisitorRow } from '../schema.ts';

/** Browser identities (visitors) and the people behind them (contacts). */

export async function createVisitorWithContact(tx: Tx, websiteId: string): Promise<{ visitor: VisitorRow; contact: ContactRow }> {
  const [contact] = await tx.insert(contacts).values({ websiteId }).returning();
  const [visitor] = await tx.insert(visitors).values({ websiteId, contactId: contact!.id }).returning();
  return { visitor: visitor!, contact: contact! };
}

export async function visitorById(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [row] = await tx.select().from(visitors).where(eq(visitors.id, id));
  return row ?? null;
}

/** The visitor a contact's first browser created (used when a first send is retried without its token). */
export async function visitorOfContact(tx: Tx, contactId: string): Promise<VisitorRow | null> {
  const [row] = await tx.select().from(visitors).where(eq(visitors.contactId, contactId)).orderBy(visitors.createdAt).limit(1);
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

/** Invalidates every token issued so far for this visitor. */
export async function revokeVisitorTokens(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [row] = await tx
    .update(visitors)
    .set({ tokenVersion: sql`${visitors.tokenVersion} + 1` })
    .where(eq(visitors.id, id))
    .returning();
  return row ?? null;
}
