import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { agents, contacts, conversations, sessions, type SessionRow } from '../schema.ts';

/** The rows a widget's queue status is made of (server/services/queue-status.ts). */

export async function conversationWebsiteAndEmail(tx: Tx, conversationId: string): Promise<{ websiteId: string; email: string | null } | null> {
  const [conv] = await tx
    .select({ websiteId: conversations.websiteId, email: contacts.email })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  return conv ?? null;
}

/** The conversation's latest session, with its agent's name. */
export async function latestSessionWithAgent(tx: Tx, conversationId: string): Promise<{ s: SessionRow; agentName: string | null } | null> {
  const [s] = await tx
    .select({ s: sessions, agentName: agents.name })
    .from(sessions)
    .leftJoin(agents, eq(agents.id, sessions.agentId))
    .where(eq(sessions.conversationId, conversationId))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  return s ?? null;
}

/** How many sessions wait in the queue ahead of this one (queue order: queued time, then id). */
export async function waitingAhead(tx: Tx, queueId: string, session: Pick<SessionRow, 'id' | 'queuedAt'>): Promise<number> {
  const [ahead] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(
      and(
        eq(sessions.queueId, queueId),
        eq(sessions.state, 'waiting'),
        or(lt(sessions.queuedAt, session.queuedAt), and(eq(sessions.queuedAt, session.queuedAt), lt(sessions.id, session.id))),
      ),
    );
  return Number(ahead?.n ?? 0);
}

/** The sessions waiting or offered in a queue, longest waiting first, at most `limit`. */
export async function openInQueue(tx: Tx, queueId: string, limit: number) {
  return tx
    .select({ conversationId: sessions.conversationId, state: sessions.state, followUpEmail: sessions.followUpEmail, email: contacts.email })
    .from(sessions)
    .innerJoin(conversations, eq(conversations.id, sessions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(sessions.queueId, queueId), inArray(sessions.state, ['waiting', 'offered'])))
    .orderBy(asc(sessions.queuedAt), asc(sessions.id))
    .limit(limit);
}
