import { AppError, SYNC_PAGE_SIZE, type ConversationDetail, type ConversationSummary } from '../../protocol/index.ts';
import { forAgents } from '../core/message-audience.ts';
import { conversationById, conversationSummary, toReceipts } from '../db/stores/conversations-store.ts';
import { messagesAfter } from '../db/stores/messages-store.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * What a desk shows of one conversation: its summary, and the detail an opened chat starts from.
 * Its own module because both the agent's use cases and the session ones (accept answers the
 * detail) read it, and neither should need the other for it.
 */
export function createConversationDetails({ db }: Pick<ServiceDeps, 'db'>) {
  async function summary(conversationId: string): Promise<ConversationSummary> {
    const found = await conversationSummary(db, conversationId);
    if (!found) throw new AppError('NOT_FOUND', 'No such conversation.');
    return found;
  }

  async function open(conversationId: string): Promise<ConversationDetail> {
    const conversation = await summary(conversationId);
    const page = await messagesAfter(db, conversationId, 0, SYNC_PAGE_SIZE);
    const row = await conversationById(db, conversationId);
    return { conversation, messages: page.events.map(forAgents), hasMore: page.hasMore, receipts: row ? toReceipts(row) : undefined };
  }

  return { summary, open };
}
export type ConversationDetails = ReturnType<typeof createConversationDetails>;
