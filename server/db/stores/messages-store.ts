import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { BotOutput, structuredFallbackText, XDelivery, XMessageRef, type Attachment, type AuthorKind, type ConversationEventType, type Message } from '../../../protocol/index.ts';
import type { Db, Tx } from '../client.ts';
import { conversations, messages, type ConversationRow, type MessageRow } from '../schema.ts';
import { must } from '../must.ts';

/**
 * The message log: gap-free seq per conversation, idempotent by client id.
 * Every write goes through `insertEvents` on a conversation row locked with
 * SELECT … FOR UPDATE, so concurrent senders queue on the row instead of racing for seq.
 */

/** `sessionId` overrides the conversation's current session (null: written outside any session, a follow-up). */
export type MessageDraft = (
  /** `postback`: the value of the quick reply whose label is the text (the assistant's input). */
  /** `x`: the X object it mirrors (issue 19), kept in `payload.x`. */
  | { kind: 'text'; text: string; clientId: string | null; author: DraftAuthor; postback?: string; x?: XMessageRef }
  /** An assistant's bubble (issue 5); its text is the plain fallback of the payload. */
  | { kind: 'structured'; payload: BotOutput; author: DraftAuthor }
  | { kind: 'image'; text: string; attachment: Attachment; clientId: string | null; author: DraftAuthor; x?: XMessageRef }
  | { kind: 'event'; type: ConversationEventType; actorName: string | null; author: DraftAuthor }
) & { sessionId?: string | null; /** Messages of X conversations: the X object mirrored, and where an agent's message to X stands (issue 19). */ x?: XMessageRef; xDelivery?: XDeliveryView };
type XDeliveryView = NonNullable<Message['xDelivery']>;
export interface DraftAuthor {
  kind: AuthorKind;
  id: string | null;
  name: string | null;
}

/** Conversation columns a use case may change together with the events it appends. */
export type ConversationPatch = Partial<Pick<ConversationRow, 'status' | 'assignedAgentId' | 'currentSessionId' | 'followUpAgentId'>>;

/**
 * What the conversation list shows for a message: its text, or the image's caption or file name.
 * Bot bubbles leave it alone: the list and offers keep showing what the contact wrote.
 */
const previewOf = (d: MessageDraft): string | null => (d.kind === 'text' ? d.text : d.kind === 'image' ? d.text || d.attachment.name : null);

const bodyOf = (d: MessageDraft): string | null => (d.kind === 'event' ? null : d.kind === 'structured' ? structuredFallbackText(d.payload) : d.text);
function payloadOf(d: MessageDraft): Record<string, unknown> | null {
  const p = ownPayloadOf(d);
  return d.x || d.xDelivery ? { ...p, ...(d.x ? { x: d.x } : {}), ...(d.xDelivery ? { xDelivery: d.xDelivery } : {}) } : p;
}
function ownPayloadOf(d: MessageDraft): Record<string, unknown> | null {
  if (d.kind === 'event') return { type: d.type, actorName: d.actorName };
  if (d.kind === 'image') return { attachment: d.attachment, ...(d.x ? { x: d.x } : {}) };
  if (d.kind === 'structured') return { output: d.payload };
  if (d.x) return { x: d.x, ...(d.postback !== undefined ? { postback: d.postback } : {}) };
  return d.postback !== undefined ? { postback: d.postback } : null;
}

/** `payload.x` (the X object) and `payload.xDelivery` (where an agent's message to X stands), when valid. */
function xFieldsOf(payload: Record<string, unknown> | null): Pick<Message, 'x' | 'xDelivery'> {
  if (!payload || (!('x' in payload) && !('xDelivery' in payload))) return {};
  const x = XMessageRef.safeParse(payload.x);
  const delivery = XDelivery.pick({ state: true, retryAt: true, reason: true }).safeParse(payload.xDelivery);
  return { ...(x.success ? { x: x.data } : {}), ...(delivery.success ? { xDelivery: delivery.data } : {}) };
}

export function toMessage(row: MessageRow): Message {
  const base = {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    clientId: row.clientId,
    author: { kind: row.authorKind, id: row.authorId, name: row.authorName },
    createdAt: row.createdAt.toISOString(),
    sessionId: row.sessionId,
    ...xFieldsOf(row.payload),
  };
  if (row.kind === 'image') {
    const p = (row.payload ?? {}) as { attachment?: Attachment };
    if (p.attachment) return { ...base, kind: 'image', text: row.body ?? '', attachment: p.attachment };
  }
  if (row.kind === 'structured') {
    const p = BotOutput.safeParse((row.payload ?? {}).output);
    if (p.success) return { ...base, kind: 'structured', text: row.body ?? '', payload: p.data };
  }
  if (row.kind === 'event') {
    const p = (row.payload ?? {}) as { type?: ConversationEventType; actorName?: string | null };
    return { ...base, kind: 'event', event: { type: p.type ?? 'agent_joined', actorName: p.actorName ?? null } };
  }
  return { ...base, kind: 'text', text: row.body ?? '' };
}

export async function messageById(tx: Tx, id: string): Promise<MessageRow | null> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, id));
  return row ?? null;
}

/** An agent's message to X changed delivery state: kept in its payload, so every later read (sync, open) shows it. */
export async function setXDelivery(tx: Tx, messageId: string, delivery: XDeliveryView): Promise<MessageRow | null> {
  const [row] = await tx
    .update(messages)
    .set({ payload: sql`coalesce(${messages.payload}, '{}'::jsonb) || jsonb_build_object('xDelivery', ${JSON.stringify(delivery)}::jsonb)` })
    .where(eq(messages.id, messageId))
    .returning();
  return row ?? null;
}

export async function lockConversation(tx: Tx, conversationId: string): Promise<ConversationRow | null> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('update');
  return row ?? null;
}

export async function findByClientId(tx: Tx, conversationId: string, clientId: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.clientId, clientId)));
  return row ?? null;
}

/** Appends drafts after `locked.lastSeq` and moves the conversation's cursor; the caller holds the row lock. */
export async function insertEvents(tx: Tx, locked: ConversationRow, drafts: MessageDraft[], patch: ConversationPatch = {}): Promise<MessageRow[]> {
  if (drafts.length === 0 && Object.keys(patch).length === 0) return [];
  // Messages belong to the session open when they are written (the patch may have just opened one).
  const sessionId = patch.currentSessionId !== undefined ? patch.currentSessionId : locked.currentSessionId;
  const values = drafts.map((d, i) => ({
    conversationId: locked.id,
    seq: locked.lastSeq + i + 1,
    clientId: d.kind === 'event' || d.kind === 'structured' ? null : d.clientId,
    authorKind: d.author.kind,
    authorId: d.author.id,
    authorName: d.author.name,
    kind: d.kind,
    body: bodyOf(d),
    payload: payloadOf(d),
    sessionId: d.sessionId !== undefined ? d.sessionId : sessionId,
  }));
  const rows = values.length ? await tx.insert(messages).values(values).returning() : [];
  rows.sort((a, b) => a.seq - b.seq);
  const lastText = [...drafts].reverse().find((d) => previewOf(d) !== null);
  const lastRow = rows[rows.length - 1];
  await tx
    .update(conversations)
    .set({
      ...patch,
      lastSeq: locked.lastSeq + drafts.length,
      updatedAt: sql`now()`,
      ...(lastText && lastRow
        ? { lastMessageText: previewOf(lastText), lastMessageAuthorKind: lastText.author.kind, lastMessageAt: lastRow.createdAt }
        : {}),
    })
    .where(eq(conversations.id, locked.id));
  return rows;
}

export interface AppendResult {
  message: Message;
  /** False when this client id was already stored: nothing written, no seq consumed. */
  created: boolean;
}

/** One transaction: lock, dedupe by client id, assign seq, insert. Resolves after commit. */
export async function appendMessage(db: Db, conversationId: string, draft: MessageDraft): Promise<AppendResult> {
  return db.transaction(async (tx) => {
    const locked = must(await lockConversation(tx, conversationId), 'NOT_FOUND', 'No such conversation.');
    if ((draft.kind === 'text' || draft.kind === 'image') && draft.clientId) {
      const existing = await findByClientId(tx, conversationId, draft.clientId);
      if (existing) return { message: toMessage(existing), created: false };
    }
    const [row] = await insertEvents(tx, locked, [draft]);
    return { message: toMessage(row!), created: true };
  });
}

export interface Page {
  events: Message[];
  /** The conversation's cursor, so a client can tell whether it is up to date. */
  lastSeq: number;
  hasMore: boolean;
  /** How far the agent side has read: a client that was away catches up on receipts it missed. */
  agentReadSeq: number;
}

/** Replay: events with seq > afterSeq, ascending, at most `limit`. */
export async function messagesAfter(db: Tx, conversationId: string, afterSeq: number, limit: number): Promise<Page> {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(limit + 1);
  const [conv] = await db.select({ lastSeq: conversations.lastSeq, agentReadSeq: conversations.agentReadSeq }).from(conversations).where(eq(conversations.id, conversationId));
  const hasMore = rows.length > limit;
  return { events: rows.slice(0, limit).map(toMessage), lastSeq: conv?.lastSeq ?? 0, hasMore, agentReadSeq: conv?.agentReadSeq ?? 0 };
}

/** The conversation's first `limit` messages and events, in seq order. */
export async function firstMessages(tx: Tx, conversationId: string, limit: number): Promise<MessageRow[]> {
  return tx.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq)).limit(limit);
}
