import { asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Disposition, QuickReply, Tag } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { agentQueues, dispositionQueues, dispositions, quickReplies, sessions, tags, type DispositionRow, type QuickReplyRow, type TagRow } from '../schema.ts';

/** Quick replies, dispositions (with their queues) and tags: rows ⇄ protocol mapping. */

export const toQuickReply = (r: QuickReplyRow): QuickReply => ({ id: r.id, title: r.title, body: r.body, queueId: r.queueId, updatedAt: r.updatedAt.toISOString() });
export const toTag = (r: TagRow): Tag => ({ id: r.id, name: r.name });

export async function listQuickReplies(tx: Tx, queueIds?: string[]): Promise<QuickReply[]> {
  const where = queueIds ? or(isNull(quickReplies.queueId), queueIds.length ? inArray(quickReplies.queueId, queueIds) : undefined) : undefined;
  return (await tx.select().from(quickReplies).where(where).orderBy(asc(quickReplies.title))).map(toQuickReply);
}

/** Global quick replies and those of the agent's queues. */
export async function quickRepliesForAgent(tx: Tx, agentId: string): Promise<QuickReply[]> {
  const queues = await tx.select({ id: agentQueues.queueId }).from(agentQueues).where(eq(agentQueues.agentId, agentId));
  return listQuickReplies(tx, queues.map((q) => q.id));
}

export async function quickReplyById(tx: Tx, id: string): Promise<QuickReplyRow | null> {
  const [row] = await tx.select().from(quickReplies).where(eq(quickReplies.id, id));
  return row ?? null;
}

export async function insertQuickReply(tx: Tx, v: { title: string; body: string; queueId: string | null }): Promise<QuickReplyRow> {
  const [row] = await tx.insert(quickReplies).values(v).returning();
  return row!;
}

export async function updateQuickReply(tx: Tx, id: string, v: Partial<{ title: string; body: string; queueId: string | null }>): Promise<QuickReplyRow | null> {
  const [row] = await tx.update(quickReplies).set({ ...v, updatedAt: sql`now()` }).where(eq(quickReplies.id, id)).returning();
  return row ?? null;
}

export async function deleteQuickReply(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(quickReplies).where(eq(quickReplies.id, id)).returning({ id: quickReplies.id })).length > 0;
}

async function withQueues(tx: Tx, rows: DispositionRow[]): Promise<Disposition[]> {
  const links = rows.length ? await tx.select().from(dispositionQueues).where(inArray(dispositionQueues.dispositionId, rows.map((r) => r.id))) : [];
  return rows.map((r) => ({ id: r.id, code: r.code, label: r.label, active: r.active, queueIds: links.filter((l) => l.dispositionId === r.id).map((l) => l.queueId) }));
}

export async function listDispositions(tx: Tx, activeOnly = false): Promise<Disposition[]> {
  const rows = await tx.select().from(dispositions).where(activeOnly ? eq(dispositions.active, true) : undefined).orderBy(asc(dispositions.label));
  return withQueues(tx, rows);
}

export async function dispositionById(tx: Tx, id: string): Promise<Disposition | null> {
  const [row] = await tx.select().from(dispositions).where(eq(dispositions.id, id));
  return row ? (await withQueues(tx, [row]))[0]! : null;
}

export async function dispositionByCode(tx: Tx, code: string): Promise<Disposition | null> {
  const [row] = await tx.select().from(dispositions).where(eq(dispositions.code, code));
  return row ? (await withQueues(tx, [row]))[0]! : null;
}

/** Inserts or updates the row and replaces its queue links (caller's transaction). Null when the code is taken. */
export async function saveDisposition(tx: Tx, id: string | null, v: { code?: string; label?: string; active?: boolean; queueIds?: string[] }): Promise<string | null> {
  const { queueIds, ...cols } = v;
  let rowId = id;
  if (!rowId) {
    const [row] = await tx.insert(dispositions).values({ code: cols.code!, label: cols.label!, active: cols.active ?? true }).onConflictDoNothing().returning();
    if (!row) return null;
    rowId = row.id;
  } else if (Object.keys(cols).length) {
    if (cols.code) {
      const [taken] = await tx.select({ id: dispositions.id }).from(dispositions).where(eq(dispositions.code, cols.code));
      if (taken && taken.id !== rowId) return null;
    }
    await tx.update(dispositions).set(cols).where(eq(dispositions.id, rowId));
  }
  if (queueIds) {
    await tx.delete(dispositionQueues).where(eq(dispositionQueues.dispositionId, rowId));
    if (queueIds.length) await tx.insert(dispositionQueues).values([...new Set(queueIds)].map((queueId) => ({ dispositionId: rowId!, queueId })));
  }
  return rowId;
}

/** Whether any session was closed with this code (then it is deactivated, never deleted). */
export async function dispositionUsed(tx: Tx, code: string): Promise<boolean> {
  const [row] = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.wrapUpCode, code)).limit(1);
  return !!row;
}

export async function deleteDisposition(tx: Tx, id: string): Promise<void> {
  await tx.delete(dispositions).where(eq(dispositions.id, id));
}

export async function listTags(tx: Tx): Promise<Tag[]> {
  return (await tx.select().from(tags).orderBy(asc(tags.name))).map(toTag);
}

export async function tagById(tx: Tx, id: string): Promise<TagRow | null> {
  const [row] = await tx.select().from(tags).where(eq(tags.id, id));
  return row ?? null;
}

export async function insertTag(tx: Tx, name: string): Promise<TagRow | null> {
  const [row] = await tx.insert(tags).values({ name }).onConflictDoNothing().returning();
  return row ?? null;
}

export async function renameTag(tx: Tx, id: string, name: string): Promise<TagRow | null> {
  const [row] = await tx.update(tags).set({ name }).where(eq(tags.id, id)).returning();
  return row ?? null;
}

export async function deleteTag(tx: Tx, id: string): Promise<void> {
  await tx.delete(tags).where(eq(tags.id, id));
}

/** Names among `names` that are not in the tag list. */
export async function unknownTags(tx: Tx, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  const found = new Set((await tx.select({ name: tags.name }).from(tags).where(inArray(tags.name, names))).map((r) => r.name));
  return names.filter((n) => !found.has(n));
}
