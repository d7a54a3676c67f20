import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { AgentRole, AuthorKind, ConversationChannel, ConversationStatus, Locale, type MediaChannel } from '../../../protocol/index.ts';
import { INITIAL_TOKEN_VERSION } from '../../core/visitor-token.ts';

/**
 * The core of the data model (docs/internals/architecture.md#data-model): websites, contacts,
 * visitors, agents and their logins, conversations (the one long thread) and messages. Routing,
 * desk lists, assistants, attachments and webhooks have their files beside this one in tables/.
 * Enums come from protocol/, never the reverse.
 */
export const authorKind = pgEnum('author_kind', AuthorKind.options as [string, ...string[]]);
export const conversationStatus = pgEnum('conversation_status', ConversationStatus.options as [string, ...string[]]);
export const agentRole = pgEnum('agent_role', AgentRole.options as [string, ...string[]]);
export const messageKind = pgEnum('message_kind', ['text', 'event', 'image', 'structured']);
export const conversationChannel = pgEnum('conversation_channel', ConversationChannel.options as [string, ...string[]]);

const id = () => uuid('id').primaryKey().defaultRandom();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export interface WebsiteTheme {
  primaryColor: string;
}

export const websites = pgTable('websites', {
  id: id(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
  /** HS256 secret of the site's identity JWTs (issue 4), encrypted (server/keys/credential-cipher.ts); null until configured. */
  identitySecret: text('identity_secret'),
  defaultLocale: text('default_locale').$type<Locale>().notNull().default('en'),
  theme: jsonb('theme').$type<WebsiteTheme>().notNull().default({ primaryColor: '#4f46e5' }),
  /** Retention (docs/widget/privacy.md): messages and attachments older than this many days are swept daily; null keeps them. */
  messageRetentionDays: integer('message_retention_days'),
  attachmentRetentionDays: integer('attachment_retention_days'),
  /** Journeys (issue 20): page views and events older than this are swept daily; page tracking can be off. */
  journeyRetentionDays: integer('journey_retention_days').notNull().default(90),
  trackPages: boolean('track_pages').notNull().default(true),
  createdAt: createdAt(),
});

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    /** Set only by a verified identity or by an agent by hand; a typed email never merges histories. */
    verified: boolean('verified').notNull().default(false),
    /** Collected by bots or set by agents; string values only. */
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    /** The site's own user id (`sub` of a verified identity JWT); null for anonymous contacts. */
    externalId: text('external_id'),
    /** Set when an admin erased the contact: the row stays, empty, so anonymous session aggregates keep their conversation. */
    erasedAt: ts('erased_at'),
    createdAt: createdAt(),
  },
  (t) => [index('contacts_website_idx').on(t.websiteId), uniqueIndex('contacts_website_external_uq').on(t.websiteId, t.externalId)],
);

export const visitors = pgTable(
  'visitors',
  {
    id: id(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    /** Bumped to revoke every token issued so far (tokens carry the version they were signed with). */
    tokenVersion: integer('token_version').notNull().default(INITIAL_TOKEN_VERSION),
    /**
     * SHA-256 (hex) of the proof sent with the first message that created this row; null when none was
     * sent (older widgets) or the row came from an identify. See `FirstSendProof` in protocol/message.ts.
     */
    firstSendProofHash: text('first_send_proof_hash'),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index('visitors_contact_idx').on(t.contactId)],
);

export const agents = pgTable(
  'agents',
  {
    id: id(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: agentRole('role').$type<AgentRole>().notNull().default('agent'),
    passwordHash: text('password_hash').notNull(),
    maxConcurrent: integer('max_concurrent').notNull().default(5),
    /** Media channels the agent may be Ready on (seeds 000/002). */
    channels: text('channels').array().$type<MediaChannel[]>().notNull().default(sql`'{chat}'::text[]`),
    /** Set when an admin deactivates the account: no login, no routing, sessions revoked; history kept. */
    deactivatedAt: ts('deactivated_at'),
    createdAt: createdAt(),
  },
  (t) => [check('agents_max_concurrent_range', sql`${t.maxConcurrent} between 1 and 12`)],
);

/** Login sessions of the desktop; the cookie holds a random token, the row only its SHA-256. */
export const agentSessions = pgTable(
  'agent_sessions',
  {
    id: id(),
    agentId: uuid('agent_id').notNull().references(() => agents.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('agent_sessions_agent_idx').on(t.agentId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    status: conversationStatus('status').$type<ConversationStatus>().notNull().default('waiting'),
    /** Web widget, X direct messages or an X public thread (issue 19); X ones belong to one connected X account. */
    channel: conversationChannel('channel').$type<ConversationChannel>().notNull().default('web'),
    /** The X account (tables/channels.ts) of an X conversation; no FK here to keep this file free of that one. */
    xAccountId: uuid('x_account_id'),
    /** X's own id of the thread: the DM conversation id (`{smaller}-{larger}`) or the root post's `conversation_id`. */
    externalThreadId: text('external_thread_id'),
    assignedAgentId: uuid('assigned_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    /** The open (or last) session; no FK to keep the two tables' creation order free. */
    currentSessionId: uuid('current_session_id'),
    /** Highest seq handed out; the next event gets last_seq + 1 under a row lock. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    // Denormalised preview so the agent list needs no join on messages.
    lastMessageText: text('last_message_text'),
    lastMessageAuthorKind: authorKind('last_message_author_kind').$type<AuthorKind>(),
    lastMessageAt: ts('last_message_at'),
    /** Read receipts: the highest seq each side has read. */
    visitorReadSeq: bigint('visitor_read_seq', { mode: 'number' }).notNull().default(0),
    agentReadSeq: bigint('agent_read_seq', { mode: 'number' }).notNull().default(0),
    /** The agent who wrote an asynchronous follow-up; told (`contact:replied`) when the visitor next writes. */
    followUpAgentId: uuid('follow_up_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('conversations_contact_idx').on(t.contactId, t.createdAt),
    // No column a message moves (last_seq, preview, updated_at) is indexed: the write path's
    // per-batch UPDATE then stays a heap-only (HOT) update, with no index entries to add.
    index('conversations_status_idx').on(t.status),
    index('conversations_agent_idx').on(t.assignedAgentId, t.status),
    // One Parley conversation per X thread: webhook and polling deliveries of one thread meet here.
    uniqueIndex('conversations_x_thread_uq').on(t.xAccountId, t.channel, t.externalThreadId).where(sql`${t.externalThreadId} is not null`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The sender's idempotency key; null for server-generated events. */
    clientId: uuid('client_id'),
    authorKind: authorKind('author_kind').$type<AuthorKind>().notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    kind: messageKind('kind').$type<'text' | 'event' | 'image' | 'structured'>().notNull(),
    /** The session it was written in; null outside any session (asynchronous follow-up). No FK: sessions live in tables/routing.ts. */
    sessionId: uuid('session_id'),
    body: text('body'),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_conversation_client_uq').on(t.conversationId, t.clientId),
    uniqueIndex('messages_conversation_seq_uq').on(t.conversationId, t.seq),
    // Lets a retried first send (no token yet) find the conversation it already created;
    // partial, so other messages add no entry to it.
    index('messages_first_client_idx').on(t.clientId).where(sql`${t.seq} = 1`),
    // The daily retention sweep finds old messages by age; inserts append to its right edge.
    index('messages_created_idx').on(t.createdAt),
  ],
);

export type WebsiteRow = typeof websites.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type VisitorRow = typeof visitors.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type AgentSessionRow = typeof agentSessions.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

