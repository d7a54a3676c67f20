import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDetail, Message, Offer, SyncResult, XDelivery } from '../../../protocol/index.ts';
import type { Database } from '../../db/client.ts';
import { contacts, conversations, messages, sessions, xAccounts, xContacts, xInbox, xOutbound } from '../../db/schema.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { png as makePng } from '../../attachments/test-images.ts';
import { call, closeSockets, collect, connectAgent, expectOk, nextMatching, startTestServer, type AgentSocket } from '../../testing/test-kit.ts';
import { DEMO } from '../../services/seed-demo.ts';
import { until, waitFor } from '../../testing/wait-for.ts';
import { BRAND, connectBrand, CONSUMER_SECRET, CUSTOMER, startFakeX, xEnv, xOptions, type FakeXHandle, type SentDm } from '../../testing/x-kit.ts';
import { signatureOf } from './webhook-signature.ts';

/**
 * X direct messages end to end against the fake X API over real HTTP (issue 19): webhook (real CRC,
 * signed deliveries), ingestion and routing on the Twitter queue, the agent's answer through the outbound
 * queue, X's limits, duplicates, echoes, images, and polling, on each database backend.
 */
describe.each(backends)('X direct messages on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let x: FakeXHandle;
  let accountId: string;

  beforeEach(async () => {
    x = await startFakeX();
    database = await backend.open();
    server = await startTestServer(database, xEnv(x.url), { x: xOptions() });
    accountId = await connectBrand(database, x, { webhook: server });
  });
  afterEach(async () => {
    closeSockets();
    await server.close();
    await database.close();
    await x.close();
  });

  const injectDm = (text: string, extra: Record<string, unknown> = {}) =>
    x.control<{ dm_event_id: string; dm_conversation_id: string; event_uuids: string[] }>('POST', '/__fake/inject/dm', { from: CUSTOMER, text, ...extra });
  const sentDms = () => x.control<SentDm[]>('GET', '/__fake/sent-dms');
  const dmConversation = () => until(async () => (await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm')))[0], Boolean);
  const messagesOf = (conversationId: string) => database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.seq);

  async function readyOnTwitter(): Promise<AgentSocket> {
    const agent = await connectAgent(server);
    await expectOk(call(agent, 'presence:set', { channel: 'twitter', state: 'ready' }));
    return agent;
  }

  /** A customer's DM offered to Ada (Ready on Twitter), accepted. */
  async function acceptedDm(text = 'Where is my order?') {
    const agent = await readyOnTwitter();
    const offered = nextMatching<Offer>(agent, 'offer');
    await injectDm(text);
    const offer = await offered;
    const detail = await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer.id }));
    return { agent, offer, detail };
  }

  it('answers the CRC challenge with the consumer secret, and refuses tokens that could make it a signing oracle', async () => {
    const ok = await fetch(`${server.url}/api/v1/channels/x/webhook?crc_token=abcdefghijklmnop0123`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ response_token: signatureOf(CONSUMER_SECRET, 'abcdefghijklmnop0123') });
    const forged = encodeURIComponent('{"data":{"event_uuid":"1"}}');
    const bad = await fetch(`${server.url}/api/v1/channels/x/webhook?crc_token=${forged}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('a DM reaches the agent Ready on Twitter as an offer; the answer reaches X exactly once and shows as sent', async () => {
    // Grace works chat only: Ready there, she is never offered an X DM.
    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    await expectOk(call(grace, 'presence:set', { channel: 'chat', state: 'ready' }));
    const graceOffers = collect<Offer>(grace, 'offer');
    const { agent, offer, detail } = await acceptedDm('Where is my order?');
    expect(graceOffers).toEqual([]);
    expect(offer.queue.name).toBe('Twitter');
    expect(offer.preview).toBe('Where is my order?');
    expect(detail.conversation.channel).toBe('x_dm');
    const inbound = detail.messages.find((m) => m.kind === 'text' && m.author.kind === 'visitor') as Message & { kind: 'text' };
    expect(inbound).toMatchObject({ text: 'Where is my order?', x: { authorXId: CUSTOMER.id, username: CUSTOMER.username } });
    // The contact is the X user, by id, with name and handle.
    const [xc] = await database.db.select().from(xContacts).where(eq(xContacts.xUserId, CUSTOMER.id));
    expect(xc).toMatchObject({ username: 'jo', name: 'Jo', contactId: detail.conversation.contact.id });
    const [session] = await database.db.select().from(sessions).where(eq(sessions.conversationId, offer.conversationId));
    expect(session!.channel).toBe('twitter');

    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    const reply = await expectOk(call<{ message: Message }>(agent, 'message:send', { conversationId: offer.conversationId, clientId: randomUUID(), text: 'It ships today.' }));
    expect(reply.message.xDelivery).toEqual({ state: 'pending', retryAt: null, reason: null });
    expect(await sent).toMatchObject({ conversationId: offer.conversationId, messageId: reply.message.id, state: 'sent' });
    const dms = await sentDms();
    expect(dms.map((d) => d.text)).toEqual(['It ships today.']);
    expect(dms[0]!.dm_conversation_id).toBe(`${BRAND.id}-${CUSTOMER.id}`);
    // The echo (dm.sent) comes back by webhook and is recognised: still one agent message.
    await waitFor(async () => (await x.control<{ eventType: string; ok: boolean }[]>('GET', '/__fake/deliveries')).some((d) => d.eventType === 'dm.sent' && d.ok), { what: 'the echo delivered' });
    await waitFor(async () => (await database.db.select().from(xInbox)).length === 0, { what: 'the inbox processed' });
    const agentTexts = (await messagesOf(offer.conversationId)).filter((m) => m.authorKind === 'agent' && m.kind === 'text').map((m) => m.body);
    expect(agentTexts).toEqual(['It ships today.']);
    const synced = await expectOk(call<SyncResult>(agent, 'sync', { conversationId: offer.conversationId, afterSeq: 0 }));
    expect(synced.events.find((m) => m.id === reply.message.id)?.xDelivery).toEqual({ state: 'sent', retryAt: null, reason: null });
  });

  it('a DM into an ended conversation opens a new session, offered again on Twitter', async () => {
    const { agent, offer } = await acceptedDm('First question');
    const ended = await expectOk(call<{ session: { sessionId: string } }>(agent, 'session:end', { conversationId: offer.conversationId }));
    await expectOk(call(agent, 'session:wrap-up', { sessionId: ended.session.sessionId }));
    const again = nextMatching<Offer>(agent, 'offer');
    await injectDm('One more thing');
    const second = await again;
    expect(second).toMatchObject({ conversationId: offer.conversationId, queue: { name: 'Twitter' }, preview: 'One more thing', returning: true });
    const kinds = (await messagesOf(offer.conversationId)).map((m) => (m.kind === 'event' ? (m.payload as { type: string }).type : m.body));
    expect(kinds.slice(-2)).toEqual(['conversation_reopened', 'One more thing']);
    expect(await database.db.select().from(sessions).where(eq(sessions.conversationId, offer.conversationId))).toHaveLength(2);
  });

  it('matches the X sender by user id, never by handle, and follows their new name and handle', async () => {
    await injectDm('first');
    const [before] = await until(() => database.db.select().from(xContacts), (rows) => rows.length === 1);
    await x.control('POST', '/__fake/inject/dm', { from: { id: CUSTOMER.id, username: 'jo_new', name: 'Jo New' }, text: 'renamed' });
    await until(async () => (await database.db.select().from(xContacts))[0]!.username, (u) => u === 'jo_new');
    const [after] = await database.db.select().from(xContacts);
    expect(after!.contactId).toBe(before!.contactId);
    const [contact] = await database.db.select().from(contacts).where(eq(contacts.id, before!.contactId));
    expect(contact!.name).toBe('Jo New');
    // Someone else now holding the old handle is someone else.
    await x.control('POST', '/__fake/inject/dm', { from: { id: '5550001', username: 'jo', name: 'Another Jo' }, text: 'hi' });
    const rows = await until(() => database.db.select().from(xContacts), (r) => r.length === 2);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(2);
    expect(await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm'))).toHaveLength(2);
  });

  it('a webhook with a bad signature gets 401 and creates nothing', async () => {
    const body = JSON.stringify({ data: { event_uuid: '1', event_type: 'dm.received', filter: { user_id: BRAND.id }, payload: { direct_message_events: [] } } });
    for (const signature of [undefined, signatureOf('not-the-secret', body), signatureOf(CONSUMER_SECRET, body + ' ')]) {
      const res = await fetch(`${server.url}/api/v1/channels/x/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-twitter-webhooks-signature': signature } : {}) }, body });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    expect(await database.db.select().from(xInbox)).toEqual([]);
    expect(await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm'))).toEqual([]);
  });

  it('a duplicate delivery creates one message', async () => {
    const injected = await injectDm('only once');
    const conv = await dmConversation();
    await x.control('POST', '/__fake/deliver-again', { event_uuid: injected.event_uuids[0] });
    await x.control('POST', '/__fake/deliver-again', { event_uuid: injected.event_uuids[0] });
    await waitFor(async () => (await database.db.select().from(xInbox)).length === 0, { what: 'the inbox processed' });
    const texts = (await messagesOf(conv!.id)).filter((m) => m.kind === 'text').map((m) => m.body);
    expect(texts).toEqual(['only once']);
    // The same DM read again by polling is the same message too.
    await server.services.xSink.dm((await database.db.select().from(xAccounts))[0]!, {
      eventId: injected.dm_event_id,
      dmConversationId: injected.dm_conversation_id,
      sender: { id: CUSTOMER.id, username: 'jo', name: 'Jo' },
      recipientId: BRAND.id,
      text: 'only once',
      media: [],
      createdAt: new Date(),
    });
    expect((await messagesOf(conv!.id)).filter((m) => m.kind === 'text')).toHaveLength(1);
  });

  it("a 429 holds the reply until X's reset, tells the agent when, then sends it once", async () => {
    const { agent, offer } = await acceptedDm();
    await x.control('POST', '/__fake/rate-limit', { endpoint: 'dm_send', remaining: 0, resetInSec: 2 });
    const held = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'held');
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    await expectOk(call(agent, 'message:send', { conversationId: offer.conversationId, clientId: randomUUID(), text: 'Held for a moment' }));
    const h = await held;
    expect(h.retryAt).not.toBeNull();
    expect(Date.parse(h.retryAt!)).toBeGreaterThan(Date.now() - 1_000);
    const [account] = await database.db.select().from(xAccounts).where(eq(xAccounts.id, accountId));
    expect(account!.rateLimitedUntil).not.toBeNull();
    await sent;
    expect((await sentDms()).map((d) => d.text)).toEqual(['Held for a moment']);
  });

  it('refuses for good what X refuses, with its reason', async () => {
    const { agent, offer } = await acceptedDm();
    // The thread id is X's: a conversation X does not know is refused (4xx), not retried.
    await database.db.update(conversations).set({ externalThreadId: '1-2' }).where(eq(conversations.id, offer.conversationId));
    const refused = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'refused');
    await expectOk(call(agent, 'message:send', { conversationId: offer.conversationId, clientId: randomUUID(), text: 'To nobody' }));
    expect((await refused).reason).toBeTruthy();
    expect(await sentDms()).toEqual([]);
  });

  it('an image DM arrives as an image message; an agent image goes out through media upload', async () => {
    const png = makePng(4, 3);
    const agent = await readyOnTwitter();
    const offered = nextMatching<Offer>(agent, 'offer');
    await injectDm('my parcel', { media: { bytes: Buffer.from(png).toString('base64'), type: 'image/png' } });
    const offer = await offered;
    const detail = await expectOk(call<ConversationDetail>(agent, 'offer:accept', { offerId: offer.id }));
    const image = detail.messages.find((m) => m.kind === 'image');
    expect(image).toMatchObject({ kind: 'image', text: 'my parcel', attachment: { type: 'image/png' } });

    const cookie = (agent.io.opts.extraHeaders as Record<string, string>).cookie!;
    const form = new FormData();
    form.set('conversationId', offer.conversationId);
    form.set('file', new Blob([Buffer.from(png)], { type: 'image/png' }), 'reply.png');
    const up = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', headers: { cookie, origin: new URL(server.url).origin }, body: form });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const sent = nextMatching<XDelivery>(agent, 'x:delivery', (d) => d.state === 'sent');
    await expectOk(call(agent, 'message:send', { conversationId: offer.conversationId, clientId: randomUUID(), text: 'here it is', attachmentId: attachment.id }));
    await sent;
    const [dm] = await sentDms();
    expect(dm).toMatchObject({ text: 'here it is' });
    expect(dm!.media_keys).toHaveLength(1);
    const media = await x.control<{ media_category: string; bytes: string }>('GET', `/__fake/media/${dm!.media_keys[0]}`);
    expect(media.media_category).toBe('dm_image');
    expect(Buffer.from(media.bytes, 'base64').equals(Buffer.from(png))).toBe(true);
  });

  it("stores a DM the brand wrote in X's own app as an agent-side message", async () => {
    const { offer } = await acceptedDm();
    // X's app, not Parley: the fake's API is the brand's client here.
    const token = x.fake.control.authorize().access_token;
    await fetch(`${x.url}/2/dm_conversations/with/${CUSTOMER.id}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Written on x.com' }) });
    const rows = await until(() => messagesOf(offer.conversationId), (rs) => rs.some((m) => m.body === 'Written on x.com'));
    const row = rows.find((m) => m.body === 'Written on x.com');
    expect(row).toMatchObject({ authorKind: 'agent', authorName: `@${BRAND.username}` });
  });

  it('polling brings a DM the webhook missed, once, and keeps its cursor', async () => {
    // The webhook is down: X gives up on it; polling carries on.
    x.fake.control.webhooks().forEach((w) => (w.valid = false));
    const injected = await injectDm('seen by polling');
    const [account] = await database.db.select().from(xAccounts);
    const runtimePoller = (await import('./poller.ts')).createXPoller({
      db: database.db,
      clock: { now: () => new Date() },
      logger: server.logger,
      http: server.services.xAccounts.http,
      tokens: server.services.xAccounts.tokens,
      noteRateLimited: server.services.xAccounts.noteRateLimited,
      sink: server.services.xSink,
    });
    // Connected before the DM: a first poll takes what came since.
    await database.db.update(xAccounts).set({ connectedAt: new Date(Date.now() - 60_000) }).where(eq(xAccounts.id, account!.id));
    await runtimePoller.pollAccount({ ...account!, connectedAt: new Date(Date.now() - 60_000) });
    const conv = await dmConversation();
    expect((await messagesOf(conv!.id)).filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['seen by polling']);
    const [after] = await database.db.select().from(xAccounts);
    expect(after!.dmCursor).toBe(injected.dm_event_id);
    // A second poll in the same interval is not claimed; a later one finds nothing new.
    await runtimePoller.pollAccount(after!);
    expect((await messagesOf(conv!.id)).filter((m) => m.kind === 'text')).toHaveLength(1);
    const outbound = await database.db.select().from(xOutbound).where(and(eq(xOutbound.accountId, account!.id)));
    expect(outbound).toEqual([]);
  });
});
