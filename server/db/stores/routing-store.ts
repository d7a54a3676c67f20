import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { AgentRoutingProfile, ChannelPresence, MediaChannel, Queue } from '../../../protocol/index.ts';
import type { Candidate } from '../../core/routing/agent-choice.ts';
import type { PresenceSnapshot } from '../../core/routing/presence.ts';
import type { Tx } from '../client.ts';
import { must } from '../must.ts';
import { inIds } from './in-ids.ts';
import {
  agentPresence,
  agentQueues,
  agents,
  queues,
  sessions,
  teamMembers,
  teams,
  timers,
  type AgentRow,
  type PresenceRow,
  type QueueRow,
  type TimerKind,
  type TimerRow,
} from '../schema.ts';

/** Queues, teams, presence, load and timers as routing needs them. */

export function toQueue(row: QueueRow): Queue {
  return {
    id: row.id,
    name: row.name,
    channel: row.channel,
    policy: row.policy,
    offerTimeoutSec: row.offerTimeoutSec,
    businessHours: row.businessHours ?? null,
    wrapUpRequired: row.wrapUpRequired,
    isDefault: row.isDefault,
  };
}

export async function queueById(tx: Tx, id: string): Promise<QueueRow | null> {
  const [row] = await tx.select().from(queues).where(eq(queues.id, id));
  return row ?? null;
}

export async function queuesOfWebsite(tx: Tx, websiteId: string | null): Promise<QueueRow[]> {
  return tx.select().from(queues).where(websiteId ? eq(queues.websiteId, websiteId) : undefined).orderBy(asc(queues.createdAt), asc(queues.name));
}

/** The website's default queue; a website configured without one gets "General". */
export async function ensureDefaultQueue(tx: Tx, websiteId: string): Promise<QueueRow> {
  const [found] = await tx.select().from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.isDefault, true)));
  if (found) return found;
  await tx.insert(queues).values({ websiteId, name: 'General', isDefault: true }).onConflictDoNothing();
  const [row] = await tx.select().from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.isDefault, true)));
  return must(row, 'NOT_FOUND', 'No such website.');
}

export async function lockAgent(tx: Tx, id: string): Promise<AgentRow | null> {
  const [row] = await tx.select().from(agents).where(eq(agents.id, id)).for('update');
  return row ?? null;
}

/** Offered + active + wrap-up sessions held by the agent. */
export async function agentLoad(tx: Tx, agentId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.agentId, agentId), inArray(sessions.state, ['offered', 'active', 'wrap_up'])));
  return Number(row?.n ?? 0);
}

export async function presenceRows(tx: Tx, agentId: string): Promise<PresenceRow[]> {
  return tx.select().from(agentPresence).where(eq(agentPresence.agentId, agentId)).orderBy(asc(agentPresence.channel));
}

/** One row per channel the agent has (created offline when missing); extra channels' rows are dropped. */
export async function ensurePresence(tx: Tx, agent: Pick<AgentRow, 'id' | 'channels'>): Promise<PresenceRow[]> {
  if (agent.channels.length) {
    await tx
      .insert(agentPresence)
      .values(agent.channels.map((channel) => ({ agentId: agent.id, channel })))
      .onConflictDoNothing();
  }
  const rows = await presenceRows(tx, agent.id);
  return rows.filter((r) => agent.channels.includes(r.channel));
}

export async function writePresence(tx: Tx, agentId: string, p: PresenceSnapshot): Promise<void> {
  await tx
    .insert(agentPresence)
    .values({ agentId, ...p })
    .onConflictDoUpdate({ target: [agentPresence.agentId, agentPresence.channel], set: { state: p.state, reason: p.reason, since: p.since, idleSince: p.idleSince } });
}

export const toPresenceSnapshot = (r: PresenceRow): PresenceSnapshot => ({ channel: r.channel, state: r.state, reason: r.reason, since: r.since, idleSince: r.idleSince });
export const toChannelPresence = (r: PresenceRow | PresenceSnapshot): ChannelPresence => ({
  channel: r.channel,
  state: r.state,
  reason: r.reason,
  since: r.since.toISOString(),
});

// Correlated subqueries name "agents"."id" in full: drizzle renders a bare "id" in single-table
// selects, which inside `from sessions s` would bind to sessions.id.

/** Routing candidates on a channel: agents with their presence, queues and current load. */
export async function candidates(tx: Tx, channel: MediaChannel, agentIds?: string[]): Promise<Candidate[]> {
  const rows = await tx
    .select({
      id: agents.id,
      channels: agents.channels,
      maxConcurrent: agents.maxConcurrent,
      state: agentPresence.state,
      idleSince: agentPresence.idleSince,
      queueIds: sql<string[]>`coalesce((select array_agg(aq.queue_id::text) from agent_queues aq where aq.agent_id = "agents"."id"), '{}')`,
      load: sql<number>`(select count(*)::int from sessions s where s.agent_id = "agents"."id" and s.state in ('offered','active','wrap_up'))`,
    })
    .from(agentPresence)
    .innerJoin(agents, eq(agents.id, agentPresence.agentId))
    .where(and(eq(agentPresence.channel, channel), eq(agentPresence.state, 'ready'), isNull(agents.deactivatedAt), agentIds ? inIds(agents.id, agentIds) : undefined));
  return rows.map((r) => ({ ...r, load: Number(r.load), queueIds: r.queueIds ?? [] }));
}

export async function readyCount(tx: Tx, queueId: string, channel: MediaChannel): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(agentPresence)
    .innerJoin(agentQueues, eq(agentQueues.agentId, agentPresence.agentId))
    .where(and(eq(agentQueues.queueId, queueId), eq(agentPresence.channel, channel), eq(agentPresence.state, 'ready')));
  return Number(row?.n ?? 0);
}

export async function teamsWithMembers(tx: Tx): Promise<{ id: string; name: string; memberIds: string[] }[]> {
  const rows = await tx.select({ id: teams.id, name: teams.name, agentId: teamMembers.agentId }).from(teams).leftJoin(teamMembers, eq(teamMembers.teamId, teams.id)).orderBy(asc(teams.name));
  const byId = new Map<string, { id: string; name: string; memberIds: string[] }>();
  for (const r of rows) {
    const t = byId.get(r.id) ?? { id: r.id, name: r.name, memberIds: [] };
    if (r.agentId) t.memberIds.push(r.agentId);
    byId.set(r.id, t);
  }
  return [...byId.values()];
}

export async function routingProfiles(tx: Tx, agentIds?: string[]): Promise<AgentRoutingProfile[]> {
  const rows = await tx
    .select({
      a: agents,
      queueIds: sql<string[]>`coalesce((select array_agg(aq.queue_id::text) from agent_queues aq where aq.agent_id = "agents"."id"), '{}')`,
      teamIds: sql<string[]>`coalesce((select array_agg(tm.team_id::text) from team_members tm where tm.agent_id = "agents"."id"), '{}')`,
      load: sql<number>`(select count(*)::int from sessions s where s.agent_id = "agents"."id" and s.state in ('offered','active','wrap_up'))`,
    })
    .from(agents)
    .where(agentIds ? inArray(agents.id, agentIds) : undefined)
    .orderBy(asc(agents.name));
  const presence = rows.length ? await tx.select().from(agentPresence).where(inArray(agentPresence.agentId, rows.map((r) => r.a.id))) : [];
  return rows.map(({ a, queueIds, teamIds, load }) => ({
    id: a.id,
    name: a.name,
    maxConcurrent: a.maxConcurrent,
    channels: a.channels,
    queueIds: queueIds ?? [],
    teamIds: teamIds ?? [],
    presence: presence.filter((p) => p.agentId === a.id && a.channels.includes(p.channel)).map(toChannelPresence),
    load: Number(load),
  }));
}

export async function setTimer(tx: Tx, kind: TimerKind, refId: string, dueAt: Date): Promise<void> {
  await tx.insert(timers).values({ kind, refId, dueAt }).onConflictDoUpdate({ target: [timers.kind, timers.refId], set: { dueAt } });
}

export async function clearTimer(tx: Tx, kind: TimerKind, refId: string): Promise<void> {
  await tx.delete(timers).where(and(eq(timers.kind, kind), eq(timers.refId, refId)));
}

/** Claims one due timer (any node may hold others), deleting it in the caller's transaction. */
export async function claimDueTimer(tx: Tx, now: Date): Promise<TimerRow | null> {
  const [row] = await tx.select().from(timers).where(lte(timers.dueAt, now)).orderBy(asc(timers.dueAt)).limit(1).for('update', { skipLocked: true });
  if (!row) return null;
  await tx.delete(timers).where(eq(timers.id, row.id));
  return row;
}

/** How many sessions wait in the queue. */
export async function waitingCount(tx: Tx, queueId: string): Promise<number> {
  const [w] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.queueId, queueId), eq(sessions.state, 'waiting')));
  return Number(w?.n ?? 0);
}

/** The agent's idle time on a channel starts now (a chat left their hands). */
export async function markIdleSince(tx: Tx, agentId: string, channel: MediaChannel, at: Date): Promise<void> {
  await tx.update(agentPresence).set({ idleSince: at }).where(and(eq(agentPresence.agentId, agentId), eq(agentPresence.channel, channel)));
}

/**
 * X conversations' queue (issue 19; seed 000: public posts and DMs are routed to agents Ready
 * on Twitter): the website's oldest queue on the `twitter` channel. A website without one gets
 * "Twitter", whose members are those of its default queue (an admin can change them after). Created
 * under a transaction-scoped advisory lock, so two nodes' first X conversations make one queue.
 */
export async function ensureTwitterQueue(tx: Tx, websiteId: string): Promise<QueueRow> {
  const pick = async () => (await tx.select().from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.channel, 'twitter'))).orderBy(asc(queues.createdAt)).limit(1))[0];
  const found = await pick();
  if (found) return found;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`twitter-queue:${websiteId}`}))`);
  const again = await pick();
  if (again) return again;
  const fallback = await ensureDefaultQueue(tx, websiteId);
  const [created] = await tx.insert(queues).values({ websiteId, name: 'Twitter', channel: 'twitter' }).onConflictDoNothing().returning();
  if (created) {
    const members = await tx.select({ agentId: agentQueues.agentId }).from(agentQueues).where(eq(agentQueues.queueId, fallback.id));
    if (members.length) await tx.insert(agentQueues).values(members.map((m) => ({ agentId: m.agentId, queueId: created.id }))).onConflictDoNothing();
    return created;
  }
  return must(await pick(), 'NOT_FOUND', 'No Twitter queue could be made (a chat queue is named "Twitter").');
}
