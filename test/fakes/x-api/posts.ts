import type { App, Ctx } from './env.ts';
import { jsonBody, list, userWith } from './env.ts';
import { byIdDesc, idLess } from './ids.ts';
import { clientForbidden, forbidden, invalidRequest, resourceNotFoundError } from './problems.ts';
import { mediaJson, tweetJson, usersJson } from './render.ts';
import type { FakeX, Post } from './state.ts';
import { ID } from './state.ts';
import { weightedLength } from './weighted-length.ts';

// Posts: create (and reply), look up, the brand's mentions timeline, likes. Self-serve apps may reply only when
// the author of the post replied to summoned the brand (mention or quote) and may not like at all (brief §0).

const MAX_WEIGHTED = 280;
const MENTIONS_WINDOW = 800;

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

  app.get('/2/tweets/:id', (c) => {
    const me = userWith(c, ['tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    const id = c.req.param('id');
    if (!ID.test(id)) return invalidRequest(c, `The \`id\` query parameter value [${id}] is not valid`);
    const post = fake.state.posts.get(id);
    // X answers a missing Post with 200 and a partial error, not 404.
    if (!post) return c.json({ errors: [resourceNotFoundError('tweet', 'id', id)] });
    const { includes } = expand(c, fake, [post]);
    return c.json({ data: tweetJson(post, list(c.req.query('tweet.fields'))), ...(includes ? { includes } : {}) });
  });

  app.get('/2/users/:id/mentions', (c) => {
    const me = userWith(c, ['tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    const id = c.req.param('id');
    if (!ID.test(id)) return invalidRequest(c, `The \`id\` query parameter value [${id}] is not valid`);
    const q = c.req.query();
    const max = q.max_results === undefined ? 10 : Number(q.max_results);
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return invalidRequest(c, 'One or more parameters to your request was invalid.', [
        { parameters: { max_results: [q.max_results ?? ''] }, message: `The \`max_results\` query parameter value [${q.max_results}] is not between 5 and 100` },
      ]);
    }
    for (const k of ['since_id', 'until_id'] as const) {
      if (q[k] !== undefined && !ID.test(q[k])) return invalidRequest(c, `The \`${k}\` query parameter value [${q[k]}] is not valid`);
    }
    let before: string | undefined;
    if (q.pagination_token !== undefined) {
      before = decodeToken(q.pagination_token);
      if (!before) return invalidRequest(c, 'The `pagination_token` query parameter value is not valid');
    }
    const all = [...fake.state.posts.values()]
      .filter((p) => p.authorId !== id && p.mentions.some((m) => m.id === id))
      .sort(byIdDesc)
      .slice(0, MENTIONS_WINDOW)
      .filter((p) => (!q.since_id || idLess(q.since_id, p.id)) && (!q.until_id || idLess(p.id, q.until_id)) && (!before || idLess(p.id, before)));
    const page = all.slice(0, max);
    if (page.length === 0) return c.json({ meta: { result_count: 0 } });
    const meta: Record<string, unknown> = { result_count: page.length, newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id };
    if (all.length > page.length) meta.next_token = encodeToken(page[page.length - 1]!.id);
    const { includes } = expand(c, fake, page);
    return c.json({ data: page.map((p) => tweetJson(p, list(q['tweet.fields']))), ...(includes ? { includes } : {}), meta });
  });

  app.post('/2/users/:id/likes', async (c) => {
    const me = userWith(c, ['like.write', 'tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    if (c.req.param('id') !== me.userId) return forbidden(c, 'You can only like Posts as the authenticated user.');
    if (fake.state.mode === 'self-serve') return likesForbidden(c);
    const tweetId = (await jsonBody(c))?.tweet_id;
    if (typeof tweetId !== 'string' || !ID.test(tweetId)) return invalidRequest(c, 'tweet_id must be a Post id.');
    if (!fake.state.posts.has(tweetId)) return invalidRequest(c, `tweet_id ${tweetId} is not a Post that exists.`);
    if (!fake.state.likes.some((l) => l.userId === me.userId && l.tweetId === tweetId)) fake.state.likes.push({ userId: me.userId, tweetId, at: fake.now() });
    return c.json({ data: { liked: true } });
  });

  app.delete('/2/users/:id/likes/:tweet_id', (c) => {
    const me = userWith(c, ['like.write', 'tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    if (c.req.param('id') !== me.userId) return forbidden(c, 'You can only unlike Posts as the authenticated user.');
    if (fake.state.mode === 'self-serve') return likesForbidden(c);
    const tweetId = c.req.param('tweet_id');
    fake.state.likes = fake.state.likes.filter((l) => !(l.userId === me.userId && l.tweetId === tweetId));
    return c.json({ data: { liked: false } });
  });
}

const likesForbidden = (c: Ctx) =>
  clientForbidden(c, 'Likes are not available to self-serve apps since 2026-04-20; they need an Enterprise project.');

/** Did the author of `parent` summon `me`: a post by me, one mentioning me, quoting me, or answering me? */
function summoned(fake: FakeX, parent: Post, me: string): boolean {
  if (parent.authorId === me) return true;
  if (parent.mentions.some((m) => m.id === me)) return true;
  if (parent.inReplyToUserId === me) return true;
  return parent.referenced.some((r) => r.type === 'quoted' && fake.state.posts.get(r.id)?.authorId === me);
}

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

function expand(c: Ctx, fake: FakeX, posts: Post[]): { includes?: Record<string, unknown[]> } {
  const expansions = list(c.req.query('expansions'));
  const includes: Record<string, unknown[]> = {};
  const userIds: string[] = [];
  if (expansions.includes('author_id')) userIds.push(...posts.map((p) => p.authorId));
  if (expansions.includes('in_reply_to_user_id')) userIds.push(...posts.flatMap((p) => (p.inReplyToUserId ? [p.inReplyToUserId] : [])));
  if (expansions.includes('entities.mentions.username')) userIds.push(...posts.flatMap((p) => p.mentions.map((m) => m.id)));
  if (userIds.length) includes.users = usersJson(fake, userIds);
  if (expansions.includes('referenced_tweets.id')) {
    const refs = posts.flatMap((p) => p.referenced.map((r) => fake.state.posts.get(r.id))).filter((p): p is Post => !!p);
    if (refs.length) includes.tweets = refs.map((p) => tweetJson(p, list(c.req.query('tweet.fields'))));
  }
  if (expansions.includes('attachments.media_keys')) {
    const keys = new Set(posts.flatMap((p) => p.mediaKeys));
    const media = [...fake.state.media.values()].filter((m) => keys.has(m.key)).map((m) => mediaJson(fake, m, list(c.req.query('media.fields')), new URL(c.req.url).origin));
    if (media.length) includes.media = media;
  }
  return Object.keys(includes).length ? { includes } : {};
}

const encodeToken = (id: string) => Buffer.from(`mentions:${id}`).toString('base64url');
function decodeToken(token: string): string | undefined {
  const raw = Buffer.from(token, 'base64url').toString();
  const id = raw.startsWith('mentions:') ? raw.slice(9) : '';
  return ID.test(id) ? id : undefined;
}
