import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ContactListItem, ConversationListResponse, ConversationSummary, SessionCard, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { queues, websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, call, collect, connectAgent, connectVisitor, expectOk, loginCookie, settle, useTestServer, type AgentSocket } from '../testing/test-kit.ts';

/**
 * The access policy per role, written out by hand (docs/security.md says it in words), so it is
 * checked independently of the authorization table that implements it:
 * - an agent reads the conversations of their queues' websites and acts in a live chat only
 *   when they hold it;
 * - a supervisor also sees, transfers and ends the chats of their teams' websites;
 * - an admin sees everything.
 * Two websites: demo-shop (Grace, agent; Hal, agent; Sam, supervisor of Grace's team without
 * queues of his own) and other-shop (Olga, agent). Ada is the admin.
 */
const PASSWORD = 'a-long-password-1';

describe.each(backends)('the access policy on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  async function setUp() {
    const admin = await loginCookie(server);
    const other = (await api(server, admin, 'POST', '/websites', { key: 'other-shop', name: 'Other shop', allowedOrigins: [new URL(server.url).origin] })).body.website;
    const queueOf = async (websiteId: string) => (await database.db.select().from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.isDefault, true))))[0]!;
    const demoSite = (await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey)))[0]!;
    const demoQueue = await queueOf(demoSite.id);
    const otherQueue = await queueOf(other.id);
    const { teams } = (await api(server, admin, 'GET', '/teams')).body as { teams: { id: string; name: string }[] };
    const support = teams.find((t) => t.name === 'Support')!;
    const person = async (email: string, role: string, queueIds: string[], teamIds: string[] = []) => {
      const res = await api(server, admin, 'POST', '/agents', { email, name: email.split('@')[0], password: PASSWORD, role, queueIds, teamIds });
      expect(res.status).toBe(201);
    };
    await person('olga@other.shop', 'agent', [otherQueue.id]);
    await person('hal@demo.shop', 'agent', [demoQueue.id]);
    await person('sam@demo.shop', 'supervisor', [], [support.id]);
    // One waiting visitor on each website.
    const demoVisitor = await connectVisitor(server);
    const demoChat = await expectOk(call<VisitorSendResult>(demoVisitor, 'message:send', { clientId: randomUUID(), text: 'Hello from the demo shop' }));
    const otherVisitor = await connectVisitor(server, { websiteKey: 'other-shop' });
    const otherChat = await expectOk(call<VisitorSendResult>(otherVisitor, 'message:send', { clientId: randomUUID(), text: 'Hello from the other shop' }));
    return { admin, demo: demoChat.conversationId, other: otherChat.conversationId, demoVisitor, otherVisitor };
  }

  const as = (email: string) => connectAgent(server, email, email === DEMO.agent2Email || email === DEMO.agentEmail ? DEMO.agentPassword : PASSWORD);
  const code = async (socket: AgentSocket, event: string, payload: unknown) => {
    const ack = await call(socket, event, payload);
    return ack.ok ? 'ok' : ack.error.code;
  };
  const contactOf = async (socket: AgentSocket, conversationId: string) => (await expectOk(call<{ conversation: ConversationSummary }>(socket, 'conversation:open', { conversationId }))).conversation.contact.id;

  it('an agent reads only their websites’ conversations, and nothing of another website reaches them', async () => {
    const { demo, other } = await setUp();
    const grace = await as(DEMO.agent2Email);
    const olga = await as('olga@other.shop');
    const graceHears = collect<ConversationSummary>(grace, 'conversation:updated');
    const olgaHears = collect<ConversationSummary>(olga, 'conversation:updated');

    const list = await expectOk(call<ConversationListResponse>(grace, 'conversations:list', {}));
    expect(list.waiting.map((c) => c.id)).toEqual([demo]);
    for (const [event, payload] of [
      ['conversation:open', { conversationId: other }],
      ['sync', { conversationId: other, afterSeq: 0 }],
      ['contact:history', { conversationId: other }],
      ['conversation:take', { conversationId: other }],
      ['conversation:open-as-chat', { conversationId: other }],
      ['typing', { conversationId: other, typing: true }],
      ['read', { conversationId: other, seq: 1 }],
      ['session:end', { conversationId: other }],
    ] as const) {
      expect(await code(grace, event, payload), event).toBe('FORBIDDEN');
    }
    const before = await expectOk(call<{ conversation: ConversationSummary }>(olga, 'conversation:open', { conversationId: other }));
    expect(await code(grace, 'message:send', { conversationId: other, clientId: randomUUID(), text: 'sneaky' })).toBe('FORBIDDEN');
    const otherContact = before.conversation.contact.id;
    expect(await code(grace, 'contact:update', { contactId: otherContact, patch: { name: 'Renamed' } })).toBe('FORBIDDEN');
    expect(await code(grace, 'contact:verify', { contactId: otherContact, verified: true })).toBe('FORBIDDEN');
    const found = await expectOk(call<{ contacts: ContactListItem[] }>(grace, 'contacts:search', { query: '', visibility: 'private', limit: 50 }));
    expect(found.contacts.map((c) => c.conversationId)).toEqual([demo]);
    // Nothing was written into the other shop's conversation.
    const after = await expectOk(call<{ conversation: ConversationSummary }>(olga, 'conversation:open', { conversationId: other }));
    expect(after.conversation.lastSeq).toBe(before.conversation.lastSeq);
    expect(after.conversation.contact.name).toBeNull();

    // Live news stays within each website's staff.
    await expectOk(call(olga, 'conversation:take', { conversationId: other }));
    await expectOk(call(grace, 'conversation:take', { conversationId: demo }));
    await settle();
    expect(graceHears.map((s) => s.id)).not.toContain(other);
    expect(olgaHears.map((s) => s.id)).not.toContain(demo);
    expect(graceHears.map((s) => s.id)).toContain(demo);
  });

  it('inside a live chat an agent of the same website may read but not act unless they hold it', async () => {
    const { demo } = await setUp();
    const grace = await as(DEMO.agent2Email);
    const hal = await as('hal@demo.shop');
    await expectOk(call(grace, 'conversation:take', { conversationId: demo }));
    expect(await code(hal, 'conversation:open', { conversationId: demo })).toBe('ok');
    expect(await code(hal, 'typing', { conversationId: demo, typing: true })).toBe('FORBIDDEN');
    expect(await code(hal, 'read', { conversationId: demo, seq: 1 })).toBe('FORBIDDEN');
    expect(await code(hal, 'session:end', { conversationId: demo })).toBe('FORBIDDEN');
    expect(await code(hal, 'session:transfer', { conversationId: demo, target: { kind: 'agent', id: randomUUID() } })).toBe('FORBIDDEN');
    expect(await code(hal, 'message:send', { conversationId: demo, clientId: randomUUID(), text: 'me too' })).toBe('CONVERSATION_TAKEN');
    // Its holder does all of it.
    expect(await code(grace, 'typing', { conversationId: demo, typing: true })).toBe('ok');
    expect(await code(grace, 'read', { conversationId: demo, seq: 1 })).toBe('ok');
    const contactId = await contactOf(grace, demo);
    expect(await code(grace, 'contact:update', { contactId, patch: { name: 'Marie' } })).toBe('ok');
    const { session } = await expectOk(call<{ session: SessionCard }>(grace, 'session:end', { conversationId: demo }));
    expect(await code(hal, 'session:wrap-up', { sessionId: session.sessionId, code: 'resolved' })).toBe('FORBIDDEN');
    expect(await code(grace, 'session:wrap-up', { sessionId: session.sessionId, code: 'resolved' })).toBe('ok');
  });

  it('a supervisor sees, transfers and ends the chats of their teams’ websites, and only those', async () => {
    const { demo, other } = await setUp();
    const grace = await as(DEMO.agent2Email);
    const olga = await as('olga@other.shop');
    const sam = await as('sam@demo.shop');
    await expectOk(call(grace, 'conversation:take', { conversationId: demo }));
    await expectOk(call(olga, 'conversation:take', { conversationId: other }));

    const cards = (await expectOk(call<{ cards: SessionCard[] }>(sam, 'sessions:cards', {}))).cards.map((c) => c.conversationId);
    expect(cards).toContain(demo);
    expect(cards).not.toContain(other);
    expect(await code(sam, 'conversation:open', { conversationId: demo })).toBe('ok');
    expect(await code(sam, 'conversation:open', { conversationId: other })).toBe('FORBIDDEN');
    expect(await code(sam, 'session:end', { conversationId: other })).toBe('FORBIDDEN');
    expect(await code(sam, 'session:end', { conversationId: demo })).toBe('ok');

    const samCookie = await loginCookie(server, 'sam@demo.shop', PASSWORD);
    const graceCookie = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
    const adaCookie = await loginCookie(server);
    const otherCard = (await expectOk(call<{ cards: SessionCard[] }>(olga, 'sessions:cards', {}))).cards.find((c) => c.conversationId === other)!;
    expect((await api(server, samCookie, 'GET', `/sessions/${otherCard.sessionId}`)).status).toBe(403);
    expect((await api(server, graceCookie, 'GET', `/sessions/${otherCard.sessionId}`)).status).toBe(403);
    expect((await api(server, adaCookie, 'GET', `/sessions/${otherCard.sessionId}`)).status).toBe(200);
    const restCards = (await api(server, samCookie, 'GET', '/sessions')).body.cards as SessionCard[];
    expect(restCards.map((c) => c.conversationId)).not.toContain(other);
    // Agents see their own cards only.
    const graceCards = (await api(server, graceCookie, 'GET', '/sessions')).body.cards as SessionCard[];
    expect(graceCards.every((c) => c.agent?.id === graceCards[0]?.agent?.id)).toBe(true);
    // Supervisors read configuration, only admins change it.
    expect((await api(server, samCookie, 'GET', '/agents')).status).toBe(200);
    expect((await api(server, samCookie, 'POST', '/tags', { name: 'sam-was-here' })).status).toBe(403);
    expect((await api(server, graceCookie, 'GET', '/agents')).status).toBe(403);
    expect((await api(server, samCookie, 'GET', '/webhooks')).status).toBe(403);
  });

  it('an admin sees and may act on every website', async () => {
    const { demo, other } = await setUp();
    const ada = await as(DEMO.agentEmail);
    const list = await expectOk(call<ConversationListResponse>(ada, 'conversations:list', {}));
    expect(list.waiting.map((c) => c.id).sort()).toEqual([demo, other].sort());
    expect(await code(ada, 'conversation:open', { conversationId: other })).toBe('ok');
    const otherContact = await contactOf(ada, other);
    expect(await code(ada, 'contact:update', { contactId: otherContact, patch: { name: 'Known' } })).toBe('ok');
    expect(await code(ada, 'conversation:take', { conversationId: other })).toBe('ok');
  });
});
