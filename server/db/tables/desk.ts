import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { queues } from './routing.ts';

/**
 * The desk's admin-managed lists (issue 4): quick replies (global or per queue),
 * dispositions (wrap-up codes, optionally limited to queues) and tags. Re-exported by schema.ts.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const quickReplies = pgTable(
  'quick_replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** Null = global; deleting the queue deletes its quick replies. */
    queueId: uuid('queue_id').references(() => queues.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('quick_replies_queue_idx').on(t.queueId)],
);

export const dispositions = pgTable('dispositions', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Stored on closed sessions as their wrap-up code, so a used one is deactivated, never deleted. */
  code: text('code').notNull().unique(),
  label: text('label').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** A disposition with rows here is offered only for sessions of these queues. */
export const dispositionQueues = pgTable(
  'disposition_queues',
  {
    dispositionId: uuid('disposition_id').notNull().references(() => dispositions.id, { onDelete: 'cascade' }),
    queueId: uuid('queue_id').notNull().references(() => queues.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.dispositionId, t.queueId] }), index('disposition_queues_queue_idx').on(t.queueId)],
);

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_name_uq').on(t.name)],
);

export type QuickReplyRow = typeof quickReplies.$inferSelect;
export type DispositionRow = typeof dispositions.$inferSelect;
export type TagRow = typeof tags.$inferSelect;
