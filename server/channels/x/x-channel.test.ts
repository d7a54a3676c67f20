import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDetail, Message, Offer, PublicThreads, XAccount, XDelivery } from '../../../protocol/index.ts';
import { png as makePng } from '../../attachments/test-images.ts';
import type { Database } from '../../db/client.ts';
import { conversations, messages, xAccounts } from '../../db/schema.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { call, closeSockets, connectAgent, expectOk, nextMatching, startTestServer, type AgentSocket } from '../../testing/test-kit.ts';
import { until, waitFor } from '../../testing/wait-for.ts';
import { BRAND, connectBrand, CUSTOMER, startFakeX, xEnv, xOptions, type FakeXHandle } from '../../testing/x-kit.ts';

/**
 * The X channel as one piece, against the fake X API over real HTTP (issue 19): what the fake delivers
 * by its signed webhook or answers to polling reaches the public-post ingestion; an agent's reply and
 * like leave through the one outbound queue with the account's refreshed token source; X's 429 shows on
 * the account as Admin › Channels reads it.
 */
interface FakePost {
  id: string;
  text: string;
  reply?: { in_reply_to_tweet_id: string };
}

describe.each(backends)('the X channel wired end to end on $name', (backend) => {
  let database: Database;
  let x: FakeXHandle;
  let server: RunningServer | null = null;

  beforeEach(async () => {
    x = await startFakeX();
    database = await backend.open();
  });
  afterEach(async () => {
    closeSockets();
    await server?.close();
    server = null;
    await database.close();
    await x.close();
  });

  const injectMention = (text: string) => x.control<{ id: string; conversation_id: string }>('POST', '/__fake/inject/mention', { from: CUSTOMER, text });
  const publicThread = () => until(async () => (await database.db.select().from(conversations).where(eq(conversations.channel, 'x_public')))[0], Boolean);

  async function readyOnTwitter(srv: RunningServer): Promise<AgentSocket> {
    const agent = await connectAgent(srv);
    await expectOk(call(agent, 'presence:set', { channel: 'twitter', state: 'ready' }));
    return agent;
  }

  it('a mention on the webhook is offered on Twitter; the reply (text, then an image) is threaded on X, the like reaches X (enterprise)', async () => {
    server = await startTestServer(database, xEnv(x.url), { x: xOptions() });
    const accountId = await connectBrand(database, x, { webhook: server });
    const agent = await readyOnTwitter(server);
    const offered = nextMatching<Offer>(agent, 'offer');
    const mention = await injectMention('my kettle whistles off key');
    const offer = await offered;
    expect(offer.queue.name).toBe('Twitter');
    const detail = await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer.id }));
    expect(detail.conversation.channel).toBe('x_public');
    const threads = await expectOk(call<PublicThreads>(agent, 'x:threads', { conversationId: offer.conversationId }));
    expect(threads.threads[0]!.posts.map((p) => p.x?.postId)).toEqual([mention.id]);

    // The reply leaves through the outbound queue, threaded under the mention.
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    const { message } = await expectOk(call<{ message: Message }>(agent, 'x:reply', { conversationId: offer.conversationId, clientId: randomUUID(), inReplyToPostId: mention.id, text: 'A descaling usually fixes it.' }));
    expect(await sent).toMatchObject({ messageId: message.id, state: 'sent' });
    const posts = await x.control<FakePost[]>('GET', '/__fake/posts');
    expect(posts.filter((p) => p.text === 'A descaling usually fixes it.')).toMatchObject([{ reply: { in_reply_to_tweet_id: mention.id } }]);
    // X's echo of our reply (if any) never doubles it.
    const agentPosts = async () => (await database.db.select().from(messages).where(eq(messages.conversationId, offer.conversationId))).filter((m) => m.authorKind === 'agent' && m.kind === 'text');
    expect(await agentPosts()).toHaveLength(1);

    // An image reply: uploaded through v2 media upload as a post's image, then posted with its media id.
    const form = new FormData();
    form.set('conversationId', offer.conversationId);
    form.set('file', new Blob([Buffer.from(makePng(4, 3))], { type: 'image/png' }), 'kettle.png');
    const cookie = (agent.io.opts.extraHeaders as Record<string, string>).cookie!;
    const up = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', headers: { cookie, origin: new URL(server.url).origin }, body: form });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const imageSent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    await expectOk(call(agent, 'x:reply', { conversationId: offer.conversationId, clientId: randomUUID(), inReplyToPostId: mention.id, text: 'Like this one?', attachmentId: attachment.id }));
    await imageSent;
    const withImage = (await x.control<(FakePost & { media_keys: string[] })[]>('GET', '/__fake/posts')).find((p) => p.text === 'Like this one?');
    expect(withImage).toMatchObject({ reply: { in_reply_to_tweet_id: mention.id } });
    expect(withImage!.media_keys).toHaveLength(1);
    const media = await x.control<{ media_category: string }>('GET', `/__fake/media/${withImage!.media_keys[0]}`);
    expect(media.media_category).toBe('tweet_image');

    // Likes: an Enterprise plan on X, and the capability on the account.
    await x.control('POST', '/__fake/mode', { mode: 'enterprise' });
    await database.db.update(xAccounts).set({ capabilities: { likes: true, unsummonedReplies: true } }).where(eq(xAccounts.id, accountId));
    await expectOk(call(agent, 'x:like', { conversationId: offer.conversationId, postId: mention.id, liked: true }));
    await waitFor(async () => (await x.control<{ tweet_id: string }[]>('GET', '/__fake/likes')).some((l) => l.tweet_id === mention.id), { what: 'the like on X' });
  });

  it('moving a thread to a DM: the agent writes in the DM conversation, X receives one DM to the author, whose answer joins it', async () => {
    server = await startTestServer(database, xEnv(x.url), { x: xOptions() });
    await connectBrand(database, x, { webhook: server });
    const agent = await readyOnTwitter(server);
    const offered = nextMatching<Offer>(agent, 'offer');
    await injectMention('can I change my address?');
    const offer = await offered;
    await expectOk(call(agent, 'offer:accept', { offerId: offer.id }));
    const moved = await expectOk(call<{ conversation: { id: string; channel: string } }>(agent, 'x:move-to-dm', { conversationId: offer.conversationId }));
    expect(moved.conversation.channel).toBe('x_dm');
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent' && d.conversationId === moved.conversation.id);
    await expectOk(call(agent, 'message:send', { conversationId: moved.conversation.id, clientId: randomUUID(), text: 'Send me the new address here.' }));
    await sent;
    const dms = await x.control<{ text: string; recipient_id: string }[]>('GET', '/__fake/sent-dms');
    expect(dms).toMatchObject([{ text: 'Send me the new address here.', recipient_id: CUSTOMER.id }]);
    // The customer's answer by DM joins that conversation.
    await x.control('POST', '/__fake/inject/dm', { from: CUSTOMER, text: '12 Tea Street' });
    await waitFor(async () => (await database.db.select().from(messages).where(eq(messages.conversationId, moved.conversation.id))).some((m) => m.body === '12 Tea Street'), { what: 'the DM in the moved conversation' });
    expect(await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm'))).toHaveLength(1);
  });

  it('a 429 on a reply holds it and shows the account rate-limited in Admin › Channels', async () => {
    server = await startTestServer(database, xEnv(x.url), { x: xOptions() });
    await connectBrand(database, x, { webhook: server });
    const agent = await readyOnTwitter(server);
    const offered = nextMatching<Offer>(agent, 'offer');
    const mention = await injectMention('is the shop open on Sunday?');
    const offer = await offered;
    await expectOk(call(agent, 'offer:accept', { offerId: offer.id }));
    await x.control('POST', '/__fake/rate-limit', { endpoint: 'POST /2/tweets', remaining: 0, resetInSec: 600 });
    const held = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'held');
    await expectOk(call(agent, 'x:reply', { conversationId: offer.conversationId, clientId: randomUUID(), inReplyToPostId: mention.id, text: 'Yes, 10 to 4.' }));
    expect((await held).retryAt).not.toBeNull();
    const { accounts } = await server.services.xAccounts.list();
    expect(accounts[0]).toMatchObject<Partial<XAccount>>({ status: 'rate_limited' });
  });

  it('polling finds a mention when the webhook is invalid, once, and moves the mentions cursor', async () => {
    server = await startTestServer(database, xEnv(x.url), { x: { dmPollMs: 3_600_000, mentionsPollMs: 200 } });
    await connectBrand(database, x, { webhook: null });
    await database.db.update(xAccounts).set({ connectedAt: new Date(Date.now() - 60_000) });
    const agent = await readyOnTwitter(server);
    const offered = nextMatching<Offer>(agent, 'offer');
    const mention = await injectMention('anyone there?');
    const offer = await offered;
    expect(offer.preview).toContain('anyone there?');
    await waitFor(async () => (await database.db.select().from(xAccounts))[0]!.mentionsSinceId === mention.id, { what: 'the mentions cursor' });
    const conv = await publicThread();
    const posts = (await database.db.select().from(messages).where(eq(messages.conversationId, conv!.id))).filter((m) => m.kind === 'text');
    expect(posts.map((m) => m.body)).toEqual([`@${BRAND.username} anyone there?`]);
  });
});
