import type { App } from './env.ts';
import { jsonBody, userWith } from './env.ts';
import { addPost } from './post-model.ts';
import { forbidden, invalidRequest } from './problems.ts';
import type { FakeX, Post } from './state.ts';
import { weightedLength } from './weighted-length.ts';

// Creating posts and replies. Self-serve apps may reply only when the author of the post replied to summoned
// the brand (brief §0); enterprise apps may reply anywhere.

const MAX_WEIGHTED = 280;

export function registerPosts(app: App, fake: FakeX): void {
  app.post('/2/tweets', async (c) => {
    const me = userWith(c, ['tweet.read', 'tweet.write', 'users.read']);
    if (me instanceof Response) return me;
    const body = await jsonBody(c);
    if (!body) return invalidRequest(c, 'The body must be a JSON object.');
    const text = body.text;
    const reply = body.reply as { in_reply_to_tweet_id?: unknown } | undefined;
    const media = body.media as { media_ids?: unknown } | undefined;
    const mediaIds = media?.media_ids;
    if (text !== undefined && typeof text !== 'string') return invalidRequest(c, 'text must be a string.');
    if (mediaIds !== undefined && (!Array.isArray(mediaIds) || mediaIds.length < 1 || mediaIds.length > 4)) return invalidRequest(c, 'media.media_ids must list 1 to 4 media ids.');
    if (!text && !mediaIds) return invalidRequest(c, 'text or media is required.');
    if (text && weightedLength(text) > MAX_WEIGHTED) {
      return invalidRequest(c, 'One or more parameters to your request was invalid.', [
        { parameters: { text: [text] }, message: `Your Post text is ${weightedLength(text)} weighted characters long; the maximum is ${MAX_WEIGHTED}.` },
      ]);
    }
    const mediaKeys: string[] = [];
    for (const id of (mediaIds ?? []) as unknown[]) {
      const m = typeof id === 'string' ? fake.state.media.get(id) : undefined;
      if (!m || m.state !== 'finalized' || m.ownerId !== me.userId) return invalidRequest(c, `media_id ${JSON.stringify(id)} is not a finalized upload by this user.`);
      mediaKeys.push(m.key);
    }
    let parent: Post | undefined;
    if (reply !== undefined) {
      const id = reply?.in_reply_to_tweet_id;
      parent = typeof id === 'string' ? fake.state.posts.get(id) : undefined;
      if (!parent) return invalidRequest(c, `reply.in_reply_to_tweet_id ${JSON.stringify(id)} is not a Post that exists.`);
      if (fake.state.mode === 'self-serve' && !summoned(fake, parent, me.userId)) {
        return forbidden(
          c,
          'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
        );
      }
    }
    const post = addPost(fake, {
      text: text ?? '',
      authorId: me.userId,
      viaApi: true,
      mediaKeys,
      ...(parent ? { parent } : {}),
    });
    return c.json({ data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } }, 201);
  });
}

/** Did the author of `parent` summon `me`: a post by me, one mentioning me, quoting me, or answering me? */
function summoned(fake: FakeX, parent: Post, me: string): boolean {
  if (parent.authorId === me) return true;
  if (parent.mentions.some((m) => m.id === me)) return true;
  if (parent.inReplyToUserId === me) return true;
  return parent.referenced.some((r) => r.type === 'quoted' && fake.state.posts.get(r.id)?.authorId === me);
}
