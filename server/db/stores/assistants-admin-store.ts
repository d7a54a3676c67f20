import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { BotDefinition, Locale } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { assistantVersions, assistants, queues, websiteAssistants, websites } from '../schema.ts';

/** The writes of the assistants' admin pages (server/services/assistant-service.ts); reads are in bots-store.ts. */

/** The queue a new assistant hands off to: the oldest default queue, else the oldest queue. */
export async function firstDefaultQueueId(tx: Tx): Promise<string | null> {
  const [queue] = await tx.select({ id: queues.id }).from(queues).orderBy(sql`${queues.isDefault} desc`, asc(queues.createdAt)).limit(1);
  return queue?.id ?? null;
}

export async function insertAssistant(tx: Tx, v: typeof assistants.$inferInsert): Promise<string> {
  const [row] = await tx.insert(assistants).values(v).returning({ id: assistants.id });
  return row!.id; // an insert without ON CONFLICT returns its row or throws
}

/** Whether there was such an assistant. `languages` null: kept. */
export async function saveAssistantDraft(tx: Tx, id: string, draft: unknown, languages: Locale[] | null): Promise<boolean> {
  const [row] = await tx
    .update(assistants)
    .set({ draft, updatedAt: sql`now()`, ...(languages ? { languages } : {}) })
    .where(eq(assistants.id, id))
    .returning({ id: assistants.id });
  return !!row;
}

export async function updateAssistantNaming(tx: Tx, id: string, v: { name?: string; brand?: string | null }): Promise<void> {
  await tx.update(assistants).set({ ...v, updatedAt: sql`now()` }).where(eq(assistants.id, id));
}

export async function deleteAssistant(tx: Tx, id: string): Promise<void> {
  await tx.delete(assistants).where(eq(assistants.id, id));
}

export async function insertVersion(tx: Tx, v: { assistantId: string; number: number; definition: BotDefinition; publishedAt: Date }): Promise<void> {
  await tx.insert(assistantVersions).values(v);
}

/** Every channel the assistant runs on now runs this version. */
export async function moveChannelsToVersion(tx: Tx, assistantId: string, versionNumber: number, at: Date): Promise<void> {
  await tx.update(websiteAssistants).set({ versionNumber, publishedAt: at }).where(eq(websiteAssistants.assistantId, assistantId));
}

/** The channel runs this assistant's version from now on, replacing whichever assistant was live there. */
export async function runOnChannel(tx: Tx, websiteId: string, assistantId: string, versionNumber: number, at: Date): Promise<void> {
  await tx
    .insert(websiteAssistants)
    .values({ websiteId, assistantId, versionNumber, publishedAt: at })
    .onConflictDoUpdate({ target: websiteAssistants.websiteId, set: { assistantId, versionNumber, publishedAt: at } });
}

/** The assistant leaves every channel but these (none given: every channel). */
export async function disconnectChannelsExcept(tx: Tx, assistantId: string, keep: string[]): Promise<void> {
  await tx.delete(websiteAssistants).where(and(eq(websiteAssistants.assistantId, assistantId), keep.length ? notInArray(websiteAssistants.websiteId, keep) : undefined));
}

/** Which assistant runs on each of these channels. */
export async function channelAssignments(tx: Tx, websiteIds: string[]) {
  return websiteIds.length ? tx.select().from(websiteAssistants).where(inArray(websiteAssistants.websiteId, websiteIds)) : [];
}

/** The channels the assistant runs on. */
export async function channelsOf(tx: Tx, assistantId: string): Promise<string[]> {
  return (await tx.select({ websiteId: websiteAssistants.websiteId }).from(websiteAssistants).where(eq(websiteAssistants.assistantId, assistantId))).map((r) => r.websiteId);
}

/** Ids among `ids` that name no website. */
export async function missingWebsiteIds(tx: Tx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const found = new Set((await tx.select({ id: websites.id }).from(websites).where(inArray(websites.id, ids))).map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}
