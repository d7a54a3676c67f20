import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { XCapabilities, XDeliveryState } from '../../../protocol/index.ts';
import { agents, contacts, conversations, messages, websites } from './core.ts';

/**
 * The X (Twitter) channel (issue 19; docs/channels/x.md): connected accounts, pending OAuth
 * authorizations, the contacts behind X user ids, the deliveries already seen, and the outbound queue.
 * Tokens and PKCE verifiers are stored encrypted (server/keys/credential-cipher.ts).
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const xAccounts = pgTable(
  'x_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The brand's website: X conversations are scoped, routed and authorized like its chats. */
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    xUserId: text('x_user_id').notNull(),
    username: text('username').notNull(),
    name: text('name').notNull(),
    /** Encrypted (credential cipher); the access token lives 2 h, the refresh token rotates on every use. */
    accessToken: text('access_token').notNull(),
    refreshToken: text('refresh_token'),
    tokenExpiresAt: ts('token_expires_at').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    /** Set when a refresh failed for good: an admin must reconnect. */
    tokenExpired: boolean('token_expired').notNull().default(false),
    rateLimitedUntil: ts('rate_limited_until'),
    webhookId: text('webhook_id'),
    webhookValid: boolean('webhook_valid').notNull().default(false),
    webhookCheckedAt: ts('webhook_checked_at'),
    /** Polling cursors (persisted so a restart neither misses nor repeats): newest DM event and mention seen. */
    dmCursor: text('dm_cursor'),
    mentionsSinceId: text('mentions_since_id'),
    capabilities: jsonb('capabilities').$type<XCapabilities>().notNull().default({ likes: false, unsummonedReplies: false }),
    lastError: text('last_error'),
    connectedAt: ts('connected_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('x_accounts_x_user_uq').on(t.xUserId), uniqueIndex('x_accounts_website_uq').on(t.websiteId)],
);

/** An authorization started in Admin › Channels, found again by the callback through `state` (the admin's SameSite=Strict cookie does not come back from x.com). */
export const xOauthPending = pgTable('x_oauth_pending', {
  state: text('state').primaryKey(),
  websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
  agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
  /** Encrypted PKCE verifier. */
  codeVerifier: text('code_verifier').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  expiresAt: ts('expires_at').notNull(),
  createdAt: createdAt(),
});

/** X users as contacts, matched by X user id (never by handle, which changes). */
export const xContacts = pgTable(
  'x_contacts',
  {
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    xUserId: text('x_user_id').notNull(),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    name: text('name'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.websiteId, t.xUserId] }), index('x_contacts_contact_idx').on(t.contactId)],
);

/** Webhook deliveries already processed, by `event_uuid`: X delivers duplicates. Swept after a few days. */
export const xEventsSeen = pgTable(
  'x_events_seen',
  {
    accountId: uuid('account_id').notNull().references(() => xAccounts.id, { onDelete: 'cascade' }),
    eventUuid: text('event_uuid').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.eventUuid] }), index('x_events_seen_received_idx').on(t.receivedAt)],
);

/**
 * The outbound queue: one row per agent message (DM or public reply) or like to send to X. The row's key
 * is the Parley message id, so a message is sent at most once; `xId` is what X answered (our echo filter).
 */
export const xOutbound = pgTable(
  'x_outbound',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull().references(() => xAccounts.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    /** The agent's message for `dm` and `reply`; null for likes. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'dm' | 'reply' | 'like' | 'unlike'>().notNull(),
    /** The post liked or answered (public posts). */
    targetPostId: text('target_post_id'),
    state: text('state').$type<XDeliveryState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    xId: text('x_id'),
    reason: text('reason'),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('x_outbound_message_uq').on(t.messageId),
    index('x_outbound_due_idx').on(t.state, t.nextAttemptAt),
    index('x_outbound_x_id_idx').on(t.accountId, t.xId),
    check('x_outbound_attempts', sql`${t.attempts} >= 0`),
  ],
);

export type XAccountRow = typeof xAccounts.$inferSelect;
export type XOutboundRow = typeof xOutbound.$inferSelect;
