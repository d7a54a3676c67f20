import { z } from 'zod';
import { IsoDate, Seq, Uuid } from './common.ts';
import { SafeText } from './storable-text.ts';
import { Message } from './message.ts';
import { SessionCard } from './routing.ts';

/** Where a contact can be reached: a web visitor (browser), a social account… */
export const ChannelIdentity = z.object({
  /** `account`: the site's own user id, from a verified identity (issue 6). */
  channel: z.enum(['web', 'twitter', 'account']),
  /** Visitor id, @handle, the site's user id… */
  value: z.string(),
  /** Verified by a signed identity or by an agent. */
  verified: z.boolean(),
  /** The channel's own id where the value is a name that can change (X: the user id behind the @handle). */
  externalId: z.string().optional(),
});
export type ChannelIdentity = z.infer<typeof ChannelIdentity>;

export const Contact = z.object({
  id: Uuid,
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  verified: z.boolean(),
  /** Attributes collected by bots or set by agents (string values). */
  attributes: z.record(z.string(), z.string()),
  identities: z.array(ChannelIdentity),
  createdAt: IsoDate,
});
export type Contact = z.infer<typeof Contact>;

export const ContactPatch = z
  .object({
    name: SafeText.trim().min(1).max(200).nullable(),
    email: z.email().max(254).nullable(),
    phone: z.string().trim().regex(/^\+?[0-9 ().-]{4,30}$/).nullable(),
    attributes: z.record(SafeText.min(1).max(64), SafeText.max(1000)),
  })
  .partial();

/** Communication tab: the Private filter is web chat and direct messages; Public is public posts. */
export const Visibility = z.enum(['private', 'public']);
export type Visibility = z.infer<typeof Visibility>;

export const ContactListItem = z.object({
  contact: Contact.pick({ id: true, name: true, email: true, verified: true }),
  conversationId: Uuid,
  lastMessage: z.object({ text: z.string(), authorKind: z.string(), createdAt: IsoDate }).nullable(),
  /** Whether a session is open (waiting/offered/active/wrap-up) right now. */
  open: z.boolean(),
});
export type ContactListItem = z.infer<typeof ContactListItem>;

export const ContactSearch = z.object({
  query: SafeText.trim().max(200).default(''),
  visibility: Visibility.default('private'),
  limit: z.number().int().min(1).max(100).default(50),
});

/** Highest seq each side has read (0 = nothing). */
export const Receipts = z.object({ visitorReadSeq: Seq, agentReadSeq: Seq });
export type Receipts = z.infer<typeof Receipts>;
export const ReceiptEvent = Receipts.extend({ conversationId: Uuid });
export type ReceiptEvent = z.infer<typeof ReceiptEvent>;

/**
 * The whole history with a contact: every session (for the headers that separate
 * them) and every message, ascending; messages carry `sessionId`.
 */
export const ContactHistory = z.object({
  contact: Contact,
  conversationId: Uuid,
  sessions: z.array(SessionCard),
  messages: z.array(Message),
  lastSeq: Seq,
  receipts: Receipts,
});
export type ContactHistory = z.infer<typeof ContactHistory>;


/** Pushed to the agent who followed up when the contact answers (Communication tab's "Show"). */
export const ContactReplied = z.object({
  conversationId: Uuid,
  contact: Contact.pick({ id: true, name: true }),
  preview: z.string(),
  at: IsoDate,
});
export type ContactReplied = z.infer<typeof ContactReplied>;
