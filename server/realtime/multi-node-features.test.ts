import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Message, Offer, SessionCard } from '../../protocol/index.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, connectAgent, connectVisitor, expectOk, nextMatching } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';

/**
 * Issue 7 §1: the visitor on node A, the agent on node B and a supervisor on
 * node A, two server instances on one Postgres fanning out through Redis.
 * Everything either side sees live must cross: presence, session cards,
 * offers, typing both ways, messages both ways.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.skipIf(!databaseUrl)('every live feature across two nodes', () => {
  const { nodes } = useTwoNodes(databaseUrl!, redisUrl, 4);

  it('relays presence, session cards, offers, typing and messages between the nodes', { timeout: 600_000 }, async () => {
    const [nodeA, nodeB] = nodes as [RunningServer, RunningServer];
    const supervisor = await connectAgent(nodeA); // Ada, admin, on node A
    const grace = await connectAgent(nodeB, DEMO.agent2Email, DEMO.agentPassword); // on node B

    // Presence set on B reaches the supervisor on A.
    const presence = nextMatching<{ agentId: string; presence: { channel: string; state: string }[] }>(supervisor, 'presence', (p) =>
      p.presence.some((c) => c.channel === 'chat' && c.state === 'ready'),
    );
    await expectOk(call(grace, 'presence:set', { channel: 'chat', state: 'ready' }));
    const graceId = (await presence).agentId;

    // The visitor writes on A; the offer and the card reach Grace on B, the card the supervisor on A.
    const visitor = await connectVisitor(nodeA);
    const offered = nextMatching<Offer>(grace, 'offer');
    const sent = await expectOk(call<{ conversationId: string }>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hello from A' }));
    const offer = await offered;
    expect(offer.conversationId).toBe(sent.conversationId);

    // Grace accepts on B: the supervisor on A sees the card turn active, the visitor on A sees her join.
    const activeCard = nextMatching<SessionCard>(supervisor, 'session:card', (c) => c.conversationId === sent.conversationId && c.state === 'active');
    const joined = nextMatching<Message>(visitor, 'message', (m) => m.kind === 'event' && m.event.type === 'agent_joined');
    await expectOk(call(grace, 'offer:accept', { offerId: offer.id }));
    expect((await activeCard).agent?.id).toBe(graceId);
    await joined;

    // Typing both ways.
    const visitorTyping = nextMatching<{ conversationId: string; typing: boolean }>(grace, 'typing', (t) => t.conversationId === sent.conversationId && t.typing);
    await expectOk(call(visitor, 'typing', { typing: true }));
    await visitorTyping;
    const agentTyping = nextMatching<{ typing: boolean }>(visitor, 'typing', (t) => t.typing);
    await expectOk(call(grace, 'typing', { conversationId: sent.conversationId, typing: true }));
    await agentTyping;

    // Messages both ways.
    const reply = nextMatching<Message>(visitor, 'message', (m) => m.kind === 'text' && m.text === 'Grace from B');
    await expectOk(call(grace, 'message:send', { conversationId: sent.conversationId, clientId: randomUUID(), text: 'Grace from B' }));
    await reply;
    const answer = nextMatching<Message>(grace, 'message', (m) => m.kind === 'text' && m.text === 'Thanks, A');
    await expectOk(call(visitor, 'message:send', { clientId: randomUUID(), text: 'Thanks, A' }));
    await answer;

    // Grace ends the chat on B: the supervisor on A sees the card leave "active".
    const endedCard = nextMatching<SessionCard>(supervisor, 'session:card', (c) => c.conversationId === sent.conversationId && c.state !== 'active');
    await expectOk(call(grace, 'session:end', { conversationId: sent.conversationId }));
    expect((await endedCard).state).toBe('wrap_up');
  });
});
