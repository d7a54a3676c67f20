import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type {
  AgentCatalog,
  Contact,
  ContactHistory,
  ContactListItem,
  ContactReplied,
  ConversationDetail,
  Message,
  ReceiptEvent,
  SessionCard,
  SyncResult,
  VisitorSendResult,
} from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { agentQueues, agents, queues, sessions } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { DEFAULT_GREETING } from '../services/default-response.ts';
import { call, closeSockets, collect, connectAgent, connectVisitor, expectOk, loginCookie, nextEvents, settle, useTestServer, type AgentSocket, type VisitorSocket } from '../testing/test-kit.ts';

const text = (m: Message) => (m.kind === 'event' ? `#${m.event.type}` : m.text);

describe.each(backends)('the desk over sockets on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  const ada = () => connectAgent(server);
  const grace = () => connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
  const sessionsOf = (conversationId: string) => database.db.select().from(sessions).where(eq(sessions.conversationId, conversationId));
  const say = (s: VisitorSocket | AgentSocket, body: Record<string, unknown>) => expectOk(call<VisitorSendResult>(s, 'message:send', { clientId: randomUUID(), ...body }));

  /** A visitor whose chat Ada picked from the queue. */
  async function chatWithAda(agent?: AgentSocket) {
    const a = agent ?? (await ada());
    const visitor = await connectVisitor(server);
    const sent = await say(visitor, { text: 'Hello?' });
    await expectOk(call(a, 'conversation:take', { conversationId: sent.conversationId }));
    return { agent: a, visitor, conversationId: sent.conversationId, token: sent.token! };
  }

  /** Ends and wraps up the chat: no open session is left. */
  async function finish(agent: AgentSocket, conversationId: string) {
    const { session } = await expectOk(call<{ session: SessionCard }>(agent, 'session:end', { conversationId }));
    await expectOk(call(agent, 'session:wrap-up', { sessionId: session.sessionId, code: 'resolved' }));
    return session.sessionId;
  }

  it('read receipts travel both ways, only move forward, and fill the conversation detail', async () => {
    const { agent, visitor, conversationId } = await chatWithAda();
    const reply = await say(agent, { conversationId, text: 'Hi there' });
    const toAgent = nextEvents<ReceiptEvent>(agent, 'receipt');
    await expectOk(call(visitor, 'read', { seq: reply.message.seq }));
    expect((await toAgent)[0]).toEqual({ conversationId, visitorReadSeq: reply.message.seq, agentReadSeq: 0 });
    const toVisitor = nextEvents<ReceiptEvent>(visitor, 'receipt');
    await expectOk(call(agent, 'read', { conversationId, seq: 1 }));
    expect((await toVisitor)[0]).toMatchObject({ agentReadSeq: 1, visitorReadSeq: reply.message.seq });
    // Never backwards, never past the last seq.
    await expectOk(call(visitor, 'read', { seq: 1 }));
    await expectOk(call(agent, 'read', { conversationId, seq: 999 }));
    const detail = await expectOk(call<ConversationDetail>(agent, 'conversation:open', { conversationId }));
    expect(detail.receipts).toEqual({ visitorReadSeq: reply.message.seq, agentReadSeq: detail.conversation.lastSeq });
    // A visitor who was away when the receipt went out learns it from its sync.
    const synced = await expectOk(call<SyncResult>(visitor, 'sync', { afterSeq: detail.conversation.lastSeq }));
    expect(synced).toMatchObject({ events: [], agentReadSeq: detail.conversation.lastSeq });
    expect(detail.conversation.session).toMatchObject({ state: 'active', connectedAt: expect.any(String), endedAt: null });
    expect((await call(agent, 'read', { conversationId: randomUUID(), seq: 1 })).ok).toBe(false);
    // An image needs an upload of this conversation: an unknown one is refused on both sides and stores nothing.
    expect((await call(agent, 'message:send', { conversationId, clientId: randomUUID(), attachmentId: randomUUID() })).ok).toBe(false);
    // A captioned image is still an image: the unknown upload is refused, never stored as plain text.
    expect((await call(visitor, 'message:send', { clientId: randomUUID(), attachmentId: randomUUID(), text: 'look at this' })).ok).toBe(false);
    const after = await expectOk(call<ConversationDetail>(agent, 'conversation:open', { conversationId }));
    expect(after.conversation.lastSeq).toBe(detail.conversation.lastSeq);
  });

  it('a follow-up after the session ended is stored outside any session; the visitor sees it and answering notifies its author', async () => {
    const { agent, conversationId, token } = await chatWithAda();
    const firstSession = await finish(agent, conversationId);
    const followUp = await say(agent, { conversationId, text: 'Your parcel left today.' });
    expect(followUp.message).toMatchObject({ kind: 'text', sessionId: null, author: { kind: 'agent', name: 'Ada Lovelace' } });
    expect((await sessionsOf(conversationId)).map((s) => s.state)).toEqual(['closed']);

    // The visitor comes back later (new socket, same token) and catches up.
    const back = await connectVisitor(server, { token });
    const sync = await expectOk(call<SyncResult>(back, 'sync', { afterSeq: 0 }));
    expect(sync.events.map(text)).toContain('Your parcel left today.');

    const replied = nextEvents<ContactReplied>(agent, 'contact:replied');
    const answer = await say(back, { text: 'Thanks!' });
    expect((await replied)[0]).toMatchObject({ conversationId, preview: 'Thanks!' });
    const all = await sessionsOf(conversationId);
    expect(all.map((s) => s.state).sort()).toEqual(['closed', 'waiting']);
    const fresh = all.find((s) => s.state === 'waiting')!;
    expect(answer.message.sessionId).toBe(fresh.id);
    expect(fresh.id).not.toBe(firstSession);
    // Told once: a second message does not notify again.
    const more = collect<ContactReplied>(agent, 'contact:replied');
    await say(back, { text: 'And another thing' });
    await settle();
    expect(more).toEqual([]);
  });

  it('open as chat connects the caller; CAPACITY_REACHED when full; CONVERSATION_TAKEN when someone else holds it', async () => {
    const { agent, conversationId } = await chatWithAda();
    await finish(agent, conversationId);
    const detail = await expectOk(call<ConversationDetail>(agent, 'conversation:open-as-chat', { conversationId }));
    expect(detail.conversation).toMatchObject({ status: 'active', agent: { name: 'Ada Lovelace' }, session: { state: 'active', connectedAt: expect.any(String) } });
    expect(detail.messages.map(text).at(-1)).toBe('#agent_joined');

    const g = await grace();
    expect(await call(g, 'conversation:open-as-chat', { conversationId })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_TAKEN' } });
    await finish(agent, conversationId);
    await database.db.update(agents).set({ maxConcurrent: 1 }).where(eq(agents.email, DEMO.agent2Email));
    const other = await chatWithAda();
    await finish(other.agent, other.conversationId);
    await expectOk(call(g, 'conversation:open-as-chat', { conversationId: other.conversationId }));
    expect(await call(g, 'conversation:open-as-chat', { conversationId })).toMatchObject({ ok: false, error: { code: 'CAPACITY_REACHED' } });
    expect((await sessionsOf(conversationId)).every((s) => s.state === 'closed')).toBe(true);
  });

  it('contact history separates sessions and orders every message ascending with its session', async () => {
    const { agent, visitor, conversationId } = await chatWithAda();
    await say(agent, { conversationId, text: 'First answer' });
    const first = await finish(agent, conversationId);
    await say(agent, { conversationId, text: 'A follow-up' });
    await say(visitor, { text: 'Second question' });
    const h = await expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
    expect(h.sessions.map((s) => s.state)).toEqual(['closed', 'waiting']);
    expect(h.sessions[0]).toMatchObject({ sessionId: first, wrapUpCode: 'resolved' });
    expect(h.messages.map((m) => m.seq)).toEqual(h.messages.map((_, i) => i + 1));
    expect(h.lastSeq).toBe(h.messages.length);
    const bySession = (m: Message) => (m.sessionId === first ? 1 : m.sessionId === h.sessions[1]!.sessionId ? 2 : 0);
    expect(h.messages.map((m) => `${bySession(m)} ${text(m)}`)).toEqual([
      '1 Hello?',
      `1 ${DEFAULT_GREETING.en}`,
      '1 #agent_joined',
      '1 First answer',
      '1 #conversation_ended',
      '0 A follow-up',
      '2 #conversation_reopened',
      '2 Second question',
    ]);
    // The default response is written by the website, once per new session; not to a visitor answering a follow-up.
    expect(h.messages.filter((m) => m.author.kind === 'bot').map((m) => m.author.name)).toEqual([DEMO.websiteName]);
    expect(h.contact).toMatchObject({ verified: false, identities: [{ channel: 'web', verified: false }] });
    expect((await call(agent, 'contact:history', { conversationId: randomUUID() })).ok).toBe(false);
  });

  it('contacts: search (private; public is empty for now), update with validation, verify by hand, pushed to agents', async () => {
    const { agent, conversationId } = await chatWithAda();
    const { contact } = await expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
    const g = await grace();
    const pushed = nextEvents<Contact>(g, 'contact:updated');
    const updated = await expectOk(
      call<{ contact: Contact }>(agent, 'contact:update', { contactId: contact.id, patch: { name: 'Marie Curie', email: 'marie@example.com', phone: '+33 1 23 45 67 89', attributes: { plan: 'gold' } } }),
    );
    expect(updated.contact).toMatchObject({ name: 'Marie Curie', email: 'marie@example.com', phone: '+33 1 23 45 67 89', attributes: { plan: 'gold' }, verified: false });
    expect((await pushed)[0]).toMatchObject({ id: contact.id, name: 'Marie Curie' });
    for (const patch of [{ email: 'not-an-email' }, { phone: 'call me' }, { attributes: { plan: 3 } }, { name: '' }]) {
      expect(await call(agent, 'contact:update', { contactId: contact.id, patch })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await call(agent, 'contact:update', { contactId: randomUUID(), patch: { name: 'X' } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const verified = await expectOk(call<{ contact: Contact }>(agent, 'contact:verify', { contactId: contact.id, verified: true }));
    expect(verified.contact).toMatchObject({ verified: true, name: 'Marie Curie', identities: [{ channel: 'web', verified: true }] });

    // Before it had a name, the contact was listed as "Visitor <first 6 hex digits>": that finds it.
    const label = `Visitor ${contact.id.replace(/-/g, '').slice(0, 6)}`;
    expect((await expectOk(call<{ contacts: ContactListItem[] }>(agent, 'contacts:search', { query: label }))).contacts.map((c) => c.conversationId)).toEqual([conversationId]);
    const found = await expectOk(call<{ contacts: ContactListItem[] }>(agent, 'contacts:search', { query: 'curie' }));
    expect(found.contacts).toEqual([expect.objectContaining({ conversationId, open: true, contact: expect.objectContaining({ name: 'Marie Curie', verified: true }) })]);
    expect((await expectOk(call<{ contacts: ContactListItem[] }>(agent, 'contacts:search', { query: 'nobody-like-this' }))).contacts).toEqual([]);
    expect((await expectOk(call<{ contacts: ContactListItem[] }>(agent, 'contacts:search', { query: '', visibility: 'public' }))).contacts).toEqual([]);
  });

  it('wrap-up checks dispositions and tags; nothing is closed on refusal; a used disposition cannot be deleted', async () => {
    const { agent, conversationId } = await chatWithAda();
    const { session } = await expectOk(call<{ session: SessionCard }>(agent, 'session:end', { conversationId }));
    const billing = (await database.db.select().from(queues).where(eq(queues.name, 'Billing')))[0]!;
    const cookie = await loginCookie(server);
    const api = (path: string, method: string, body?: unknown) =>
      fetch(`${server.url}/api/v1${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    await api('/dispositions', 'POST', { code: 'billing_only', label: 'Billing only', queueIds: [billing.id] });
    const { dispositions } = (await (await api('/dispositions', 'GET')).json()) as { dispositions: { id: string; code: string }[] };
    await api(`/dispositions/${dispositions.find((d) => d.code === 'sale')!.id}`, 'PATCH', { active: false });
    await database.db.update(queues).set({ wrapUpRequired: true }).where(eq(queues.name, 'General'));

    for (const input of [{ code: 'nonsense' }, { code: 'sale' }, { code: 'billing_only' }, { code: 'resolved', tags: ['billing', 'vip'] }]) {
      expect(await call(agent, 'session:wrap-up', { sessionId: session.sessionId, ...input })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await call(agent, 'session:wrap-up', { sessionId: session.sessionId, notes: 'no code' })).toMatchObject({ ok: false, error: { code: 'WRAP_UP_REQUIRED' } });
    expect((await sessionsOf(conversationId))[0]).toMatchObject({ state: 'wrap_up', wrapUpCode: null });

    const closed = await expectOk(call<{ session: SessionCard }>(agent, 'session:wrap-up', { sessionId: session.sessionId, code: 'resolved', tags: ['billing'], notes: 'Refunded' }));
    expect(closed.session).toMatchObject({ state: 'closed', wrapUpCode: 'resolved' });
    expect((await sessionsOf(conversationId))[0]).toMatchObject({ tags: ['billing'], notes: 'Refunded' });
    const resolved = dispositions.find((d) => d.code === 'resolved')!;
    const del = await api(`/dispositions/${resolved.id}`, 'DELETE');
    expect(del.status).toBe(409);
    expect((await del.json()) as unknown).toMatchObject({ error: { code: 'CONFLICT' } });
  });

  it('the catalog: global quick replies plus those of the agent’s queues; active dispositions; tags', async () => {
    const [billing] = await database.db.select().from(queues).where(eq(queues.name, 'Billing'));
    const cookie = await loginCookie(server);
    const post = (body: unknown) => fetch(`${server.url}/api/v1/quick-replies`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post({ title: 'Invoice copy', body: 'Here is your invoice.', queueId: billing!.id });
    const g = await grace();
    const withBilling = await expectOk(call<AgentCatalog>(g, 'catalog:get', {}));
    expect(withBilling.quickReplies.map((q) => q.title).sort()).toEqual(['Goodbye', 'Greeting', 'Invoice copy', 'Order status', 'Shipping times']);
    expect(withBilling.dispositions.map((d) => d.code).sort()).toEqual(['follow_up', 'info_given', 'resolved', 'sale']);
    expect(withBilling.tags.map((t) => t.name)).toEqual(['billing', 'complaint', 'product', 'shipping']);
    const [graceRow] = await database.db.select().from(agents).where(eq(agents.email, DEMO.agent2Email));
    await database.db.delete(agentQueues).where(eq(agentQueues.agentId, graceRow!.id));
    const without = await expectOk(call<AgentCatalog>(g, 'catalog:get', {}));
    expect(without.quickReplies.map((q) => q.title)).not.toContain('Invoice copy');
  });
});
