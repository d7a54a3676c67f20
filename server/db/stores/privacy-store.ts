import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import {
  attachments,
  botRuns,
  contacts,
  conversations,
  messages,
  sessionEvents,
  sessions,
  visitors,
  webhookDeliveries,
  xContacts,
  xOutbound,
  type AttachmentRow,
  type ContactRow,
  type ConversationRow,
  type SessionEventRow,
  type SessionRow,
  type VisitorRow,
  webSessions,
} from '../schema.ts';

/** A contact's data for its export (read) and its erasure (write): docs/widget/privacy.md. */

const OPEN_STATES = ['bot', 'waiting', 'offered', 'active'] as const;

export async function lockContactRow(tx: Tx, id: string): Promise<ContactRow | null> {
  const [row] = await tx.select().from(contacts).where(eq(contacts.id, id)).for('update');
  return row ?? null;
}

export async function visitorsOfContact(tx: Tx, contactId: string): Promise<VisitorRow[]> {
  return tx.select().from(visitors).where(eq(visitors.contactId, contactId)).orderBy(asc(visitors.createdAt));
}

export async function conversationsOfContact(tx: Tx, contactId: string): Promise<ConversationRow[]> {
  return tx.select().from(conversations).where(eq(conversations.contactId, contactId)).orderBy(asc(conversations.createdAt));
}

export async function sessionsWithEvents(tx: Tx, conversationId: string): Promise<{ session: SessionRow; events: SessionEventRow[] }[]> {
  const rows = await tx.select().from(sessions).where(eq(sessions.conversationId, conversationId)).orderBy(asc(sessions.queuedAt));
  if (!rows.length) return [];
  const events = await tx.select().from(sessionEvents).where(inArray(sessionEvents.sessionId, rows.map((r) => r.id))).orderBy(asc(sessionEvents.at));
  return rows.map((session) => ({ session, events: events.filter((e) => e.sessionId === session.id) }));
}

export async function attachmentsOfConversations(tx: Tx, conversationIds: string[]): Promise<AttachmentRow[]> {
  if (!conversationIds.length) return [];
  return tx.select().from(attachments).where(inArray(attachments.conversationId, conversationIds)).orderBy(asc(attachments.createdAt));
}

/** Sessions of these conversations still being handled (an erasure waits until they end). */
export async function openSessionCount(tx: Tx, conversationIds: string[]): Promise<number> {
  if (!conversationIds.length) return 0;
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(inArray(sessions.conversationId, conversationIds), inArray(sessions.state, [...OPEN_STATES])));
  return Number(row?.n ?? 0);
}

export interface ErasedRows {
  messages: number;
  attachmentKeys: string[];
  visitorIds: string[];
  conversations: number;
}

/**
 * Everything personal about a contact, in the caller's transaction. Deleted: messages, attachments,
 * browsers (visitors, so their tokens stop working), the journey (web sessions, page views, events, outcome hits), the assistant's runs, webhook deliveries about its
 * sessions. Emptied: the contact (name, email, phone, attributes, the site's user id), its conversations'
 * previews, its sessions' notes and follow-up emails, its session events' data. Kept, so reports still
 * count them: the rows of conversations, sessions and session events with their times, queue, agent,
 * state, wrap-up code and tags.
 */
export async function eraseContactRows(tx: Tx, contact: ContactRow, at: Date): Promise<ErasedRows> {
  // Locked as the write path locks them: a message being stored now commits before, and is erased too.
  const convs = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contact.id)).for('update');
  const convIds = convs.map((c) => c.id);
  const removedVisitors = await tx.delete(visitors).where(eq(visitors.contactId, contact.id)).returning({ id: visitors.id });
  // Issue 19: the X accounts behind the contact go too; the same X user writing again is a new contact.
  await tx.delete(xContacts).where(eq(xContacts.contactId, contact.id));
  // The journey (issue 20): web sessions, and with them their page views, events and outcome hits.
  await tx.delete(webSessions).where(eq(webSessions.contactId, contact.id));
  await tx
    .update(contacts)
    .set({ name: null, email: null, phone: null, attributes: {}, externalId: null, verified: false, erasedAt: contact.erasedAt ?? at })
    .where(eq(contacts.id, contact.id));
  if (!convIds.length) return { messages: 0, attachmentKeys: [], visitorIds: removedVisitors.map((v) => v.id), conversations: 0 };

  const removedMessages = await tx.delete(messages).where(inArray(messages.conversationId, convIds)).returning({ id: messages.id });
  const removedFiles = await tx.delete(attachments).where(inArray(attachments.conversationId, convIds)).returning({ key: attachments.storageKey });
  await tx.delete(botRuns).where(inArray(botRuns.conversationId, convIds));
  // Issue 19: what is still queued for X, and which X thread a conversation mirrored (a new post starts a new one).
  await tx.delete(xOutbound).where(inArray(xOutbound.conversationId, convIds));
  await tx.update(conversations).set({ externalThreadId: null }).where(inArray(conversations.id, convIds));
  await tx
    .update(conversations)
    .set({ lastMessageText: null, lastMessageAuthorKind: null, followUpAgentId: null })
    .where(inArray(conversations.id, convIds));
  const sessionIds = tx.select({ id: sessions.id }).from(sessions).where(inArray(sessions.conversationId, convIds));
  await tx.update(sessions).set({ notes: null, followUpEmail: null }).where(inArray(sessions.conversationId, convIds));
  await tx.update(sessionEvents).set({ data: {} }).where(inArray(sessionEvents.sessionId, sessionIds));
  // Webhook payloads carry the session card (the contact's name) and event data.
  await tx.delete(webhookDeliveries).where(inArray(sql`${webhookDeliveries.payload} -> 'session' ->> 'conversationId'`, convIds));
  return { messages: removedMessages.length, attachmentKeys: removedFiles.map((f) => f.key), visitorIds: removedVisitors.map((v) => v.id), conversations: convIds.length };
}
