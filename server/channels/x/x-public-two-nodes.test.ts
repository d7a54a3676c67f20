import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ConversationDetail, Message, Offer, XDelivery } from '../../../protocol/index.ts';
import { conversations, messages, xAccounts } from '../../db/schema.ts';
import { call, connectAgent, expectOk, nextMatching } from '../../testing/test-kit.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { BRAND, CUSTOMER, useXOnTwoNodes } from '../../testing/x-kit.ts';

/**
 * X public posts across two nodes (Postgres + Redis, issue 19): a mention arrives on node A's webhook
 * while the agent works on node B; node A stops (node B's polling of mentions carries on) and starts
 * again on the same address with the stored cursor (`mentions_since_id`): nothing lost, nothing twice.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface FakePost {
  id: string;
  text: string;
  reply?: { in_reply_to_tweet_id: string };
}

describe.skipIf(!databaseUrl)('X public posts on two nodes', () => {
  const { nodes, db, fake, connect, restartFirst } = useXOnTwoNodes(databaseUrl!, redisUrl, { dmPollMs: 3_600_000, mentionsPollMs: 1_000 });

  const texts = async (conversationId: string) => (await db().select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.seq)).filter((m) => m.kind === 'text').map((m) => m.body);
  const mention = (text: string, inReplyToTweetId?: string) =>
    fake().control<{ id: string; conversation_id: string }>('POST', '/__fake/inject/mention', { from: CUSTOMER, text, ...(inReplyToTweetId ? { inReplyToTweetId } : {}) });
  const cursor = async () => (await db().select().from(xAccounts))[0]!.mentionsSinceId;

  it('a mention on node A is offered to the agent on node B; the reply goes out once; a restart of A keeps the mentions cursor', { timeout: 60_000 }, async () => {
    const [a, b] = nodes;
    await connect();
    await db().update(xAccounts).set({ connectedAt: new Date(Date.now() - 60_000) });
    const agent = await connectAgent(b!);
    await expectOk(call(agent, 'presence:set', { channel: 'twitter', state: 'ready' }));
    const offered = nextMatching<Offer>(agent, 'offer');
    const first = await mention('my order never came');
    const offer = await offered;
    await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer.id }));
    const conversationId = offer.conversationId;

    // The agent's public reply on B: either node's dispatcher may send it, exactly one does.
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    await expectOk(call<{ message: Message }>(agent, 'x:reply', { conversationId, clientId: randomUUID(), inReplyToPostId: first.id, text: 'Sorry! Sending a new one.' }));
    await sent;
    const replies = (await fake().control<FakePost[]>('GET', '/__fake/posts')).filter((p) => p.reply?.in_reply_to_tweet_id === first.id);
    expect(replies.map((p) => p.text)).toEqual(['Sorry! Sending a new one.']);

    // Node A stops; its webhook no longer counts: node B's polling brings the next mention and moves the cursor.
    await a!.close();
    await db().update(xAccounts).set({ webhookValid: false });
    const whileDown = nextMatching<Message>(agent, 'message', (m) => m.kind === 'text' && m.text.endsWith('still waiting'));
    const second = await mention('still waiting', replies[0]!.id);
    await whileDown;
    await waitFor(async () => (await cursor()) === second.id, { what: 'the mentions cursor at the polled mention' });

    // Node A starts again on the same address with what is stored; both nodes poll from the cursor.
    await restartFirst(a!);
    const after = nextMatching<Message>(agent, 'message', (m) => m.kind === 'text' && m.text.endsWith('got it, thanks'));
    const third = await mention('got it, thanks', replies[0]!.id);
    await after;
    await waitFor(async () => (await cursor()) === third.id, { what: 'the mentions cursor at the newest mention' });
    expect(await texts(conversationId)).toEqual([`@${BRAND.username} my order never came`, 'Sorry! Sending a new one.', `@${BRAND.username} still waiting`, `@${BRAND.username} got it, thanks`]);
    expect((await db().select().from(conversations).where(eq(conversations.channel, 'x_public'))).length).toBe(1);
  });
});
