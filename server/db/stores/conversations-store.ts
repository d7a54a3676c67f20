import { and, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ConversationSummary, Receipts } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { inIds } from './in-ids.ts';
import { agents, contacts, conversations, queues, sessionEvents, sessions, type ConversationRow, type SessionRow } from '../schema.ts';

/** Conversations and their agent-facing summaries (rows ⇄ protocol mapping). */

export async function createConversation(tx: Tx, input: { websiteId: string; contactId: string }): Promise<ConversationRow> {
  const [row] = await tx.insert(conversations).values(input).returning();
  return row!;
}

export async function conversationById(tx: Tx, id: string): Promise<ConversationRow | null> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, id));
  return row ?? null;
}

/** The contact's one long thread on this website (the latest, should several exist). */
export async function conversationOfContact(tx: Tx, websiteId: string, contactId: string): Promise<ConversationRow | null> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.websiteId, websiteId), eq(conversations.contactId, contactId)))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row ?? null;
}

const summaryColumns = {
  c: conversations,
  contactName: contacts.name,
  contactEmail: contacts.email,
  agentName: agents.name,
  s: sessions,
  queueName: queues.name,
  // When the current agent got the chat (the last "connected"): after a transfer, their handling timer starts there.
  agentSince: sql<Date | null>`(select max(e.at) from session_events e where e.session_id = "sessions"."id" and e.type = 'connected')`.mapWith(sessionEvents.at),
};
type SummaryRow = {
  c: ConversationRow;
  contactName: string | null;
  contactEmail: string | null;
  agentName: string | null;
  s: SessionRow | null;
  queueName: string | null;
  agentSince: Date | null;
};

function toSummary(r: SummaryRow): ConversationSummary {
  const { c } = r;
  return {
    id: c.id,
    websiteId: c.websiteId,
    channel: c.channel,
    status: c.status,
    contact: { id: c.contactId, name: r.contactName, email: r.contactEmail },
    agent: c.assignedAgentId ? { id: c.assignedAgentId, name: r.agentName ?? '' } : null,
    session: r.s
      ? {
          id: r.s.id,
          state: r.s.state,
          queue: r.s.queueId && r.queueName !== null ? { id: r.s.queueId, name: r.queueName } : null,
          endedBy: r.s.endedBy,
          connectedAt: (r.agentSince ?? r.s.connectedAt)?.toISOString() ?? null,
          endedAt: r.s.endedAt?.toISOString() ?? null,
        }
      : null,
    lastSeq: c.lastSeq,
    lastMessage:
      c.lastMessageText !== null && c.lastMessageAuthorKind && c.lastMessageAt
        ? { text: c.lastMessageText, authorKind: c.lastMessageAuthorKind, createdAt: c.lastMessageAt.toISOString() }
        : null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

async function summaries(tx: Tx, where: SQL | undefined, limit: number): Promise<ConversationSummary[]> {
  const rows = await tx
    .select(summaryColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(agents, eq(agents.id, conversations.assignedAgentId))
    .leftJoin(sessions, eq(sessions.id, conversations.currentSessionId))
    .leftJoin(queues, eq(queues.id, sessions.queueId))
    .where(where)
    .orderBy(desc(conversations.updatedAt))
    .limit(limit);
  return rows.map(toSummary);
}

export async function conversationSummary(tx: Tx, id: string): Promise<ConversationSummary | null> {
  const [row] = await summaries(tx, eq(conversations.id, id), 1);
  return row ?? null;
}

/** Several summaries in one query (the write path announces a whole batch's conversations at once). */
export async function conversationSummaries(tx: Tx, ids: readonly string[]): Promise<ConversationSummary[]> {
  return ids.length ? summaries(tx, inArray(conversations.id, [...ids]), ids.length) : [];
}

/** Waiting = queued or offered (any queue; not while an assistant still runs it); mine = held by this agent (active or in wrap-up). */
/** `websiteIds`: the waiting list's scope (null = every website, for admins). */
export async function listForAgent(tx: Tx, agentId: string, websiteIds: string[] | null, limit = 200): Promise<{ waiting: ConversationSummary[]; mine: ConversationSummary[] }> {
  const inScope = websiteIds ? inIds(conversations.websiteId, websiteIds) : undefined;
  const [waiting, mine] = await Promise.all([
    summaries(tx, and(eq(conversations.status, 'waiting'), or(isNull(sessions.state), ne(sessions.state, 'bot')), inScope), limit),
    summaries(tx, and(eq(conversations.assignedAgentId, agentId), or(eq(conversations.status, 'active'), eq(sessions.state, 'wrap_up'))), limit),
  ]);
  return { waiting, mine };
}

export const toReceipts = (c: Pick<ConversationRow, 'visitorReadSeq' | 'agentReadSeq'>): Receipts => ({ visitorReadSeq: c.visitorReadSeq, agentReadSeq: c.agentReadSeq });

/** Moves one side's read cursor forward (never back, never past the last seq); returns the receipts after. */
export async function markRead(tx: Tx, conversationId: string, side: 'visitor' | 'agent', seq: number): Promise<Receipts | null> {
  const column = side === 'visitor' ? conversations.visitorReadSeq : conversations.agentReadSeq;
  const next = sql`greatest(${column}, least(${seq}::bigint, ${conversations.lastSeq}))`;
  const [row] = await tx
    .update(conversations)
    .set(side === 'visitor' ? { visitorReadSeq: next } : { agentReadSeq: next })
    .where(eq(conversations.id, conversationId))
    .returning();
  return row ? toReceipts(row) : null;
}

/** Whether the conversation is this contact's, on this website. */
export async function isContactConversation(tx: Tx, conversationId: string, websiteId: string, contactId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.websiteId, websiteId), eq(conversations.contactId, contactId)));
  return !!row;
}

/** The conversation leaves its agent's hands, if this session is still its current one. */
export async function unassignIfCurrent(tx: Tx, conversationId: string, sessionId: string): Promise<void> {
  await tx.update(conversations).set({ assignedAgentId: null }).where(and(eq(conversations.id, conversationId), eq(conversations.currentSessionId, sessionId)));
}

/** Every conversation of a contact on a website (web, X direct messages, X public threads), oldest first. */
export async function conversationsOfContact(tx: Tx, websiteId: string, contactId: string, limit = 200): Promise<ConversationRow[]> {
  return tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.websiteId, websiteId), eq(conversations.contactId, contactId)))
    .orderBy(conversations.createdAt)
    .limit(limit);
}
