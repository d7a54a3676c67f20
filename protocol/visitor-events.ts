import { z } from 'zod';
import { ATTRIBUTE_KEY_PATTERN, MAX_ATTRIBUTES_PER_CALL, MAX_ATTRIBUTE_VALUE_LENGTH } from './limits.ts';
import { IsoDate, Locale, Seq, Uuid } from './common.ts';
import { SafeText } from './storable-text.ts';
import { Author, Message, VisitorSendMessage } from './message.ts';
import { ReceiptEvent } from './contacts.ts';
import { WebsiteKey } from './rest.ts';
import { QueueStatus } from './routing.ts';
import { SendPostback } from './bots.ts';
import type { ClientToServer, InboundTable, ServerToClient } from './event-map.ts';
import { OfferAcceptInput, PageViewInput, PageViewResult, TrackEventInput, TrackEventResult } from './engagement.ts';

/** Socket.IO namespace of the widget. */
export const VISITOR_NAMESPACE = '/visitor';

/** `io(url + '/visitor', { auth })`: no token until the visitor first writes (lazy session). */
export const VisitorHandshake = z.object({
  websiteKey: WebsiteKey,
  token: z.string().min(1).max(2000).optional(),
  locale: Locale.optional(),
});
export type VisitorHandshake = z.infer<typeof VisitorHandshake>;

/**
 * Verified identity (issue 6): the site signs an HS256 JWT with the website's identity secret
 * (`sub` required, `exp` required and at most IDENTITY_MAX_TTL_SECONDS ahead, optional `name`,
 * `email`, `phone`). The server links this browser to the contact whose external id is `sub`.
 */
export const IDENTITY_MAX_TTL_SECONDS = 24 * 3600;
export const IdentifyInput = z.object({ jwt: SafeText.min(1).max(4000) });
/** The claims Parley reads from a verified identity JWT (others, like `iat`, are ignored). */
export const IdentityClaims = z.object({
  sub: SafeText.trim().min(1).max(255),
  exp: z.number().int().positive(),
  name: SafeText.trim().min(1).max(200).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ().-]{4,30}$/).optional(),
});
export type IdentityClaims = z.infer<typeof IdentityClaims>;
export const IdentifyResult = z.object({
  /** The visitor token for this browser, now bound to the verified contact: the widget stores it. */
  token: z.string(),
  /** The contact's conversation (the same one on every device), or null when none yet. */
  conversationId: Uuid.nullable(),
  contactId: Uuid,
});
export type IdentifyResult = z.infer<typeof IdentifyResult>;

/** `Messenger('setAttributes', {...})`: custom data shown to agents; never name/email (those come from identity). */
export const AttributeKey = z.string().regex(ATTRIBUTE_KEY_PATTERN);
export const AttributeValue = z.union([SafeText.max(MAX_ATTRIBUTE_VALUE_LENGTH), z.number().finite(), z.boolean(), z.null()]);
export const SetAttributesInput = z.object({
  attributes: z.record(AttributeKey, AttributeValue).refine((r) => Object.keys(r).length <= MAX_ATTRIBUTES_PER_CALL, `At most ${MAX_ATTRIBUTES_PER_CALL} attributes.`),
});
export type SetAttributesInput = z.infer<typeof SetAttributesInput>;

export const SyncRequest = z.object({ afterSeq: Seq });
export const SyncResult = z.object({
  /** Null while the visitor has no conversation yet. */
  conversationId: Uuid.nullable(),
  /** Events with seq > afterSeq, ascending, at most SYNC_PAGE_SIZE. */
  events: z.array(Message),
  lastSeq: Seq,
  hasMore: z.boolean(),
  /** The visitor's sync only: how far the agent side has read (the `receipt` events missed while away). */
  agentReadSeq: Seq.optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const VisitorSendResult = z.object({
  message: Message,
  conversationId: Uuid,
  /** Present when this send created the visitor's session: the widget must store it. */
  token: z.string().optional(),
});
export type VisitorSendResult = z.infer<typeof VisitorSendResult>;

export const TypingInput = z.object({ typing: z.boolean() });
export const PingResult = z.object({ now: IsoDate });
const Empty = z.object({}).strict();

export const visitorInbound = {
  'message:send': {
    description: 'Send a text or an image (after its upload). Idempotent by `clientId`: a resend answers the stored message. The first message creates the contact, visitor and conversation, and its ack carries the visitor token; `firstSendProof` lets a retry of that first message from another socket get its session back.',
    input: VisitorSendMessage,
    output: VisitorSendResult,
  },
  'postback:send': {
    description: 'A quick-reply button pressed: stored as the visitor\'s message (the label) and fed to the assistant. An option not offered now answers `VALIDATION_FAILED` and the flow stays where it is.',
    input: SendPostback,
    output: VisitorSendResult,
  },
  read: { description: 'The visitor has seen the conversation up to `seq` (panel open, page visible).', input: z.object({ seq: Seq }), output: Empty },
  sync: { description: 'What the visitor missed: events after `afterSeq`, ascending, a page at a time (`hasMore`), with how far the agent side has read.', input: SyncRequest, output: SyncResult },
  typing: { description: 'The visitor started or stopped typing; relayed to the agents in the conversation.', input: TypingInput, output: Empty },
  ping: { description: 'The application heartbeat (every 15 s, 5 s ack timeout) that detects half-open connections.', input: Empty, output: PingResult },
  'queue:status': { description: 'Where the visitor stands: queue position, estimated wait, agent availability.', input: Empty, output: QueueStatus },
  'conversation:end': { description: 'The visitor ends the current interaction (after a confirmation in the widget).', input: Empty, output: QueueStatus },
  'followup:email': { description: 'An email for follow-up when nobody is available; kept unverified, never merges histories.', input: z.object({ email: z.email().max(254) }), output: QueueStatus },
  identify: {
    description: 'Link this browser to a verified contact (`IDENTITY_INVALID` when the JWT is bad: the visitor stays as it was). Creates the visitor and contact rows if needed; the socket then belongs to the contact\'s conversation.',
    input: IdentifyInput,
    output: IdentifyResult,
  },
  'attributes:set': { description: 'Merge custom attributes into the contact (`null` deletes a key). Needs a session: the widget holds them until there is one.', input: SetAttributesInput, output: Empty },
  logout: { description: '`Messenger(\'logout\')`: revokes every token of this browser; the conversation stays on the server.', input: Empty, output: Empty },
  'offer:accept': {
    description: 'The visitor accepted a proactive offer (docs/engagement.md): like a first message it may create the session (its ack carries the token); the offer\'s text becomes the first message, from the named agent or the assistant, and a session is queued in the rule\'s queue with origin `proactive_offer`. Idempotent by `clientId` once the visitor has a session. An unknown or disabled rule answers `NOT_FOUND`.',
    input: OfferAcceptInput,
    output: VisitorSendResult,
  },
  'page:view': {
    description: 'A page view of a visitor with a session (docs/engagement.md): grouped into web sessions (30 minutes of inactivity ends one), outcomes recorded. Answers the evaluator\'s memory. Without a session, or with page tracking off for the website, nothing is stored (`recorded: false`).',
    input: PageViewInput,
    output: PageViewResult,
  },
  'event:track': {
    description: '`Messenger(\'trackEvent\', name, data)` of a visitor with a session: a journey event (outcomes recorded). Without a session nothing is stored (`recorded: false`).',
    input: TrackEventInput,
    output: TrackEventResult,
  },
} as const satisfies InboundTable;

export const TypingEvent = z.object({ author: Author, typing: z.boolean() });
export type TypingEvent = z.infer<typeof TypingEvent>;

export const visitorOutbound = {
  message: Message.describe('A new transcript event in the visitor\'s conversation: an agent\'s or the assistant\'s message, a system event, or the visitor\'s own from another socket.'),
  typing: TypingEvent.describe('Someone on the agent side started or stopped typing.'),
  queue: QueueStatus.describe('Pushed whenever the visitor\'s queue position, wait or agent changes.'),
  receipt: ReceiptEvent.describe('Read receipts: the agent side has read up to `agentReadSeq`.'),
} as const;

export type VisitorClientEvents = ClientToServer<typeof visitorInbound>;
export type VisitorServerEvents = ServerToClient<typeof visitorOutbound>;
