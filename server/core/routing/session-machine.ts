import { AppError, type EndedBy, type SessionEventType, type SessionState } from '../../../protocol/index.ts';

/**
 * The session lifecycle (seeds 001/003): bot → waiting → offered → active →
 * wrap_up → closed, or abandoned by the customer while waiting/offered. Pure:
 * each transition returns the columns to write and the session events to record
 * (effects as data); services persist both in one transaction. Anything else
 * throws SESSION_STATE_INVALID.
 */

export interface SessionSnapshot {
  state: SessionState;
  queueId: string | null;
  agentId: string | null;
  endedBy: EndedBy | null;
  queuedAt: Date;
  offeredAt: Date | null;
  connectedAt: Date | null;
  endedAt: Date | null;
  closedAt: Date | null;
  wrapUpCode: string | null;
}

export interface EventDraft {
  type: SessionEventType;
  at: Date;
  agentId: string | null;
  queueId: string | null;
  data: Record<string, unknown>;
}

export interface Transition {
  patch: Partial<SessionSnapshot> & { notes?: string | null; tags?: string[]; transferredBy?: string | null };
  events: EventDraft[];
}

export const OPEN_STATES: readonly SessionState[] = ['bot', 'waiting', 'offered', 'active', 'wrap_up'];
/** States that count against the holding agent's capacity. */
export const LOAD_STATES: readonly SessionState[] = ['offered', 'active', 'wrap_up'];

export const isOpen = (s: SessionState) => OPEN_STATES.includes(s);

function expect(s: SessionSnapshot, allowed: SessionState[], what: string): void {
  if (!allowed.includes(s.state)) throw new AppError('SESSION_STATE_INVALID', `Cannot ${what} a session that is ${s.state}.`);
}

const event = (type: SessionEventType, at: Date, agentId: string | null, queueId: string | null, data: Record<string, unknown> = {}): EventDraft => ({
  type,
  at,
  agentId,
  queueId,
  data,
});

/** A new session enters a queue (the visitor's first message, or the bot hands over). */
export function enqueue(queueId: string, at: Date): { snapshot: SessionSnapshot; events: EventDraft[] } {
  return {
    snapshot: { state: 'waiting', queueId, agentId: null, endedBy: null, queuedAt: at, offeredAt: null, connectedAt: null, endedAt: null, closedAt: null, wrapUpCode: null },
    events: [event('queued', at, null, queueId)],
  };
}

/** An assistant answers first (issue 5): no queue yet; the wait starts at the handoff. `data` names the assistant and version. */
export function startBot(at: Date, data: Record<string, unknown>): { snapshot: SessionSnapshot; events: EventDraft[] } {
  return {
    snapshot: { state: 'bot', queueId: null, agentId: null, endedBy: null, queuedAt: at, offeredAt: null, connectedAt: null, endedAt: null, closedAt: null, wrapUpCode: null },
    events: [event('bot_started', at, null, null, data)],
  };
}

/** The assistant hands over: the session waits in the step's queue like any new one (routing offers it). */
export function handoffFromBot(s: SessionSnapshot, queueId: string, at: Date, data: Record<string, unknown>): Transition {
  expect(s, ['bot'], 'hand off');
  return { patch: { state: 'waiting', queueId, queuedAt: at }, events: [event('queued', at, null, queueId, { from: 'bot', ...data })] };
}

/** The assistant ends the conversation (its end step, or the visitor's silence): closed by the system, no after-contact work. */
export function endByBot(s: SessionSnapshot, at: Date, data: Record<string, unknown>): Transition {
  expect(s, ['bot'], 'end');
  return { patch: { state: 'closed', endedBy: 'system', endedAt: at, closedAt: at }, events: [event('bot_ended', at, null, null, data)] };
}

export function offer(s: SessionSnapshot, agentId: string, offerId: string, at: Date, expiresAt: Date): Transition {
  expect(s, ['waiting'], 'offer');
  return {
    patch: { state: 'offered', agentId, offeredAt: at },
    events: [event('offered', at, agentId, s.queueId, { offerId, expiresAt: expiresAt.toISOString() })],
  };
}

/** Reject or expiry: back to the FRONT of its queue (queuedAt is kept), nobody holds it. */
export function refuse(s: SessionSnapshot, how: 'rejected' | 'expired', offerId: string, at: Date): Transition {
  expect(s, ['offered'], 'refuse');
  return {
    patch: { state: 'waiting', agentId: null },
    events: [event(how === 'rejected' ? 'offer_rejected' : 'offer_expired', at, s.agentId, s.queueId, { offerId })],
  };
}

/** An offer withdrawn for another reason (agent went offline): back to the front, no Refused. */
export function withdraw(s: SessionSnapshot): Transition {
  expect(s, ['offered'], 'withdraw');
  return { patch: { state: 'waiting', agentId: null }, events: [] };
}

/** Accepting the offer, or picking a waiting session from the queue (`conversation:take`). */
export function connect(s: SessionSnapshot, agentId: string, at: Date, via: 'offer' | 'pick', offerId?: string): Transition {
  expect(s, via === 'offer' ? ['offered'] : ['waiting', 'offered'], 'connect');
  if (via === 'offer' && s.agentId !== agentId) throw new AppError('OFFER_GONE');
  return {
    patch: { state: 'active', agentId, connectedAt: s.connectedAt ?? at },
    events: [event('connected', at, agentId, s.queueId, offerId ? { offerId } : { via })],
  };
}

export type TransferDestination = { queueId: string; target: { kind: 'agent' | 'team' | 'queue'; id: string } };

/** The holder hands the session on: it waits in the destination queue (an offer may follow at once). */
export function transfer(s: SessionSnapshot, byAgent: { id: string; name: string }, to: TransferDestination, at: Date): Transition {
  expect(s, ['active'], 'transfer');
  return {
    patch: { state: 'waiting', agentId: null, queueId: to.queueId, transferredBy: byAgent.name },
    events: [event('transferred', at, byAgent.id, to.queueId, { fromQueueId: s.queueId, target: to.target })],
  };
}

export function endByAgent(s: SessionSnapshot, agentId: string, at: Date): Transition {
  expect(s, ['active'], 'end');
  return { patch: { state: 'wrap_up', endedBy: 'agent', endedAt: at }, events: [event('ended_by_agent', at, agentId, s.queueId)] };
}

/** The visitor ends: wrap-up for the agent when connected; abandoned when still waiting or offered. */
export function endByCustomer(s: SessionSnapshot, at: Date): Transition {
  expect(s, ['bot', 'waiting', 'offered', 'active'], 'end');
  if (s.state === 'active') {
    return { patch: { state: 'wrap_up', endedBy: 'customer', endedAt: at }, events: [event('ended_by_customer', at, s.agentId, s.queueId)] };
  }
  return {
    patch: { state: 'abandoned', endedBy: 'customer', endedAt: at, agentId: null },
    events: [event('abandoned', at, null, s.queueId, s.state === 'offered' ? { offeredTo: s.agentId } : {})],
  };
}

export interface WrapUp {
  code?: string;
  notes?: string;
  tags?: string[];
}

/** After-contact work done: closed with its wrap-up code (required when the queue says so). */
export function wrapUp(s: SessionSnapshot, input: WrapUp, codeRequired: boolean, at: Date): Transition {
  expect(s, ['wrap_up'], 'wrap up');
  if (codeRequired && !input.code) throw new AppError('WRAP_UP_REQUIRED');
  return {
    patch: { state: 'closed', closedAt: at, wrapUpCode: input.code ?? null, notes: input.notes ?? null, tags: input.tags ?? [] },
    events: [event('wrapped_up', at, s.agentId, s.queueId, { code: input.code ?? null, tags: input.tags ?? [] })],
  };
}

/** Applies a transition to a snapshot (used by tests and by services that chain transitions). */
export function apply(s: SessionSnapshot, t: Transition): SessionSnapshot {
  const { notes: _n, tags: _t, transferredBy: _b, ...rest } = t.patch;
  return { ...s, ...rest };
}
