import { and, desc, eq, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Contact, ContactListItem, ConversationChannel } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { inIds } from './in-ids.ts';
import { contacts, conversations, sessions, visitors, xContacts, type ContactRow } from '../schema.ts';

/** Contacts as the desk sees them: profile, channel identities, search for the Communication tab. */

const OPEN_STATES = ['bot', 'waiting', 'offered', 'active', 'wrap_up'] as const;

export async function contactById(tx: Tx, id: string): Promise<ContactRow | null> {
  const [row] = await tx.select().from(contacts).where(eq(contacts.id, id));
  return row ?? null;
}

/**
 * Web identities are the contact's browsers (visitors); verified follows the contact's flag.
 * A contact the site identified also shows its user id there (`account`).
 */
export async function toContact(tx: Tx, row: ContactRow): Promise<Contact> {
  const browsers = await tx.select({ id: visitors.id }).from(visitors).where(eq(visitors.contactId, row.id)).orderBy(visitors.createdAt);
  // X users are matched by id (issue 19): the handle shown, the id kept beside it.
  const xUsers = await tx.select({ id: xContacts.xUserId, username: xContacts.username }).from(xContacts).where(eq(xContacts.contactId, row.id)).orderBy(xContacts.updatedAt);
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    verified: row.verified,
    attributes: Object.fromEntries(Object.entries(row.attributes ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    identities: [
      ...(row.externalId ? [{ channel: 'account' as const, value: row.externalId, verified: row.verified }] : []),
      ...browsers.map((b) => ({ channel: 'web' as const, value: b.id, verified: row.verified })),
      ...xUsers.map((u) => ({ channel: 'twitter' as const, value: `@${u.username}`, externalId: u.id, verified: false })),
    ],
    createdAt: row.createdAt.toISOString(),
  };
}

export async function updateContact(tx: Tx, id: string, patch: Partial<Pick<ContactRow, 'name' | 'email' | 'phone' | 'attributes' | 'verified'>>): Promise<ContactRow | null> {
  const [row] = await tx.update(contacts).set(patch).where(eq(contacts.id, id)).returning();
  return row ?? null;
}

/** A contact whose X handle matches (with or without its @). */
const byXHandle = (pattern: string) =>
  sql`exists (select 1 from x_contacts xc where xc.contact_id = ${contacts.id} and ('@' || xc.username) ilike ${pattern})`;

/** The first (latest) row of each contact. */
function latestPerContact<R extends { contact: { id: string } }>(rows: R[]): R[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.contact.id) && !!seen.add(r.contact.id));
}

const escapeLike = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Contacts with a conversation, most recent activity first; `query` matches name, email or phone. */
/**
 * `websiteIds`: the caller's scope (null = every website). `channels`: which conversations count (the
 * Communication tab's Private filter: web and X direct messages; Public: X public threads). A contact
 * with several conversations (web and X, once linked) is listed once, by its latest one.
 */
export async function searchContacts(tx: Tx, query: string, limit: number, websiteIds: string[] | null, channels?: readonly ConversationChannel[]): Promise<ContactListItem[]> {
  const pattern = `%${escapeLike(query)}%`;
  // Anonymous visitors are shown as "Visitor 1a2b3c" (the id's first hex digits): that label finds them too.
  const shortId = /^(?:visitor\s+|visiteur\s+)?([0-9a-f]{4,32})$/i.exec(query.trim())?.[1]?.toLowerCase();
  const byShortId = shortId ? sql`replace(${contacts.id}::text, '-', '') like ${`${shortId}%`}` : undefined;
  const rows = await tx
    .select({ contact: contacts, conv: conversations })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        query ? or(ilike(contacts.name, pattern), ilike(contacts.email, pattern), ilike(contacts.phone, pattern), byShortId, byXHandle(pattern)) : undefined,
        websiteIds ? inIds(conversations.websiteId, websiteIds) : undefined,
        channels ? inArray(conversations.channel, [...channels]) : undefined,
      ),
    )
    .orderBy(desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`))
    .limit(channels ? limit * 3 : limit)
    .then((found) => (channels ? latestPerContact(found).slice(0, limit) : found));
  const ids = rows.map((r) => r.conv.id);
  const open = ids.length
    ? new Set((await tx.select({ c: sessions.conversationId }).from(sessions).where(and(inArray(sessions.conversationId, ids), inArray(sessions.state, [...OPEN_STATES])))).map((r) => r.c))
    : new Set<string>();
  return rows.map(({ contact, conv }) => ({
    contact: { id: contact.id, name: contact.name, email: contact.email, verified: contact.verified },
    conversationId: conv.id,
    lastMessage:
      conv.lastMessageText !== null && conv.lastMessageAuthorKind && conv.lastMessageAt
        ? { text: conv.lastMessageText, authorKind: conv.lastMessageAuthorKind, createdAt: conv.lastMessageAt.toISOString() }
        : null,
    open: open.has(conv.id),
  }));
}

/** Fields an assistant collected: merged into the attributes; name, email and phone fill the contact's only when empty. */
export async function mergeCollectedFields(tx: Tx, contactId: string, attrs: Record<string, string>): Promise<void> {
  await tx
    .update(contacts)
    .set({
      attributes: sql`${contacts.attributes} || ${JSON.stringify(attrs)}::jsonb`,
      ...(attrs.email ? { email: sql`coalesce(${contacts.email}, ${attrs.email})` } : {}),
      ...(attrs.name ? { name: sql`coalesce(${contacts.name}, ${attrs.name})` } : {}),
      ...(attrs.phone ? { phone: sql`coalesce(${contacts.phone}, ${attrs.phone})` } : {}),
    })
    .where(sql`${contacts.id} = ${contactId}`);
}

/** The contact's name; null when unnamed or gone. */
export async function contactName(tx: Tx, contactId: string): Promise<string | null> {
  const [c] = await tx.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, contactId));
  return c?.name ?? null;
}

/** An email the visitor typed: kept when the contact has none (unverified; it never merges histories). */
export async function setEmailIfNone(tx: Tx, contactId: string, email: string): Promise<void> {
  await tx.update(contacts).set({ email }).where(and(eq(contacts.id, contactId), isNull(contacts.email)));
}
