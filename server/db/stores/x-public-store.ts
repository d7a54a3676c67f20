import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ConversationChannel, XMessageRef } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { conversations, messages, sessions, xAccounts, xOutbound, type ConversationRow, type MessageRow, type XAccountRow, type XOutboundRow } from '../schema.ts';

/**
 * The X threads (issue 19): one Parley conversation per X thread (the partial
 * unique index `conversations_x_thread_uq`), the outbound rows of public replies and likes, and the
 * `x` reference messages carry in their payload.
 */

const OPEN_STATES = ['bot', 'waiting', 'offered', 'active', 'wrap_up'] as const;

/** The conversation of this X thread (`x_dm`: `{smaller}-{larger}` participant ids; `x_public`: the root post's id). */
export async function xConversationOf(tx: Tx, input: { accountId: string; channel: Exclude<ConversationChannel, 'web'>; threadId: string }): Promise<ConversationRow | null> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.xAccountId, input.accountId), eq(conversations.channel, input.channel), eq(conversations.externalThreadId, input.threadId)));
  return row ?? null;
}

/**
 * The conversation of this X thread, created for `contactId` on first sight (DMs, posts, Move to DM).
 * Created without a session ("ended"): the customer's message opens one in the transaction that
 * writes it, so no conversation waits in a queue without its message. Two nodes racing meet on the
 * unique index.
 */
export async function findOrCreateXConversation(
  tx: Tx,
  input: { websiteId: string; contactId: string; accountId: string; channel: Exclude<ConversationChannel, 'web'>; threadId: string },
): Promise<ConversationRow> {
  const found = await xConversationOf(tx, input);
  if (found) return found;
  await tx
    .insert(conversations)
    .values({ websiteId: input.websiteId, contactId: input.contactId, channel: input.channel, xAccountId: input.accountId, externalThreadId: input.threadId, status: 'ended' })
    .onConflictDoNothing();
  return (await xConversationOf(tx, input))!;
}

export async function xAccountOfWebsite(tx: Tx, websiteId: string): Promise<XAccountRow | null> {
  const [row] = await tx.select().from(xAccounts).where(eq(xAccounts.websiteId, websiteId));
  return row ?? null;
}

/** A contact's public threads on a website, most recent first, with whether a session is open. */
export async function publicThreadsOf(tx: Tx, websiteId: string, contactId: string, limit = 50): Promise<{ conv: ConversationRow; open: boolean }[]> {
  const rows = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.websiteId, websiteId), eq(conversations.contactId, contactId), eq(conversations.channel, 'x_public')))
    .orderBy(desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`))
    .limit(limit);
  const ids = rows.map((r) => r.id);
  const open = ids.length
    ? new Set((await tx.select({ c: sessions.conversationId }).from(sessions).where(and(inArray(sessions.conversationId, ids), inArray(sessions.state, [...OPEN_STATES])))).map((r) => r.c))
    : new Set<string>();
  return rows.map((conv) => ({ conv, open: open.has(conv.id) }));
}

/** The messages of threads that mirror X posts (text and images with an `x` reference), in seq order. */
export async function postMessagesOf(tx: Tx, conversationIds: string[], limit = 2000): Promise<MessageRow[]> {
  if (!conversationIds.length) return [];
  return tx
    .select()
    .from(messages)
    .where(and(inArray(messages.conversationId, conversationIds), inArray(messages.kind, ['text', 'image'])))
    .orderBy(asc(messages.conversationId), asc(messages.seq))
    .limit(limit);
}

/** The message mirroring this post in the conversation, if stored. */
export async function messageOfPost(tx: Tx, conversationId: string, postId: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), sql`${messages.payload} -> 'x' ->> 'postId' = ${postId}`))
    .limit(1);
  return row ?? null;
}

/** Merges fields into a message's `x` reference (liked, the post id X gave our reply). */
export async function patchMessageX(tx: Tx, messageId: string, patch: Partial<XMessageRef>): Promise<void> {
  await tx
    .update(messages)
    .set({ payload: sql`jsonb_set(coalesce(${messages.payload}, '{}'::jsonb), '{x}', coalesce(${messages.payload} -> 'x', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)` })
    .where(eq(messages.id, messageId));
}

/** Queues a public reply, a like or an unlike; a reply's row is keyed by its message (sent at most once). */
export async function enqueuePostAction(
  tx: Tx,
  input: { accountId: string; conversationId: string; kind: 'reply' | 'like' | 'unlike'; messageId: string | null; targetPostId: string; at: Date },
): Promise<void> {
  await tx.insert(xOutbound).values({ ...input, nextAttemptAt: input.at, createdAt: input.at }).onConflictDoNothing();
}

/** Moves every conversation of a contact to another contact (linking contacts); answers the ids moved. */
export async function moveConversations(tx: Tx, fromContactId: string, toContactId: string): Promise<string[]> {
  const rows = await tx.update(conversations).set({ contactId: toContactId }).where(eq(conversations.contactId, fromContactId)).returning({ id: conversations.id });
  return rows.map((r) => r.id);
}

