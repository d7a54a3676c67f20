import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { AgentAccount, MediaChannel, AgentRole } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { agentQueues, agents, queues, sessions, teamMembers, teams, websites, type AgentRow, type QueueRow, type WebsiteRow } from '../schema.ts';

/** Admin writes the routing and website tables need beyond what routing-store offers. */

export async function listWebsites(tx: Tx): Promise<WebsiteRow[]> {
  return tx.select().from(websites).orderBy(asc(websites.createdAt));
}

export async function insertWebsite(tx: Tx, v: typeof websites.$inferInsert): Promise<WebsiteRow | null> {
  const [row] = await tx.insert(websites).values(v).onConflictDoNothing().returning();
  return row ?? null;
}

export async function updateWebsite(tx: Tx, id: string, v: Partial<typeof websites.$inferInsert>): Promise<WebsiteRow | null> {
  const [row] = await tx.update(websites).set(v).where(eq(websites.id, id)).returning();
  return row ?? null;
}

const TABLES_BY_NAME = { agents, queues, teams };

/** Ids among `ids` that name no row of the table. */
export async function missingIds(tx: Tx, tableName: keyof typeof TABLES_BY_NAME, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const table = TABLES_BY_NAME[tableName];
  const found = new Set((await tx.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

export async function agentAccounts(tx: Tx, ids?: string[]): Promise<AgentAccount[]> {
  const rows = await tx
    .select({
      a: agents,
      queueIds: sql<string[]>`coalesce((select array_agg(aq.queue_id::text) from agent_queues aq where aq.agent_id = "agents"."id"), '{}')`,
      teamIds: sql<string[]>`coalesce((select array_agg(tm.team_id::text) from team_members tm where tm.agent_id = "agents"."id"), '{}')`,
    })
    .from(agents)
    .where(ids ? inArray(agents.id, ids) : undefined)
    .orderBy(asc(agents.name));
  return rows.map(({ a, queueIds, teamIds }) => ({
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    maxConcurrent: a.maxConcurrent,
    channels: a.channels,
    queueIds: queueIds ?? [],
    teamIds: teamIds ?? [],
    active: a.deactivatedAt === null,
    createdAt: a.createdAt.toISOString(),
  }));
}

export interface AgentColumns {
  name?: string;
  role?: AgentRole;
  maxConcurrent?: number;
  channels?: MediaChannel[];
  passwordHash?: string;
  deactivatedAt?: Date | null;
}

export async function insertAgent(tx: Tx, v: AgentColumns & { email: string; name: string; passwordHash: string }): Promise<AgentRow | null> {
  const [row] = await tx.insert(agents).values(v).onConflictDoNothing({ target: agents.email }).returning();
  return row ?? null;
}

export async function updateAgentColumns(tx: Tx, id: string, v: AgentColumns): Promise<void> {
  if (Object.keys(v).length) await tx.update(agents).set(v).where(eq(agents.id, id));
}

export async function setAgentQueues(tx: Tx, agentId: string, queueIds: string[]): Promise<void> {
  await tx.delete(agentQueues).where(eq(agentQueues.agentId, agentId));
  if (queueIds.length) await tx.insert(agentQueues).values([...new Set(queueIds)].map((queueId) => ({ agentId, queueId })));
}

export async function setAgentTeams(tx: Tx, agentId: string, teamIds: string[]): Promise<void> {
  await tx.delete(teamMembers).where(eq(teamMembers.agentId, agentId));
  if (teamIds.length) await tx.insert(teamMembers).values([...new Set(teamIds)].map((teamId) => ({ teamId, agentId })));
}

/** Active admins other than this agent: the last one may neither lose the role nor be deactivated. */
export async function otherAdmins(tx: Tx, agentId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(agents).where(and(eq(agents.role, 'admin'), ne(agents.id, agentId), isNull(agents.deactivatedAt)));
  return Number(row?.n ?? 0);
}

export async function setTeamMembers(tx: Tx, teamId: string, memberIds: string[]): Promise<void> {
  await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (memberIds.length) await tx.insert(teamMembers).values([...new Set(memberIds)].map((agentId) => ({ teamId, agentId })));
}

/** Sessions of a queue that are not finished (waiting, offered, active, wrap-up). */
export async function openSessionsInQueue(tx: Tx, queueId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.queueId, queueId), inArray(sessions.state, ['bot', 'waiting', 'offered', 'active', 'wrap_up'])));
  return Number(row?.n ?? 0);
}

/** No queue of the website is its default any more (another is about to be). */
export async function clearDefaultQueue(tx: Tx, websiteId: string): Promise<void> {
  await tx.update(queues).set({ isDefault: false }).where(eq(queues.websiteId, websiteId));
}

/** The new queue; null when its name is taken. */
export async function insertQueue(tx: Tx, v: typeof queues.$inferInsert): Promise<QueueRow | null> {
  const [created] = await tx.insert(queues).values(v).onConflictDoNothing().returning();
  return created ?? null;
}

export async function queueIdsNamed(tx: Tx, name: string): Promise<string[]> {
  return (await tx.select({ id: queues.id }).from(queues).where(eq(queues.name, name))).map((r) => r.id);
}

export async function updateQueue(tx: Tx, id: string, patch: Partial<typeof queues.$inferInsert>): Promise<QueueRow | null> {
  const [updated] = await tx.update(queues).set(patch).where(eq(queues.id, id)).returning();
  return updated ?? null;
}

export async function lockQueue(tx: Tx, id: string): Promise<QueueRow | null> {
  const [q] = await tx.select().from(queues).where(eq(queues.id, id)).for('update');
  return q ?? null;
}

export async function deleteQueue(tx: Tx, id: string): Promise<void> {
  await tx.delete(queues).where(eq(queues.id, id));
}

export async function teamIdNamed(tx: Tx, name: string): Promise<string | null> {
  const [clash] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.name, name));
  return clash?.id ?? null;
}

export async function insertTeam(tx: Tx, name: string): Promise<string> {
  const [row] = await tx.insert(teams).values({ name }).returning({ id: teams.id });
  return row!.id; // an insert without ON CONFLICT returns its row or throws
}

/** The team's id, or null when there is no such team. */
export async function renameTeam(tx: Tx, id: string, name: string): Promise<string | null> {
  const [row] = await tx.update(teams).set({ name }).where(eq(teams.id, id)).returning({ id: teams.id });
  return row?.id ?? null;
}

/** Whether there was such a team. */
/** The deleted team's name (for the audit log), or null when there was none. */
export async function deleteTeam(tx: Tx, id: string): Promise<string | null> {
  const [row] = await tx.delete(teams).where(eq(teams.id, id)).returning({ name: teams.name });
  return row?.name ?? null;
}
