import type { AgentServerEvents } from '../../protocol/index.ts';
import { conversationSummary } from '../db/stores/conversations-store.ts';
import { toMessage } from '../db/stores/messages-store.ts';
import { presenceRows, toChannelPresence } from '../db/stores/routing-store.ts';
import { sessionCard } from '../db/stores/sessions-store.ts';
import { agentChannels } from '../db/stores/agents-store.ts';
import { contactName } from '../db/stores/contacts-store.ts';
import { offerPayload } from '../db/stores/offers-store.ts';
import type { MessageRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import { publishMessages, type Sender } from './message-publication.ts';
import type { QueueStatusReader } from './queue-status.ts';

/**
 * What a committed routing transaction tells the world. Use cases collect notes
 * inside the transaction and publish them after commit (so nobody hears of a
 * change that rolled back); publishing re-reads the committed rows.
 */
export type Note =
  | { kind: 'offer'; agentId: string; offerId: string }
  | { kind: 'revoked'; agentId: string; offerId: string; reason: 'expired' | 'taken' | 'abandoned' | 'cancelled' }
  | { kind: 'presence'; agentId: string }
  | { kind: 'card'; sessionId: string }
  /** `sender`: the socket that sent one of them, which has that one from its ack (message-publication.ts). */
  | { kind: 'messages'; conversationId: string; rows: MessageRow[]; sender?: Sender }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'removed'; agentId: string; conversationId: string; reason: 'transferred' | 'closed' | 'taken' }
  | { kind: 'queue'; queueId: string }
  | { kind: 'visitor'; conversationId: string }
  | { kind: 'dispatch' }
  /** The visitor answered an asynchronous follow-up: tell the agent who wrote it. */
  | { kind: 'replied'; agentId: string; conversationId: string; contactId: string; preview: string; at: string };

export function createNotePublisher({ db, publisher, logger }: ServiceDeps, status: QueueStatusReader, dispatch: () => void) {
  const emitAgent = <E extends keyof AgentServerEvents>(agentId: string, event: E, payload: Parameters<AgentServerEvents[E]>[0]) =>
    publisher.toAgent(agentId, event, payload);

  async function one(n: Note): Promise<void> {
    switch (n.kind) {
      case 'offer': {
        const payload = await offerPayload(db, n.offerId);
        if (payload) emitAgent(n.agentId, 'offer', payload);
        return;
      }
      case 'revoked':
        return emitAgent(n.agentId, 'offer:revoked', { offerId: n.offerId, reason: n.reason });
      case 'presence': {
        const channels = (await agentChannels(db, n.agentId)) ?? [];
        const presence = (await presenceRows(db, n.agentId)).filter((p) => channels.includes(p.channel)).map(toChannelPresence);
        emitAgent(n.agentId, 'presence', { agentId: n.agentId, presence });
        publisher.toSupervisors('presence', { agentId: n.agentId, presence });
        return;
      }
      case 'card': {
        const card = await sessionCard(db, n.sessionId);
        if (!card) return;
        publisher.sessionCard(card, card.websiteId);
        return;
      }
      case 'messages':
        return publishMessages(publisher, n.conversationId, n.rows.map(toMessage), n.sender);
      case 'conversation': {
        const summary = await conversationSummary(db, n.conversationId);
        if (summary) publisher.conversationUpdated(summary);
        return;
      }
      case 'removed':
        return emitAgent(n.agentId, 'conversation:removed', { conversationId: n.conversationId, reason: n.reason });
      case 'queue':
        for (const { conversationId, status: s } of await status.forQueue(n.queueId)) publisher.visitorQueue(conversationId, s);
        return;
      case 'visitor':
        return publisher.visitorQueue(n.conversationId, await status.forConversation(n.conversationId));
      case 'dispatch':
        return dispatch();
      case 'replied': {
        return emitAgent(n.agentId, 'contact:replied', { conversationId: n.conversationId, contact: { id: n.contactId, name: await contactName(db, n.contactId) }, preview: n.preview, at: n.at });
      }
    }
  }

  /** Publishes after commit; a failure to notify is logged, never undoes the committed change. */
  return async function publish(notes: Note[]): Promise<void> {
    const seen = new Set<string>();
    for (const n of notes) {
      const key = n.kind === 'messages' ? `${n.kind}:${n.rows.map((r) => r.id).join(',')}` : JSON.stringify(n);
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        await one(n);
      } catch (err) {
        logger.warn({ err, note: n.kind }, 'publishing a routing note failed');
      }
    }
  };
}
export type PublishNotes = ReturnType<typeof createNotePublisher>;
