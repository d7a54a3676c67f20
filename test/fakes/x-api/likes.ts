import type { App, Ctx } from './env.ts';
import { jsonBody, userWith } from './env.ts';
import { clientForbidden, forbidden, invalidRequest } from './problems.ts';
import type { FakeX } from './state.ts';
import { ID } from './state.ts';

// Likes: Enterprise only since 2026-04-20 (brief §0), so self-serve apps get 403 on both routes.

export function registerLikes(app: App, fake: FakeX): void {
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
