import { and, eq, inArray, sql } from 'drizzle-orm';
import { must } from '../must.ts';
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
 * name follow what X says now, and so does the contact's name while it is still the one X gave (an
 * agent's own edit stays). Serialised per X user (a transaction-scoped advisory lock), so a DM and a
 * post, or a webhook delivery and a poll on two nodes, make one contact.
 */
export async function upsertXContact(tx: Tx, input: { websiteId: string; xUserId: string; username: string; name: string | null }): Promise<XContactRow> {
  const { websiteId, xUserId, username, name } = input;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`x-contact:${websiteId}:${xUserId}`}))`);
  const [found] = await tx.select().from(xContacts).where(and(eq(xContacts.websiteId, websiteId), eq(xContacts.xUserId, xUserId)));
  if (found) {
    if (found.username !== username || (name !== null && found.name !== name)) {
      await tx
        .update(xContacts)
        .set({ username, name: name ?? found.name, updatedAt: sql`now()` })
        .where(and(eq(xContacts.websiteId, websiteId), eq(xContacts.xUserId, xUserId)));
      const fromX = [found.name, `@${found.username}`].filter((n): n is string => n !== null);
      await tx
        .update(contacts)
        .set({ name: name ?? `@${username}`, attributes: sql`${contacts.attributes} || jsonb_build_object('x_username', ${username}::text)` })
        .where(and(eq(contacts.id, found.contactId), inArray(contacts.name, fromX)));
    }
    return { websiteId, xUserId, contactId: found.contactId, username, name: name ?? found.name };
  }
  const [contact] = await tx.insert(contacts).values({ websiteId, name: name ?? `@${username}`, attributes: { x_username: username } }).returning({ id: contacts.id });
  const row = { websiteId, xUserId, contactId: must(contact, 'INTERNAL').id, username, name };
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
