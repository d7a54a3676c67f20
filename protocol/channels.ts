import { z } from 'zod';
import { IsoDate, Uuid } from './common.ts';

/**
 * Channels (issue 19, seed 000): where a conversation lives. A website has its web widget and, once an
 * X account is connected to it (its brand), X direct messages and X public posts. Conversations carry
 * their channel; sessions of X conversations are routed on the `twitter` media channel (agents Ready
 * on Twitter receive them), web ones on `chat`.
 */
export const ConversationChannel = z.enum(['web', 'x_dm', 'x_public']);
export type ConversationChannel = z.infer<typeof ConversationChannel>;

/** X ids are decimal strings of up to 19 digits (X API v2). */
export const XId = z.string().regex(/^[0-9]{1,19}$/);
export type XId = z.infer<typeof XId>;

/**
 * What an admin sees of a connected X account. `status` is the worst thing that is true now:
 * `token_expired` (refresh failed: reconnect), `webhook_invalid` (X's CRC failed: polling carries
 * on meanwhile), `rate_limited` (until `rateLimitedUntil`), else `connected`.
 */
export const XAccountStatus = z.enum(['connected', 'token_expired', 'webhook_invalid', 'rate_limited']);
export type XAccountStatus = z.infer<typeof XAccountStatus>;

/** What the X plan allows: likes need Enterprise since 2026-04-20; self-serve replies only to posts that summoned the brand. */
export const XCapabilities = z.object({ likes: z.boolean(), unsummonedReplies: z.boolean() });
export type XCapabilities = z.infer<typeof XCapabilities>;

export const XAccount = z.object({
  id: Uuid,
  websiteId: Uuid,
  xUserId: XId,
  username: z.string(),
  name: z.string(),
  status: XAccountStatus,
  rateLimitedUntil: IsoDate.nullable(),
  /** Whether events arrive by webhook; polling runs whenever they do not. */
  webhook: z.object({ registered: z.boolean(), valid: z.boolean(), checkedAt: IsoDate.nullable() }),
  capabilities: XCapabilities,
  lastError: z.string().nullable(),
  connectedAt: IsoDate,
});
export type XAccount = z.infer<typeof XAccount>;

/**
 * Stored in a message's `payload.x` for messages of X conversations: which X object it mirrors.
 * `postId`/`inReplyToPostId` for public posts (replies are indented under the post they answer),
 * `dmEventId` for direct messages. `authorXId`/`username` name the X author (the brand for ours).
 */
export const XMessageRef = z.object({
  postId: XId.optional(),
  inReplyToPostId: XId.nullable().optional(),
  dmEventId: XId.optional(),
  authorXId: XId,
  username: z.string(),
  /** The brand liked this post (public posts only). */
  liked: z.boolean().optional(),
  /** x-public: the author mentioned or quoted the brand (self-serve accounts may answer only such posts). */
  summonedBrand: z.boolean().optional(),
  /** x-public: when X says the post was written (the thread view's order; arrival order may differ). */
  postedAt: IsoDate.optional(),
});
export type XMessageRef = z.infer<typeof XMessageRef>;

/**
 * Where an agent's message to X stands (the outbound queue): `pending` (being sent), `held` (X's limit:
 * sent after `retryAt`), `sent`, `refused` (X or Parley refused it for good: `reason`).
 */
export const XDeliveryState = z.enum(['pending', 'held', 'sent', 'refused']);
export type XDeliveryState = z.infer<typeof XDeliveryState>;
export const XDelivery = z.object({
  conversationId: Uuid,
  messageId: Uuid,
  state: XDeliveryState,
  retryAt: IsoDate.nullable(),
  reason: z.string().nullable(),
});
export type XDelivery = z.infer<typeof XDelivery>;
