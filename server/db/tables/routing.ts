import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  EndedBy,
  MediaChannel,
  PresenceState,
  RoutingPolicy,
  SessionEventType,
  SessionState,
  type BusinessHours,
} from '../../../protocol/index.ts';
import { agents, conversations, websites } from './core.ts';
import { actionMaps, sessionOrigin } from './engagement.ts';

/**
 * Routing (issue 3): queues, teams, presence per channel, sessions and their
 * events, offers, and timers any node's sweeper claims. Re-exported by schema.ts.
 */
export const mediaChannel = pgEnum('media_channel', MediaChannel.options as [string, ...string[]]);
export const presenceState = pgEnum('presence_state', PresenceState.options as [string, ...string[]]);
export const routingPolicy = pgEnum('routing_policy', RoutingPolicy.options as [string, ...string[]]);
export const sessionState = pgEnum('session_state', SessionState.options as [string, ...string[]]);
export const endedBy = pgEnum('ended_by', EndedBy.options as [string, ...string[]]);
export const sessionEventType = pgEnum('session_event_type', SessionEventType.options as [string, ...string[]]);
export const offerOutcome = pgEnum('offer_outcome', ['pending', 'accepted', 'rejected', 'expired', 'revoked']);
export type OfferOutcome = (typeof offerOutcome.enumValues)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const queues = pgTable(
  'queues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    channel: mediaChannel('channel').$type<MediaChannel>().notNull().default('chat'),
    policy: routingPolicy('policy').$type<RoutingPolicy>().notNull().default('longest_idle'),
    offerTimeoutSec: integer('offer_timeout_sec').notNull().default(45),
    businessHours: jsonb('business_hours').$type<BusinessHours>(),
    wrapUpRequired: boolean('wrap_up_required').notNull().default(false),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('queues_website_name_uq').on(t.websiteId, t.name),
    // At most one default queue per website: where a visitor's first message lands.
    uniqueIndex('queues_website_default_uq').on(t.websiteId).where(sql`${t.isDefault}`),
  ],
);

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').notNull().references(() => agents.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.agentId] }), index('team_members_agent_idx').on(t.agentId)],
);

export const agentQueues = pgTable(
  'agent_queues',
  {
    agentId: uuid('agent_id').notNull().references(() => agents.id, { onDelete: 'cascade' }),
    queueId: uuid('queue_id').notNull().references(() => queues.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.queueId] }), index('agent_queues_queue_idx').on(t.queueId)],
);

export const agentPresence = pgTable(
  'agent_presence',
  {
    agentId: uuid('agent_id').notNull().references(() => agents.id, { onDelete: 'cascade' }),
    channel: mediaChannel('channel').$type<MediaChannel>().notNull(),
    state: presenceState('state').$type<PresenceState>().notNull().default('offline'),
    reason: text('reason'),
    since: ts('since').notNull().defaultNow(),
    /** Start of the current idle stretch (Ready since, last offer, or last session end): longest idle = earliest. */
    idleSince: ts('idle_since').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.channel] })],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    channel: mediaChannel('channel').$type<MediaChannel>().notNull().default('chat'),
    queueId: uuid('queue_id').references(() => queues.id, { onDelete: 'set null' }),
    state: sessionState('state').$type<SessionState>().notNull(),
    /** Offered-to agent while offered; the connected agent while active / wrap-up. */
    agentId: uuid('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    endedBy: endedBy('ended_by').$type<EndedBy>(),
    /** Kept across rejections, expiries and transfers: the queue is ordered by it (front = oldest). */
    queuedAt: ts('queued_at').notNull(),
    offeredAt: ts('offered_at'),
    connectedAt: ts('connected_at'),
    endedAt: ts('ended_at'),
    closedAt: ts('closed_at'),
    wrapUpCode: text('wrap_up_code'),
    notes: text('notes'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    followUpEmail: text('follow_up_email'),
    /** Name of the agent who transferred it last (shown on the offer). */
    transferredBy: text('transferred_by'),
    /**
     * A returning contact's agent (who held the previous session, or wrote the follow-up this
     * session answers): offered first whenever Ready with room, else routing goes on as usual.
     */
    preferredAgentId: uuid('preferred_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    /** How the interaction began (issue 20): the visitor wrote, or accepted a proactive offer of `action_map_id`. */
    origin: sessionOrigin('origin').$type<'visitor' | 'proactive_offer'>().notNull().default('visitor'),
    actionMapId: uuid('action_map_id').references(() => actionMaps.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('sessions_queue_state_idx').on(t.state, t.queueId, t.queuedAt),
    index('sessions_agent_state_idx').on(t.agentId, t.state),
    index('sessions_conversation_idx').on(t.conversationId, t.createdAt),
    index('sessions_created_idx').on(t.createdAt),
    // One open interaction per conversation.
    uniqueIndex('sessions_conversation_open_uq')
      .on(t.conversationId)
      .where(sql`${t.state} in ('bot', 'waiting', 'offered', 'active', 'wrap_up')`),
  ],
);

export const sessionEvents = pgTable(
  'session_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    type: sessionEventType('type').$type<SessionEventType>().notNull(),
    at: ts('at').notNull(),
    agentId: uuid('agent_id'),
    queueId: uuid('queue_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('session_events_session_idx').on(t.sessionId, t.at)],
);

export const offers = pgTable(
  'offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').notNull().references(() => agents.id, { onDelete: 'cascade' }),
    offeredAt: ts('offered_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    outcome: offerOutcome('outcome').$type<OfferOutcome>().notNull().default('pending'),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    // The database itself refuses a second pending offer of one session.
    uniqueIndex('offers_session_pending_uq').on(t.sessionId).where(sql`${t.outcome} = 'pending'`),
    index('offers_agent_idx').on(t.agentId, t.outcome),
  ],
);

/** bot_reminder / bot_close: ref = the bot session's id (issue 5). */
export const timerKind = pgEnum('timer_kind', ['offer_expiry', 'presence_lapse', 'bot_reminder', 'bot_close']);
export type TimerKind = (typeof timerKind.enumValues)[number];

/** Durable timers: any node's sweeper claims due rows with FOR UPDATE SKIP LOCKED. */
export const timers = pgTable(
  'timers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: timerKind('kind').$type<TimerKind>().notNull(),
    refId: uuid('ref_id').notNull(),
    dueAt: ts('due_at').notNull(),
  },
  (t) => [index('timers_due_idx').on(t.dueAt), uniqueIndex('timers_kind_ref_uq').on(t.kind, t.refId)],
);

export type QueueRow = typeof queues.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;
export type PresenceRow = typeof agentPresence.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type SessionEventRow = typeof sessionEvents.$inferSelect;
export type OfferRow = typeof offers.$inferSelect;
export type TimerRow = typeof timers.$inferSelect;
