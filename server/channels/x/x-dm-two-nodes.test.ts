import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ConversationDetail, Message, Offer, XDelivery } from '../../../protocol/index.ts';
import { conversations, messages, xAccounts } from '../../db/schema.ts';
import { call, connectAgent, expectOk, nextMatching } from '../../testing/test-kit.ts';
import { until, waitFor } from '../../testing/wait-for.ts';
import { CUSTOMER, useXOnTwoNodes, type SentDm } from '../../testing/x-kit.ts';

/**
 * X DMs across two nodes (Postgres + Redis, issue 19): the customer's DM arrives on node A's webhook
 * while the agent works on node B; then node A stops (X's deliveries to it fail, polling on node B carries on)
 * and starts again on the same address with what both stored (cursor, webhook state): nothing lost, nothing twice.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.skipIf(!databaseUrl)('X direct messages on two nodes', () => {
  const { nodes, db, fake, connect, restartFirst } = useXOnTwoNodes(databaseUrl!, redisUrl, { dmPollMs: 1_000, mentionsPollMs: 3_600_000 });

  const texts = async (conversationId: string) => (await db().select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.seq)).filter((m) => m.kind === 'text').map((m) => m.body);
  const inject = (text: string) => fake().control<{ dm_event_id: string; event_uuids: string[] }>('POST', '/__fake/inject/dm', { from: CUSTOMER, text });

  it('a DM on node A reaches the agent on node B; the answer goes out once; a restart of A loses and doubles nothing', { timeout: 60_000 }, async () => {
    const [a, b] = nodes;
    await connect();
    // This test polls every second (X allows 15 DM lookups per 15 minutes): lift the fake's budget, or a slow run
    // spends it before node A stops and the poller rightly waits out the 429 for the rest of the window.
    await fake().control('POST', '/__fake/rate-limit', { endpoint: 'dm_lookup', remaining: 10_000, resetInSec: 900 });
    const agent = await connectAgent(b!);
    await expectOk(call(agent, 'presence:set', { channel: 'twitter', state: 'ready' }));
    const offered = nextMatching<Offer>(agent, 'offer');
    const first = await inject('Hello from X');
    const offer = await offered;
    await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer.id }));
    const conversationId = offer.conversationId;

    // The agent's answer on B: either node's dispatcher may send it, exactly one does.
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    await expectOk(call<{ message: Message }>(agent, 'message:send', { conversationId, clientId: randomUUID(), text: 'Hello from Parley' }));
    await sent;
    expect((await fake().control<SentDm[]>('GET', '/__fake/sent-dms')).map((d) => d.text)).toEqual(['Hello from Parley']);

    // Node A stops: X's delivery to it fails; node B's polling brings the DM (the account's webhook still counts as valid: polled more slowly).
    await a!.close();
    await db().update(xAccounts).set({ webhookValid: false });
    // Stored by node B's polling (read from the database: the live event's path across a node's shutdown is
    // not what this checks; the agent reads the whole conversation on node B at the end).
    await inject('While A is down');
    await until(() => texts(conversationId), (t) => t.includes('While A is down'));
    // The cursor moves once the DM is stored.
    const cursor = await until(async () => (await db().select().from(xAccounts))[0]!.dmCursor, (c) => c !== null);
    expect(cursor).not.toBeNull();

    // Node A starts again on the same address, with what is stored: the webhook and the cursor carry on.
    await restartFirst(a!);
    await db().update(xAccounts).set({ webhookValid: true });
    await inject('After the restart');
    await until(() => texts(conversationId), (t) => t.includes('After the restart'));
    // X delivers the first DM again: still one.
    await fake().control('POST', '/__fake/deliver-again', { event_uuid: first.event_uuids[0] });
    await waitFor(async () => (await fake().control<{ eventUuid: string; duplicate: boolean; ok: boolean }[]>('GET', '/__fake/deliveries')).some((d) => d.duplicate && d.ok), { what: 'the duplicate delivered' });
    const final = await until(() => texts(conversationId), (t) => t.length >= 4);
    expect(final).toEqual(['Hello from X', 'Hello from Parley', 'While A is down', 'After the restart']);
    // What the agent on node B reads: every message once, in order.
    const opened = await expectOk(call<ConversationDetail>(agent, 'conversation:open', { conversationId }));
    expect(opened.messages.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''))).toEqual(final);
    expect((await db().select().from(conversations).where(eq(conversations.channel, 'x_dm'))).length).toBe(1);
    expect((await fake().control<SentDm[]>('GET', '/__fake/sent-dms')).length).toBe(1);
  });
});
