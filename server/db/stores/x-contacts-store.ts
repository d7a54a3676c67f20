import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { contacts, xContacts } from '../schema.ts';

/**
 * X users as contacts (issue 19), matched by X user id, never by handle (handles change). Shared by
 * the DM and public-post ingestion: `upsertXContact` is the one way an X user becomes a contact.
 */
export interface XContactRow {
  websiteId: string;
  xUserId: string;
  contactId: string;
  username: string;
  name: string | null;
}

/**
 * The contact behind this X user on this website, created on first sight; the handle and display
 * name follow what X says now. Serialised per X user (a transaction-scoped advisory lock), so a
 * webhook delivery and a poll of the same user on two nodes make one contact.
 */
export async function upsertXContact(tx: Tx, input: { websiteId: string; xUserId: string; username: string; name: string | null }): Promise<XContactRow> {
  // The same key and hash as x-dm's ensureXContact (server/db/stores/x-dm-store.ts), so both paths serialise on one lock.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`x-contact:${input.websiteId}:${input.xUserId}`}))`);
  const [found] = await tx.select().from(xContacts).where(and(eq(xContacts.websiteId, input.websiteId), eq(xContacts.xUserId, input.xUserId)));
  if (found) {
    if (found.username !== input.username || (input.name !== null && found.name !== input.name)) {
      await tx
        .update(xContacts)
        .set({ username: input.username, name: input.name ?? found.name, updatedAt: sql`now()` })
        .where(and(eq(xContacts.websiteId, input.websiteId), eq(xContacts.xUserId, input.xUserId)));
    }
    return { ...found, username: input.username, name: input.name ?? found.name };
  }
  const [contact] = await tx.insert(contacts).values({ websiteId: input.websiteId, name: input.name ?? `@${input.username}` }).returning({ id: contacts.id });
  const row = { websiteId: input.websiteId, xUserId: input.xUserId, contactId: contact!.id, username: input.username, name: input.name };
  await tx.insert(xContacts).values(row);
  return row;
}

/** The X accounts behind a contact (several once contacts were linked). */
export async function xContactsOf(tx: Tx, contactId: string): Promise<XContactRow[]> {
  return tx
    .select({ websiteId: xContacts.websiteId, xUserId: xContacts.xUserId, contactId: xContacts.contactId, username: xContacts.username, name: xContacts.name })
    .from(xContacts)
    .where(eq(xContacts.contactId, contactId))
    .orderBy(xContacts.updatedAt);
}

/** Points every X user of `fromContactId` at `toContactId` (linking contacts). */
export async function moveXContacts(tx: Tx, fromContactId: string, toContactId: string): Promise<number> {
  const rows = await tx.update(xContacts).set({ contactId: toContactId, updatedAt: sql`now()` }).where(eq(xContacts.contactId, fromContactId)).returning({ id: xContacts.xUserId });
  return rows.length;
}
