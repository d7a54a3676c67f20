import type { App, Ctx } from './env.ts';
import { appOrUserWith, list } from './env.ts';
import { byIdDesc, idLess } from './ids.ts';
import { invalidRequest, resourceNotFoundError } from './problems.ts';
import { mediaJson, tweetJson, usersJson } from './render.ts';
import type { FakeX, Post } from './state.ts';
import { ID } from './state.ts';

// Reading posts: one by id, and a user's mentions timeline (the 800 most recent, replies and quotes included).

const MENTIONS_WINDOW = 800;

export function registerPostReads(app: App, fake: FakeX): void {
  app.get('/2/tweets/:id', (c) => {
    const allowed = appOrUserWith(c, ['tweet.read', 'users.read']);
    if (allowed !== true) return allowed;
    const id = c.req.param('id');
    if (!ID.test(id)) return invalidRequest(c, `The \`id\` query parameter value [${id}] is not valid`);
    const post = fake.state.posts.get(id);
    // X answers a missing Post with 200 and a partial error, not 404.
    if (!post) return c.json({ errors: [resourceNotFoundError('tweet', 'id', id)] });
    const { includes } = expand(c, fake, [post]);
    return c.json({ data: tweetJson(post, list(c.req.query('tweet.fields'))), ...(includes ? { includes } : {}) });
  });

  app.get('/2/users/:id/mentions', (c) => {
    const allowed = appOrUserWith(c, ['tweet.read', 'users.read']);
    if (allowed !== true) return allowed;
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
