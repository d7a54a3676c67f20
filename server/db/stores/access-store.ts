import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { AgentRole } from '../../../protocol/index.ts';
import type { ContactFacts, ConversationFacts, Scope, SessionFacts } from '../../core/access.ts';
import type { Tx } from '../client.ts';
import { agentQueues, agentSessions, agents, contacts, conversations, queues, sessions, teamMembers, websites } from '../schema.ts';

/** What the authorization rules need from the database, read fresh at every check (no cache to go stale). */

const OPEN_STATES = ['bot', 'waiting', 'offered', 'active', 'wrap_up'] as const;
const HELD_STATES = ['offered', 'active', 'wrap_up'] as const;

export interface SessionAgent {
  id: string;
  name: string;
  role: AgentRole;
}

/** The agent behind a live login session (unrevoked, unexpired, agent active), as of now. */
export async function agentOfLoginSession(tx: Tx, tokenHash: string, now: Date): Promise<SessionAgent | null> {
  const [row] = await tx
    .select({ id: agents.id, name: agents.name, role: agents.role })
    .from(agentSessions)
    .innerJoin(agents, eq(agents.id, agentSessions.agentId))
    .where(and(eq(agentSessions.tokenHash, tokenHash), isNull(agentSessions.revokedAt), gt(agentSessions.expiresAt, now), isNull(agents.deactivatedAt)));
  return row ?? null;
}

/**
 * The websites an agent works on: those of their queues; a supervisor's also those of their
 * teams' members' queues; an admin's all.
 */
export async function scopeOf(tx: Tx, agent: { id: string; role: AgentRole }): Promise<Scope> {
  if (agent.role === 'admin') return 'all';
  const teammates = tx
    .select({ id: teamMembers.agentId })
    .from(teamMembers)
    .where(inArray(teamMembers.teamId, tx.select({ id: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.agentId, agent.id))));
  const whose = agent.role === 'supervisor' ? or(eq(agentQueues.agentId, agent.id), inArray(agentQueues.agentId, teammates)) : eq(agentQueues.agentId, agent.id);
  const rows = await tx.selectDistinct({ websiteId: queues.websiteId }).from(agentQueues).innerJoin(queues, eq(queues.id, agentQueues.queueId)).where(whose);
  return new Set(rows.map((r) => r.websiteId));
}

export async function conversationFacts(tx: Tx, conversationId: string): Promise<ConversationFacts | null> {
  const [row] = await tx
    .select({ websiteId: conversations.websiteId, followUpAgentId: conversations.followUpAgentId, holderId: sessions.agentId, state: sessions.state })
    .from(conversations)
    .leftJoin(sessions, and(eq(sessions.conversationId, conversations.id), inArray(sessions.state, [...OPEN_STATES])))
    .where(eq(conversations.id, conversationId));
  if (!row) return null;
  const held = row.state !== null && (HELD_STATES as readonly string[]).includes(row.state);
  return { websiteId: row.websiteId, followUpAgentId: row.followUpAgentId, holderId: held ? row.holderId : null };
}

export async function sessionFacts(tx: Tx, sessionId: string): Promise<SessionFacts | null> {
  const [row] = await tx.select({ websiteId: sessions.websiteId, agentId: sessions.agentId }).from(sessions).where(eq(sessions.id, sessionId));
  return row ?? null;
}

export async function contactFacts(tx: Tx, contactId: string, callerId: string): Promise<ContactFacts | null> {
  const [row] = await tx
    .select({
      websiteId: contacts.websiteId,
      // Spelled out: inside one-table selects Drizzle leaves columns unqualified, which the subquery would capture.
      heldByCaller: sql<boolean>`exists (
        select 1 from conversations cv join sessions s on s.conversation_id = cv.id
        where cv.contact_id = "contacts"."id" and s.agent_id = ${callerId} and s.state in ('offered', 'active', 'wrap_up'))`,
    })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  return row ? { websiteId: row.websiteId, heldByCaller: Boolean(row.heldByCaller) } : null;
}

/** Every website id: rooms to leave when an agent's scope shrinks. */
export async function allWebsiteIds(tx: Tx): Promise<string[]> {
  return (await tx.select({ id: websites.id }).from(websites)).map((r) => r.id);
}

/** The scopes of several agents (to tell whose changed after an admin edit). */
export async function scopesOf(tx: Tx, agentIds: readonly string[]): Promise<Map<string, Scope>> {
  const rows = agentIds.length ? await tx.select({ id: agents.id, role: agents.role }).from(agents).where(inArray(agents.id, [...agentIds])) : [];
  const out = new Map<string, Scope>();
  for (const agent of rows) out.set(agent.id, await scopeOf(tx, agent));
  return out;
}

/** Supervisors' scopes follow their teams: the ones to refresh after a team or membership change. */
export async function supervisorIds(tx: Tx): Promise<string[]> {
  return (await tx.select({ id: agents.id }).from(agents).where(eq(agents.role, 'supervisor'))).map((r) => r.id);
}

/** The agents of a queue (whose scope a deleted queue may shrink). */
export async function agentsOfQueue(tx: Tx, queueId: string): Promise<string[]> {
  return (await tx.select({ id: agentQueues.agentId }).from(agentQueues).where(eq(agentQueues.queueId, queueId))).map((r) => r.id);
}
