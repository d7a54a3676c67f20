import type { DmEvent, FakeX, Media, Post } from './state.ts';
import { iso } from './state.ts';
import { mediaUrl, userOf } from './render.ts';

// The bodies X Activity API webhooks carry (brief §2; live captures in vercel/chat's adapter-x
// sample-messages.md). Post events carry a v2 post and `includes`; DM events keep the legacy Account Activity
// shape: no dm_conversation_id, epoch-millisecond strings, users keyed by id with each under `.data`.

export function postPayload(fake: FakeX, p: Post) {
  const payload: Record<string, unknown> = {
    id: p.id,
    text: p.text,
    author_id: p.authorId,
    conversation_id: p.conversationId,
    created_at: iso(p.createdAt),
    edit_history_tweet_ids: [p.id],
  };
  if (p.mentions.length) payload.entities = { mentions: p.mentions };
  if (p.inReplyToTweetId) payload.in_reply_to_tweet_id = p.inReplyToTweetId;
  if (p.inReplyToUserId) payload.in_reply_to_user_id = p.inReplyToUserId;
  if (p.referenced.length) payload.referenced_tweets = p.referenced;
  const brand = userOf(fake, fake.options.brand.id);
  const author = userOf(fake, p.authorId);
  const users = [author, ...(author.id === brand.id ? [] : [brand])].map((u) => ({ id: u.id, username: u.username, name: u.name }));
  return { payload, includes: { users, tweets: [{ ...payload }] } };
}

export function dmPayload(fake: FakeX, e: DmEvent) {
  const messageData: Record<string, unknown> = {
    text: e.text,
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
  };
  const media = e.mediaKeys.map((k) => [...fake.state.media.values()].find((m) => m.key === k)).find((m): m is Media => !!m);
  if (media) {
    const url = mediaUrl(fake, media);
    messageData.attachment = {
      type: 'media',
      media: { id: Number(media.id), id_str: media.id, media_url: url, media_url_https: url, type: 'photo' },
    };
  }
  const user = (id: string) => {
    const u = userOf(fake, id);
    return { data: { id: u.id, username: u.username, name: u.name } };
  };
  return {
    direct_message_events: [
      {
        type: 'message_create',
        id: e.id,
        created_timestamp: String(e.createdAt),
        message_create: { target: { recipient_id: e.recipientId }, sender_id: e.senderId, message_data: messageData },
      },
    ],
    users: { [e.senderId]: user(e.senderId), [e.recipientId]: user(e.recipientId) },
  };
}
