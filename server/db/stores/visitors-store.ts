import { eq, sql } from 'drizzle-orm';
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

export async function touchVisitor(tx: Tx, id: string): Promise<void> {
  await tx.update(visitors).set({ lastSeenAt: sql`now()` }).where(eq(visitors.id, id));
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
