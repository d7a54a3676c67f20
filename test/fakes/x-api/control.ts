import { deliverAgain, publish } from './delivery.ts';
import { addDm } from './dms.ts';
import { dmPayload, postPayload } from './envelopes.ts';
import { issueTokens } from './oauth.ts';
import { addPost } from './post-model.ts';
import { mediaBytes, mediaKeyOf } from './media.ts';
import { resolveBucket } from './rate-limits.ts';
import type { DeliveryAttempt, FakeX, Mode, Post, XUser } from './state.ts';
import { freshState, ID } from './state.ts';

// What a test (or the demo page) does as X itself: customers writing, duplicate deliveries, forced limits,
// expired tokens, and reading back what the product sent.

export interface InjectDm {
  from: XUser;
  text: string;
  media?: { bytes: string; type: string };
}

export interface InjectMention {
  from: XUser;
  text: string;
  inReplyToTweetId?: string;
  /** Quote a post by the brand: `quoteTweetId`, else the brand's latest post (one is created if it has none). */
  quote?: boolean;
  quoteTweetId?: string;
  /** false: keep the text as given, without the brand's @handle (a bystander in a thread); no event then. */
  mentionBrand?: boolean;
}

export class ControlError extends Error {}

export function createControl(fake: FakeX) {
  const brand = () => fake.options.brand;

  function remember(user: XUser): XUser {
    if (!user || typeof user !== 'object' || !ID.test(String(user.id)) || typeof user.username !== 'string' || typeof user.name !== 'string') {
      throw new ControlError('from must be {id (digits), username, name}');
    }
    if (user.id === brand().id) throw new ControlError('from must be a customer, not the brand');
    const u = { id: user.id, username: user.username, name: user.name };
    fake.state.users.set(u.id, u);
    return u;
  }

  return {
    get appBearerToken() {
      return fake.appBearerToken;
    },
    get mode(): Mode {
      return fake.state.mode;
    },

    /** A customer's DM to the brand: visible to polling and delivered as dm.received. */
    async injectDm(input: InjectDm): Promise<{ dm_event_id: string; dm_conversation_id: string; media_key?: string; event_uuids: string[] }> {
      const from = remember(input.from);
      if (typeof input.text !== 'string') throw new ControlError('text must be a string');
      let mediaId: string | undefined;
      if (input.media) {
        const bytes = Buffer.from(String(input.media.bytes ?? ''), 'base64');
        if (!bytes.length || typeof input.media.type !== 'string' || !input.media.type.startsWith('image/')) throw new ControlError('media must be {bytes (base64), type (image/*)}');
        mediaId = fake.nextId();
        fake.state.media.set(mediaId, {
          id: mediaId,
          key: mediaKeyOf(mediaId, input.media.type),
          ownerId: from.id,
          mediaType: input.media.type,
          category: 'dm_image',
          totalBytes: bytes.length,
          segments: new Map([[0, bytes]]),
          state: 'finalized',
          createdAt: fake.now(),
        });
      }
      const media = mediaId ? fake.state.media.get(mediaId) : undefined;
      const event = addDm(fake, { senderId: from.id, recipientId: brand().id, text: input.text, mediaKeys: media ? [media.key] : [], viaApi: false });
      if (media) media.dmEventId = event.id;
      const uuids = await publish(fake, { eventType: 'dm.received', userId: brand().id, payload: dmPayload(fake, event) });
      return { dm_event_id: event.id, dm_conversation_id: event.conversationId, ...(media ? { media_key: media.key } : {}), event_uuids: uuids };
    },

    /** A customer's public post mentioning the brand, or replying in a thread: post.mention.create / post.reply.create. */
    async injectMention(input: InjectMention): Promise<{ id: string; conversation_id: string; event_type: string | null; event_uuids: string[] }> {
      const from = remember(input.from);
      if (typeof input.text !== 'string' || !input.text) throw new ControlError('text must be a non-empty string');
      const parent = input.inReplyToTweetId === undefined ? undefined : fake.state.posts.get(input.inReplyToTweetId);
      if (input.inReplyToTweetId !== undefined && !parent) throw new ControlError(`no post ${input.inReplyToTweetId}`);
      let quoted: Post | undefined;
      if (input.quote || input.quoteTweetId) {
        quoted = input.quoteTweetId ? fake.state.posts.get(input.quoteTweetId) : latestBy(brand().id);
        if (input.quoteTweetId && !quoted) throw new ControlError(`no post ${input.quoteTweetId}`);
        quoted ??= addPost(fake, { text: `News from @${brand().username}`, authorId: brand().id, viaApi: false });
      }
      // A reply to the brand, or a mention, carries the @handle as X clients write it; a quote summons by itself.
      const handle = `@${brand().username}`;
      const mentionsBrand = input.text.toLowerCase().includes(handle.toLowerCase());
      const text = mentionsBrand || (quoted && !parent) || input.mentionBrand === false ? input.text : `${handle} ${input.text}`;
      const post = addPost(fake, { text, authorId: from.id, viaApi: false, ...(parent ? { parent } : {}), ...(quoted ? { quoted } : {}) });
      // XAA sends replies only when they answer the brand's own post, mentions only when explicit (brief §2).
      const eventType =
        parent?.authorId === brand().id ? 'post.reply.create' : post.mentions.some((m) => m.id === brand().id) || quoted ? 'post.mention.create' : null;
      if (!eventType) return { id: post.id, conversation_id: post.conversationId, event_type: null, event_uuids: [] };
      const { payload, includes } = postPayload(fake, post);
      const uuids = await publish(fake, { eventType, userId: brand().id, payload, includes });
      return { id: post.id, conversation_id: post.conversationId, event_type: eventType, event_uuids: uuids };
    },

    deliverAgain: (eventUuid: string): Promise<DeliveryAttempt | undefined> => deliverAgain(fake, eventUuid),

    /** Forces `remaining` calls (0: none) on a bucket ("dm_send", or "POST /2/tweets") until `resetInSec` from now. */
    rateLimit(endpoint: string, remaining: number, resetInSec: number): string {
      const bucket = resolveBucket(endpoint);
      if (!bucket) throw new ControlError(`no rate-limit bucket for ${JSON.stringify(endpoint)}`);
      if (!Number.isInteger(remaining) || remaining < 0 || !(resetInSec > 0)) throw new ControlError('remaining must be an integer ≥ 0 and resetInSec > 0');
      fake.state.overrides.set(bucket.name, { remaining, resetAt: fake.now() + resetInSec * 1000 });
      return bucket.name;
    },

    /** Every access token now answers 401, as after its 2 hours; refresh tokens still work. */
    expireTokens(): void {
      for (const t of fake.state.accessTokens.values()) t.expiresAt = 0;
    },

    /** Tokens for the brand without the browser dance (tests that are not about OAuth). */
    authorize(scope = 'tweet.read tweet.write users.read dm.read dm.write like.write media.write offline.access') {
      return issueTokens(fake, brand().id, scope.split(/\s+/).filter(Boolean));
    },

    setMode(mode: Mode): void {
      if (mode !== 'self-serve' && mode !== 'enterprise') throw new ControlError('mode must be self-serve or enterprise');
      fake.state.mode = mode;
    },

    reset(): void {
      for (const t of fake.timers) clearTimeout(t);
      fake.timers.clear();
      fake.state = freshState({ ...fake.options, mode: fake.state.mode });
    },

    sentDms: () =>
      fake.state.dms
        .filter((e) => e.viaApi)
        .map((e) => ({ dm_event_id: e.id, dm_conversation_id: e.conversationId, sender_id: e.senderId, recipient_id: e.recipientId, text: e.text, media_keys: e.mediaKeys, created_at: new Date(e.createdAt).toISOString() })),

    posts: () =>
      [...fake.state.posts.values()]
        .filter((p) => p.viaApi)
        .map((p) => ({
          id: p.id,
          text: p.text,
          author_id: p.authorId,
          conversation_id: p.conversationId,
          ...(p.inReplyToTweetId ? { reply: { in_reply_to_tweet_id: p.inReplyToTweetId } } : {}),
          media_keys: p.mediaKeys,
          created_at: new Date(p.createdAt).toISOString(),
        })),

    likes: () => fake.state.likes.map((l) => ({ user_id: l.userId, tweet_id: l.tweetId, at: new Date(l.at).toISOString() })),

    deliveries: () => fake.state.deliveries.map((d) => ({ ...d, at: new Date(d.at).toISOString() })),

    /** An uploaded (or injected) media's bytes and metadata, or undefined. */
    media(id: string) {
      const m = fake.state.media.get(id) ?? [...fake.state.media.values()].find((x) => x.key === id);
      return m && { id: m.id, media_key: m.key, owner_id: m.ownerId, media_type: m.mediaType, media_category: m.category, state: m.state, bytes: mediaBytes(m) };
    },

    webhooks: () => [...fake.state.webhooks.values()],
    subscriptions: () => [...fake.state.subscriptions.values()],
  };

  function latestBy(userId: string): Post | undefined {
    return [...fake.state.posts.values()].filter((p) => p.authorId === userId).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))[0];
  }
}

export type Control = ReturnType<typeof createControl>;
