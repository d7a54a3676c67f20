import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditTargetType } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { auditLog, type AuditRow } from '../schema.ts';

/** The audit log's rows: written inside the admin change's own transaction, read newest first. */

/** Who acted: the agent (name as it is now, kept as a snapshot) and the client address. */
export interface AuditActor {
  agentId: string | null;
  name: string;
  ip: string | null;
}

export interface AuditRecord {
  action: string;
  targetType: AuditTargetType;
  targetId: string | null;
  changes?: Record<string, unknown>;
}

export async function recordAudit(tx: Tx, actor: AuditActor, at: Date, record: AuditRecord): Promise<void> {
  await tx.insert(auditLog).values({
    at,
    actorId: actor.agentId,
    actorName: actor.name,
    ip: actor.ip,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    changes: record.changes ?? {},
  });
}

export interface AuditFilter {
  limit: number;
  before?: { at: Date; id: string };
  targetType?: AuditTargetType;
  targetId?: string;
  actorId?: string;
}

/** One page, newest first (ties on `at` broken by id, so a cursor never skips an entry). */
export async function auditPage(tx: Tx, f: AuditFilter): Promise<AuditRow[]> {
  const where: (SQL | undefined)[] = [
    f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
    f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
    f.before ? or(lt(auditLog.at, f.before.at), and(eq(auditLog.at, f.before.at), lt(auditLog.id, f.before.id))) : undefined,
  ];
  return tx.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(f.limit);
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType as AuditTargetType,
    targetId: row.targetId,
    changes: row.changes,
    ip: row.ip,
  };
}
