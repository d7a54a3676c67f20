import { z } from 'zod';
import { Seq, Uuid } from './common.ts';
import { ConversationSummary } from './conversation.ts';
import { AgentSendMessage, Author, Message } from './message.ts';
import { AgentCatalog } from './catalog.ts';
import { Contact, ContactHistory, ContactListItem, ContactPatch, ContactReplied, ContactSearch, ReceiptEvent, Receipts } from './contacts.ts';
import { ConversationListResponse } from './rest.ts';
import { PingResult, SyncResult, TypingInput } from './visitor-events.ts';
import { ChannelPresence, Directory, MediaChannel, Offer, OfferRevoked, SessionCard, SessionState, SetPresenceInput, TransferTarget, WrapUpInput } from './routing.ts';
import type { ClientToServer, InboundTable, ServerToClient } from './event-map.ts';
import { xPublicInbound } from './x-public.ts';
import { XDelivery } from './channels.ts';
import { Journey, JourneyRequest } from './engagement.ts';

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
  'conversations:list': { description: 'The desk\'s lists: conversations waiting in the queues and the agent\'s own.', input: Empty, output: ConversationListResponse },
  'conversation:open': { description: 'A conversation with its transcript (paged through `sync` when `hasMore`) and receipts; the socket then follows it live.', input: ConversationTarget, output: ConversationDetail },
  'conversation:take': { description: 'Take a waiting conversation without an offer; the socket then follows it live.', input: ConversationTarget, output: z.object({ conversation: ConversationSummary }) },
  'message:send': {
    description: 'Send a message. On a conversation with no open session it is an asynchronous follow-up: stored (no session), shown to the visitor next time, and the sender gets `contact:replied` when they answer.',
    input: z.intersection(AgentSendMessage, ConversationTarget),
    output: z.object({ message: Message }),
  },
  read: { description: 'The agent has read the conversation up to `seq`.', input: ConversationTarget.extend({ seq: Seq }), output: Empty },
  sync: { description: 'A conversation\'s events after `afterSeq`, ascending, a page at a time (`hasMore`).', input: ConversationTarget.extend({ afterSeq: Seq }), output: SyncResult },
  typing: { description: 'The agent started or stopped typing; relayed to the visitor and the other agents in the conversation.', input: TypingInput.extend({ conversationId: Uuid }), output: Empty },
  ping: { description: 'The application heartbeat that detects half-open connections.', input: Empty, output: PingResult },
  'agent:state': { description: 'Everything a (re)connecting desktop needs to reconcile: own presence and pending offers.', input: Empty, output: AgentState },
  'presence:set': { description: 'Set own presence on a channel: Ready, Not Ready (with a reason) or Away.', input: SetPresenceInput, output: z.object({ presence: z.array(ChannelPresence) }) },
  'offer:accept': { description: 'Accept an offer: the session becomes active with this agent.', input: OfferTarget, output: ConversationDetail },
  'offer:reject': { description: 'Reject an offer: the session goes back to the front of its queue and the agent becomes Refused on that channel.', input: OfferTarget, output: Empty },
  'session:transfer': { description: 'Transfer the session to an agent, a team or a queue; the agent is freed at once.', input: ConversationTarget.extend({ target: TransferTarget }), output: Empty },
  'session:end': { description: 'End the session: it goes to wrap-up (after-contact work).', input: ConversationTarget, output: z.object({ session: SessionCard }) },
  'session:wrap-up': { description: 'Close the after-contact work with a disposition code, notes and tags.', input: WrapUpInput, output: z.object({ session: SessionCard }) },
  'directory:get': { description: 'The transfer address book: agents with their presence and load, teams, queues with their waiting and Ready counts.', input: Empty, output: Directory },
  'sessions:cards': { description: 'Session cards (by default of the last 24 hours): agents get their own, supervisors and admins everyone\'s.', input: SessionCardsQuery, output: z.object({ cards: z.array(SessionCard) }) },
  'catalog:get': { description: 'Quick replies (global and the agent\'s queues\'), dispositions and tags.', input: Empty, output: AgentCatalog },
  'contacts:search': { description: 'The Communication tab\'s contact list, searchable, with its Private / Public filter.', input: ContactSearch, output: z.object({ contacts: z.array(ContactListItem) }) },
  'contact:history': { description: 'Conversation and Communication tabs: every session and message with this contact.', input: ConversationTarget, output: ContactHistory },
  'contact:update': { description: 'Edit a contact\'s name, email or phone.', input: z.object({ contactId: Uuid, patch: ContactPatch }), output: z.object({ contact: Contact }) },
  'contact:verify': { description: 'Mark a contact verified, or not, by hand.', input: z.object({ contactId: Uuid, verified: z.boolean() }), output: z.object({ contact: Contact }) },
  'journey:get': { description: 'The journey map of the conversation\'s contact: web sessions, pages, events and conversation events in time order, and where each chat began (docs/engagement.md).', input: JourneyRequest, output: Journey },
  'conversation:open-as-chat': { description: '"Open as chat": a live session connected to this agent, so handling time is recorded.', input: ConversationTarget, output: ConversationDetail },
  // X public posts (issue 19): threads, public reply, like, move to DM, linking contacts.
  ...xPublicInbound,
} as const satisfies InboundTable;

export const AgentTypingEvent = z.object({ conversationId: Uuid, author: Author, typing: z.boolean() });
export type AgentTypingEvent = z.infer<typeof AgentTypingEvent>;

export const agentOutbound = {
  message: Message.describe('A new transcript event in a conversation this socket follows.'),
  typing: AgentTypingEvent.describe('The visitor, or another agent, started or stopped typing in a conversation this socket follows.'),
  'conversation:updated': ConversationSummary.describe('A conversation\'s summary changed (state, agent, last message preview): desks update their lists.'),
  'conversation:removed': z.object({ conversationId: Uuid, reason: z.enum(['transferred', 'closed', 'taken']) }).describe('A conversation left this agent\'s desk (transferred, taken elsewhere, closed).'),
  offer: Offer.describe('A chat offered to this agent: accept before `expiresAt`.'),
  'offer:revoked': OfferRevoked.describe('An offer to this agent is gone: expired, taken, abandoned or cancelled.'),
  presence: z.object({ agentId: Uuid, presence: z.array(ChannelPresence) }).describe('Own presence changed (also by the system: Refused, Offline); supervisors and admins get everyone\'s.'),
  'session:card': SessionCard.describe('A session card changed: to supervisors and admins, and to the session\'s agent.'),
  receipt: ReceiptEvent.describe('How far the visitor has read a conversation this socket follows.'),
  'contact:replied': ContactReplied.describe('A contact answered this agent\'s asynchronous follow-up.'),
  'contact:updated': Contact.describe('A contact changed: details, verified flag or attributes.'),
  // X channel (issue 19): the outbound queue's news about an agent's message to X.
  'x:delivery': XDelivery.describe("Where an agent's message to X stands (sending, held by X's limit until `retryAt`, sent, refused with `reason`): to the agents following the conversation."),
} as const;

export type AgentClientEvents = ClientToServer<typeof agentInbound>;
export type AgentServerEvents = ServerToClient<typeof agentOutbound>;
