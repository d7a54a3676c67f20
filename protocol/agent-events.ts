import { z } from 'zod';
import { Seq, Uuid } from './common.ts';
import { ConversationSummary } from './conversation.ts';
import { Author, Message, SendText } from './message.ts';
import { ConversationListResponse } from './rest.ts';
import { PingResult, SyncResult, TypingInput } from './visitor-events.ts';
import type { ClientToServer, InboundTable, ServerToClient } from './event-map.ts';

/** Socket.IO namespace of the agent desktop; authenticated by the session cookie. */
export const AGENT_NAMESPACE = '/agent';

const ConversationTarget = z.object({ conversationId: Uuid });
const Empty = z.object({}).strict();

export const ConversationDetail = z.object({
  conversation: ConversationSummary,
  /** The full transcript, ascending by seq (paged through `sync` when hasMore). */
  messages: z.array(Message),
  hasMore: z.boolean(),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const agentInbound = {
  'conversations:list': { input: Empty, output: ConversationListResponse },
  'conversation:open': { input: ConversationTarget, output: ConversationDetail },
  'conversation:take': { input: ConversationTarget, output: z.object({ conversation: ConversationSummary }) },
  'message:send': { input: SendText.extend({ conversationId: Uuid }), output: z.object({ message: Message }) },
  sync: { input: ConversationTarget.extend({ afterSeq: Seq }), output: SyncResult },
  typing: { input: TypingInput.extend({ conversationId: Uuid }), output: Empty },
  ping: { input: Empty, output: PingResult },
} as const satisfies InboundTable;

export const AgentTypingEvent = z.object({ conversationId: Uuid, author: Author, typing: z.boolean() });
export type AgentTypingEvent = z.infer<typeof AgentTypingEvent>;

export const agentOutbound = {
  message: Message,
  typing: AgentTypingEvent,
  'conversation:updated': ConversationSummary,
} as const;

export type AgentClientEvents = ClientToServer<typeof agentInbound>;
export type AgentServerEvents = ServerToClient<typeof agentOutbound>;
