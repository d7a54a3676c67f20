import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AgentProfile, AgentRole } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { agentSessions, agents, type AgentRow } from '../schema.ts';
import { must } from '../must.ts';

export function toAgentProfile(row: AgentRow): AgentProfile {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export async function agentByEmail(tx: Tx, email: string): Promise<AgentRow | null> {
  const [row] = await tx.select().from(agents).where(eq(agents.email, email.trim().toLowerCase()));
  return row ?? null;
}

export async function agentById(tx: Tx, id: string): Promise<AgentRow | null> {
  const [row] = await tx.select().from(agents).where(eq(agents.id, id));
  return row ?? null;
}

export interface AgentInput {
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
}

/** Inserts the agent unless the email exists; returns the stored row either way. */
export async function ensureAgent(tx: Tx, input: AgentInput): Promise<AgentRow> {
  const email = input.email.trim().toLowerCase();
  await tx.insert(agents).values({ ...input, email }).onConflictDoNothing({ target: agents.email });
  return must(await agentByEmail(tx, email), 'NOT_FOUND', 'No such agent.');
}

export async function createAgentSession(tx: Tx, input: { agentId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await tx.insert(agentSessions).values(input);
}

/** The agent behind a live (unrevoked, unexpired) session. */
export async function agentBySessionHash(tx: Tx, tokenHash: string, now: Date): Promise<AgentRow | null> {
  const [row] = await tx
    .select({ agent: agents })
    .from(agentSessions)
    .innerJoin(agents, eq(agents.id, agentSessions.agentId))
    .where(and(eq(agentSessions.tokenHash, tokenHash), isNull(agentSessions.revokedAt), gt(agentSessions.expiresAt, now), isNull(agents.deactivatedAt)));
  return row?.agent ?? null;
}

export async function revokeAgentSession(tx: Tx, tokenHash: string, now: Date): Promise<void> {
  await tx.update(agentSessions).set({ revokedAt: now }).where(eq(agentSessions.tokenHash, tokenHash));
}

/** Ends every login session of the agent still valid. */
export async function revokeAgentSessionsOf(tx: Tx, agentId: string, at: Date): Promise<void> {
  await tx
    .update(agentSessions)
    .set({ revokedAt: at })
    .where(and(eq(agentSessions.agentId, agentId), isNull(agentSessions.revokedAt)));
}

/** Held until the transaction ends: two runs creating the first administrator at once must not both find none. */
export async function lockAdministratorCreation(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('parley:create-administrator', 0))`);
}

export async function anyAdministrator(tx: Tx): Promise<boolean> {
  const [existing] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.role, 'admin')).limit(1);
  return !!existing;
}

/** The media channels the agent may be Ready on; null when there is no such agent. */
export async function agentChannels(tx: Tx, agentId: string): Promise<AgentRow['channels'] | null> {
  const [agent] = await tx.select({ channels: agents.channels }).from(agents).where(eq(agents.id, agentId));
  return agent?.channels ?? null;
}
