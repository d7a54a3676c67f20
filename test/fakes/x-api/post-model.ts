import type { FakeX, Post } from './state.ts';

// How a new post is stored, whoever writes it (the product through the API, or a customer through the control
// API): its thread, its quote, and its mention entities, as X derives them.

export interface NewPost {
  text: string;
  authorId: string;
  viaApi: boolean;
  mediaKeys?: string[];
  parent?: Post;
  quoted?: Post;
}

/** Stores a post as X would see it: thread (conversation_id, replied_to), quote, and the mention entities. */
export function addPost(fake: FakeX, p: NewPost): Post {
  const id = fake.nextId();
  const referenced: Post['referenced'] = [];
  if (p.parent) referenced.push({ type: 'replied_to', id: p.parent.id });
  if (p.quoted) referenced.push({ type: 'quoted', id: p.quoted.id });
  const mentions = mentionsIn(fake, p.text);
  // X sets in_reply_to_user_id on replies, and on posts that open with an @mention (see the live capture).
  const leading = p.text.trimStart().startsWith('@') ? mentions[0]?.id : undefined;
  const post: Post = {
    id,
    text: p.text,
    authorId: p.authorId,
    conversationId: p.parent ? p.parent.conversationId : id,
    createdAt: fake.now(),
    referenced,
    mentions,
    mediaKeys: p.mediaKeys ?? [],
    viaApi: p.viaApi,
    ...(p.parent ? { inReplyToTweetId: p.parent.id, inReplyToUserId: p.parent.authorId } : leading ? { inReplyToUserId: leading } : {}),
  };
  fake.state.posts.set(id, post);
  return post;
}

/** @mentions of users the fake knows, with start/end in code points (as X counts them). */
function mentionsIn(fake: FakeX, text: string): Post['mentions'] {
  const out: Post['mentions'] = [];
  const re = /(^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})/gu;
  for (const m of text.matchAll(re)) {
    const user = [...fake.state.users.values()].find((u) => u.username.toLowerCase() === m[2]!.toLowerCase());
    if (!user) continue;
    const startUnits = m.index! + m[1]!.length;
    const start = [...text.slice(0, startUnits)].length;
    out.push({ start, end: start + 1 + m[2]!.length, username: user.username, id: user.id });
  }
  return out;
}
