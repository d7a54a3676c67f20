import { z } from 'zod';
import { IsoDate, Uuid } from './common.ts';
import { SafeText } from './storable-text.ts';

/**
 * Contact-centre routing (issue 3): queues (skills), teams, agent presence per
 * media channel, sessions (one interaction of a conversation) and offers.
 */

/** Media channels an agent can be Ready on (seeds 000/002: Chat, Twitter). Web widget sessions are `chat`. */
export const MediaChannel = z.enum(['chat', 'twitter']);
export type MediaChannel = z.infer<typeof MediaChannel>;

/** `refused` is set by the system only (offer rejected or expired); `offline` when no desktop is connected. */
export const PresenceState = z.enum(['ready', 'not_ready', 'away', 'refused', 'offline']);
export type PresenceState = z.infer<typeof PresenceState>;
/** What an agent may choose. */
export const SelectablePresence = z.enum(['ready', 'not_ready', 'away']);

export const SYSTEM_PRESENCE_REASONS = ['offer_rejected', 'offer_expired', 'disconnected'] as const;
export type SystemPresenceReason = (typeof SYSTEM_PRESENCE_REASONS)[number];

export const ChannelPresence = z.object({
  channel: MediaChannel,
  state: PresenceState,
  /**
   * Not Ready reason as the agent typed it ("Break", "Training"…), or, for Refused/Offline,
   * one of SYSTEM_PRESENCE_REASONS (a code the desktop translates).
   */
  reason: z.string().max(100).nullable(),
  since: IsoDate,
});
export type ChannelPresence = z.infer<typeof ChannelPresence>;

export const SetPresenceInput = z.object({
  channel: MediaChannel,
  state: SelectablePresence,
  reason: SafeText.trim().min(1).max(100).optional(),
});

export const RoutingPolicy = z.enum(['longest_idle', 'least_busy']);
export type RoutingPolicy = z.infer<typeof RoutingPolicy>;

/** An IANA zone the runtime knows: an unknown one would silently make the queue always open. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
/** Opening hours in the queue's time zone; no entry for a weekday = closed that day. */
export const BusinessHours = z.object({
  timezone: z.string().min(1).max(64).refine(isTimeZone, { message: 'Unknown time zone (use an IANA name such as Europe/Paris).' }),
  /** 0 = Sunday … 6 = Saturday. */
  days: z.array(z.object({ day: z.number().int().min(0).max(6), open: HourMinute, close: HourMinute })).max(14),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

export const Queue = z.object({
  id: Uuid,
  name: SafeText.min(1).max(100),
  channel: MediaChannel,
  policy: RoutingPolicy,
  /** Seconds an agent has to accept an offer (45 s by default, seed 001). */
  offerTimeoutSec: z.number().int().min(1).max(600),
  /** Null = always open. */
  businessHours: BusinessHours.nullable(),
  /** Whether closing a session of this queue requires a wrap-up code (issue 4 adds the form). */
  wrapUpRequired: z.boolean(),
  isDefault: z.boolean(),
});
export type Queue = z.infer<typeof Queue>;
export const QueueInput = Queue.omit({ id: true, isDefault: true }).partial({ policy: true, offerTimeoutSec: true, businessHours: true, wrapUpRequired: true, channel: true });

export const Team = z.object({ id: Uuid, name: SafeText.min(1).max(100), memberIds: z.array(Uuid) });
export type Team = z.infer<typeof Team>;

/** An agent as the routing and address book see them. */
export const AgentRoutingProfile = z.object({
  id: Uuid,
  name: z.string(),
  maxConcurrent: z.number().int().min(1).max(12),
  channels: z.array(MediaChannel),
  queueIds: z.array(Uuid),
  teamIds: z.array(Uuid),
  presence: z.array(ChannelPresence),
  /** Sessions currently held (offered + active + wrap-up). */
  load: z.number().int().min(0),
});
export type AgentRoutingProfile = z.infer<typeof AgentRoutingProfile>;

/**
 * One interaction of a conversation: bot → waiting → offered → active → wrap_up → closed.
 * A customer who ends while waiting or offered has `abandoned`.
 */
export const SessionState = z.enum(['bot', 'waiting', 'offered', 'active', 'wrap_up', 'closed', 'abandoned']);
export type SessionState = z.infer<typeof SessionState>;
export const EndedBy = z.enum(['agent', 'customer', 'system']);
export type EndedBy = z.infer<typeof EndedBy>;

export const SessionEventType = z.enum([
  'queued',
  'offered',
  'offer_rejected',
  'offer_expired',
  'connected',
  'transferred',
  'ended_by_agent',
  'ended_by_customer',
  'abandoned',
  'wrapped_up',
  /** An assistant answers first; it hands over with `queued` (data.from = 'bot') or closes with `bot_ended`. */
  'bot_started',
  'bot_ended',
]);
export type SessionEventType = z.infer<typeof SessionEventType>;

export const SessionEvent = z.object({
  id: Uuid,
  sessionId: Uuid,
  type: SessionEventType,
  at: IsoDate,
  agentId: Uuid.nullable(),
  queueId: Uuid.nullable(),
  /** Event specifics: transfer target, wrap-up code, offer id… */
  data: z.record(z.string(), z.unknown()),
});
export type SessionEvent = z.infer<typeof SessionEvent>;

/** Durations derived from the events (ms; null while not applicable yet). */
export const SessionDurations = z.object({
  waitMs: z.number().int().nullable(),
  handleMs: z.number().int().nullable(),
  afterContactWorkMs: z.number().int().nullable(),
});
export type SessionDurations = z.infer<typeof SessionDurations>;

export const SessionCardColour = z.enum(['blue', 'white', 'grey']);
export type SessionCardColour = z.infer<typeof SessionCardColour>;

/** Seed 003's session card: colour, channel icon, duration, queue, agent, status or wrap-up code. */
export const SessionCard = z.object({
  sessionId: Uuid,
  conversationId: Uuid,
  websiteId: Uuid,
  contact: z.object({ id: Uuid, name: z.string().nullable() }),
  channel: MediaChannel,
  state: SessionState,
  endedBy: EndedBy.nullable(),
  colour: SessionCardColour,
  queue: z.object({ id: Uuid, name: z.string() }).nullable(),
  agent: z.object({ id: Uuid, name: z.string() }).nullable(),
  wrapUpCode: z.string().nullable(),
  /** The disposition's label for that code (what people read), null when none or unknown. */
  wrapUpLabel: z.string().nullable(),
  startedAt: IsoDate,
  endedAt: IsoDate.nullable(),
  durations: SessionDurations,
});
export type SessionCard = z.infer<typeof SessionCard>;

export const Offer = z.object({
  id: Uuid,
  sessionId: Uuid,
  conversationId: Uuid,
  queue: z.object({ id: Uuid, name: z.string() }),
  contact: z.object({ id: Uuid, name: z.string().nullable() }),
  /** Preview of what the contact wrote last. */
  preview: z.string().nullable(),
  /** Set when the session arrives by transfer. */
  transferredBy: z.string().nullable(),
  /** The contact comes back to this agent (they held the contact's last session, or wrote the follow-up answered). */
  returning: z.boolean(),
  offeredAt: IsoDate,
  expiresAt: IsoDate,
});
export type Offer = z.infer<typeof Offer>;

export const OfferRevokedReason = z.enum(['expired', 'taken', 'abandoned', 'cancelled']);
export const OfferRevoked = z.object({ offerId: Uuid, reason: OfferRevokedReason });

export const TransferTarget = z.object({ kind: z.enum(['agent', 'team', 'queue']), id: Uuid });
export type TransferTarget = z.infer<typeof TransferTarget>;

export const WrapUpInput = z.object({
  sessionId: Uuid,
  code: SafeText.trim().min(1).max(100).optional(),
  notes: SafeText.max(4000).optional(),
  tags: z.array(SafeText.trim().min(1).max(50)).max(20).optional(),
});

/** What the widget shows while waiting (issue 3 §4). */
export const QueueStatus = z.object({
  state: SessionState.nullable(),
  /** 1-based place in the queue while waiting; null otherwise. */
  position: z.number().int().min(1).nullable(),
  estimatedWaitSec: z.number().int().min(0).nullable(),
  /** Whether any agent is Ready on the queue now. */
  agentsAvailable: z.boolean(),
  withinBusinessHours: z.boolean(),
  agent: z.object({ name: z.string() }).nullable(),
  /** The follow-up email the visitor left, if any (kept unverified). */
  followUpEmail: z.string().nullable(),
});
export type QueueStatus = z.infer<typeof QueueStatus>;

export const Directory = z.object({
  agents: z.array(AgentRoutingProfile),
  teams: z.array(Team),
  queues: z.array(Queue.extend({ waiting: z.number().int().min(0), readyAgents: z.number().int().min(0) })),
});
export type Directory = z.infer<typeof Directory>;
