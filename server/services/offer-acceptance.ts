import { AppError, type OfferAcceptInput, type VisitorSendResult } from '../../protocol/index.ts';
import { agentById } from '../db/stores/agents-store.ts';
import { createConversation } from '../db/stores/conversations-store.ts';
import { addToCounters, actionMapById } from '../db/stores/engagement-store.ts';
import { ensureConversationOfContact } from '../db/stores/identity-store.ts';
import { findByClientId, insertEvents, lockConversation, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import { createVisitorWithContact, lockFirstSend } from '../db/stores/visitors-store.ts';
import { must } from '../db/must.ts';
import type { ServiceDeps } from './deps.ts';
import { utcDay } from './engagement-service.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';
import type { VisitorContext } from './visitor-service.ts';

/**
 * `offer:accept` (issue 20): the visitor answered a proactive offer. Like a first message, it may
 * create the contact, visitor and conversation (this is the moment a row about them may exist); the
 * offer's text becomes the first message, from the named agent or the assistant; a session is queued
 * in the rule's queue with origin `proactive_offer`; the rule's accepted and started counters grow.
 * Idempotent by `clientId` for a visitor with a session (a retry answers the stored message).
 */
export function createOfferAcceptance({ db, clock, tokens, routing, sessions }: Pick<ServiceDeps, 'db' | 'clock' | 'tokens'> & { routing: RoutingService; sessions: SessionService }) {
  async function accept(ctx: VisitorContext, input: OfferAcceptInput): Promise<VisitorSendResult> {
    const rule = await actionMapById(db, input.ruleId);
    if (!rule || rule.websiteId !== ctx.website.id || !rule.enabled || rule.action.type !== 'offer') throw new AppError('NOT_FOUND', 'No such offer.');
    const action = rule.action;
    const text = action.message[input.locale] ?? action.message[ctx.website.defaultLocale] ?? Object.values(action.message)[0] ?? '';
    const agent = action.from.kind === 'agent' ? await agentById(db, action.from.agentId) : null;
    const author = agent ? { kind: 'agent' as const, id: agent.id, name: agent.name } : { kind: 'bot' as const, id: null, name: ctx.website.name };

    const outcome = await routing.run(async (tx, notes) => {
      let visitor = ctx.visitor;
      let conversationId = ctx.conversationId;
      if (!visitor) {
        // Two racing retries of the same accept serialise here, as first messages do.
        await lockFirstSend(tx, ctx.website.id, input.clientId);
        const created = await createVisitorWithContact(tx, ctx.website.id);
        visitor = created.visitor;
        conversationId = (await createConversation(tx, { websiteId: ctx.website.id, contactId: created.contact.id })).id;
      } else if (!conversationId) conversationId = (await ensureConversationOfContact(tx, ctx.website.id, visitor.contactId)).id;
      const locked = must(await lockConversation(tx, conversationId!), 'NOT_FOUND', 'The conversation no longer exists.');
      const existing = await findByClientId(tx, locked.id, input.clientId);
      if (existing) return { visitor, conversationId: locked.id, row: existing };
      const patch = await sessions.openSessionForVisitor(tx, locked, notes, { actionMapId: rule.id, queueId: action.queueId });
      const draft: MessageDraft = { kind: 'text', text, clientId: input.clientId, author };
      const rows = await insertEvents(tx, locked, [draft], patch ?? {});
      notes.push({ kind: 'messages', conversationId: locked.id, rows }, { kind: 'conversation', conversationId: locked.id });
      // Accepted always; started only when this accept opened the session (one was not already running).
      await addToCounters(tx, rule.id, utcDay(clock.now()), { accepted: 1, started: patch ? 1 : 0 });
      return { visitor, conversationId: locked.id, row: rows[0]! };
    });
    ctx.visitor = outcome.visitor;
    ctx.conversationId = outcome.conversationId;
    const token = await tokens.sign(outcome.visitor);
    return { message: toMessage(outcome.row), conversationId: outcome.conversationId, token };
  }
  return { accept };
}

export type OfferAcceptance = ReturnType<typeof createOfferAcceptance>;
