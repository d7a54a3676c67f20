import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationDetail, Message, SyncResult, TypingEvent, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { ensureAgent } from '../db/stores/agents-store.ts';
import { agentQueues, queues } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import { hashPassword } from '../services/passwords.ts';
import type { RunningServer } from '../main.ts';
import { call, closeSockets, collect, connectAgent, connectVisitor, expectOk, nextEvents, settle, startTestServer } from '../testing/test-kit.ts';

const texts = (events: Message[]) => events.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''));

describe.each(backends)('conversation over sockets on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  /** A visitor who has written once, with the token the server issued. */
  async function writtenVisitor(text = 'Hello') {
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }));
    expect(sent.token).toEqual(expect.any(String));
    return { socket, token: sent.token!, conversationId: sent.conversationId };
  }

  it('stores a message sent twice with one client id once, and acks both sends identically', async () => {
    const { socket, token, conversationId } = await writtenVisitor();
    const otherTab = await connectVisitor(server, { token });
    const clientId = randomUUID();
    const [a, b, c] = await Promise.all([
      expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId, text: 'Only once' })),
      expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId, text: 'Only once' })),
      expectOk(call<VisitorSendResult>(otherTab, 'message:send', { clientId, text: 'Only once' })),
    ]);
    expect(b.message).toEqual(a.message);
    expect(c.message).toEqual(a.message);
    // seq 1 is the visitor's first message, seq 2 the default response's greeting.
    expect(a.message.seq).toBe(3);
    const sync = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    expect(sync.conversationId).toBe(conversationId);
    expect(texts(sync.events)).toEqual(['Hello', 'Only once']);
  });

  it('retries a first send without token (with its first-send proof) into the same conversation and the same token holder', async () => {
    const first = await connectVisitor(server);
    const clientId = randomUUID();
    const firstSendProof = randomUUID() + randomUUID();
    const a = await expectOk(call<VisitorSendResult>(first, 'message:send', { clientId, text: 'First words', firstSendProof }));
    first.disconnect();
    const retry = await connectVisitor(server);
    const b = await expectOk(call<VisitorSendResult>(retry, 'message:send', { clientId, text: 'First words', firstSendProof }));
    expect(b.conversationId).toBe(a.conversationId);
    expect(b.message).toEqual(a.message);
    const sync = await expectOk(call<SyncResult>(await connectVisitor(server, { token: b.token! }), 'sync', { afterSeq: 0 }));
    expect(texts(sync.events)).toEqual(['First words']);
  });

  it('repeats the token on a socket that connected without one, so a lost first ack never strands the visitor', async () => {
    const socket = await connectVisitor(server);
    const clientId = randomUUID();
    // The first ack is "lost" (the client timed out and retried on the same socket): the retry is
    // answered from the stored message, and still carries a token.
    await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId, text: 'First words' }));
    const retry = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId, text: 'First words' }));
    expect(retry.token).toEqual(expect.any(String));
    const later = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'Second' }));
    expect(later.token).toEqual(expect.any(String));
    // After a reconnect with that token, the visitor writes into the same conversation.
    const back = await connectVisitor(server, { token: later.token! });
    const third = await expectOk(call<VisitorSendResult>(back, 'message:send', { clientId: randomUUID(), text: 'Third' }));
    expect(third.conversationId).toBe(retry.conversationId);
    expect(third.token).toBeUndefined();
  });

  it('replays exactly the events missed while disconnected, in order', async () => {
    const { socket, token, conversationId } = await writtenVisitor('Anyone there?');
    const agent = await connectAgent(server);
    await expectOk(call(agent, 'conversation:take', { conversationId }));
    const before = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    const lastApplied = before.lastSeq;
    socket.disconnect();

    for (const text of ['one', 'two', 'three']) {
      await expectOk(call(agent, 'message:send', { conversationId, clientId: randomUUID(), text }));
    }

    const back = await connectVisitor(server, { token });
    const missed = await expectOk(call<SyncResult>(back, 'sync', { afterSeq: lastApplied }));
    expect(missed.events.map((m) => m.seq)).toEqual([lastApplied + 1, lastApplied + 2, lastApplied + 3]);
    expect(texts(missed.events)).toEqual(['one', 'two', 'three']);
    expect(missed.events.every((m) => m.author.kind === 'agent')).toBe(true);
    expect(missed.hasMore).toBe(false);
    expect(missed.lastSeq).toBe(lastApplied + 3);
  });

  it("keeps visitor B out of visitor A's conversation", async () => {
    const a = await writtenVisitor('A secret');
    const b = await writtenVisitor('B question');
    expect(b.conversationId).not.toBe(a.conversationId);
    const seenByB = collect<Message>(b.socket, 'message');

    await expectOk(call(a.socket, 'message:send', { clientId: randomUUID(), text: 'A again' }));
    const agent = await connectAgent(server);
    await expectOk(call(agent, 'message:send', { conversationId: a.conversationId, clientId: randomUUID(), text: 'to A' }));
    await settle();
    expect(seenByB).toEqual([]);

    const bSync = await expectOk(call<SyncResult>(b.socket, 'sync', { afterSeq: 0 }));
    expect(bSync.conversationId).toBe(b.conversationId);
    expect(texts(bSync.events)).toEqual(['B question']);
    // B's writes land in B's own conversation, whatever A's is.
    const bSend = await expectOk(call<VisitorSendResult>(b.socket, 'message:send', { clientId: randomUUID(), text: 'B writes' }));
    expect(bSend.conversationId).toBe(b.conversationId);
    const aSync = await expectOk(call<SyncResult>(a.socket, 'sync', { afterSeq: 0 }));
    expect(texts(aSync.events)).toEqual(['A secret', 'A again', 'to A']);
  });

  it('refuses text over 4,000 characters with MESSAGE_TOO_LONG and stores nothing', async () => {
    const { socket } = await writtenVisitor('short');
    const ack = await call(socket, 'message:send', { clientId: randomUUID(), text: 'x'.repeat(4001) });
    expect(ack).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LONG' } });
    const sync = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    expect(texts(sync.events)).toEqual(['short']);
  });

  it('delivers an agent take and reply live to the visitor, and relays typing both ways', async () => {
    const { socket, conversationId } = await writtenVisitor('Help please');
    const agent = await connectAgent(server);
    // Previews of other tests' conversations may still be on their way (one round a second): look for this one.
    const updated = collect<{ id: string }>(agent, 'conversation:updated');
    const listed = await expectOk(call<{ waiting: { id: string }[] }>(agent, 'conversations:list', {}));
    expect(listed.waiting.map((c) => c.id)).toContain(conversationId);

    const detail = await expectOk(call<ConversationDetail>(agent, 'conversation:open', { conversationId }));
    expect(texts(detail.messages)).toEqual(['Help please']);

    const live = nextEvents<Message>(socket, 'message', 2);
    const taken = await expectOk(call<{ conversation: { status: string; agent: { name: string } | null } }>(agent, 'conversation:take', { conversationId }));
    expect(taken.conversation).toMatchObject({ status: 'active', agent: { name: 'Ada Lovelace' } });
    await expectOk(call(agent, 'message:send', { conversationId, clientId: randomUUID(), text: 'Hi, I am Ada' }));
    const [joined, reply] = await live;
    expect(joined).toMatchObject({ kind: 'event', event: { type: 'agent_joined', actorName: 'Ada Lovelace' } });
    expect(reply).toMatchObject({ kind: 'text', text: 'Hi, I am Ada', author: { kind: 'agent', name: 'Ada Lovelace' } });
    await vi.waitFor(() => expect(updated.map((u) => u.id)).toContain(conversationId), { timeout: 5_000, interval: 50 });

    const agentSees = nextEvents<{ conversationId: string; typing: boolean }>(agent, 'typing');
    await expectOk(call(socket, 'typing', { typing: true }));
    expect((await agentSees)[0]).toMatchObject({ conversationId, typing: true, author: { kind: 'visitor' } });

    const visitorSees = nextEvents<TypingEvent>(socket, 'typing');
    await expectOk(call(agent, 'typing', { conversationId, typing: true }));
    expect((await visitorSees)[0]).toMatchObject({ typing: true, author: { kind: 'agent', name: 'Ada Lovelace' } });
  });

  it('refuses a second agent taking a held conversation with CONVERSATION_TAKEN', async () => {
    const { conversationId } = await writtenVisitor('Who takes me?');
    const ada = await connectAgent(server);
    await expectOk(call(ada, 'conversation:take', { conversationId }));
    // Bob works the demo shop's queue too: he may take its waiting chats, not one Ada holds.
    const bobRow = await ensureAgent(database.db, { email: 'bob@demo.shop', name: 'Bob', role: 'agent', passwordHash: await hashPassword('bob-password') });
    const [general] = await database.db.select({ id: queues.id }).from(queues).where(eq(queues.isDefault, true));
    await database.db.insert(agentQueues).values({ agentId: bobRow.id, queueId: general!.id });
    const bob = await connectAgent(server, 'bob@demo.shop', 'bob-password');
    expect(await call(bob, 'conversation:take', { conversationId })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_TAKEN' } });
    expect(await call(bob, 'message:send', { conversationId, clientId: randomUUID(), text: 'mine?' })).toMatchObject({
      ok: false,
      error: { code: 'CONVERSATION_TAKEN' },
    });
  });
});
