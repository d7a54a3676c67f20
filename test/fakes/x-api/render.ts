import type { DmEvent, FakeX, Media, Post, XUser } from './state.ts';
import { iso } from './state.ts';

// The v2 JSON of the fake's records, with X's default fields plus whatever `*.fields` asked for.

const userJson = (u: XUser) => ({ id: u.id, name: u.name, username: u.username });

export function userOf(fake: FakeX, id: string): XUser {
  return fake.state.users.get(id) ?? { id, name: `User ${id}`, username: `user${id.slice(-8)}` };
}

export const usersJson = (fake: FakeX, ids: Iterable<string>) => [...new Set(ids)].map((id) => userJson(userOf(fake, id)));

export function dmEventJson(e: DmEvent, fields: string[]) {
  const out: Record<string, unknown> = { id: e.id, event_type: 'MessageCreate', text: e.text };
  if (fields.includes('sender_id')) out.sender_id = e.senderId;
  if (fields.includes('dm_conversation_id')) out.dm_conversation_id = e.conversationId;
  if (fields.includes('created_at')) out.created_at = iso(e.createdAt);
  if (fields.includes('attachments') && e.mediaKeys.length) out.attachments = { media_keys: e.mediaKeys };
  return out;
}

export function tweetJson(p: Post, fields: string[]) {
  const out: Record<string, unknown> = { id: p.id, text: p.text, edit_history_tweet_ids: [p.id] };
  if (fields.includes('author_id')) out.author_id = p.authorId;
  if (fields.includes('conversation_id')) out.conversation_id = p.conversationId;
  if (fields.includes('created_at')) out.created_at = iso(p.createdAt);
  if (fields.includes('in_reply_to_user_id') && p.inReplyToUserId) out.in_reply_to_user_id = p.inReplyToUserId;
  if (fields.includes('referenced_tweets') && p.referenced.length) out.referenced_tweets = p.referenced;
  if (fields.includes('entities') && p.mentions.length) out.entities = { mentions: p.mentions };
  if (fields.includes('attachments') && p.mediaKeys.length) out.attachments = { media_keys: p.mediaKeys };
  return out;
}

/** Photo, video or GIF: the v2 media object (`url` only for photos and only when media.fields asks, as on X). */
export function mediaJson(fake: FakeX, m: Media, fields: string[], origin: string) {
  const type = m.mediaType === 'image/gif' ? 'animated_gif' : m.mediaType.startsWith('video/') ? 'video' : 'photo';
  const out: Record<string, unknown> = { media_key: m.key, type };
  if (fields.includes('url') && type === 'photo') out.url = mediaUrl(fake, m, origin);
  return out;
}

/** Where X serves a DM's image: ton.twitter.com, behind the user's token. The fake serves it itself. */
export function mediaUrl(fake: FakeX, m: Media, origin = fake.baseUrl): string {
  const ext = m.mediaType.split('/')[1] === 'png' ? 'png' : 'jpg';
  return `${origin}/1.1/ton/data/dm/${m.dmEventId ?? '0'}/${m.id}/${m.id}.${ext}`;
}
