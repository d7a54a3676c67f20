import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { attachments, conversations, maintenanceRuns, messages, websites } from '../schema.ts';

/** The daily retention sweep's SQL (server/services/retention-service.ts). */

/**
 * Claims today's run of a job: true for exactly one caller per `everyMs`, whichever node asks first
 * (a conditional upsert; the losers see no row come back).
 */
export async function claimRun(tx: Tx, job: string, now: Date, everyMs: number): Promise<boolean> {
  const due = new Date(now.getTime() - everyMs);
  const rows = await tx
    .insert(maintenanceRuns)
    .values({ job, lastRunAt: now })
    .onConflictDoUpdate({ target: maintenanceRuns.job, set: { lastRunAt: now }, where: lt(maintenanceRuns.lastRunAt, sql`${due.toISOString()}::timestamptz`) })
    .returning({ job: maintenanceRuns.job });
  return rows.length > 0;
}

export interface RetentionPolicy {
  websiteId: string;
  messageRetentionDays: number | null;
  attachmentRetentionDays: number | null;
}

export async function retentionPolicies(tx: Tx): Promise<RetentionPolicy[]> {
  return tx
    .select({ websiteId: websites.id, messageRetentionDays: websites.messageRetentionDays, attachmentRetentionDays: websites.attachmentRetentionDays })
    .from(websites)
    .where(sql`${websites.messageRetentionDays} is not null or ${websites.attachmentRetentionDays} is not null`);
}

/** The website's conversations, as a subquery. */
const ofWebsite = (websiteId: string) => sql`(select ${conversations.id} from ${conversations} where ${conversations.websiteId} = ${websiteId})`;

/** Deletes up to `limit` messages of the website written before `cutoff`; answers how many. */
export async function deleteOldMessages(tx: Tx, websiteId: string, cutoff: Date, limit: number): Promise<number> {
  const batch = tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(lt(messages.createdAt, cutoff), inArray(messages.conversationId, ofWebsite(websiteId))))
    .limit(limit);
  const rows = await tx.delete(messages).where(inArray(messages.id, batch)).returning({ id: messages.id });
  return rows.length;
}

/** The desk's preview of a conversation whose last message was swept would show deleted text. */
export async function clearOldPreviews(tx: Tx, websiteId: string, cutoff: Date): Promise<void> {
  await tx
    .update(conversations)
    .set({ lastMessageText: null, lastMessageAuthorKind: null })
    .where(and(eq(conversations.websiteId, websiteId), isNotNull(conversations.lastMessageText), lt(conversations.lastMessageAt, cutoff)));
}

/** Deletes up to `limit` attachment rows of the website uploaded before `cutoff`; answers their storage keys. */
export async function deleteOldAttachments(tx: Tx, websiteId: string, cutoff: Date, limit: number): Promise<string[]> {
  const batch = tx
    .select({ id: attachments.id })
    .from(attachments)
    .where(and(lt(attachments.createdAt, cutoff), inArray(attachments.conversationId, ofWebsite(websiteId))))
    .limit(limit);
  const rows = await tx.delete(attachments).where(inArray(attachments.id, batch)).returning({ key: attachments.storageKey });
  return rows.map((r) => r.key);
}
