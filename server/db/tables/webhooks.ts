import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { SessionEventType, WebhookPayload } from '../../../protocol/index.ts';
import { websites } from './core.ts';

/**
 * Outgoing webhooks (issue 3 §6). Deliveries are a transactional outbox: they are
 * inserted in the transaction that records the session event, then claimed and
 * POSTed by any node's dispatcher. Re-exported by schema.ts.
 */
export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatus.enumValues)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** HMAC key, encrypted (server/keys/credential-cipher.ts); shown in clear once, at creation. */
    secret: text('secret').notNull(),
    /** Subscribed session event types; empty = all. */
    events: text('events').array().$type<SessionEventType[]>().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_website_idx').on(t.websiteId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** The delivery id sent as Parley-Delivery: stable across retries, receivers de-duplicate on it. */
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The session event behind it (no FK: events are another module's table); one delivery per webhook and event. */
    eventId: uuid('event_id').notNull(),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<WebhookPayload>().notNull(),
    status: webhookDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due; while in flight, the end of the claim's lease. */
    nextAttemptAt: ts('next_attempt_at').notNull(),
    /** Set by the node that claimed it; a result is only recorded by the claim that still holds it. */
    leaseId: uuid('lease_id'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastAttemptAt: ts('last_attempt_at'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
    uniqueIndex('webhook_deliveries_webhook_event_uq').on(t.webhookId, t.eventId),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
