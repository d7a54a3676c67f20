import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { xAccounts } from './channels.ts';

/**
 * Receiving X events (issue 19; docs/channels/x.md#receiving): the inbox of signed webhook
 * deliveries not processed yet, and the polling leases that let one node at a time poll an account.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A webhook delivery is written here (with its `event_uuid` in x_events_seen, in one transaction)
 * before X gets its 200; it is deleted once processed. A node that dies in between leaves the row,
 * which any node's sweep takes up again after `next_attempt_at`.
 */
export const xInbox = pgTable(
  'x_inbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull().references(() => xAccounts.id, { onDelete: 'cascade' }),
    eventUuid: text('event_uuid').notNull(),
    body: jsonb('body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('x_inbox_due_idx').on(t.nextAttemptAt)],
);

/** When an account is next due for a poll of its DMs or mentions; claimed by moving `due_at` forward (one node wins). */
export const xPollLeases = pgTable(
  'x_poll_leases',
  {
    accountId: uuid('account_id').notNull().references(() => xAccounts.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'dm' | 'mentions'>().notNull(),
    dueAt: ts('due_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.kind] })],
);

export type XInboxRow = typeof xInbox.$inferSelect;
