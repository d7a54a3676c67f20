import { AppError, type AgentRole, type ConversationDetail, type SessionCard, type TransferTarget } from '../../protocol/index.ts';
import { chooseAgent, hasCapacity } from '../core/routing/agent-choice.ts';
import * as M from '../core/routing/session-machine.ts';
import { resolveTransfer } from '../core/routing/transfer.ts';
import type { Tx } from '../db/client.ts';
import { insertEvents, lockConversation, type MessageDraft } from '../db/stores/messages-store.ts';
import { agentLoad, candidates, clearTimer, ensureDefaultQueue, ensureTwitterQueue, lockAgent, markIdleSince, queueById, queuesOfWebsite, routingProfiles, teamsWithMembers } from '../db/stores/routing-store.ts';
import { applyTransition, insertSession, lockOpenSession, lockSession, recordSessionEvent, returningAgentOf, sessionById, sessionCard, setSessionFollowUpEmail } from '../db/stores/sessions-store.ts';
import { decideOffer, offerById } from '../db/stores/offers-store.ts';
import { setEmailIfNone } from '../db/stores/contacts-store.ts';
import { unassignIfCurrent } from '../db/stores/conversations-store.ts';
import type { ConversationRow, SessionRow } from '../db/schema.ts';
import type { ConversationDetails } from './conversation-details.ts';
import type { ServiceDeps } from './deps.ts';
import { checkWrapUp } from './wrap-up-check.ts';
import type { Note } from './routing-notes.ts';
import type { RoutingService } from './routing-service.ts';
import { queueBySegment } from './segment-membership.ts';
import { must } from '../db/must.ts';

/**
 * The session use cases around routing: accept, pick from the queue, transfer,
 * end, wrap-up, the visitor's end and follow-up email, and the session a
 * visitor's message opens. Transcript events (agent joined/left, ended) are
 * appended under the conversation lock in the same transaction.
 */
export interface Actor {
  id: string;
  name: string;
  role?: AgentRole;
}

const author = (a: Actor) => ({ kind: 'agent' as const, id: a.id, name: a.name });
const joined = (a: Actor): MessageDraft => ({ kind: 'event', type: 'agent_joined', actorName: a.name, author: author(a) });
const isSupervisor = (a: Actor) => a.role === 'supervisor' || a.role === 'admin';
/** Web chats wait in the default queue; X conversations (issue 19) in the website's Twitter queue. */
const queueForChannel = (tx: Tx, conv: Pick<ConversationRow, 'channel' | 'websiteId'>) => (conv.channel === 'web' ? ensureDefaultQueue(tx, conv.websiteId) : ensureTwitterQueue(tx, conv.websiteId));

export interface SessionServiceDeps extends ServiceDeps {
  routing: RoutingService;
  details: ConversationDetails;
}

export function createSessionService({ db, clock, routing, details }: SessionServiceDeps) {
  const { run } = routing;
  const { open } = details;

  function holdsOrThrow(s: SessionRow | null, actor: Actor, states: M.SessionSnapshot['state'][]): SessionRow {
    if (!s || !states.includes(s.state)) throw new AppError('SESSION_STATE_INVALID');
    if (s.agentId !== actor.id && !isSupervisor(actor)) throw new AppError('CONVERSATION_TAKEN');
    return s;
  }

  async function accept(actor: Actor, offerId: string): Promise<ConversationDetail> {
    const conversationId = await run(async (tx, notes) => {
      const peek = await offerById(tx, offerId);
      if (!peek || peek.agentId !== actor.id) throw new AppError('OFFER_GONE');
      const sess = await sessionById(tx, peek.sessionId);
      const conv = sess ? await lockConversation(tx, sess.conversationId) : null;
      if (!conv) throw new AppError('OFFER_GONE');
      const { s, offer } = await routing.lockOffer(tx, offerId, actor.id);
      const now = clock.now();
      if (offer.expiresAt.getTime() <= now.getTime()) throw new AppError('OFFER_GONE', 'The offer has expired.');
      await decideOffer(tx, offerId, 'accepted', now);
      await clearTimer(tx, 'offer_expiry', offerId);
      const row = await applyTransition(tx, s, M.connect(s, actor.id, now, 'offer', offerId));
      const rows = await insertEvents(tx, conv, [joined(actor)], { status: 'active', assignedAgentId: actor.id, currentSessionId: row.id });
      notes.push({ kind: 'messages', conversationId: conv.id, rows }, { kind: 'conversation', conversationId: conv.id }, { kind: 'card', sessionId: s.id }, { kind: 'visitor', conversationId: conv.id });
      return conv.id;
    });
    return open(conversationId);
  }

  /**
   * An agent takes the conversation in hand (`conversation:take`, or replying to a
   * waiting one): a waiting/offered session is connected if the agent has capacity
   * (CAPACITY_REACHED otherwise; someone else's pending offer is revoked as taken).
   * Without an open session a new one starts connected (asynchronous follow-up).
   */
  async function takeInTx(tx: Tx, actor: Actor, conv: ConversationRow, notes: Note[]): Promise<MessageDraft[]> {
    let s = await lockOpenSession(tx, conv.id);
    const now = clock.now();
    if (s && (s.state === 'active' || s.state === 'wrap_up')) {
      if (s.agentId === actor.id) return [];
      throw new AppError('CONVERSATION_TAKEN');
    }
    const agent = await lockAgent(tx, actor.id);
    if (!agent) throw new AppError('UNAUTHENTICATED');
    const alreadyMine = s?.state === 'offered' && s.agentId === actor.id;
    if (!alreadyMine && !hasCapacity({ load: await agentLoad(tx, actor.id), maxConcurrent: agent.maxConcurrent })) throw new AppError('CAPACITY_REACHED');
    if (!s) {
      const queue = await queueForChannel(tx, conv);
      const { snapshot, events } = M.enqueue(queue.id, now);
      s = await insertSession(tx, { ...snapshot, conversationId: conv.id, websiteId: conv.websiteId, channel: queue.channel });
      for (const e of events) await recordSessionEvent(tx, s, e);
    }
    if (s.state === 'offered') await routing.revokeOffer(tx, s.id, 'taken', notes);
    const row = await applyTransition(tx, s, M.connect(s, actor.id, now, 'pick'));
    await markIdleSince(tx, actor.id, row.channel, now);
    notes.push({ kind: 'card', sessionId: row.id }, { kind: 'visitor', conversationId: conv.id }, { kind: 'conversation', conversationId: conv.id });
    if (row.queueId) notes.push({ kind: 'queue', queueId: row.queueId });
    conv.currentSessionId = row.id;
    return [joined(actor)];
  }

  async function take(actor: Actor, conversationId: string): Promise<void> {
    await run(async (tx, notes) => {
      const conv = await lockConversation(tx, conversationId);
      if (!conv) throw new AppError('NOT_FOUND', 'No such conversation.');
      const drafts = await takeInTx(tx, actor, conv, notes);
      if (!drafts.length) return;
      const rows = await insertEvents(tx, conv, drafts, { status: 'active', assignedAgentId: actor.id, currentSessionId: conv.currentSessionId });
      notes.push({ kind: 'messages', conversationId, rows });
    });
  }

  async function transfer(actor: Actor, conversationId: string, target: TransferTarget): Promise<Record<string, never>> {
    await run(async (tx, notes) => {
      const conv = await lockConversation(tx, conversationId);
      if (!conv) throw new AppError('NOT_FOUND', 'No such conversation.');
      const s = holdsOrThrow(await lockOpenSession(tx, conversationId), actor, ['active']);
      const [agentsDir, teams, queues] = await Promise.all([routingProfiles(tx), teamsWithMembers(tx), queuesOfWebsite(tx, conv.websiteId)]);
      const plan = resolveTransfer(target, s, { agents: agentsDir, teams, queues });
      const now = clock.now();
      const holder = s.agentId!;
      const row = await applyTransition(tx, s, M.transfer(s, actor, { queueId: plan.queueId, target }, now));
      const rows = await insertEvents(tx, conv, [{ kind: 'event', type: 'agent_left', actorName: actor.name, author: author(actor) }], { status: 'waiting', assignedAgentId: null });
      await markIdleSince(tx, holder, s.channel, now);
      notes.push(
        { kind: 'removed', agentId: holder, conversationId, reason: 'transferred' },
        { kind: 'messages', conversationId, rows },
        { kind: 'conversation', conversationId },
        { kind: 'card', sessionId: s.id },
        { kind: 'queue', queueId: plan.queueId },
        { kind: 'visitor', conversationId },
        { kind: 'dispatch' },
      );
      if (plan.offerTo.length) {
        const queue = must(await queueById(tx, plan.queueId), 'TRANSFER_TARGET_INVALID');
        const choice = chooseAgent(await candidates(tx, s.channel, plan.offerTo), { channel: s.channel, queueId: null, exclude: [holder] }, queue.policy);
        if (choice) await routing.offerTo(tx, row, choice.id, queue, notes);
      }
    });
    return {};
  }

  async function end(actor: Actor, conversationId: string): Promise<{ session: SessionCard }> {
    const sessionId = await run(async (tx, notes) => {
      const conv = await lockConversation(tx, conversationId);
      if (!conv) throw new AppError('NOT_FOUND', 'No such conversation.');
      const s = holdsOrThrow(await lockOpenSession(tx, conversationId), actor, ['active']);
      const now = clock.now();
      await applyTransition(tx, s, M.endByAgent(s, actor.id, now));
      const rows = await insertEvents(tx, conv, [{ kind: 'event', type: 'conversation_ended', actorName: actor.name, author: author(actor) }], { status: 'ended' });
      await markIdleSince(tx, s.agentId!, s.channel, now);
      notes.push({ kind: 'messages', conversationId, rows }, { kind: 'conversation', conversationId }, { kind: 'card', sessionId: s.id }, { kind: 'visitor', conversationId });
      return s.id;
    });
    return { session: must(await sessionCard(db, sessionId), 'NOT_FOUND', 'No such session.') };
  }

  async function wrapUp(actor: Actor, input: { sessionId: string; code?: string; notes?: string; tags?: string[] }): Promise<{ session: SessionCard }> {
    await run(async (tx, notes) => {
      const peek = await sessionById(tx, input.sessionId);
      if (!peek) throw new AppError('NOT_FOUND', 'No such session.');
      const conv = must(await lockConversation(tx, peek.conversationId), 'NOT_FOUND', 'No such conversation.');
      const s = holdsOrThrow(await lockSession(tx, input.sessionId), actor, ['wrap_up']);
      const queue = s.queueId ? await queueById(tx, s.queueId) : null;
      const checked = await checkWrapUp(tx, s.queueId, input);
      await applyTransition(tx, s, M.wrapUp(s, checked, queue?.wrapUpRequired ?? false, clock.now()));
      await unassignIfCurrent(tx, conv.id, s.id);
      notes.push({ kind: 'card', sessionId: s.id }, { kind: 'conversation', conversationId: conv.id }, { kind: 'removed', agentId: s.agentId!, conversationId: conv.id, reason: 'closed' }, { kind: 'dispatch' });
    });
    return { session: must(await sessionCard(db, input.sessionId), 'NOT_FOUND', 'No such session.') };
  }

  /** The visitor ends: wrap-up for the agent when connected, abandoned while waiting/offered; idempotent otherwise. */
  async function endByCustomer(conversationId: string): Promise<void> {
    await run(async (tx, notes) => {
      const conv = await lockConversation(tx, conversationId);
      if (!conv) return;
      const s = await lockOpenSession(tx, conversationId);
      if (!s || s.state === 'wrap_up') return;
      if (s.state === 'offered') await routing.revokeOffer(tx, s.id, 'abandoned', notes);
      const row = await applyTransition(tx, s, M.endByCustomer(s, clock.now()));
      const rows = await insertEvents(tx, conv, [{ kind: 'event', type: 'conversation_ended', actorName: null, author: { kind: 'visitor', id: conv.contactId, name: null } }], {
        status: 'ended',
        ...(row.state === 'abandoned' ? { assignedAgentId: null } : {}),
      });
      notes.push({ kind: 'messages', conversationId, rows }, { kind: 'conversation', conversationId }, { kind: 'card', sessionId: s.id }, { kind: 'visitor', conversationId }, { kind: 'dispatch' });
      if (s.queueId) notes.push({ kind: 'queue', queueId: s.queueId });
    });
  }

  /** Kept unverified, on the session and (when the contact has none) on the contact; never merges histories. */
  async function followUpEmail(conversationId: string, email: string): Promise<void> {
    await db.transaction(async (tx) => {
      const conv = await lockConversation(tx, conversationId);
      if (!conv) return;
      if (conv.currentSessionId) await setSessionFollowUpEmail(tx, conv.currentSessionId, email);
      await setEmailIfNone(tx, conv.contactId, email);
    });
  }

  /**
   * Under the conversation lock: a visitor message opens a waiting session in the default queue
   * (X conversations: the website's Twitter queue) when none is open; a returning contact's agent is offered it first when Ready.
   */
  /** `from`: a session begun by accepting a proactive offer (issue 20) is queued in the rule's queue and says so. */
  async function openSessionForVisitor(tx: Tx, conv: ConversationRow, notes: Note[], from?: { actionMapId: string; queueId: string | null }): Promise<Partial<ConversationRow> | null> {
    const open = await lockOpenSession(tx, conv.id);
    if (open) return null;
    // The offer's queue, else (web chats) the queue of a segment the contact is in (routing by segment, issue 20),
    // else the channel's queue: the default one for web chats, the Twitter queue for X conversations.
    const targetId = from?.queueId ?? (conv.channel === 'web' ? await queueBySegment(tx, conv.websiteId, conv.contactId, clock.now()) : null);
    const target = targetId ? await queueById(tx, targetId) : null;
    const queue = target && target.websiteId === conv.websiteId ? target : await queueForChannel(tx, conv);
    const { snapshot, events } = M.enqueue(queue.id, clock.now());
    const preferredAgentId = await returningAgentOf(tx, conv);
    const origin = from ? { origin: 'proactive_offer' as const, actionMapId: from.actionMapId } : {};
    const s = await insertSession(tx, { ...snapshot, conversationId: conv.id, websiteId: conv.websiteId, channel: queue.channel, preferredAgentId, ...origin });
    for (const e of events) await recordSessionEvent(tx, s, e);
    notes.push({ kind: 'card', sessionId: s.id }, { kind: 'queue', queueId: queue.id }, { kind: 'visitor', conversationId: conv.id }, { kind: 'dispatch' });
    return { currentSessionId: s.id, status: 'waiting', assignedAgentId: null };
  }

  return { accept, take, takeInTx, transfer, end, wrapUp, endByCustomer, followUpEmail, openSessionForVisitor };
}
export type SessionService = ReturnType<typeof createSessionService>;
