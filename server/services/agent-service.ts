import {
  AppError,
  SYNC_PAGE_SIZE,
  type Author,
  type ConversationDetail,
  type ConversationListResponse,
  type ConversationSummary,
  type Message,
  type SendText,
  type SyncResult,
} from '../../protocol/index.ts';
import { conversationSummary, listForAgent } from '../db/stores/conversations-store.ts';
import { findByClientId, insertEvents, lockConversation, messagesAfter, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import type { AgentRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';

/** The agent desktop's conversation use cases; routing decisions go through the session service. */
export type AgentIdentity = Pick<AgentRow, 'id' | 'name'> & Partial<Pick<AgentRow, 'role'>>;
const agentAuthor = (agent: AgentIdentity): Author => ({ kind: 'agent', id: agent.id, name: agent.name });

export function createAgentService({ db, publisher }: ServiceDeps, routing: RoutingService, sessions: () => SessionService) {
  async function summaryOrThrow(conversationId: string): Promise<ConversationSummary> {
    const summary = await conversationSummary(db, conversationId);
    if (!summary) throw new AppError('NOT_FOUND', 'No such conversation.');
    return summary;
  }

  async function list(agent: AgentIdentity): Promise<ConversationListResponse> {
    return listForAgent(db, agent.id);
  }

  async function open(conversationId: string): Promise<ConversationDetail> {
    const conversation = await summaryOrThrow(conversationId);
    const page = await messagesAfter(db, conversationId, 0, SYNC_PAGE_SIZE);
    return { conversation, messages: page.events, hasMore: page.hasMore };
  }

  /** Pick from the queue: respects capacity (CAPACITY_REACHED) and a held session (CONVERSATION_TAKEN). */
  async function take(agent: AgentIdentity, conversationId: string): Promise<{ conversation: ConversationSummary }> {
    await sessions().take(agent, conversationId);
    return { conversation: await summaryOrThrow(conversationId) };
  }

  /** Replying to a waiting conversation takes it (capacity permitting); another agent's stays theirs. */
  async function send(agent: AgentIdentity, input: SendText & { conversationId: string }): Promise<{ message: Message }> {
    const { conversationId } = input;
    const outcome = await routing.run(async (tx, notes) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such conversation.');
      const existing = await findByClientId(tx, conversationId, input.clientId);
      if (existing) return { rows: [existing], created: false };
      const events = await sessions().takeInTx(tx, agent, locked, notes);
      const text: MessageDraft = { kind: 'text', text: input.text, clientId: input.clientId, author: agentAuthor(agent) };
      const patch = events.length ? { status: 'active' as const, assignedAgentId: agent.id, currentSessionId: locked.currentSessionId } : {};
      const rows = await insertEvents(tx, locked, [...events, text], patch);
      notes.push({ kind: 'messages', conversationId, rows }, { kind: 'conversation', conversationId });
      return { rows, created: true };
    });
    return { message: toMessage(outcome.rows[outcome.rows.length - 1]!) };
  }

  async function sync(conversationId: string, afterSeq: number): Promise<SyncResult> {
    await summaryOrThrow(conversationId);
    return { conversationId, ...(await messagesAfter(db, conversationId, afterSeq, SYNC_PAGE_SIZE)) };
  }

  async function typing(agent: AgentIdentity, conversationId: string, isTyping: boolean, socketId?: string): Promise<void> {
    publisher.agentTyping(conversationId, agentAuthor(agent), isTyping, socketId);
  }

  return { list, open, take, send, sync, typing, summary: summaryOrThrow };
}
export type AgentService = ReturnType<typeof createAgentService>;
