import { z } from 'zod';
import { boundedJson } from './bounded-json.ts';
import { IsoDate, Locale, Uuid } from './common.ts';
import { ATTRIBUTE_KEY_PATTERN, MAX_ATTRIBUTE_VALUE_LENGTH } from './limits.ts';
import { isStorableText, SafeText, UNSTORABLE_TEXT_MESSAGE, unstorablePath } from './storable-text.ts';

/**
 * Journeys and proactive engagement (issue 20, seed 003): what a visitor browses (web sessions,
 * page views, custom events), the rules that offer a chat (action maps), outcomes, segments and
 * the aggregate counters. The pure evaluator that the widget runs is protocol/engagement-eval.ts;
 * it imports only types from here, so none of this zod reaches the widget's budget.
 */

export const ENGAGEMENT_LIMITS = {
  rulesPerWebsite: 50,
  conditionsPerRule: 20,
  outcomesPerWebsite: 50,
  segmentsPerWebsite: 50,
  urlLength: 2048,
  titleLength: 300,
  patternLength: 300,
  eventNameLength: 64,
  eventDataBytes: 2048,
  eventDataDepth: 4,
  offerMessageLength: 500,
  /** Counter increments per POST, and how much one entry may add: a page shows an offer a few times at most. */
  counterEntries: 20,
  counterStep: 10,
  /** A web session ends after this much inactivity. */
  webSessionIdleMs: 30 * 60_000,
  dismissCooldownDaysMax: 365,
  attributionWindowHoursMax: 24 * 30,
  journeyRetentionDaysDefault: 90,
} as const;
const L = ENGAGEMENT_LIMITS;

/**
 * A URL pattern: a safe glob, never a user regex. `*` matches any run of characters (slashes
 * included); everything else is literal. A pattern starting with `/` is matched against the path
 * (plus the query when the pattern holds a `?`); any other against the whole URL without its
 * fragment. Matching is linear in practice and bounded by the lengths above.
 */
export const UrlPattern = SafeText.trim().min(1).max(L.patternLength);
export const EventName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, 'Letters, digits, space and _ . : - (at most 64).');
/** Bounded, and storable: no NUL or lone surrogate in any string or key (what Postgres refuses). */
export const EventData = boundedJson({ maxDepth: L.eventDataDepth, maxBytes: L.eventDataBytes }).superRefine((value, ctx) => {
  const path = unstorablePath(value);
  if (path) ctx.addIssue({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE });
});
const PageUrl = z.url({ protocol: /^https?$/ }).max(L.urlLength).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

// ————— What the widget reports (visitors with a session) —————

/** `page:view`: sent on each page load (and SPA navigation); `timeOnPrevSec` closes the previous page. */
export const PageViewInput = z.object({
  url: PageUrl,
  title: SafeText.max(L.titleLength).default(''),
  referrer: z.union([PageUrl, z.literal('')]).default(''),
  /** Seconds spent on the page before this one, in this tab (unknown when absent). */
  timeOnPrevSec: z.number().int().min(0).max(86_400).optional(),
});
export type PageViewInput = z.infer<typeof PageViewInput>;

/** `event:track`: `Messenger('trackEvent', name, data)`. */
export const TrackEventInput = z.object({ name: EventName, data: EventData.optional(), url: PageUrl.optional() });
export type TrackEventInput = z.infer<typeof TrackEventInput>;

/** Conversation events that are journey events too (the seed's "conversation events as triggers"). */
export const ConversationTrigger = z.enum(['queued', 'connected', 'ended_by_agent', 'abandoned']);
export type ConversationTrigger = z.infer<typeof ConversationTrigger>;

export const JourneyEntryKind = z.enum(['page_view', 'custom_event', 'conversation_event', 'offer_accepted', 'outcome']);
export type JourneyEntryKind = z.infer<typeof JourneyEntryKind>;

/** One line of the journey map, in time order. */
export const JourneyEntry = z.object({
  id: Uuid,
  webSessionId: Uuid,
  at: IsoDate,
  kind: JourneyEntryKind,
  /** page_view: the page; custom_event/offer_accepted/outcome: where it happened when known. */
  url: z.string().nullable(),
  title: z.string().nullable(),
  referrer: z.string().nullable(),
  timeOnPageSec: z.number().int().nullable(),
  /** custom_event: its name; conversation_event: the trigger; outcome: the outcome's name. */
  name: z.string().nullable(),
  data: z.unknown().optional(),
  /** The conversation session a conversation_event or offer_accepted belongs to. */
  sessionId: Uuid.nullable(),
  ruleId: Uuid.nullable(),
});
export type JourneyEntry = z.infer<typeof JourneyEntry>;

export const WebSession = z.object({
  id: Uuid,
  contactId: Uuid,
  startedAt: IsoDate,
  lastActivityAt: IsoDate,
  entryUrl: z.string().nullable(),
  referrer: z.string().nullable(),
  pageViews: z.number().int().min(0),
  events: z.number().int().min(0),
});
export type WebSession = z.infer<typeof WebSession>;

/**
 * The evaluator's memory as the server knows it, answered to `page:view` for a visitor with a session
 * (protocol/engagement-eval.ts `Memory` adds what the widget itself remembers: offers shown, dismissals).
 */
export const EngagementMemory = z.object({
  pagesInSession: z.number().int().min(0),
  /** Web sessions of this contact, the current one included. */
  visits: z.number().int().min(0),
  returning: z.boolean(),
  sessionUrls: z.array(z.string()).max(50),
  sessionEvents: z.array(z.string()).max(50),
  /** Conversation events of the last 90 days, `at` in ms since the epoch. */
  conversationEvents: z.array(z.object({ type: ConversationTrigger, at: z.number() })).max(50),
});
export type EngagementMemory = z.infer<typeof EngagementMemory>;
/** Nothing is recorded without a session, or (page views) when the website turned page tracking off. */
export const PageViewResult = z.object({ recorded: z.boolean(), memory: EngagementMemory.nullable() });
export type PageViewResult = z.infer<typeof PageViewResult>;
export const TrackEventResult = z.object({ recorded: z.boolean() });

/** `journey:get` (agents): a contact's web sessions and entries, oldest first, with where each chat began. */
export const JourneyRequest = z.object({ conversationId: Uuid, limit: z.number().int().min(1).max(500).default(200) });
export const Journey = z.object({
  contactId: Uuid,
  webSessions: z.array(WebSession),
  entries: z.array(JourneyEntry),
  chatStarts: z.array(z.object({ sessionId: Uuid, at: IsoDate, origin: z.enum(['visitor', 'proactive_offer']), ruleId: Uuid.nullable(), url: z.string().nullable() })),
  /** The website's segments the contact is in now (their attributes and memory, on their last page). */
  segments: z.array(z.object({ id: Uuid, name: z.string() })),
  hasMore: z.boolean(),
});
export type Journey = z.infer<typeof Journey>;

// ————— Rules (action maps) —————

const AttributeKey = z.string().regex(ATTRIBUTE_KEY_PATTERN);
const Count = z.number().int().min(0).max(10_000);

/** Conditions the browser can evaluate from the current page alone (no memory, nothing stored). */
export const PageCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url'), pattern: UrlPattern, negate: z.boolean().default(false) }),
  z.object({ type: z.literal('time_on_page'), atLeastSec: z.number().int().min(0).max(3600) }),
  z.object({ type: z.literal('scroll_depth'), atLeastPercent: z.number().int().min(0).max(100) }),
  z.object({ type: z.literal('exit_intent') }),
  /** A custom event fired on this page (or, with memory, earlier in the web session). */
  z.object({ type: z.literal('custom_event'), name: EventName }),
  z.object({ type: z.literal('attribute'), key: AttributeKey, op: z.enum(['equals', 'contains']), value: SafeText.max(MAX_ATTRIBUTE_VALUE_LENGTH) }),
  /** The target queue is within its business hours (the server says so with the rules). */
  z.object({ type: z.literal('business_hours') }),
  /** An agent is Ready with room in the target queue (the server says so with the rules). */
  z.object({ type: z.literal('agents_available') }),
]);
/** Conditions that need memory across pages or visits: true only when `context.memory` exists. */
export const MemoryCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pages_in_session'), atLeast: Count }),
  z.object({ type: z.literal('visits'), atLeast: Count }),
  z.object({ type: z.literal('returning_visitor'), is: z.boolean() }),
  /** A conversation event of this visitor within the last `withinHours`. */
  z.object({ type: z.literal('conversation_event'), event: ConversationTrigger, withinHours: z.number().int().min(1).max(24 * 90) }),
  /** A page matching `pattern` was seen earlier in the web session. */
  z.object({ type: z.literal('visited'), pattern: UrlPattern }),
]);
export const WireCondition = z.union([PageCondition, MemoryCondition]);
export type WireCondition = z.infer<typeof WireCondition>;
/** What an admin saves: a segment is referenced by id and inlined into the rule the widget gets. */
export const RuleCondition = z.union([WireCondition, z.object({ type: z.literal('segment'), segmentId: Uuid })]);
export type RuleCondition = z.infer<typeof RuleCondition>;

export const MEMORY_CONDITIONS: readonly string[] = ['pages_in_session', 'visits', 'returning_visitor', 'conversation_event', 'visited'];

const LocalizedMessage = z
  .partialRecord(Locale, SafeText.trim().min(1).max(L.offerMessageLength))
  .refine((m) => Object.keys(m).length > 0, 'At least one language.');

/** Who an offer speaks as. The admin names an agent by id; the widget gets only the display name. */
export const OfferFrom = z.discriminatedUnion('kind', [z.object({ kind: z.literal('agent'), agentId: Uuid }), z.object({ kind: z.literal('assistant') })]);
export const RuleAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), message: LocalizedMessage, from: OfferFrom, queueId: Uuid.nullable().default(null) }),
  z.object({ type: z.literal('open_assistant'), message: LocalizedMessage.optional() }),
]);
export type RuleAction = z.infer<typeof RuleAction>;

export const FrequencyCap = z.object({
  oncePerSession: z.boolean().default(true),
  /** After a dismissal, not again for this many days (0: only not again on this page). Needs memory. */
  dismissCooldownDays: z.number().int().min(0).max(L.dismissCooldownDaysMax).default(7),
});
export type FrequencyCap = z.infer<typeof FrequencyCap>;

export const ActionMapInput = z.object({
  name: SafeText.trim().min(1).max(100),
  enabled: z.boolean().default(true),
  /** Higher first; ties by rule id (the same pick on every evaluation). */
  priority: z.number().int().min(0).max(1000).default(100),
  conditions: z.array(RuleCondition).max(L.conditionsPerRule),
  action: RuleAction,
  cap: FrequencyCap.default({ oncePerSession: true, dismissCooldownDays: 7 }),
});
export type ActionMapInput = z.infer<typeof ActionMapInput>;
export const ActionMap = ActionMapInput.extend({ id: Uuid, websiteId: Uuid, createdAt: IsoDate, updatedAt: IsoDate });
export type ActionMap = z.infer<typeof ActionMap>;

/** The widget's view of a rule: only what the evaluator needs, no id but the rule's. */
export const WireAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), message: z.partialRecord(Locale, z.string()), from: z.object({ kind: z.enum(['agent', 'assistant']), name: z.string() }) }),
  z.object({ type: z.literal('open_assistant'), message: z.partialRecord(Locale, z.string()).optional() }),
]);
export const WireRule = z.object({
  id: Uuid,
  priority: z.number().int(),
  conditions: z.array(WireCondition),
  action: WireAction,
  cap: z.object({ oncePerSession: z.boolean(), dismissCooldownDays: z.number().int() }),
});
export type WireRule = z.infer<typeof WireRule>;

/** `GET /api/v1/widget/engagement?websiteKey=`: the enabled rules, and per rule its target queue's state now. */
export const EngagementQuery = z.object({ websiteKey: z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/) });
export const WidgetEngagement = z.object({
  rules: z.array(WireRule),
  /** Keyed by rule id (queue ids stay on the server). */
  availability: z.record(z.string(), z.object({ open: z.boolean(), agentsAvailable: z.boolean() })),
  /** Page tracking for visitors with a session (a website setting). */
  trackPages: z.boolean(),
});
export type WidgetEngagement = z.infer<typeof WidgetEngagement>;

/** `POST /api/v1/widget/engagement/counters?websiteKey=`: anonymous aggregate increments, never per person. */
export const CounterIncrements = z.object({
  increments: z
    .array(z.object({ ruleId: Uuid, shown: z.number().int().min(0).max(L.counterStep).default(0), dismissed: z.number().int().min(0).max(L.counterStep).default(0) }))
    .min(1)
    .max(L.counterEntries),
});
export type CounterIncrements = z.infer<typeof CounterIncrements>;

/** `offer:accept` (visitor socket): the visitor answered an offer; starts the conversation from it. */
export const OfferAcceptInput = z.object({
  ruleId: Uuid,
  /** Idempotency key of the offer's message in the transcript. */
  clientId: Uuid,
  locale: Locale,
  url: PageUrl.optional(),
});
export type OfferAcceptInput = z.infer<typeof OfferAcceptInput>;

// ————— Outcomes and segments —————

export const OutcomeMatch = z.discriminatedUnion('type', [z.object({ type: z.literal('url'), pattern: UrlPattern }), z.object({ type: z.literal('event'), name: EventName })]);
export type OutcomeMatch = z.infer<typeof OutcomeMatch>;
export const OutcomeInput = z.object({
  name: SafeText.trim().min(1).max(100),
  match: OutcomeMatch,
  /** Reached within this many hours after a conversation started from an offer: attributed to that offer's rule. */
  attributionWindowHours: z.number().int().min(1).max(L.attributionWindowHoursMax).default(72),
});
export type OutcomeInput = z.infer<typeof OutcomeInput>;
export const Outcome = OutcomeInput.extend({ id: Uuid, websiteId: Uuid, createdAt: IsoDate });
export type Outcome = z.infer<typeof Outcome>;

/** Named conditions over attributes, journey and conversation events; all must hold. */
export const SegmentInput = z.object({
  name: SafeText.trim().min(1).max(100),
  conditions: z.array(WireCondition).min(1).max(L.conditionsPerRule),
  /** Routing: a new session of a contact in this segment is queued here (the first such segment by name wins). */
  queueId: Uuid.nullable().default(null),
});
export type SegmentInput = z.infer<typeof SegmentInput>;
export const Segment = SegmentInput.extend({ id: Uuid, websiteId: Uuid, createdAt: IsoDate });
export type Segment = z.infer<typeof Segment>;

// ————— Counters and reports —————

export const ReportQuery = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  websiteId: Uuid.optional(),
  ruleId: Uuid.optional(),
  queueId: Uuid.optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;
/** Per rule, over the days [from, to] (UTC): see docs/engagement.md#reports for each definition. */
export const ReportRow = z.object({
  ruleId: Uuid,
  ruleName: z.string(),
  queueId: Uuid.nullable(),
  shown: z.number().int(),
  dismissed: z.number().int(),
  accepted: z.number().int(),
  conversationsStarted: z.number().int(),
  outcomesReached: z.number().int(),
});
export type ReportRow = z.infer<typeof ReportRow>;
export const EngagementReport = z.object({ from: z.string(), to: z.string(), rows: z.array(ReportRow) });
export type EngagementReport = z.infer<typeof EngagementReport>;

export const WebsiteScope = z.object({ websiteId: Uuid });
