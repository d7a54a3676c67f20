import { z } from 'zod';
import type { InboundDm, InboundPost, XMediaRef, XUserRef } from './contracts.ts';

/**
 * What X sends us, parsed with zod and normalised to `InboundDm` / `InboundPost` (contracts.ts), whatever
 * the shape (brief §2, docs/channels/x.md#receiving):
 *
 * - the X Activity API (XAA) envelope `{data:{event_uuid, event_type, filter:{user_id}, tag, payload}}`,
 *   whose DM events keep the legacy Account Activity shape (`direct_message_events`, epoch-ms strings,
 *   `users` keyed by id with each user under `.data`) and whose post events carry a v2 post;
 * - the old Account Activity body `{for_user_id, direct_message_events, users, tweet_create_events}`
 *   (v1.1 tweets, users keyed by id without `.data`);
 * - the v2 pages polling reads: `GET /2/dm_events` and `GET /2/users/:id/mentions`.
 *
 * Unknown fields are dropped, unknown event types are reported as ignored (never an error): X adds
 * event types, and a receiver that refused them would make X retry for nothing.
 */

const Id = z.string().regex(/^[0-9]{1,19}$/);
/** Epoch milliseconds as a string (legacy DM shape). */
const EpochMs = z.string().regex(/^[0-9]{1,16}$/);

// ── users ───────────────────────────────────────────────────────────────────

const V2User = z.object({ id: Id, username: z.string().min(1), name: z.string().nullish() });
/** XAA: `{data:{id, username, name}}`; old AAA: `{id, screen_name, name}` (v1.1 user). */
const LegacyUser = z.union([
  z.object({ data: V2User }).transform((u) => u.data),
  z.object({ id: z.union([Id, z.number()]).transform(String), screen_name: z.string().min(1), name: z.string().nullish() }).transform((u) => ({ id: u.id, username: u.screen_name, name: u.name })),
]);
const LegacyUsers = z.record(z.string(), LegacyUser.optional().catch(undefined));

const V2Media = z.object({ media_key: z.string(), type: z.string().nullish(), url: z.string().nullish(), preview_image_url: z.string().nullish() });
const V2Includes = z.object({ users: z.array(V2User).optional(), media: z.array(V2Media).optional(), tweets: z.array(z.object({ id: Id, author_id: Id.optional() })).optional() });

// ── direct messages ─────────────────────────────────────────────────────────

const LegacyAttachment = z.object({
  type: z.string(),
  media: z.object({ id_str: z.string(), media_url_https: z.string().nullish(), media_url: z.string().nullish(), type: z.string().nullish() }),
});
export const LegacyDmEvent = z.object({
  type: z.string(),
  id: Id,
  created_timestamp: EpochMs,
  message_create: z
    .object({
      target: z.object({ recipient_id: Id }),
      sender_id: Id,
      message_data: z.object({ text: z.string().default(''), attachment: LegacyAttachment.optional() }),
    })
    .optional(),
});
export type LegacyDmEvent = z.infer<typeof LegacyDmEvent>;

export const V2DmEvent = z.object({
  id: Id,
  event_type: z.string(),
  text: z.string().optional(),
  sender_id: Id.optional(),
  dm_conversation_id: z.string().optional(),
  participant_ids: z.array(Id).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
});

/** `GET /2/dm_events` (newest first; `meta.next_token` pages back). */
export const DmEventsPage = z.object({
  data: z.array(V2DmEvent).optional(),
  includes: V2Includes.optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().optional() }).optional(),
});
export type DmEventsPage = z.infer<typeof DmEventsPage>;

// ── posts ───────────────────────────────────────────────────────────────────

export const V2Post = z.object({
  id: Id,
  text: z.string(),
  author_id: Id,
  conversation_id: Id.optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  in_reply_to_user_id: Id.optional(),
  in_reply_to_tweet_id: Id.optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: Id })).optional(),
  entities: z.object({ mentions: z.array(z.object({ username: z.string(), id: Id.optional() })).optional() }).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
});

/** `GET /2/users/:id/mentions` (newest first; `meta.newest_id` is the next `since_id`). */
export const MentionsPage = z.object({
  data: z.array(V2Post).optional(),
  includes: V2Includes.optional(),
  meta: z.object({ result_count: z.number().optional(), newest_id: Id.optional(), next_token: z.string().optional() }).optional(),
});
export type MentionsPage = z.infer<typeof MentionsPage>;

/** A v1.1 tweet, as old AAA bodies carry them in `tweet_create_events`. */
const V1Tweet = z.object({
  id_str: Id,
  text: z.string().optional(),
  full_text: z.string().optional(),
  created_at: z.string().optional(),
  user: z.object({ id_str: Id, screen_name: z.string(), name: z.string().nullish() }),
  in_reply_to_status_id_str: Id.nullish(),
  in_reply_to_user_id_str: Id.nullish(),
  is_quote_status: z.boolean().optional(),
  quoted_status: z.object({ user: z.object({ id_str: Id }).optional() }).optional(),
  entities: z.object({ user_mentions: z.array(z.object({ id_str: Id.optional(), screen_name: z.string() })).optional() }).optional(),
});

// ── envelopes ───────────────────────────────────────────────────────────────

/** X Activity API over V2 webhooks. `payload` is parsed by event type, after the account is known. */
export const XaaEnvelope = z.object({
  data: z.object({
    event_uuid: z.string().min(1).max(64),
    event_type: z.string().min(1).max(64),
    filter: z.object({ user_id: Id }),
    tag: z.string().optional(),
    payload: z.unknown(),
    includes: z.unknown().optional(),
  }),
});

/** The old Account Activity API body. */
export const AaaBody = z.object({
  for_user_id: Id,
  direct_message_events: z.array(z.unknown()).optional(),
  users: z.unknown().optional(),
  tweet_create_events: z.array(z.unknown()).optional(),
});

const XaaDmPayload = z.object({ direct_message_events: z.array(z.unknown()), users: LegacyUsers.optional() });

/** What a signed webhook body is about, before its events are read: whose account, and its dedupe key. */
export type WebhookHead = { shape: 'xaa'; eventUuid: string; eventType: string; userId: string } | { shape: 'aaa'; eventUuid: null; eventType: 'aaa'; userId: string };

export function webhookHead(body: unknown): WebhookHead | null {
  const xaa = XaaEnvelope.safeParse(body);
  if (xaa.success) return { shape: 'xaa', eventUuid: xaa.data.data.event_uuid, eventType: xaa.data.data.event_type, userId: xaa.data.data.filter.user_id };
  const aaa = AaaBody.safeParse(body);
  if (aaa.success) return { shape: 'aaa', eventUuid: null, eventType: 'aaa', userId: aaa.data.for_user_id };
  return null;
}

export interface ParsedEvents {
  dms: InboundDm[];
  posts: InboundPost[];
  /** Why parts were skipped (unknown event types, malformed events): logged, never an error. */
  ignored: string[];
}

export const DM_EVENT_TYPES = ['dm.received', 'dm.sent'];
export const POST_EVENT_TYPES = ['post.mention.create', 'post.reply.create'];

/** The events of a webhook body, for the account whose X user id is `brandId`. */
export function eventsOfWebhook(body: unknown, brand: { id: string; username: string }): ParsedEvents {
  const out: ParsedEvents = { dms: [], posts: [], ignored: [] };
  const xaa = XaaEnvelope.safeParse(body);
  if (xaa.success) {
    const { event_type: type, payload, includes } = xaa.data.data;
    if (DM_EVENT_TYPES.includes(type)) {
      const p = XaaDmPayload.safeParse(payload);
      if (!p.success) out.ignored.push(`${type}: malformed payload`);
      else legacyDms(p.data.direct_message_events, p.data.users ?? {}, out);
    } else if (POST_EVENT_TYPES.includes(type)) {
      const post = V2Post.safeParse(payload);
      const inc = V2Includes.safeParse(includes ?? {});
      if (!post.success) out.ignored.push(`${type}: malformed payload`);
      else out.posts.push(fromV2Post(post.data, inc.success ? inc.data : {}, brand, type === 'post.mention.create'));
    } else out.ignored.push(`event type ${type}`);
    return out;
  }
  const aaa = AaaBody.safeParse(body);
  if (!aaa.success) {
    out.ignored.push('unknown body');
    return out;
  }
  const users = LegacyUsers.safeParse(aaa.data.users ?? {});
  legacyDms(aaa.data.direct_message_events ?? [], users.success ? users.data : {}, out);
  for (const raw of aaa.data.tweet_create_events ?? []) {
    const t = V1Tweet.safeParse(raw);
    if (!t.success) out.ignored.push('tweet_create_events: malformed tweet');
    // The brand's own tweets come back too: only others' posts are inbound.
    else if (t.data.user.id_str !== brand.id) out.posts.push(fromV1Tweet(t.data, brand));
  }
  return out;
}

function legacyDms(events: unknown[], users: z.infer<typeof LegacyUsers>, out: ParsedEvents): void {
  for (const raw of events) {
    const e = LegacyDmEvent.safeParse(raw);
    if (!e.success) {
      out.ignored.push('direct_message_events: malformed event');
      continue;
    }
    const mc = e.data.message_create;
    if (e.data.type !== 'message_create' || !mc) {
      out.ignored.push(`direct message event type ${e.data.type}`);
      continue;
    }
    const u = users[mc.sender_id];
    const att = mc.message_data.attachment;
    const media: XMediaRef[] = att ? [{ mediaKey: `${att.media.type === 'animated_gif' ? 16 : att.media.type === 'video' ? 7 : 3}_${att.media.id_str}`, url: att.media.media_url_https ?? att.media.media_url ?? null, type: att.media.type ?? null }] : [];
    out.dms.push({
      eventId: e.data.id,
      dmConversationId: dmConversationIdOf(mc.sender_id, mc.target.recipient_id),
      sender: userRef(mc.sender_id, u),
      recipientId: mc.target.recipient_id,
      text: stripMediaUrl(mc.message_data.text, media),
      media,
      createdAt: new Date(Number(e.data.created_timestamp)),
    });
  }
}

/** The DMs of a `GET /2/dm_events` page (MessageCreate only), oldest first. */
export function dmsOfPage(page: DmEventsPage, brandId: string): InboundDm[] {
  const users = new Map((page.includes?.users ?? []).map((u) => [u.id, u]));
  const media = new Map((page.includes?.media ?? []).map((m) => [m.media_key, m]));
  const out: InboundDm[] = [];
  for (const e of page.data ?? []) {
    if (e.event_type !== 'MessageCreate' || !e.sender_id) continue;
    const [a, b] = (e.dm_conversation_id ?? '').split('-');
    // 1:1 conversations only ({smaller}-{larger}); group conversations are not a channel here.
    if (!a || !b || (a !== brandId && b !== brandId)) continue;
    const recipientId = e.sender_id === a ? b : a;
    const refs: XMediaRef[] = (e.attachments?.media_keys ?? []).map((key) => ({ mediaKey: key, url: media.get(key)?.url ?? null, type: media.get(key)?.type ?? null }));
    out.push({
      eventId: e.id,
      dmConversationId: dmConversationIdOf(e.sender_id, recipientId),
      sender: userRef(e.sender_id, users.get(e.sender_id)),
      recipientId,
      text: e.text ?? '',
      media: refs,
      createdAt: e.created_at ? new Date(e.created_at) : new Date(),
    });
  }
  return out.reverse();
}

/** The posts of a `/mentions` page, oldest first (all summoned the brand: they mention it). */
export function postsOfMentionsPage(page: MentionsPage, brand: { id: string; username: string }): InboundPost[] {
  const includes = page.includes ?? {};
  return (page.data ?? [])
    .filter((p) => p.author_id !== brand.id)
    .map((p) => fromV2Post(p, includes, brand, true))
    .reverse();
}

function fromV2Post(p: z.infer<typeof V2Post>, includes: z.infer<typeof V2Includes>, brand: { id: string; username: string }, mentionEvent: boolean): InboundPost {
  const author = (includes.users ?? []).find((u) => u.id === p.author_id);
  const media = new Map((includes.media ?? []).map((m) => [m.media_key, m]));
  const repliedTo = p.in_reply_to_tweet_id ?? p.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
  const mentions = p.entities?.mentions ?? [];
  const mentioned = mentions.some((m) => m.id === brand.id || m.username.toLowerCase() === brand.username.toLowerCase());
  const quotedIds = (p.referenced_tweets ?? []).filter((r) => r.type === 'quoted').map((r) => r.id);
  const quotedBrand = quotedIds.some((id) => (includes.tweets ?? []).find((t) => t.id === id)?.author_id === brand.id);
  return {
    id: p.id,
    text: p.text,
    author: userRef(p.author_id, author),
    conversationId: p.conversation_id ?? p.id,
    inReplyToPostId: repliedTo,
    inReplyToUserId: p.in_reply_to_user_id ?? null,
    summonedBrand: mentioned || quotedBrand || (mentionEvent && mentions.length === 0 && quotedIds.length > 0),
    media: (p.attachments?.media_keys ?? []).map((key) => ({ mediaKey: key, url: media.get(key)?.url ?? null, type: media.get(key)?.type ?? null })),
    createdAt: p.created_at ? new Date(p.created_at) : new Date(),
  };
}

function fromV1Tweet(t: z.infer<typeof V1Tweet>, brand: { id: string; username: string }): InboundPost {
  const mentioned = (t.entities?.user_mentions ?? []).some((m) => m.id_str === brand.id || m.screen_name.toLowerCase() === brand.username.toLowerCase());
  const created = t.created_at ? new Date(t.created_at) : new Date(NaN);
  return {
    id: t.id_str,
    text: t.full_text ?? t.text ?? '',
    author: { id: t.user.id_str, username: t.user.screen_name, name: t.user.name ?? null },
    // v1.1 has no conversation id: the post answered stands in for the thread (good enough for a reply to the brand's post).
    conversationId: t.in_reply_to_status_id_str ?? t.id_str,
    inReplyToPostId: t.in_reply_to_status_id_str ?? null,
    inReplyToUserId: t.in_reply_to_user_id_str ?? null,
    summonedBrand: mentioned || t.quoted_status?.user?.id_str === brand.id,
    media: [],
    createdAt: Number.isNaN(created.getTime()) ? new Date() : created,
  };
}

function userRef(id: string, u: { id: string; username: string; name?: string | null } | undefined): XUserRef {
  return { id, username: u?.username ?? id, name: u?.name ?? null };
}

/** X's 1:1 DM conversation id: `{smaller}-{larger}` of the two user ids, compared as numbers. */
export function dmConversationIdOf(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

/** Legacy DM texts end with the t.co link of their attachment: the image itself is shown instead. */
function stripMediaUrl(text: string, media: XMediaRef[]): string {
  return media.length ? text.replace(/\s*https:\/\/t\.co\/[A-Za-z0-9]+\s*$/, '') : text;
}
