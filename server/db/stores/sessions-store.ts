import { and, asc, desc, eq, gte, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { SessionCard, SessionEvent, SessionState } from '../../../protocol/index.ts';
import { cardColour, durations } from '../../core/routing/session-card.ts';
import type { EventDraft, Transition } from '../../core/routing/session-machine.ts';
import { enqueueWebhookEvent } from './webhook-outbox-store.ts';
import type { Tx } from '../client.ts';
import { inIds } from './in-ids.ts';
import { agents, contacts, conversations, dispositions, queues, sessionEvents, sessions, type ConversationRow, type SessionEventRow, type SessionRow } from '../schema.ts';
import { must } from '../must.ts';

/** Sessions, their events and cards (rows ⇄ protocol mapping). */

export async function lockSession(tx: Tx, id: string): Promise<SessionRow | null> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.id, id)).for('update');
  return row ?? null;
}

export async function sessionById(tx: Tx, id: string): Promise<SessionRow | null> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.id, id));
  return row ?? null;
}

/** The conversation's open session (at most one, by a partial unique index), locked. */
export async function lockOpenSession(tx: Tx, conversationId: string): Promise<SessionRow | null> {
  const [row] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.conversationId, conversationId), inArray(sessions.state, ['bot', 'waiting', 'offered', 'active', 'wrap_up'])))
    .for('update');
  return row ?? null;
}

/**
 * The agent a returning contact goes back to: the author of the follow-up they are answering,
 * else whoever held the last session an agent answered (sessions only an assistant ran, or
 * abandoned in the queue, are skipped).
 */
export async function returningAgentOf(tx: Tx, conv: Pick<ConversationRow, 'id' | 'followUpAgentId'>): Promise<string | null> {
  if (conv.followUpAgentId) return conv.followUpAgentId;
  const [last] = await tx
    .select({ agentId: sessions.agentId })
    .from(sessions)
    .where(and(eq(sessions.conversationId, conv.id), isNotNull(sessions.connectedAt), isNotNull(sessions.agentId)))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return last?.agentId ?? null;
}

export async function insertSession(tx: Tx, values: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await tx.insert(sessions).values(values).returning();
  return row!;
}

const cardColumns = { s: sessions, contactName: contacts.name, queueName: queues.name, agentName: agents.name, wrapUpLabel: dispositions.label };
type CardRow = { s: SessionRow; contactName: string | null; queueName: string | null; agentName: string | null; wrapUpLabel: string | null };

function toCard(r: CardRow, contactId: string): SessionCard {
  const { s } = r;
  return {
    sessionId: s.id,
    conversationId: s.conversationId,
    websiteId: s.websiteId,
    contact: { id: contactId, name: r.contactName },
    channel: s.channel,
    state: s.state,
    endedBy: s.endedBy,
    colour: cardColour(s.state),
    queue: s.queueId && r.queueName !== null ? { id: s.queueId, name: r.queueName } : null,
    agent: s.agentId && r.agentName !== null ? { id: s.agentId, name: r.agentName } : null,
    wrapUpCode: s.wrapUpCode,
    wrapUpLabel: s.wrapUpCode ? r.wrapUpLabel : null,
    startedAt: s.queuedAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    durations: durations(s),
  };
}

export interface CardFilter {
  queueId?: string;
  conversationId?: string;
  /** Sessions of any of these conversations (a contact's whole history across channels). */
  conversationIds?: string[];
  states?: SessionState[];
  since?: Date;
  ids?: string[];
  /** The caller's scope (supervisors). */
  websiteIds?: string[];
  /** One agent's own sessions. */
  agentId?: string;
  limit?: number;
}

export async function sessionCards(tx: Tx, f: CardFilter): Promise<SessionCard[]> {
  const where: SQL[] = [];
  if (f.queueId) where.push(eq(sessions.queueId, f.queueId));
  if (f.conversationId) where.push(eq(sessions.conversationId, f.conversationId));
  if (f.conversationIds) where.push(inIds(sessions.conversationId, f.conversationIds));
  if (f.states?.length) where.push(inArray(sessions.state, f.states));
  if (f.since) where.push(gte(sessions.createdAt, f.since));
  if (f.ids) where.push(inIds(sessions.id, f.ids));
  if (f.websiteIds) where.push(inIds(sessions.websiteId, f.websiteIds));
  if (f.agentId) where.push(eq(sessions.agentId, f.agentId));
  const rows = await tx
    .select({ ...cardColumns, contactId: conversations.contactId })
    .from(sessions)
    .innerJoin(conversations, eq(conversations.id, sessions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(queues, eq(queues.id, sessions.queueId))
    .leftJoin(agents, eq(agents.id, sessions.agentId))
    .leftJoin(dispositions, eq(dispositions.code, sessions.wrapUpCode))
    .where(and(...where))
    .orderBy(desc(sessions.createdAt))
    .limit(f.limit ?? 500);
  return rows.map((r) => toCard(r, r.contactId));
}

export async function sessionCard(tx: Tx, id: string): Promise<SessionCard | null> {
  const [card] = await sessionCards(tx, { ids: [id], limit: 1 });
  return card ?? null;
}

export function toSessionEvent(row: SessionEventRow): SessionEvent {
  return { id: row.id, sessionId: row.sessionId, type: row.type, at: row.at.toISOString(), agentId: row.agentId, queueId: row.queueId, data: row.data };
}

export async function eventsOfSession(tx: Tx, sessionId: string): Promise<SessionEvent[]> {
  const rows = await tx.select().from(sessionEvents).where(eq(sessionEvents.sessionId, sessionId)).orderBy(asc(sessionEvents.at), asc(sql`ctid`));
  return rows.map(toSessionEvent);
}

/**
 * THE one way a session event is recorded: the row, and in the same transaction
 * the webhook outbox entry (so a committed event is never lost to integrations).
 */
export async function recordSessionEvent(tx: Tx, session: SessionRow, draft: EventDraft): Promise<SessionEvent> {
  const [row] = await tx
    .insert(sessionEvents)
    .values({ sessionId: session.id, type: draft.type, at: draft.at, agentId: draft.agentId, queueId: draft.queueId, data: draft.data })
    .returning();
  const event = toSessionEvent(row!);
  const card = await sessionCard(tx, session.id);
  if (card) await enqueueWebhookEvent(tx, { websiteId: session.websiteId, event, card });
  return event;
}

/** Writes a core transition (columns, then its events) to a session the caller has locked. */
export async function applyTransition(tx: Tx, session: SessionRow, t: Transition): Promise<SessionRow> {
  const [row] = Object.keys(t.patch).length ? await tx.update(sessions).set(t.patch).where(eq(sessions.id, session.id)).returning() : [session];
  const updated = must(row, 'NOT_FOUND', 'No such session.');
  for (const e of t.events) await recordSessionEvent(tx, updated, e);
  return updated;
}

/** Recent wait durations of a queue (for the estimated wait). */
export async function recentWaitsMs(tx: Tx, queueId: string, limit = 20): Promise<number[]> {
  const rows = await tx
    .select({ q: sessions.queuedAt, c: sessions.connectedAt })
    .from(sessions)
    .where(and(eq(sessions.queueId, queueId), sql`${sessions.connectedAt} is not null`))
    .orderBy(desc(sessions.connectedAt))
    .limit(limit);
  return rows.map((r) => r.c!.getTime() - r.q.getTime());
}

/** Who transferred the session last: they do not get it straight back from the queue. */
export async function lastTransferrer(tx: Tx, sessionId: string): Promise<string | null> {
  const [e] = await tx
    .select({ agentId: sessionEvents.agentId })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), eq(sessionEvents.type, 'transferred')))
    .orderBy(desc(sessionEvents.at))
    .limit(1);
  return e?.agentId ?? null;
}

/**
 * The oldest waiting sessions, at most `limit`, locked; SKIP LOCKED, so another node claims the
 * next ones instead of waiting for these.
 */
export async function claimWaitingSessions(tx: Tx, limit: number): Promise<SessionRow[]> {
  return tx
    .select()
    .from(sessions)
    .where(eq(sessions.state, 'waiting'))
    .orderBy(asc(sessions.queuedAt), asc(sessions.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Keeps a follow-up email on the session the visitor gave it in. */
export async function setSessionFollowUpEmail(tx: Tx, sessionId: string, email: string): Promise<void> {
  await tx.update(sessions).set({ followUpEmail: email }).where(eq(sessions.id, sessionId));
}
