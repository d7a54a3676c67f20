import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Message } from '../../../protocol/index.ts';
import { createFakeX, type FakeXServer } from '../../../test/fakes/x-api/index.ts';
import type { Database } from '../../db/client.ts';
import { conversations, messages, websites, xAccounts, xOutbound, type XAccountRow } from '../../db/schema.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { DEMO } from '../../services/seed-demo.ts';
import { call, connectAgent, expectOk, useTestServer } from '../../testing/test-kit.ts';
import { createPostSenders } from './post-senders.ts';
import { createXHttp, XApiError } from './x-http.ts';

const BRAND = { id: '17200003', username: 'KettleLeaf', name: 'Kettle & Leaf' };
const JO = { id: '944480690', username: 'jo', name: 'Jo' };
const SAM = { id: '944480691', username: 'sam', name: 'Sam' };

/** The public-post senders against the fake X API: what X receives for a reply, a like and an unlike. */
describe.each(backends)('public post senders against the fake X API on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });
  let fake: FakeXServer;
  let x: { url: string; close(): Promise<void> };
  beforeEach(async () => {
    fake = createFakeX({ mode: 'self-serve', consumerSecret: 'consumer-secret', clientId: 'client-id', brand: BRAND, retryDelaysMs: [] });
    x = await fake.listen();
  });
  afterEach(() => x.close());

  async function setUp(capabilities = { likes: false, unsummonedReplies: false }) {
    const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
    const [account] = await database.db
      .insert(xAccounts)
      .values({ websiteId: site!.id, xUserId: BRAND.id, username: BRAND.username, name: BRAND.name, accessToken: 'sealed', tokenExpiresAt: new Date(Date.now() + 7_200_000), capabilities })
      .returning();
    const token = fake.control.authorize().access_token;
    const ctx = (row: typeof xOutbound.$inferSelect) => ({ row, account: account as XAccountRow, token, http: createXHttp({ baseUrl: x.url }) });
    return { account: account!, ctx };
  }

  /** A post injected into the fake, delivered to the product as the receivers would. */
  async function mention(account: XAccountRow, from: typeof JO, text: string, inReplyToTweetId?: string) {
    const injected = await fake.control.injectMention({ from, text, ...(inReplyToTweetId ? { inReplyToTweetId, mentionBrand: false } : {}) });
    await server.services.xPublic.sink.post(account, {
      id: injected.id,
      text,
      author: from,
      conversationId: injected.conversation_id,
      inReplyToPostId: inReplyToTweetId ?? null,
      inReplyToUserId: null,
      summonedBrand: !inReplyToTweetId,
      media: [],
      createdAt: new Date(),
    });
    return injected;
  }

  it('a public reply is posted in the thread (in_reply_to_tweet_id) once, and X answers its post id', async () => {
    const { account, ctx } = await setUp();
    const posted = await mention(account, JO, '@KettleLeaf where is my order?');
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.channel, 'x_public'));
    const ada = await connectAgent(server);
    const { message } = await expectOk(call<{ message: Message }>(ada, 'x:reply', { conversationId: conv!.id, clientId: randomUUID(), inReplyToPostId: posted.id, text: 'On its way, Jo!' }));
    const [row] = await database.db.select().from(xOutbound).where(eq(xOutbound.messageId, message.id));
    const senders = createPostSenders({ db: database.db });
    const { xId } = await senders.reply(ctx(row!));
    expect(fake.control.posts()).toEqual([expect.objectContaining({ id: xId, text: 'On its way, Jo!', author_id: BRAND.id, reply: { in_reply_to_tweet_id: posted.id } })]);
    const [stored] = await database.db.select().from(messages).where(eq(messages.id, message.id));
    expect(stored!.payload).toMatchObject({ x: { postId: xId, inReplyToPostId: posted.id } });
  });

  it('X refuses what the product refuses up front: an unsummoned reply and a like on a self-serve plan; enterprise allows likes', async () => {
    const { account, ctx } = await setUp();
    const root = await mention(account, JO, '@KettleLeaf hello');
    const bystander = await mention(account, SAM, 'me too', root.id);
    const senders = createPostSenders({ db: database.db });
    // Bypassing the product's check, X itself says no: the check matches X's rule.
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.channel, 'x_public'));
    const ada = await connectAgent(server);
    expect(await call(ada, 'x:reply', { conversationId: conv!.id, clientId: randomUUID(), inReplyToPostId: bystander.id, text: 'Hi Sam' })).toMatchObject({ ok: false, error: { code: 'X_NOT_ALLOWED' } });
    const direct = { method: 'POST' as const, path: '/2/tweets', bearer: ctx(null as never).token, body: { text: 'Hi Sam', reply: { in_reply_to_tweet_id: bystander.id } } };
    expect(await createXHttp({ baseUrl: x.url }).request(direct, z.unknown()).catch((err: XApiError) => err.status)).toBe(403);
    const like = { id: randomUUID(), accountId: account.id, conversationId: conv!.id, messageId: null, kind: 'like' as const, targetPostId: root.id, state: 'pending' as const, attempts: 0, nextAttemptAt: new Date(), xId: null, reason: null, createdAt: new Date(), sentAt: null };
    const refused = await senders.like(ctx(like)).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(XApiError);
    expect((refused as XApiError).status).toBe(403);

    fake.control.setMode('enterprise');
    await senders.like(ctx(like));
    expect(fake.control.likes()).toEqual([expect.objectContaining({ user_id: BRAND.id, tweet_id: root.id })]);
    await senders.unlike(ctx({ ...like, kind: 'unlike' }));
    expect(fake.control.likes()).toEqual([]);
  });
});
