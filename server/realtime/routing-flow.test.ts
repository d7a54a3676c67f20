import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { AgentState, ConversationDetail, Message, Offer, QueueStatus, SessionCard, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { agentPresence, agents, queues, sessions, teams } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { DEFAULT_GREETING } from '../services/default-response.ts';
import { call, closeSockets, collect, connectAgent, connectVisitor, expectOk, nextEvents, nextMatching, settle, useTestServer, type AgentSocket } from '../testing/test-kit.ts';
// Routing continues after an ack, asynchronously: read until it has.
import { until } from '../testing/wait-for.ts';

describe.each(backends)('routing over sockets on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  const ada = () => connectAgent(server);
  const grace = () => connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
  const ready = (s: AgentSocket) => expectOk(call(s, 'presence:set', { channel: 'chat', state: 'ready' }));
  const sessionOf = async (conversationId: string) => (await database.db.select().from(sessions).where(eq(sessions.conversationId, conversationId)))[0]!;
  const queueNamed = async (name: string) => (await database.db.select().from(queues).where(eq(queues.name, name)))[0]!;

  async function visitorWrites(text = 'Hello?') {
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }));
    return { socket, conversationId: sent.conversationId };
  }

  /** A visitor connected to Ada through an accepted offer. */
  async function connected() {
    const agent = await ada();
    const v = await visitorWrites();
    const offer = nextEvents<Offer>(agent, 'offer');
    await ready(agent);
    const [o] = await offer;
    await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: o!.id }));
    return { agent, ...v, offer: o! };
  }

  it('offers a waiting visitor to the Ready agent; accept connects and the visitor sees position then "joined"', async () => {
    const agent = await ada();
    expect((await expectOk(call<AgentState>(agent, 'agent:state', {}))).presence.map((p) => [p.channel, p.state])).toEqual([
      ['chat', 'not_ready'],
      ['twitter', 'not_ready'],
    ]);
    const { socket, conversationId } = await visitorWrites('I need help');
    const status = await expectOk(call<QueueStatus>(socket, 'queue:status', {}));
    expect(status).toMatchObject({ state: 'waiting', position: 1, agentsAvailable: false, estimatedWaitSec: null, withinBusinessHours: true });

    const offered = nextEvents<Offer>(agent, 'offer');
    await ready(agent);
    const [offer] = await offered;
    expect(offer).toMatchObject({ conversationId, queue: { name: 'General' }, preview: 'I need help', transferredBy: null });
    expect((await expectOk(call<AgentState>(agent, 'agent:state', {}))).offers.map((o) => o.id)).toEqual([offer!.id]);

    const joinedLive = nextEvents<Message>(socket, 'message');
    const pushed = nextMatching<QueueStatus>(socket, 'queue', (q) => q.state === 'active');
    const detail = await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer!.id }));
    expect(detail.conversation).toMatchObject({ status: 'active', agent: { name: 'Ada Lovelace' }, session: { state: 'active', queue: { name: 'General' } } });
    expect((await joinedLive)[0]).toMatchObject({ kind: 'event', event: { type: 'agent_joined', actorName: 'Ada Lovelace' } });
    expect(await pushed).toMatchObject({ state: 'active', agent: { name: 'Ada Lovelace' }, position: null });
    // A second accept of the same offer changes nothing.
    expect(await call(agent, 'offer:accept', { offerId: offer!.id })).toMatchObject({ ok: false, error: { code: 'OFFER_GONE' } });
    expect((await sessionOf(conversationId)).state).toBe('active');
    // The address book and the supervisor's panel count the chat against Ada's limit.
    const directory = await expectOk(call<{ agents: { name: string; load: number }[] }>(agent, 'directory:get', {}));
    expect(directory.agents.find((a) => a.name === 'Ada Lovelace')?.load).toBe(1);
  });

  it('an unanswered offer expires: Refused, back to the front of the queue, offered to the next Ready agent', async () => {
    await database.db.update(queues).set({ offerTimeoutSec: 1 }).where(eq(queues.name, 'General'));
    await database.db.update(agents).set({ maxConcurrent: 1 }); // one offer at a time each
    const a = await ada();
    const first = await visitorWrites('first');
    const second = await visitorWrites('second');
    const offered = nextEvents<Offer>(a, 'offer');
    await ready(a);
    const [offer] = await offered;
    expect(offer!.conversationId).toBe(first.conversationId);
    const revoked = nextEvents<{ offerId: string; reason: string }>(a, 'offer:revoked');
    const presence = nextMatching<{ presence: { channel: string; state: string }[] }>(a, 'presence', (p) => p.presence.some((c) => c.state === 'refused'));
    expect((await revoked)[0]).toEqual({ offerId: offer!.id, reason: 'expired' });
    expect((await presence).presence.find((p) => p.channel === 'chat')?.state).toBe('refused');
    expect(await call(a, 'offer:accept', { offerId: offer!.id })).toMatchObject({ ok: false, error: { code: 'OFFER_GONE' } });
    const s = await sessionOf(first.conversationId);
    expect(s).toMatchObject({ state: 'waiting', agentId: null });
    expect(await expectOk(call<QueueStatus>(first.socket, 'queue:status', {}))).toMatchObject({ position: 1 });
    expect(await expectOk(call<QueueStatus>(second.socket, 'queue:status', {}))).toMatchObject({ position: 2 });

    // Refused: no more offers to Ada. Grace, Ready now, gets the session that was at the front.
    const g = await grace();
    const toGrace = nextEvents<Offer>(g, 'offer');
    const adaOffers = collect<Offer>(a, 'offer');
    await ready(g);
    expect((await toGrace)[0]!.conversationId).toBe(first.conversationId);
    await settle();
    expect(adaOffers).toEqual([]);
    // Ready again (Grace is full at 1): offers resume for Ada with the second visitor.
    const again = nextEvents<Offer>(a, 'offer');
    await ready(a);
    expect((await again)[0]!.conversationId).toBe(second.conversationId);
  });

  it('reject puts the session back and sets Refused; CHANNEL_NOT_ALLOWED for a channel the agent lacks', async () => {
    const g = await grace();
    expect(await call(g, 'presence:set', { channel: 'twitter', state: 'ready' })).toMatchObject({ ok: false, error: { code: 'CHANNEL_NOT_ALLOWED' } });
    const { conversationId } = await visitorWrites();
    const offered = nextEvents<Offer>(g, 'offer');
    await ready(g);
    const [offer] = await offered;
    const presence = nextMatching<{ presence: { state: string }[] }>(g, 'presence', (p) => p.presence[0]?.state === 'refused');
    await expectOk(call(g, 'offer:reject', { offerId: offer!.id }));
    expect((await presence).presence[0]!.state).toBe('refused');
    expect(await sessionOf(conversationId)).toMatchObject({ state: 'waiting', agentId: null });
  });

  it('refuses an unknown or empty transfer target and leaves the session as it was; transfer to a queue frees the agent', async () => {
    const { agent, conversationId, socket } = await connected();
    const before = await sessionOf(conversationId);
    await database.db.insert(teams).values({ name: 'Empty' });
    const [empty] = await database.db.select().from(teams).where(eq(teams.name, 'Empty'));
    for (const target of [
      { kind: 'agent', id: randomUUID() },
      { kind: 'queue', id: randomUUID() },
      { kind: 'team', id: empty!.id },
    ]) {
      expect(await call(agent, 'session:transfer', { conversationId, target })).toMatchObject({ ok: false, error: { code: 'TRANSFER_TARGET_INVALID' } });
    }
    expect(await sessionOf(conversationId)).toEqual(before);

    const billing = await queueNamed('Billing');
    const removed = nextEvents<{ conversationId: string; reason: string }>(agent, 'conversation:removed');
    const left = nextEvents<Message>(socket, 'message');
    const adaOffers = collect<Offer>(agent, 'offer');
    await expectOk(call(agent, 'session:transfer', { conversationId, target: { kind: 'queue', id: billing.id } }));
    expect((await removed)[0]).toEqual({ conversationId, reason: 'transferred' });
    expect((await left)[0]).toMatchObject({ kind: 'event', event: { type: 'agent_left', actorName: 'Ada Lovelace' } });
    expect(await sessionOf(conversationId)).toMatchObject({ state: 'waiting', agentId: null, queueId: billing.id, queuedAt: before.queuedAt });
    // Grace gets it from Billing with the whole transcript; Ada, who passed it on, is not offered it back.
    const g = await grace();
    const toGrace = nextEvents<Offer>(g, 'offer');
    await ready(g);
    const [offer] = await toGrace;
    expect(offer).toMatchObject({ conversationId, queue: { name: 'Billing' }, transferredBy: 'Ada Lovelace' });
    const detail = await expectOk(call<ConversationDetail>(g, 'offer:accept', { offerId: offer!.id }));
    expect(detail.messages.map((m) => (m.kind === 'event' ? m.event.type : m.text))).toEqual(['Hello?', DEFAULT_GREETING.en, 'agent_joined', 'agent_left', 'agent_joined']);
    expect(adaOffers).toEqual([]);
  });

  it('transfers to a Ready agent by a direct offer', async () => {
    const { agent, conversationId } = await connected();
    const g = await grace();
    await ready(g);
    const profiles = await expectOk(call<{ agents: { id: string; name: string }[] }>(agent, 'directory:get', {}));
    const graceId = profiles.agents.find((a) => a.name === 'Grace Hopper')!.id;
    const toGrace = nextEvents<Offer>(g, 'offer');
    await expectOk(call(agent, 'session:transfer', { conversationId, target: { kind: 'agent', id: graceId } }));
    const [offer] = await toGrace;
    expect(offer).toMatchObject({ conversationId, transferredBy: 'Ada Lovelace' });
    expect(await sessionOf(conversationId)).toMatchObject({ state: 'offered', agentId: graceId });
    // Grace's handling timer starts when she accepts, not when Ada first took the chat.
    const firstConnected = (await sessionOf(conversationId)).connectedAt!;
    const detail = await expectOk(call<ConversationDetail>(g, 'offer:accept', { offerId: offer!.id }));
    expect(Date.parse(detail.conversation.session!.connectedAt!)).toBeGreaterThan(firstConnected.getTime());
  });

  it('end → wrap-up (code required when the queue says so) → closed grey card with durations', async () => {
    await database.db.update(queues).set({ wrapUpRequired: true }).where(eq(queues.name, 'General'));
    const { agent, conversationId, socket } = await connected();
    const ended = nextEvents<Message>(socket, 'message');
    const { session } = await expectOk(call<{ session: SessionCard }>(agent, 'session:end', { conversationId }));
    expect(session).toMatchObject({ state: 'wrap_up', endedBy: 'agent', colour: 'blue' });
    expect((await ended)[0]).toMatchObject({ kind: 'event', event: { type: 'conversation_ended', actorName: 'Ada Lovelace' } });
    expect(await call(agent, 'session:wrap-up', { sessionId: session.sessionId })).toMatchObject({ ok: false, error: { code: 'WRAP_UP_REQUIRED' } });
    expect((await sessionOf(conversationId)).state).toBe('wrap_up');
    const closed = await expectOk(call<{ session: SessionCard }>(agent, 'session:wrap-up', { sessionId: session.sessionId, code: 'Resolved', tags: ['billing'] }));
    // Codes match case-insensitively and are stored as the disposition's canonical code.
    expect(closed.session).toMatchObject({ state: 'closed', colour: 'grey', wrapUpCode: 'resolved', wrapUpLabel: 'Resolved' });
    expect(closed.session.durations).toEqual({ waitMs: expect.any(Number), handleMs: expect.any(Number), afterContactWorkMs: expect.any(Number) });
    // A new message opens a new session.
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'One more thing' }));
    const status = await until(() => expectOk(call<QueueStatus>(socket, 'queue:status', {})), (q) => q.state === 'offered');
    expect(status).toMatchObject({ state: 'offered', position: null });
  });

  it('a visitor ending while waiting abandons (white card); while offered the offer is revoked', async () => {
    const { socket, conversationId } = await visitorWrites();
    expect(await expectOk(call<QueueStatus>(socket, 'conversation:end', {}))).toMatchObject({ state: 'abandoned', position: null });
    const card = await expectOk(call<{ cards: SessionCard[] }>(await ada(), 'sessions:cards', {}));
    expect(card.cards.find((c) => c.conversationId === conversationId)).toMatchObject({ colour: 'white', state: 'abandoned', endedBy: 'customer' });

    const a = await ada();
    const v2 = await visitorWrites();
    const offered = nextEvents<Offer>(a, 'offer');
    await ready(a);
    const [offer] = await offered;
    const revoked = nextEvents<{ reason: string }>(a, 'offer:revoked');
    await expectOk(call(v2.socket, 'conversation:end', {}));
    expect((await revoked)[0]).toMatchObject({ offerId: offer!.id, reason: 'abandoned' });
    expect(await call(a, 'offer:accept', { offerId: offer!.id })).toMatchObject({ ok: false, error: { code: 'OFFER_GONE' } });
    expect(await expectOk(call<QueueStatus>(v2.socket, 'followup:email', { email: 'me@example.com' }))).toMatchObject({ followUpEmail: 'me@example.com' });
  });

  describe('a returning contact', () => {
    /** Moves an agent's idle stretch's start `ms` into the future, so longest-idle routing ranks them last. */
    async function idleFrom(email: string, ms: number) {
      const [agent] = await database.db.select().from(agents).where(eq(agents.email, email));
      await database.db.update(agentPresence).set({ idleSince: new Date(Date.now() + ms) }).where(eq(agentPresence.agentId, agent!.id));
    }

    /** Grace answers the visitor, ends and wraps up; Ada is Ready and, by the queue's policy, next in line. */
    async function helpedByGraceThenBack() {
      const g = await grace();
      await ready(g);
      const toGrace = nextEvents<Offer>(g, 'offer');
      const v = await visitorWrites('My parcel is late');
      const [first] = await toGrace;
      expect(first).toMatchObject({ conversationId: v.conversationId, returning: false });
      await expectOk(call(g, 'offer:accept', { offerId: first!.id }));
      const { session } = await expectOk(call<{ session: SessionCard }>(g, 'session:end', { conversationId: v.conversationId }));
      await expectOk(call(g, 'session:wrap-up', { sessionId: session.sessionId }));
      const a = await ada();
      await ready(a);
      // Longest idle would pick Ada: Grace's idle stretch starts an hour from now.
      await idleFrom(DEMO.agent2Email, 3_600_000);
      return { a, g, ...v };
    }

    it('is offered first to the agent who helped them last; if that agent rejects, routing goes on as usual', async () => {
      const { a, g, socket, conversationId } = await helpedByGraceThenBack();
      const adaOffers = collect<Offer>(a, 'offer');
      const toGrace = nextEvents<Offer>(g, 'offer');
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Still nothing, two days later' }));
      const [back] = await toGrace;
      expect(back).toMatchObject({ conversationId, returning: true, preview: 'Still nothing, two days later' });
      expect(adaOffers).toEqual([]);

      const toAda = nextEvents<Offer>(a, 'offer');
      await expectOk(call(g, 'offer:reject', { offerId: back!.id }));
      expect((await toAda)[0]).toMatchObject({ conversationId, returning: false });
    });

    it('goes to whoever is next when their agent is not Ready', async () => {
      const { a, g, socket, conversationId } = await helpedByGraceThenBack();
      await expectOk(call(g, 'presence:set', { channel: 'chat', state: 'not_ready' }));
      const toAda = nextEvents<Offer>(a, 'offer');
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Hello again' }));
      expect((await toAda)[0]).toMatchObject({ conversationId, returning: false });
    });

    it('still goes back to their agent after a visit nobody answered', async () => {
      const { a, g, socket, conversationId } = await helpedByGraceThenBack();
      const notReady = (s: AgentSocket) => expectOk(call(s, 'presence:set', { channel: 'chat', state: 'not_ready' }));
      await notReady(a);
      await notReady(g);
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Anyone there?' }));
      expect(await expectOk(call<QueueStatus>(socket, 'conversation:end', {}))).toMatchObject({ state: 'abandoned' });
      await ready(a);
      const toGrace = nextEvents<Offer>(g, 'offer');
      await ready(g);
      await idleFrom(DEMO.agent2Email, 3_600_000);
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Trying again' }));
      expect((await toGrace)[0]).toMatchObject({ conversationId, returning: true });
    });

    it('answering an asynchronous follow-up goes back to the agent who wrote it', async () => {
      const { a, g, socket, conversationId } = await helpedByGraceThenBack();
      // Ada writes after the chat closed (no open session): a follow-up, delivered when the visitor comes back.
      await expectOk(call(a, 'message:send', { conversationId, clientId: randomUUID(), text: 'Your parcel left the depot this morning.' }));
      // Ada is the one idle longest no more: only the follow-up can send it her way.
      await idleFrom(DEMO.agentEmail, 7_200_000);
      const graceOffers = collect<Offer>(g, 'offer');
      const toAda = nextEvents<Offer>(a, 'offer');
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Thanks, got it!' }));
      expect((await toAda)[0]).toMatchObject({ conversationId, returning: true });
      await settle();
      expect(graceOffers).toEqual([]);
    });
  });

  it('conversation:take picks from the queue within capacity, else CAPACITY_REACHED', async () => {
    const { agent } = await connected();
    await database.db.update(agents).set({ maxConcurrent: 1 }).where(eq(agents.email, DEMO.agentEmail));
    const { conversationId } = await visitorWrites('me too');
    expect(await call(agent, 'conversation:take', { conversationId })).toMatchObject({ ok: false, error: { code: 'CAPACITY_REACHED' } });
    const g = await grace();
    const taken = await expectOk(call<{ conversation: { status: string } }>(g, 'conversation:take', { conversationId }));
    expect(taken.conversation.status).toBe('active');
    expect(await call(agent, 'conversation:take', { conversationId })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_TAKEN' } });
  });
});
