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
import { agentWrites, take as takeTransition, type LifecycleEffect } from '../core/conversation-lifecycle.ts';
import { conversationSummary, listForAgent } from '../db/stores/conversations-store.ts';
import { findByClientId, insertEvents, lockConversation, messagesAfter, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import type { AgentRow, MessageRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';

/** The agent desktop's use cases (issue 2: one default queue, any agent may take). */
export type AgentIdentity = Pick<AgentRow, 'id' | 'name'>;

const agentAuthor = (agent: AgentIdentity): Author => ({ kind: 'agent', id: agent.id, name: agent.name });
const eventDrafts = (effect: LifecycleEffect, agent: AgentIdentity): MessageDraft[] =>
  effect.events.map((e) => ({ kind: 'event', ...e, author: agentAuthor(agent) }));

export function createAgentService({ db, publisher }: ServiceDeps) {
  async function summaryOrThrow(conversationId: string): Promise<ConversationSummary> {
    const summary = await conversationSummary(db, conversationId);
    if (!summary) throw new AppError('NOT_FOUND', 'No such conversation.');
    return summary;
  }

  async function publishCommitted(conversationId: string, rows: MessageRow[]): Promise<ConversationSummary> {
    if (rows.length) publisher.messages(conversationId, rows.map(toMessage));
    const summary = await summaryOrThrow(conversationId);
    if (rows.length) publisher.conversationUpdated(summary);
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

  async function take(agent: AgentIdentity, conversationId: string): Promise<{ conversation: ConversationSummary }> {
    const rows = await db.transaction(async (tx) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such conversation.');
      const effect = takeTransition(locked, agent);
      return insertEvents(tx, locked, eventDrafts(effect, agent), effect.patch);
    });
    return { conversation: await publishCommitted(conversationId, rows) };
  }

  async function send(agent: AgentIdentity, input: SendText & { conversationId: string }): Promise<{ message: Message }> {
    const { conversationId } = input;
    const outcome = await db.transaction(async (tx) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such conversation.');
      const existing = await findByClientId(tx, conversationId, input.clientId);
      if (existing) return { rows: [existing], created: false };
      // Replying to an unheld conversation takes it; another agent's stays theirs.
      const effect = agentWrites(locked, agent);
      const text: MessageDraft = { kind: 'text', text: input.text, clientId: input.clientId, author: agentAuthor(agent) };
      return { rows: await insertEvents(tx, locked, [...eventDrafts(effect, agent), text], effect.patch), created: true };
    });
    if (outcome.created) await publishCommitted(conversationId, outcome.rows);
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
