import { z } from 'zod';
import { XCapabilities, XId } from './channels.ts';
import { ClientId, Uuid } from './common.ts';
import { Contact } from './contacts.ts';
import { ConversationSummary } from './conversation.ts';
import { MAX_MESSAGE_LENGTH } from './limits.ts';
import { Message } from './message.ts';
import { SafeText } from './storable-text.ts';

/**
 * X public posts as open media (issue 19, seed 000 "Twitter Public"): the agent events of the x-public
 * part. A thread is one Parley conversation (channel `x_public`, one per X `conversation_id`); its
 * messages carry `x.postId`/`x.inReplyToPostId`, from which the desktop indents replies under the post
 * they answer. Replies and likes go to X through the outbound queue (`x_outbound`).
 */

export const PublicThread = z.object({
  conversationId: Uuid,
  /** X's `conversation_id`: the root post's id. */
  rootPostId: z.string(),
  /** A session is open (waiting, offered, active or in wrap-up). */
  open: z.boolean(),
  /** The thread's posts and the brand's replies, in seq order (event messages left out). */
  posts: z.array(Message),
});
export type PublicThread = z.infer<typeof PublicThread>;

export const PublicThreads = z.object({
  contact: Contact.pick({ id: true, name: true }),
  /** The contact as X knows them (matched by X user id); null for a contact with no X account. */
  xUser: z.object({ id: XId, username: z.string(), name: z.string().nullable() }).nullable(),
  /** The brand's account: who replies, and what its plan allows (likes, unsummoned replies). */
  account: z.object({ xUserId: XId, username: z.string(), name: z.string(), capabilities: XCapabilities }).nullable(),
  threads: z.array(PublicThread),
});
export type PublicThreads = z.infer<typeof PublicThreads>;

/** A public reply: text (≤ 280 weighted characters, `protocol/post-length.ts`), an optional image. */
export const XReplyInput = z.object({
  conversationId: Uuid,
  clientId: ClientId,
  inReplyToPostId: XId,
  text: SafeText.trim().max(MAX_MESSAGE_LENGTH).default(''),
  attachmentId: Uuid.optional(),
});
export type XReplyInput = z.infer<typeof XReplyInput>;

export const XLikeInput = z.object({ conversationId: Uuid, postId: XId, liked: z.boolean() });
export type XLikeInput = z.infer<typeof XLikeInput>;

/** Links an X contact (`contactId`) into an existing contact of the same website (`intoContactId`). */
export const ContactLinkInput = z.object({ contactId: Uuid, intoContactId: Uuid });
export type ContactLinkInput = z.infer<typeof ContactLinkInput>;

export const xPublicInbound = {
  'x:threads': {
    description: 'X public posts (issue 19): every public thread of this conversation\'s contact, with the brand account\'s capabilities.',
    input: z.object({ conversationId: Uuid }),
    output: PublicThreads,
  },
  'x:reply': {
    description: 'Reply publicly to a post of an X thread (at most 280 weighted characters; self-serve plans only to posts that mentioned or quoted the brand). Stored as the agent\'s message and queued for X.',
    input: XReplyInput,
    output: z.object({ message: Message }),
  },
  'x:like': {
    description: 'Like or unlike a post of an X thread (needs a plan with likes: Enterprise). Queued for X.',
    input: XLikeInput,
    output: z.object({ postId: XId, liked: z.boolean() }),
  },
  'x:move-to-dm': {
    description: 'Move a public exchange to direct messages: finds or opens the X DM conversation with the thread\'s author.',
    input: z.object({ conversationId: Uuid }),
    output: z.object({ conversation: ConversationSummary }),
  },
  'contact:link': {
    description: 'Link an X contact to an existing contact of the same website: its X conversations move there, and the history shows both.',
    input: ContactLinkInput,
    output: z.object({ contact: Contact }),
  },
} as const;
