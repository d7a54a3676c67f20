import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Assistant, AssistantVersion, BotCursor, BotDefinition } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { assistantVersions, assistants, botRuns, sessions, websiteAssistants, type AssistantRow, type BotRunRow } from '../schema.ts';

/** Assistants, their versions, the live assistant per website and the bot runs (rows ⇄ protocol). */

export interface LiveAssistant {
  assistantId: string;
  name: string;
  versionNumber: number;
  definition: BotDefinition;
}

/** The assistant published on a website now, with the definition of its live version; null = default response. */
export async function liveAssistantOf(tx: Tx, websiteId: string): Promise<LiveAssistant | null> {
  const [row] = await tx
    .select({ assistantId: websiteAssistants.assistantId, name: assistants.name, versionNumber: websiteAssistants.versionNumber, definition: assistantVersions.definition })
    .from(websiteAssistants)
    .innerJoin(assistants, eq(assistants.id, websiteAssistants.assistantId))
    .innerJoin(assistantVersions, and(eq(assistantVersions.assistantId, websiteAssistants.assistantId), eq(assistantVersions.number, websiteAssistants.versionNumber)))
    .where(eq(websiteAssistants.websiteId, websiteId));
  return row ? { ...row, definition: row.definition as BotDefinition } : null;
}

/** A pinned version's definition (stored validated, with defaults applied). */
export async function versionDefinition(tx: Tx, assistantId: string, number: number): Promise<BotDefinition | null> {
  const [row] = await tx
    .select({ definition: assistantVersions.definition })
    .from(assistantVersions)
    .where(and(eq(assistantVersions.assistantId, assistantId), eq(assistantVersions.number, number)));
  return row ? (row.definition as BotDefinition) : null;
}

export async function assistantName(tx: Tx, id: string): Promise<string> {
  const [row] = await tx.select({ name: assistants.name }).from(assistants).where(eq(assistants.id, id));
  return row?.name ?? 'Assistant';
}

export async function botRunOf(tx: Tx, sessionId: string): Promise<BotRunRow | null> {
  const [row] = await tx.select().from(botRuns).where(eq(botRuns.sessionId, sessionId));
  return row ?? null;
}

export async function insertBotRun(tx: Tx, values: typeof botRuns.$inferInsert): Promise<void> {
  await tx.insert(botRuns).values(values);
}

export async function saveCursor(tx: Tx, sessionId: string, cursor: BotCursor): Promise<void> {
  await tx.update(botRuns).set({ cursor, updatedAt: sql`now()` }).where(eq(botRuns.sessionId, sessionId));
}

// ---- Admin side -------------------------------------------------------------

/** How many conversations this assistant is running now (sessions still in the bot's hands). */
export async function runningConversations(tx: Tx, assistantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(botRuns)
    .innerJoin(sessions, eq(sessions.id, botRuns.sessionId))
    .where(and(eq(botRuns.assistantId, assistantId), eq(sessions.state, 'bot')));
  return row?.n ?? 0;
}

export async function assistantById(tx: Tx, id: string, lock = false): Promise<AssistantRow | null> {
  const q = tx.select().from(assistants).where(eq(assistants.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function versionsOf(tx: Tx, assistantId: string): Promise<AssistantVersion[]> {
  const rows = await tx.select().from(assistantVersions).where(eq(assistantVersions.assistantId, assistantId)).orderBy(asc(assistantVersions.number));
  return rows.map((r) => ({ number: r.number, publishedAt: r.publishedAt.toISOString(), definition: r.definition as BotDefinition }));
}

export async function nextVersionNumber(tx: Tx, assistantId: string): Promise<number> {
  const [row] = await tx.select({ n: assistantVersions.number }).from(assistantVersions).where(eq(assistantVersions.assistantId, assistantId)).orderBy(desc(assistantVersions.number)).limit(1);
  return (row?.n ?? 0) + 1;
}

/** Assistants as the admin list shows them: status and channels from the live table. */
export async function assistantList(tx: Tx, ids?: string[]): Promise<Assistant[]> {
  const rows = await tx
    .select()
    .from(assistants)
    .where(ids ? inArray(assistants.id, ids.length ? ids : ['00000000-0000-0000-0000-000000000000']) : undefined)
    .orderBy(asc(assistants.createdAt), asc(assistants.name));
  if (!rows.length) return [];
  const live = await tx.select().from(websiteAssistants).where(inArray(websiteAssistants.assistantId, rows.map((r) => r.id)));
  const latest = await tx
    .select({ id: assistantVersions.assistantId, n: sql<number>`max(${assistantVersions.number})::int` })
    .from(assistantVersions)
    .where(inArray(assistantVersions.assistantId, rows.map((r) => r.id)))
    .groupBy(assistantVersions.assistantId);
  return rows.map((r) => {
    const channels = live.filter((l) => l.assistantId === r.id).map((l) => l.websiteId);
    const n = latest.find((l) => l.id === r.id)?.n;
    return { id: r.id, name: r.name, brand: r.brand, languages: r.languages, status: channels.length ? 'active' : 'draft', channels, publishedVersion: n ? Number(n) : null };
  });
}

/** Live definitions (one per website) with their assistant's name: what a queue deletion must not break. */
export async function liveDefinitions(tx: Tx): Promise<{ assistantId: string; name: string; definition: BotDefinition }[]> {
  const rows = await tx
    .select({ assistantId: websiteAssistants.assistantId, name: assistants.name, definition: assistantVersions.definition })
    .from(websiteAssistants)
    .innerJoin(assistants, eq(assistants.id, websiteAssistants.assistantId))
    .innerJoin(assistantVersions, and(eq(assistantVersions.assistantId, websiteAssistants.assistantId), eq(assistantVersions.number, websiteAssistants.versionNumber)));
  return rows.map((r) => ({ ...r, definition: r.definition as BotDefinition }));
}
