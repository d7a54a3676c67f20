import { randomUUID } from 'node:crypto';
import { AppError, type AgentState, type ChannelPresence, type MediaChannel } from '../../protocol/index.ts';
import { chooseAgent, hasCapacity } from '../core/routing/agent-choice.ts';
import * as P from '../core/routing/presence.ts';
import * as M from '../core/routing/session-machine.ts';
import type { Tx } from '../db/client.ts';
import { rerunRaceLosers } from '../db/sql-errors.ts';
import { agentLoad, candidates, clearTimer, claimDueTimer, ensurePresence, lockAgent, queueById, setTimer, toChannelPresence, toPresenceSnapshot, writePresence } from '../db/stores/routing-store.ts';
import { applyTransition, claimWaitingSessions, lastTransferrer, lockSession } from '../db/stores/sessions-store.ts';
import type { QueueRow, SessionRow, TimerKind } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import type { QueueStatusReader } from './queue-status.ts';
import { decideOffer, insertOffer, lockOffer as lockOfferRow, lockPendingOfferOfSession, offerById, pendingOfferRowsOf, pendingOffersOf } from '../db/stores/offers-store.ts';
import { createNotePublisher, type Note } from './routing-notes.ts';

/**
 * Routing decisions, each one Postgres transaction: waiting sessions are claimed
 * with FOR UPDATE SKIP LOCKED (another node simply works on the next one), the
 * chosen agent's row is locked before their load is counted, and a partial
 * unique index refuses a second pending offer of one session. Lock order is
 * conversation → session → agent everywhere, so nodes never deadlock each other.
 */
export interface RoutingOptions {
  /** How long an agent with no desktop connected keeps their presence (then Offline). */
  presenceGraceMs: number;
}

export interface RoutingServiceDeps extends ServiceDeps {
  status: QueueStatusReader;
  options: RoutingOptions;
}

export function createRoutingService(deps: RoutingServiceDeps) {
  const { db, clock, logger, status, options: opts } = deps;
  // What a committed transaction tells the world; a note may ask for a dispatch round, which is ours.
  const publish = createNotePublisher(deps, status, () => void dispatch());

  /** Runs a routing transaction (retrying deadlock/serialization losers) and publishes its notes after commit. */
  async function run<T>(fn: (tx: Tx, notes: Note[]) => Promise<T>): Promise<T> {
    const { result, notes } = await rerunRaceLosers(async () => {
      const notes: Note[] = []; // a rerun starts from no notes: the losing attempt rolled back
      return { result: await db.transaction((tx) => fn(tx, notes)), notes };
    });
    await publish(notes);
    return result;
  }

  /** Makes an offer of a locked waiting session to an agent, rechecking Ready and load under the agent's lock. */
  async function offerTo(tx: Tx, s: SessionRow, agentId: string, queue: QueueRow, notes: Note[]): Promise<boolean> {
    const agent = await lockAgent(tx, agentId);
    if (!agent) return false;
    const presence = (await ensurePresence(tx, agent)).find((p) => p.channel === s.channel);
    if (!presence || presence.state !== 'ready') return false;
    if (!hasCapacity({ load: await agentLoad(tx, agentId), maxConcurrent: agent.maxConcurrent })) return false;
    const now = clock.now();
    const offerId = randomUUID();
    const expiresAt = new Date(now.getTime() + queue.offerTimeoutSec * 1000);
    await insertOffer(tx, { id: offerId, sessionId: s.id, agentId, offeredAt: now, expiresAt });
    await applyTransition(tx, s, M.offer(s, agentId, offerId, now, expiresAt));
    await writePresence(tx, agentId, P.busyAt(toPresenceSnapshot(presence), now));
    await setTimer(tx, 'offer_expiry', offerId, expiresAt);
    notes.push({ kind: 'offer', agentId, offerId }, { kind: 'card', sessionId: s.id }, { kind: 'queue', queueId: queue.id }, { kind: 'visitor', conversationId: s.conversationId });
    return true;
  }

  /** Who transferred the session last: they do not get it straight back from the queue. */
  /** One offer at most: the oldest waiting session whose queue has an eligible agent. */
  async function dispatchOnce(tx: Tx, notes: Note[]): Promise<boolean> {
    const waiting = await claimWaitingSessions(tx, 25);
    const blocked = new Set<string>();
    const pools = new Map<MediaChannel, Awaited<ReturnType<typeof candidates>>>();
    for (const s of waiting) {
      if (!s.queueId || blocked.has(s.queueId)) continue;
      const queue = await queueById(tx, s.queueId);
      if (!queue) continue;
      const pool = pools.get(s.channel) ?? (await candidates(tx, s.channel));
      pools.set(s.channel, pool);
      const exclude = s.transferredBy ? [await lastTransferrer(tx, s.id)].filter((x): x is string => !!x) : [];
      const choice = chooseAgent(pool, { channel: s.channel, queueId: queue.id, exclude, preferred: s.preferredAgentId }, queue.policy);
      if (!choice) {
        if (!exclude.length) blocked.add(queue.id); // FIFO: nobody for the head means nobody for the rest
        continue;
      }
      if (await offerTo(tx, s, choice.id, queue, notes)) return true;
      pools.delete(s.channel); // the pool was stale; reload for the next session
    }
    return false;
  }

  let dispatching: Promise<void> | null = null;
  let again = false;
  /** Offers waiting sessions until nothing more can be offered; concurrent calls on a node coalesce. */
  function dispatch(): Promise<void> {
    if (dispatching) {
      again = true;
      return dispatching;
    }
    dispatching = (async () => {
      try {
        do {
          again = false;
          for (let i = 0; i < 500; i++) if (!(await run((tx, notes) => dispatchOnce(tx, notes)))) break;
        } while (again);
      } catch (err) {
        logger.warn({ err }, 'dispatch failed; the sweeper retries');
      } finally {
        dispatching = null;
      }
    })();
    return dispatching;
  }

  /** Loads and locks an offer's session, checking the offer is still this agent's and pending. */
  async function lockOffer(tx: Tx, offerId: string, agentId: string | null) {
    const peek = await offerById(tx, offerId);
    if (!peek || (agentId && peek.agentId !== agentId)) throw new AppError('OFFER_GONE');
    const s = await lockSession(tx, peek.sessionId);
    const offer = await lockOfferRow(tx, offerId);
    if (!s || !offer || offer.outcome !== 'pending' || s.state !== 'offered' || s.agentId !== offer.agentId) throw new AppError('OFFER_GONE');
    return { s, offer };
  }

  /** Reject or expiry: the session goes back to the front, the agent becomes Refused on that channel. */
  async function refuse(tx: Tx, offerId: string, agentId: string | null, how: 'rejected' | 'expired', notes: Note[]): Promise<void> {
    const { s, offer } = await lockOffer(tx, offerId, agentId);
    const now = clock.now();
    await decideOffer(tx, offerId, how, now);
    await clearTimer(tx, 'offer_expiry', offerId);
    await applyTransition(tx, s, M.refuse(s, how, offerId, now));
    const agent = await lockAgent(tx, offer.agentId);
    const presence = agent ? (await ensurePresence(tx, agent)).find((p) => p.channel === s.channel) : undefined;
    if (presence) await writePresence(tx, offer.agentId, P.refused(toPresenceSnapshot(presence), how, now));
    if (how === 'expired') notes.push({ kind: 'revoked', agentId: offer.agentId, offerId, reason: 'expired' });
    notes.push({ kind: 'presence', agentId: offer.agentId }, { kind: 'card', sessionId: s.id }, { kind: 'visitor', conversationId: s.conversationId }, { kind: 'dispatch' });
    if (s.queueId) notes.push({ kind: 'queue', queueId: s.queueId });
  }

  async function reject(agentId: string, offerId: string): Promise<Record<string, never>> {
    await run((tx, notes) => refuse(tx, offerId, agentId, 'rejected', notes));
    return {};
  }

  async function presenceList(tx: Tx, agentId: string): Promise<ChannelPresence[]> {
    const agent = await lockAgent(tx, agentId);
    if (!agent) throw new AppError('UNAUTHENTICATED');
    return (await ensurePresence(tx, agent)).map(toChannelPresence);
  }

  async function setPresence(agentId: string, input: { channel: MediaChannel; state: 'ready' | 'not_ready' | 'away'; reason?: string }) {
    return run(async (tx, notes) => {
      const agent = await lockAgent(tx, agentId);
      if (!agent) throw new AppError('UNAUTHENTICATED');
      const rows = await ensurePresence(tx, agent);
      const current = rows.find((r) => r.channel === input.channel);
      const next = P.setByAgent(agent.channels, current ? toPresenceSnapshot(current) : null, input, clock.now());
      await writePresence(tx, agentId, next);
      notes.push({ kind: 'presence', agentId });
      if (next.state === 'ready') notes.push({ kind: 'dispatch' });
      return { presence: await presenceList(tx, agentId) };
    });
  }

  /** A desktop connected: cancel a pending lapse; Offline becomes Not Ready (a person chooses Ready). */
  async function agentConnected(agentId: string): Promise<void> {
    await run(async (tx, notes) => {
      await clearTimer(tx, 'presence_lapse', agentId);
      const agent = await lockAgent(tx, agentId);
      if (!agent) return;
      const now = clock.now();
      for (const row of await ensurePresence(tx, agent)) {
        const next = P.connected(toPresenceSnapshot(row), now);
        if (next !== toPresenceSnapshot(row) && next.state !== row.state) await writePresence(tx, agentId, next);
      }
      notes.push({ kind: 'presence', agentId });
    });
  }

  /** The agent's last desktop went away (on every node): Offline after the grace period unless one comes back. */
  async function agentDisconnected(agentId: string): Promise<void> {
    await db.transaction((tx) => setTimer(tx, 'presence_lapse', agentId, new Date(clock.now().getTime() + opts.presenceGraceMs)));
  }

  /** A deactivated account: Offline at once, its pending offers back to their queues (no grace). */
  async function agentDeactivated(agentId: string): Promise<void> {
    await run(async (tx, notes) => {
      await clearTimer(tx, 'presence_lapse', agentId);
      await lapse(tx, agentId, notes);
    });
  }

  /** Grace over: pending offers go back to the front of their queues (no Refused), every channel Offline. */
  async function lapse(tx: Tx, agentId: string, notes: Note[]): Promise<void> {
    const pending = await pendingOfferRowsOf(tx, agentId);
    const now = clock.now();
    for (const o of pending) {
      const s = await lockSession(tx, o.sessionId);
      await decideOffer(tx, o.id, 'revoked', now);
      await clearTimer(tx, 'offer_expiry', o.id);
      if (s && s.state === 'offered' && s.agentId === agentId) {
        await applyTransition(tx, s, M.withdraw(s));
        notes.push({ kind: 'card', sessionId: s.id }, { kind: 'visitor', conversationId: s.conversationId });
      }
      notes.push({ kind: 'revoked', agentId, offerId: o.id, reason: 'cancelled' });
    }
    const agent = await lockAgent(tx, agentId);
    if (agent) for (const row of await ensurePresence(tx, agent)) await writePresence(tx, agentId, P.offline(toPresenceSnapshot(row), now));
    notes.push({ kind: 'presence', agentId }, { kind: 'dispatch' });
  }

  /** Handlers of other services' timer kinds (the assistants' reminder and close), run in the sweep's transaction. */
  const timerHandlers = new Map<TimerKind, (tx: Tx, refId: string, notes: Note[]) => Promise<void>>();
  function onTimer(kind: TimerKind, handler: (tx: Tx, refId: string, notes: Note[]) => Promise<void>): void {
    timerHandlers.set(kind, handler);
  }

  /** Claims and runs due timers one transaction each; returns how many ran. */
  async function sweep(): Promise<number> {
    let ran = 0;
    for (; ran < 200; ran++) {
      const did = await run(async (tx, notes) => {
        const timer = await claimDueTimer(tx, clock.now());
        if (!timer) return false;
        try {
          if (timer.kind === 'offer_expiry') await refuse(tx, timer.refId, null, 'expired', notes);
          else if (timer.kind === 'presence_lapse') await lapse(tx, timer.refId, notes);
          else await timerHandlers.get(timer.kind)?.(tx, timer.refId, notes);
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'OFFER_GONE')) throw err; // already decided: just drop the timer
        }
        return true;
      });
      if (!did) break;
    }
    return ran;
  }

  async function agentState(agentId: string): Promise<AgentState> {
    return db.transaction(async (tx) => {
      const agent = await lockAgent(tx, agentId);
      if (!agent) throw new AppError('UNAUTHENTICATED');
      const presence = (await ensurePresence(tx, agent)).map(toChannelPresence);
      return { presence, channels: agent.channels, maxConcurrent: agent.maxConcurrent, offers: await pendingOffersOf(tx, agentId) };
    });
  }

  /** Pending offers of sessions in these states, e.g. to revoke them when a visitor abandons. */
  async function pendingOfferOf(tx: Tx, sessionId: string) {
    return lockPendingOfferOfSession(tx, sessionId);
  }

  async function revokeOffer(tx: Tx, sessionId: string, reason: 'abandoned' | 'taken' | 'cancelled', notes: Note[]): Promise<void> {
    const o = await pendingOfferOf(tx, sessionId);
    if (!o) return;
    await decideOffer(tx, o.id, reason === 'taken' ? 'accepted' : 'revoked', clock.now());
    await clearTimer(tx, 'offer_expiry', o.id);
    notes.push({ kind: 'revoked', agentId: o.agentId, offerId: o.id, reason });
  }

  return { run, dispatch, onTimer, offerTo, lockOffer, reject, setPresence, agentConnected, agentDisconnected, agentDeactivated, sweep, agentState, revokeOffer, pendingOfferOf };
}
export type RoutingService = ReturnType<typeof createRoutingService>;
