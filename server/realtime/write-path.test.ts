import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import type { Ack, ConversationSummary, Message, SessionCard, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { messages } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, collect, connectAgent, connectVisitor, expectOk, settle, useTestServer, type AgentSocket, type VisitorSocket } from '../testing/test-kit.ts';

const VISITORS = 6;
const FROM_VISITOR = 12;
const FROM_AGENT = 8;
/** Six conversations set up through the full path first: slow on a busy machine. */
const SLOW = { timeout: 120_000 };

const textOf = (m: Message) => (m.kind === 'text' ? m.text : null);

describe.each(backends)('the batched write path over sockets on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  interface Chat {
    visitor: VisitorSocket;
    agent: AgentSocket;
    conversationId: string;
  }

  /** Six visitors who wrote once; Ada takes four of them, Grace two (within their capacities). */
  async function chats(): Promise<Chat[]> {
    const ada = await connectAgent(server);
    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    const out: Chat[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const visitor = await connectVisitor(server);
      const sent = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: `hello ${i}` }));
      const agent = i < 4 ? ada : grace;
      await expectOk(call(agent, 'conversation:take', { conversationId: sent.conversationId }));
      out.push({ visitor, agent, conversationId: sent.conversationId });
    }
    return out;
  }

  it('stores every acked message of many concurrent senders exactly once, delivers each to the agent, in each sender’s order', SLOW, async () => {
    const all = await chats();
    const agents = [...new Set(all.map((c) => c.agent))];
    const heardByAgents = new Map(agents.map((a) => [a, collect<Message>(a, 'message')]));
    const heardByVisitors = new Map(all.map((c) => [c.visitor, collect<Message>(c.visitor, 'message')]));
    const summaries = new Map(agents.map((a) => [a, collect<ConversationSummary>(a, 'conversation:updated')]));

    // Everyone at once: each socket emits its messages back to back without waiting for acks.
    const acks: Promise<Ack<{ message: Message }>>[] = [];
    for (let n = 0; n < FROM_VISITOR; n++) {
      for (const [i, c] of all.entries()) {
        acks.push(call(c.visitor, 'message:send', { clientId: randomUUID(), text: `v${i}.${n}` }));
        if (n < FROM_AGENT) acks.push(call(c.agent, 'message:send', { conversationId: c.conversationId, clientId: randomUUID(), text: `a${i}.${n}` }));
      }
    }
    const results = await Promise.all(acks);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const acked = results.map((r) => (r.ok ? r.data.message : null)!);

    // Exactly once in the database, and every ack names the stored row.
    const ids = new Set(acked.map((m) => m.id));
    expect(ids.size).toBe(acked.length);
    const [{ count }] = (await database.db.select({ count: sql<number>`count(*)::int` }).from(messages).where(sql`${messages.id} in ${[...ids]}`)) as [{ count: number }];
    expect(count).toBe(acked.length);

    for (const [i, c] of all.entries()) {
      const transcript = await expectOk(call<SyncResult>(c.agent, 'sync', { conversationId: c.conversationId, afterSeq: 0 }));
      expect(transcript.events.map((m) => m.seq)).toEqual(transcript.events.map((_, k) => k + 1));
      const texts = transcript.events.map(textOf);
      expect(texts.filter((t) => t?.startsWith(`v${i}.`))).toEqual(Array.from({ length: FROM_VISITOR }, (_, n) => `v${i}.${n}`));
      expect(texts.filter((t) => t?.startsWith(`a${i}.`))).toEqual(Array.from({ length: FROM_AGENT }, (_, n) => `a${i}.${n}`));
      const mine = acked.filter((m) => m.conversationId === c.conversationId);
      // As acked, but agents never get a visitor's client id (issue 16).
      for (const m of mine) expect(transcript.events.filter((e) => e.id === m.id)).toEqual([m.author.kind === 'visitor' ? { ...m, clientId: null } : m]);
    }

    // Live delivery: the agent gets every visitor message of their conversations, the visitor every reply.
    // Nobody is sent back their own message: the sending socket has it from its ack.
    await vi.waitFor(
      () => {
        for (const c of all) {
          const fromVisitor = acked.filter((m) => m.conversationId === c.conversationId && m.author.kind === 'visitor');
          const agentGot = heardByAgents.get(c.agent)!.filter((m) => m.conversationId === c.conversationId);
          expect(new Set(agentGot.map((m) => m.id))).toEqual(new Set(fromVisitor.map((m) => m.id)));
          expect(agentGot).toHaveLength(fromVisitor.length);
          const visitorGot = heardByVisitors.get(c.visitor)!;
          expect(visitorGot.filter((m) => m.author.kind === 'visitor')).toEqual([]);
          expect(visitorGot.map(textOf).filter((t) => t?.startsWith('a'))).toHaveLength(FROM_AGENT);
        }
      },
      { timeout: 10_000, interval: 50 },
    );
    // Live messages arrive in seq order per conversation.
    for (const c of all) {
      const seqs = heardByAgents.get(c.agent)!.filter((m) => m.conversationId === c.conversationId).map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // The agents' lists end on each conversation's last message.
    await vi.waitFor(
      async () => {
        for (const c of all) {
          const last = (await expectOk(call<SyncResult>(c.agent, 'sync', { conversationId: c.conversationId, afterSeq: 0 }))).lastSeq;
          const latest = summaries.get(c.agent)!.filter((s) => s.id === c.conversationId).at(-1);
          expect(latest?.lastSeq).toBe(last);
        }
      },
      { timeout: 10_000, interval: 100 },
    );
    // Group commit happened: messages written by one transaction share its timestamp.
    const stamps = await database.db.selectDistinct({ at: messages.createdAt }).from(messages).where(sql`${messages.id} in ${[...ids]}`);
    expect(stamps.length).toBeLessThan(acked.length);
  });

  it('answers a resent message with the stored one while other senders keep writing', SLOW, async () => {
    const [c, other] = await chats();
    const clientId = randomUUID();
    const noise = Array.from({ length: 10 }, (_, n) => call(other!.visitor, 'message:send', { clientId: randomUUID(), text: `noise ${n}` }));
    const sends = await Promise.all([0, 1, 2].map(() => expectOk(call<VisitorSendResult>(c!.visitor, 'message:send', { clientId, text: 'once' }))));
    expect((await Promise.all(noise)).every((r) => r.ok)).toBe(true);
    expect(sends[1]!.message).toEqual(sends[0]!.message);
    expect(sends[2]!.message).toEqual(sends[0]!.message);
    const again = await expectOk(call<VisitorSendResult>(c!.visitor, 'message:send', { clientId, text: 'once' }));
    expect(again.message).toEqual(sends[0]!.message);
    const rows = await database.db.select().from(messages).where(eq(messages.clientId, clientId));
    expect(rows).toHaveLength(1);
  });

  it('gives a visitor’s other tab each batched message, once, and the sending tab only its ack; a conversation nobody has open is written all the same', SLOW, async () => {
    const [c, alone] = await chats();
    const token = (await expectOk(call<VisitorSendResult>(c!.visitor, 'message:send', { clientId: randomUUID(), text: 'before the second tab' }))).token!;
    const secondTab = await connectVisitor(server, { token });
    const inSecondTab = collect<Message>(secondTab, 'message');
    const inSendingTab = collect<Message>(c!.visitor, 'message');
    // Nobody but the sender is in this visitor's room, and its agent leaves: the room copies reach no one.
    alone!.agent.disconnect();
    const acked = await Promise.all(
      Array.from({ length: 5 }, (_, n) => expectOk(call<VisitorSendResult>(c!.visitor, 'message:send', { clientId: randomUUID(), text: `tab ${n}` }))),
    );
    const unheard = await Promise.all([0, 1, 2].map((n) => expectOk(call<VisitorSendResult>(alone!.visitor, 'message:send', { clientId: randomUUID(), text: `alone ${n}` }))));
    await vi.waitFor(() => expect(inSecondTab.map(textOf)).toEqual(acked.map((a) => textOf(a.message))), { timeout: 5_000, interval: 50 });
    await settle();
    expect(inSecondTab.map((m) => m.id)).toEqual(acked.map((a) => a.message.id));
    expect(inSendingTab).toEqual([]);
    const stored = await expectOk(call<SyncResult>(alone!.visitor, 'sync', { afterSeq: 0 }));
    expect(stored.events.map(textOf).slice(-3)).toEqual(unheard.map((a) => textOf(a.message)));
  });

  it('gives the sending socket of a full-path message only its ack, and the rest of the room each message once', SLOW, async () => {
    const [c] = await chats();
    const { agent: ada, visitor, conversationId } = c!;
    const otherDesk = await connectAgent(server);
    await expectOk(call(otherDesk, 'conversation:open', { conversationId }));
    const { session } = await expectOk(call<{ session: SessionCard }>(ada, 'session:end', { conversationId }));
    await expectOk(call(ada, 'session:wrap-up', { sessionId: session.sessionId, code: 'resolved' }));
    await settle();
    const inSendingDesk = collect<Message>(ada, 'message');
    const inOtherDesk = collect<Message>(otherDesk, 'message');
    const inVisitor = collect<Message>(visitor, 'message');

    // No open session: an asynchronous follow-up, written by the full transaction.
    const followUp = (await expectOk(call<{ message: Message }>(ada, 'message:send', { conversationId, clientId: randomUUID(), text: 'a follow-up' }))).message;
    expect(followUp.sessionId).toBeNull();
    // The visitor's answer reopens the conversation: the full path again, a marker written before it.
    const answer = (await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'an answer' }))).message;
    await vi.waitFor(() => expect(inOtherDesk.map((m) => m.id)).toContain(answer.id), { timeout: 5_000, interval: 50 });
    await settle();

    const times = (heard: Message[], m: Message) => heard.filter((h) => h.id === m.id).length;
    expect([times(inSendingDesk, followUp), times(inOtherDesk, followUp), times(inVisitor, followUp)]).toEqual([0, 1, 1]);
    expect([times(inVisitor, answer), times(inOtherDesk, answer)]).toEqual([0, 1]);
    // What the same transaction wrote besides the sender's own message reaches the sender too.
    expect(inVisitor.map((m) => m.seq)).toContain(answer.seq - 1);
  });

  it('gives every desk the latest preview of each conversation written, however many a round holds', SLOW, async () => {
    // More conversations than one summary query takes (the round goes out in slices), all waiting in
    // the queue: their previews go to every agent's desk.
    const desk = await connectAgent(server);
    const visitors = await Promise.all(Array.from({ length: 45 }, () => connectVisitor(server)));
    const queued = await Promise.all(visitors.map((v, i) => expectOk(call<VisitorSendResult>(v, 'message:send', { clientId: randomUUID(), text: `first ${i}` }))));
    const previews = collect<ConversationSummary>(desk, 'conversation:updated');
    const second = await Promise.all(visitors.map((v, i) => expectOk(call<VisitorSendResult>(v, 'message:send', { clientId: randomUUID(), text: `second ${i}` }))));

    await vi.waitFor(
      () => {
        for (const [i, sent] of second.entries()) {
          const latest = previews.filter((p) => p.id === queued[i]!.conversationId).at(-1);
          expect(latest?.lastMessage?.text).toBe(`second ${i}`);
          expect(latest?.lastSeq).toBe(sent.message.seq);
        }
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
