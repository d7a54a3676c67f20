import { AppError, SYNC_PAGE_SIZE, type Author, type ConversationListResponse, type ConversationSummary, type Message, type AgentSendMessage as SendMessage, type SyncResult, MAX_MESSAGE_LENGTH } from '../../protocol/index.ts';
import { attachImage } from '../attachments/attach.ts';
import { forAgents } from '../core/message-audience.ts';
import { listForAgent } from '../db/stores/conversations-store.ts';
import { lockOpenSession } from '../db/stores/sessions-store.ts';
import { findByClientId, insertEvents, lockConversation, messagesAfter, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import type { AgentRow } from '../db/schema.ts';
import type { ConversationDetails } from './conversation-details.ts';
import type { ServiceDeps } from './deps.ts';
import { scopeFilter, type Caller } from '../core/access.ts';
import type { MessageWriter } from './message-writer.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';
import { channelOfConversation, insertOutbound } from '../db/stores/x-dm-store.ts';
import type { ConversationRow, MessageRow } from '../db/schema.ts';

/** The agent desktop's conversation use cases; routing decisions go through the session service. */
export type AgentIdentity = Pick<AgentRow, 'id' | 'name'> & Partial<Pick<AgentRow, 'role'>>;
const agentAuthor = (agent: AgentIdentity): Author => ({ kind: 'agent', id: agent.id, name: agent.name });

export interface AgentServiceDeps extends ServiceDeps {
  routing: RoutingService;
  sessions: SessionService;
  writer: MessageWriter;
  details: ConversationDetails;
  /** Told after an agent's message to X was queued (x_outbound) and committed: the dispatcher sends it soon. */
  xOutboundQueued?: () => void;
}

/** Conversations' channels, which never change: X conversations skip the batched path (their outbound row shares the message's transaction). */
const CHANNEL_CACHE_SIZE = 5_000;

export function createAgentService({ db, publisher, routing, sessions, writer, details, xOutboundQueued }: AgentServiceDeps) {
  const { summary: summaryOrThrow, open } = details;
  const channels = new Map<string, ConversationRow['channel']>();

  async function channelOf(conversationId: string): Promise<ConversationRow['channel'] | null> {
    const known = channels.get(conversationId);
    if (known) return known;
    const channel = await channelOfConversation(db, conversationId);
    if (channel) {
      if (channels.size >= CHANNEL_CACHE_SIZE) channels.delete(channels.keys().next().value!);
      channels.set(conversationId, channel);
    }
    return channel;
  }

  /**
   * An agent's message in an X DM thread joins the outbound queue in its own transaction: committed
   * together, so it is never lost, and keyed by the message id, so it is never queued twice.
   */
  async function queueForX(tx: Parameters<Parameters<RoutingService['run']>[0]>[0], locked: ConversationRow, row: MessageRow): Promise<boolean> {
    if (locked.channel !== 'x_dm' || !locked.xAccountId) return false;
    return (await insertOutbound(tx, { accountId: locked.xAccountId, conversationId: locked.id, messageId: row.id, kind: 'dm' })) !== null;
  }

  /** The caller's chats, and the waiting ones of their scope. */
  async function list(caller: Caller): Promise<ConversationListResponse> {
    return listForAgent(db, caller.id, scopeFilter(caller));
  }

  /** Pick from the queue: respects capacity (CAPACITY_REACHED) and a held session (CONVERSATION_TAKEN). */
  async function take(agent: AgentIdentity, conversationId: string): Promise<{ conversation: ConversationSummary }> {
    await sessions.take(agent, conversationId);
    return { conversation: await summaryOrThrow(conversationId) };
  }

  /**
   * Replying to a waiting conversation takes it (capacity permitting); another agent's stays theirs.
   * With no open session the message is an asynchronous follow-up: stored outside any session,
   * no routing, and the author is remembered for `contact:replied`.
   */
  /** `socketId`: the sending desktop, which has the message from its ack (its other tabs get it from the room). */
  async function send(agent: AgentIdentity, input: SendMessage & { conversationId: string }, socketId?: string): Promise<{ message: Message }> {
    const { conversationId } = input;
    const full = async () => toMessage(await sendInTx(agent, input, socketId));
    // A plain text into a session this agent already holds: the batched write path.
    const author = { ...agentAuthor(agent), kind: 'agent' as const };
    const channel = await channelOf(conversationId);
    // X DMs take up to 10,000 characters (the schema's bound); everything else keeps the web chat's limit.
    if (channel !== 'x_dm' && input.text.length > MAX_MESSAGE_LENGTH) throw new AppError('MESSAGE_TOO_LONG', `The message is longer than ${MAX_MESSAGE_LENGTH} characters.`);
    if ('attachmentId' in input || channel !== 'web') return { message: await full() };
    return { message: await writer.send({ conversationId, clientId: input.clientId, text: input.text, author, originSocketId: socketId }, full) };
  }

  /** The full transaction: taking a waiting conversation, a follow-up outside any session, images; answers the agent's row. */
  async function sendInTx(agent: AgentIdentity, input: SendMessage & { conversationId: string }, socketId?: string) {
    const { conversationId } = input;
    const outcome = await routing.run(async (tx, notes) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such conversation.');
      const existing = await findByClientId(tx, conversationId, input.clientId);
      if (existing) return { rows: [existing], created: false, queued: false };
      const followUp = !(await lockOpenSession(tx, conversationId));
      const events = followUp ? [] : await sessions.takeInTx(tx, agent, locked, notes);
      const content: MessageDraft =
        'attachmentId' in input
          ? { kind: 'image', text: input.text, clientId: input.clientId, author: agentAuthor(agent), attachment: await attachImage(tx, { attachmentId: input.attachmentId, conversationId, uploader: { kind: 'agent', id: agent.id } }) }
          : { kind: 'text', text: input.text, clientId: input.clientId, author: agentAuthor(agent) };
      const patch = followUp
        ? { followUpAgentId: agent.id }
        : events.length
          ? { status: 'active' as const, assignedAgentId: agent.id, currentSessionId: locked.currentSessionId }
          : {};
      // Where it stands on its way to X, shown under the message (updated by the outbound dispatcher).
      if (locked.channel === 'x_dm') content.xDelivery = { state: 'pending', retryAt: null, reason: null };
      const rows = await insertEvents(tx, locked, [...events, followUp ? { ...content, sessionId: null } : content], patch);
      const queued = await queueForX(tx, locked, rows[rows.length - 1]!);
      notes.push({ kind: 'messages', conversationId, rows, sender: { socketId, clientId: input.clientId } }, { kind: 'conversation', conversationId });
      return { rows, created: true, queued };
    });
    if (outcome.queued) xOutboundQueued?.();
    return outcome.rows[outcome.rows.length - 1]!;
  }

  async function sync(conversationId: string, afterSeq: number): Promise<SyncResult> {
    await summaryOrThrow(conversationId);
    const { events, lastSeq, hasMore } = await messagesAfter(db, conversationId, afterSeq, SYNC_PAGE_SIZE);
    return { conversationId, events: events.map(forAgents), lastSeq, hasMore };
  }

  async function typing(agent: AgentIdentity, conversationId: string, isTyping: boolean, socketId?: string): Promise<void> {
    publisher.agentTyping(conversationId, agentAuthor(agent), isTyping, socketId);
  }

  return { list, open, take, send, sync, typing, summary: summaryOrThrow };
}
export type AgentService = ReturnType<typeof createAgentService>;
