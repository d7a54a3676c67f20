import { AppError, AuditCursor, type AuditLogPage, type AuditLogQuery } from '../../protocol/index.ts';
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Db, Tx } from '../db/client.ts';
import { auditPage, recordAudit, toAuditEntry, type AuditActor, type AuditRecord } from '../db/stores/audit-store.ts';

/**
 * The audit log of admin actions (docs/security.md#audit-log). Every admin write calls `record`
 * inside its own transaction, so an entry exists exactly when the change does.
 */
export type { AuditActor } from '../db/stores/audit-store.ts';

/** Fields whose values are never written down: only that they changed. */
const SECRET_FIELDS = /password|secret|token/i;

/** What a change touched, with secrets masked and undefined fields dropped. */
export function auditChanges(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, SECRET_FIELDS.test(key) ? '(changed)' : value]),
  );
}

export type RecordAudit = (tx: Tx, actor: AuditActor, record: AuditRecord) => Promise<void>;

export function createAuditService({ db, clock }: { db: Db; clock: Clock }) {
  const record: RecordAudit = (tx, actor, rec) => recordAudit(tx, actor, clock.now(), { ...rec, changes: auditChanges(rec.changes ?? {}) });

  async function page(query: z.output<typeof AuditLogQuery>): Promise<AuditLogPage> {
    const before = query.before ? parseCursor(query.before) : undefined;
    const rows = await auditPage(db, { limit: query.limit, before, targetType: query.targetType, targetId: query.targetId, actorId: query.actorId });
    const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
    return { entries: rows.map(toAuditEntry), nextBefore: last ? `${last.at.toISOString()}_${last.id}` : null };
  }

  return { record, page };
}

function parseCursor(cursor: z.output<typeof AuditCursor>): { at: Date; id: string } {
  const cut = cursor.lastIndexOf('_');
  const at = new Date(cursor.slice(0, cut));
  if (Number.isNaN(at.getTime())) throw new AppError('VALIDATION_FAILED', 'Unknown page cursor.', [{ path: 'before', message: 'Invalid cursor' }]);
  return { at, id: cursor.slice(cut + 1) };
}

export type AuditService = ReturnType<typeof createAuditService>;
