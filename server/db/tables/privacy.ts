import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Privacy operations (docs/widget/privacy.md): the audit log of admin actions and the last run of
 * each daily maintenance job. Re-exported by schema.ts.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Who changed what and when. The actor's name is a snapshot (the agent may be renamed or gone);
 * `changes` names the fields a change touched with their new values, never a secret's value.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: ts('at').notNull(),
    /** No FK: the entry outlives the agent. Null for changes made by the server itself. */
    actorId: uuid('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_target_idx').on(t.targetType, t.targetId)],
);

/** One row per daily job: a node runs it only when its conditional update of `last_run_at` wins. */
export const maintenanceRuns = pgTable('maintenance_runs', {
  job: text('job').primaryKey(),
  lastRunAt: ts('last_run_at').notNull(),
});

export type AuditRow = typeof auditLog.$inferSelect;
