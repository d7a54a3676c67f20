import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { JourneyEntryKind, type FrequencyCap, type OutcomeMatch, type RuleAction, type RuleCondition, type WireCondition } from '../../../protocol/index.ts';
import { contacts, visitors, websites } from './core.ts';

/**
 * Journeys and proactive engagement (issue 20, docs/engagement.md). Rows about a person exist only
 * once the visitor has a session (wrote, was identified, or consented): web sessions, page views,
 * journey events and outcome hits. Offers shown to anonymous visitors are only counted, per rule
 * per day. Conversation session ids are kept without a foreign key: sessions (routing.ts) references
 * action_maps, and the import goes one way.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const journeyEntryKind = pgEnum('journey_entry_kind', JourneyEntryKind.options as [string, ...string[]]);
export const sessionOrigin = pgEnum('session_origin', ['visitor', 'proactive_offer']);

export const actionMaps = pgTable(
  'action_maps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    priority: integer('priority').notNull().default(100),
    conditions: jsonb('conditions').$type<RuleCondition[]>().notNull().default([]),
    action: jsonb('action').$type<RuleAction>().notNull(),
    cap: jsonb('cap').$type<FrequencyCap>().notNull(),
    /** The offer's target queue, copied out of `action` for the reports by queue (null: the website's default). */
    queueId: uuid('queue_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('action_maps_website_idx').on(t.websiteId, t.enabled)],
);

export const outcomes = pgTable(
  'outcomes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    match: jsonb('match').$type<OutcomeMatch>().notNull(),
    attributionWindowHours: integer('attribution_window_hours').notNull().default(72),
    createdAt: createdAt(),
  },
  (t) => [index('outcomes_website_idx').on(t.websiteId)],
);

export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    conditions: jsonb('conditions').$type<WireCondition[]>().notNull(),
    /** Routing by segment: a new session of a contact in this segment goes to this queue (no FK: see above). */
    queueId: uuid('queue_id'),
    createdAt: createdAt(),
  },
  (t) => [index('segments_website_idx').on(t.websiteId)],
);

/** A visitor's browsing, cut after 30 minutes without a page view or event. */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    visitorId: uuid('visitor_id').references(() => visitors.id, { onDelete: 'set null' }),
    startedAt: ts('started_at').notNull(),
    lastActivityAt: ts('last_activity_at').notNull(),
    entryUrl: text('entry_url'),
    referrer: text('referrer'),
    pageViews: integer('page_views').notNull().default(0),
    events: integer('events').notNull().default(0),
  },
  (t) => [
    // The visitor's current web session, and the journey map's list per contact.
    index('web_sessions_contact_idx').on(t.contactId, t.lastActivityAt),
    // The retention sweep.
    index('web_sessions_website_idx').on(t.websiteId, t.lastActivityAt),
  ],
);

export const pageViews = pgTable(
  'page_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    webSessionId: uuid('web_session_id').notNull().references(() => webSessions.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    url: text('url').notNull(),
    title: text('title').notNull().default(''),
    referrer: text('referrer'),
    /** Filled when the next page view (or the end of the web session) says how long this one lasted. */
    timeOnPageSec: integer('time_on_page_sec'),
  },
  (t) => [
    index('page_views_contact_at_idx').on(t.contactId, t.at),
    index('page_views_web_session_idx').on(t.webSessionId, t.at),
    index('page_views_website_at_idx').on(t.websiteId, t.at),
  ],
);

/** Custom events, conversation events (queued, connected, ended by agent, abandoned), accepted offers, outcomes. */
export const journeyEvents = pgTable(
  'journey_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    webSessionId: uuid('web_session_id').notNull().references(() => webSessions.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    kind: journeyEntryKind('kind').$type<JourneyEntryKind>().notNull(),
    name: text('name'),
    url: text('url'),
    data: jsonb('data'),
    /** The conversation session (no FK: see above). */
    sessionId: uuid('session_id'),
    ruleId: uuid('rule_id').references(() => actionMaps.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('journey_events_contact_at_idx').on(t.contactId, t.at),
    index('journey_events_web_session_idx').on(t.webSessionId, t.at),
    index('journey_events_website_at_idx').on(t.websiteId, t.at),
    index('journey_events_rule_at_idx').on(t.ruleId, t.at).where(sql`${t.ruleId} is not null`),
  ],
);

/** Anonymous aggregates per rule per UTC day: no row names a person. */
export const engagementCounters = pgTable(
  'engagement_counters',
  {
    ruleId: uuid('rule_id').notNull().references(() => actionMaps.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    shown: integer('shown').notNull().default(0),
    dismissed: integer('dismissed').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    started: integer('started').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.day] })],
);

/** A visitor with a session reached an outcome; `rule_id` when an offer of that rule started their conversation within the window. */
export const outcomeHits = pgTable(
  'outcome_hits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    outcomeId: uuid('outcome_id').notNull().references(() => outcomes.id, { onDelete: 'cascade' }),
    websiteId: uuid('website_id').notNull().references(() => websites.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    webSessionId: uuid('web_session_id').notNull().references(() => webSessions.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    ruleId: uuid('rule_id').references(() => actionMaps.id, { onDelete: 'set null' }),
    /** The conversation session the hit is attributed to (no FK: see above). */
    sessionId: uuid('session_id'),
  },
  (t) => [
    // Counted once per web session.
    uniqueIndex('outcome_hits_once_uq').on(t.outcomeId, t.webSessionId),
    index('outcome_hits_rule_at_idx').on(t.ruleId, t.at),
    index('outcome_hits_website_at_idx').on(t.websiteId, t.at),
  ],
);

export type ActionMapRow = typeof actionMaps.$inferSelect;
export type OutcomeRow = typeof outcomes.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;
export type WebSessionRow = typeof webSessions.$inferSelect;
