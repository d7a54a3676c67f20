import { z } from 'zod';
import { Attachment } from './attachments.ts';
import { BotOutput } from './bots.ts';
import { XDelivery, XMessageRef } from './channels.ts';
import { ClientId, IsoDate, MessageText, Seq, Uuid } from './common.ts';
import { MAX_MESSAGE_LENGTH, MAX_X_DM_LENGTH } from './limits.ts';
import { SafeText } from './storable-text.ts';

export const AuthorKind = z.enum(['visitor', 'agent', 'bot', 'system']);
export type AuthorKind = z.infer<typeof AuthorKind>;

export const Author = z.object({
  kind: AuthorKind,
  /** Agent or bot id; the visitor's contact id; null for system. */
  id: z.string().nullable(),
  /** Display name as it was when the message was written. */
  name: z.string().nullable(),
});
export type Author = z.infer<typeof Author>;

/** Conversation events every participant sees in the transcript (they take a seq like messages). */
export const ConversationEventType = z.enum(['agent_joined', 'agent_left', 'conversation_ended', 'conversation_reopened']);
export type ConversationEventType = z.infer<typeof ConversationEventType>;

const MessageBase = z.object({
  id: Uuid,
  conversationId: Uuid,
  /** Position in the conversation, gap-free from 1; the resume cursor. */
  seq: Seq.min(1),
  /** The sender's idempotency key; null for server-generated events. */
  clientId: ClientId.nullable(),
  author: Author,
  createdAt: IsoDate,
  /** The session (interaction) it belongs to; null/absent outside any session (e.g. an asynchronous follow-up). */
  sessionId: Uuid.nullable().optional(),
  /** Messages of X conversations (issue 19): the X object this one mirrors (the post, the DM event). */
  x: XMessageRef.optional(),
  /** An agent's message to X: where its delivery stands (the outbound queue); agents only. */
  xDelivery: XDelivery.pick({ state: true, retryAt: true, reason: true }).optional(),
});

export const TextMessage = MessageBase.extend({ kind: z.literal('text'), text: z.string() });
export const EventMessage = MessageBase.extend({
  kind: z.literal('event'),
  event: z.object({ type: ConversationEventType, actorName: z.string().nullable() }),
});

/** An image with an optional caption. */
export const ImageMessage = MessageBase.extend({ kind: z.literal('image'), text: z.string(), attachment: Attachment });

/**
 * An assistant's bubble: buttons, a link card, an image or text (`payload`), with
 * `text` as a plain fallback for clients that do not render it. Author kind `bot`.
 */
export const StructuredMessage = MessageBase.extend({ kind: z.literal('structured'), text: z.string(), payload: BotOutput });

/** Anything a transcript shows, in seq order. */
export const Message = z.discriminatedUnion('kind', [TextMessage, EventMessage, ImageMessage, StructuredMessage]);
export type Message = z.infer<typeof Message>;
export type TextMessage = z.infer<typeof TextMessage>;
export type EventMessage = z.infer<typeof EventMessage>;
export type ImageMessage = z.infer<typeof ImageMessage>;
export type StructuredMessage = z.infer<typeof StructuredMessage>;

/** What a sender submits; the server assigns id, seq, author and time. */
export const SendText = z.object({ clientId: ClientId, text: MessageText });
export type SendText = z.infer<typeof SendText>;

const SendImage = z.object({ clientId: ClientId, attachmentId: Uuid, text: SafeText.trim().max(MAX_MESSAGE_LENGTH).default('') });

/** Text, or an uploaded image (`attachmentId` from `POST /api/v1/attachments`) with an optional caption. */
export const SendMessage = z.union([
  // The image branch first: a captioned image would also satisfy SendText (zod strips unknown keys).
  SendImage,
  SendText,
]);
export type SendMessage = z.infer<typeof SendMessage>;

/**
 * What an agent sends (`message:send` on /agent): as SendMessage, but up to X's 10,000 characters, which an X DM
 * conversation allows; the server holds every other conversation to MAX_MESSAGE_LENGTH (MESSAGE_TOO_LONG).
 */
export const AgentSendMessage = z.union([
  SendImage.extend({ text: SafeText.trim().max(MAX_X_DM_LENGTH).default('') }),
  SendText.extend({ text: SafeText.trim().min(1).max(MAX_X_DM_LENGTH) }),
]);
export type AgentSendMessage = z.infer<typeof AgentSendMessage>;

/**
 * A secret the widget makes with a message it sends without a visitor token (the one that opens its
 * session), and repeats on every retry of it: at least 128 random bits, base64url characters. The
 * server keeps only its SHA-256; a retry from another socket (the ack was lost, the page reloaded)
 * gets the conversation and a token back only with it. The client id alone proves nothing: it is no secret.
 */
export const FirstSendProof = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'Expected 22 to 128 base64url characters.');

/** What a visitor sends: an image, or a text with the first-send proof when it may open the session. */
export const VisitorSendMessage = z.union([SendImage, SendText.extend({ firstSendProof: FirstSendProof.optional() })]);
export type VisitorSendMessage = z.infer<typeof VisitorSendMessage>;
