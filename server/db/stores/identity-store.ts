import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { contacts, conversations, messages, visitors, type ContactRow, type ConversationRow, type VisitorRow } from '../schema.ts';
import { conversationOfContact, createConversation } from './conversations-store.ts';
import { must } from '../must.ts';

/** Rows behind verified identities (issue 6): contacts by the site's user id, browsers moving to them. */

/** The contact whose external id is `externalId`, created or refreshed (verified, profile from the claims). */
export async function upsertVerifiedContact(
  tx: Tx,
  websiteId: string,
  externalId: string,
  fields: { name?: string; email?: string; phone?: string },
): Promise<ContactRow> {
  const [row] = await tx
    .insert(contacts)
    .values({ websiteId, externalId, verified: true, ...fields })
    .onConflictDoUpdate({ target: [contacts.websiteId, contacts.externalId], set: { verified: true, ...fields } })
    .returning();
  return row!;
}

/** The visitor row, locked so concurrent identify/logout on one browser serialise. */
export async function lockVisitor(tx: Tx, id: string): Promise<VisitorRow | null> {
  const [row] = await tx.select().from(visitors).where(eq(visitors.id, id)).for('update');
  return row ?? null;
}

export async function lockContact(tx: Tx, id: string): Promise<ContactRow | null> {
  const [row] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
  return row ?? null;
}

export async function createVisitorFor(tx: Tx, websiteId: string, contactId: string): Promise<VisitorRow> {
  const [row] = await tx.insert(visitors).values({ websiteId, contactId }).returning();
  return row!;
}

/** Moves a browser to another contact; bumping the version retires every token issued before the move. */
export async function moveVisitor(tx: Tx, id: string, contactId: string): Promise<VisitorRow> {
  const [row] = await tx
    .update(visitors)
    .set({ contactId, tokenVersion: sql`${visitors.tokenVersion} + 1`, lastSeenAt: sql`now()` })
    .where(eq(visitors.id, id))
    .returning();
  return must(row, 'NOT_FOUND', 'No such visitor.');
}

/** Hands a conversation to another contact; the visitor's past messages are re-authored to it. */
export async function adoptConversation(tx: Tx, conversationId: string, fromContactId: string, toContactId: string): Promise<void> {
  await tx.update(conversations).set({ contactId: toContactId }).where(eq(conversations.id, conversationId));
  await tx
    .update(messages)
    .set({ authorId: toContactId })
    .where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, 'visitor'), eq(messages.authorId, fromContactId)));
}

/** Removes a contact nothing points at any more (an anonymous one whose browser and thread moved on). */
export async function deleteContactIfUnused(tx: Tx, id: string): Promise<void> {
  await tx
    .delete(contacts)
    .where(
      and(
        eq(contacts.id, id),
        sql`not exists (select 1 from ${visitors} where ${visitors.contactId} = ${id})`,
        sql`not exists (select 1 from ${conversations} where ${conversations.contactId} = ${id})`,
      ),
    );
}

export async function setContactAttributes(tx: Tx, id: string, attributes: Record<string, string>): Promise<ContactRow> {
  const [row] = await tx.update(contacts).set({ attributes }).where(eq(contacts.id, id)).returning();
  return must(row, 'NOT_FOUND', 'No such contact.');
}

/**
 * The contact's conversation, created if none: several browsers of one verified user may write
 * their first message at once, and a per-contact lock makes them share one thread.
 */
export async function ensureConversationOfContact(tx: Tx, websiteId: string, contactId: string): Promise<ConversationRow> {
  await lockContactThread(tx, contactId);
  return (await conversationOfContact(tx, websiteId, contactId)) ?? (await createConversation(tx, { websiteId, contactId }));
}

/** Serialises "does this contact have a thread yet?" decisions (first sends, adoption) until commit. */
export async function lockContactThread(tx: Tx, contactId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`contact-conversation:${contactId}`}, 0))`);
}
