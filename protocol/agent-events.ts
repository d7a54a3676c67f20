import { z } from 'zod';
import { Seq, Uuid } from './common.ts';
import { ConversationSummary } from './conversation.ts';
import { Author, Message, SendMessage } from './message.ts';
import { AgentCatalog } from './catalog.ts';
import { Contact, ContactHistory, ContactListItem, ContactPatch, ContactReplied, ContactSearch, ReceiptEvent, Receipts } from './contacts.ts';
import { ConversationListResponse } from './rest.ts';
import { PingResult, SyncResult, TypingInput } from './visitor-events.ts';
import { ChannelPresence, Directory, MediaChannel, Offer, OfferRevoked, SessionCard, SessionState, SetPresenceInput, TransferTarget, WrapUpInput } from './routing.ts';
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
  receipts: Receipts.optional(),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

const OfferTarget = z.object({ offerId: Uuid });

export const AgentState = z.object({
  presence: z.array(ChannelPresence),
  channels: z.array(MediaChannel),
  maxConcurrent: z.number().int().min(1).max(12),
  offers: z.array(Offer),
});
export type AgentState = z.infer<typeof AgentState>;

export const SessionCardsQuery = z.object({
  queueId: Uuid.optional(),
  states: z.array(SessionState).optional(),
  /** Cards of sessions that started after this time (default: the last 24 hours). */
  since: z.iso.datetime({ offset: true }).optional(),
});

export const agentInbound = {
  'conversations:list': { input: Empty, output: ConversationListResponse },
  'conversation:open': { input: ConversationTarget, output: ConversationDetail },
  'conversation:take': { input: ConversationTarget, output: z.object({ conversation: ConversationSummary }) },
  /**
   * On a conversation with no open session the message is an asynchronous follow-up: stored
   * (no session), shown to the visitor next time, and the sender gets `contact:replied` when they answer.
   */
  'message:send': { input: z.intersection(SendMessage, ConversationTarget), output: z.object({ message: Message }) },
  /** The agent has read the conversation up to `seq`. */
  read: { input: ConversationTarget.extend({ seq: Seq }), output: Empty },
  sync: { input: ConversationTarget.extend({ afterSeq: Seq }), output: SyncResult },
  typing: { input: TypingInput.extend({ conversationId: Uuid }), output: Empty },
  ping: { input: Empty, output: PingResult },
  /** Everything a (re)connecting desktop needs to reconcile: own presence and pending offers. */
  'agent:state': { input: Empty, output: AgentState },
  'presence:set': { input: SetPresenceInput, output: z.object({ presence: z.array(ChannelPresence) }) },
  'offer:accept': { input: OfferTarget, output: ConversationDetail },
  'offer:reject': { input: OfferTarget, output: Empty },
  'session:transfer': { input: ConversationTarget.extend({ target: TransferTarget }), output: Empty },
  'session:end': { input: ConversationTarget, output: z.object({ session: SessionCard }) },
  'session:wrap-up': { input: WrapUpInput, output: z.object({ session: SessionCard }) },
  'directory:get': { input: Empty, output: Directory },
  'sessions:cards': { input: SessionCardsQuery, output: z.object({ cards: z.array(SessionCard) }) },
  /** Quick replies (global + the agent's queues), dispositions, tags. */
  'catalog:get': { input: Empty, output: AgentCatalog },
  'contacts:search': { input: ContactSearch, output: z.object({ contacts: z.array(ContactListItem) }) },
  /** Conversation / Communication tabs: every session and message with this contact. */
  'contact:history': { input: ConversationTarget, output: ContactHistory },
  'contact:update': { input: z.object({ contactId: Uuid, patch: ContactPatch }), output: z.object({ contact: Contact }) },
  'contact:verify': { input: z.object({ contactId: Uuid, verified: z.boolean() }), output: z.object({ contact: Contact }) },
  /** "Open as chat": a live session connected to this agent, so handling time is recorded. */
  'conversation:open-as-chat': { input: ConversationTarget, output: ConversationDetail },
} as const satisfies InboundTable;

export const AgentTypingEvent = z.object({ conversationId: Uuid, author: Author, typing: z.boolean() });
export type AgentTypingEvent = z.infer<typeof AgentTypingEvent>;

export const agentOutbound = {
  message: Message,
  typing: AgentTypingEvent,
  'conversation:updated': ConversationSummary,
  /** A conversation left this agent's desk (transferred, taken elsewhere, closed). */
  'conversation:removed': z.object({ conversationId: Uuid, reason: z.enum(['transferred', 'closed', 'taken']) }),
  offer: Offer,
  'offer:revoked': OfferRevoked,
  /** Own presence changed (also by the system: Refused); supervisors get everyone's. */
  presence: z.object({ agentId: Uuid, presence: z.array(ChannelPresence) }),
  'session:card': SessionCard,
  receipt: ReceiptEvent,
  'contact:replied': ContactReplied,
  'contact:updated': Contact,
} as const;

export type AgentClientEvents = ClientToServer<typeof agentInbound>;
export type AgentServerEvents = ServerToClient<typeof agentOutbound>;
