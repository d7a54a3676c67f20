import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Contact, ContactHistory, ContactListItem, ConversationSummary, Message, Offer, PublicThreads } from '../../protocol/index.ts';
import type { InboundPost } from '../channels/x/contracts.ts';
import type { Database } from '../db/client.ts';
import { auditLog, conversations, messages, queues, sessions, websites, xAccounts, xContacts, xOutbound, type XAccountRow } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from './seed-demo.ts';
import { api, call, connectAgent, connectVisitor, expectOk, loginCookie, nextMatching, useTestServer, type AgentSocket } from '../testing/test-kit.ts';

const BRAND = '17200003';
const CUST = '944480690';
const OTHER = '1000000000000000001';

describe.each(backends)('X public posts on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  async function connectAccount(capabilities = { likes: false, unsummonedReplies: false }): Promise<XAccountRow> {
    const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
    const [row] = await database.db
      .insert(xAccounts)
      .values({ websiteId: site!.id, xUserId: BRAND, username: 'KettleLeaf', name: 'Kettle & Leaf', accessToken: 'sealed', tokenExpiresAt: new Date(Date.now() + 7_200_000), capabilities })
      .returning();
    return row!;
  }

  let seq = 0;
  function post(over: Partial<InboundPost> & { id: string }): InboundPost {
    seq += 1;
    return {
      text: 'hey @KettleLeaf my tea arrived cold',
      author: { id: CUST, username: 'jo', name: 'Jo' },
      conversationId: over.id,
      inReplyToPostId: null,
      inReplyToUserId: null,
      summonedBrand: true,
      media: [],
      createdAt: new Date(Date.UTC(2026, 6, 24, 21, 23, seq)),
      ...over,
    };
  }

  const threadMessages = (conversationId: string) => database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.seq);
  const publicConversations = () => database.db.select().from(conversations).where(eq(conversations.channel, 'x_public'));

  async function readyOnTwitter(): Promise<AgentSocket> {
    const ada = await connectAgent(server);
    await expectOk(call(ada, 'presence:set', { channel: 'twitter', state: 'ready' }));
    return ada;
  }

  it('a mention becomes a thread of its author (matched by X id), queued on Twitter and offered to an agent Ready there; duplicates are stored once', async () => {
    const account = await connectAccount();
    const ada = await readyOnTwitter();
    const offered = nextMatching<Offer>(ada, 'offer');
    const mention = post({ id: '2080765813578191303' });
    await server.services.xPublic.sink.post(account, mention);
    await server.services.xPublic.sink.post(account, mention); // webhook and polling both deliver it
    const offer = await offered;
    expect(offer.preview).toBe(mention.text);

    const [conv] = await publicConversations();
    expect(conv).toMatchObject({ externalThreadId: mention.id, xAccountId: account.id, channel: 'x_public' });
    const rows = await threadMessages(conv!.id);
    expect(rows.filter((r) => r.kind === 'text')).toHaveLength(1);
    const [session] = await database.db.select().from(sessions).where(eq(sessions.conversationId, conv!.id));
    const [queue] = await database.db.select().from(queues).where(eq(queues.id, session!.queueId!));
    expect(queue).toMatchObject({ channel: 'twitter', name: 'Twitter' });
    expect(session!.channel).toBe('twitter');

    // The same X user under a new handle is the same contact; the handle follows.
    await server.services.xPublic.sink.post(account, post({ id: '2080765813578191400', author: { id: CUST, username: 'jo_new', name: 'Jo' } }));
    const people = await database.db.select().from(xContacts);
    expect(people).toEqual([expect.objectContaining({ xUserId: CUST, username: 'jo_new', contactId: conv!.contactId })]);

    const threads = await expectOk(call<PublicThreads>(ada, 'x:threads', { conversationId: conv!.id }));
    expect(threads.xUser).toMatchObject({ id: CUST, username: 'jo_new' });
    expect(threads.account).toMatchObject({ username: 'KettleLeaf', capabilities: { likes: false, unsummonedReplies: false } });
    expect(threads.threads).toHaveLength(2);
    const first = threads.threads.find((t) => t.rootPostId === mention.id)!;
    expect(first.posts.map((m) => m.x)).toEqual([expect.objectContaining({ postId: mention.id, authorXId: CUST, username: 'jo', summonedBrand: true, inReplyToPostId: null })]);
  });

  it('replies in a thread join its conversation; the brand\'s own posts are agent-side; our echoed reply is not stored twice', async () => {
    const account = await connectAccount({ likes: false, unsummonedReplies: true });
    const root = post({ id: '500' });
    await server.services.xPublic.sink.post(account, root);
    // The brand answered on X directly, then the customer answered that.
    await server.services.xPublic.sink.post(account, post({ id: '501', conversationId: '500', inReplyToPostId: '500', author: { id: BRAND, username: 'KettleLeaf', name: 'Kettle & Leaf' }, text: 'So sorry, Jo!', summonedBrand: false }));
    await server.services.xPublic.sink.post(account, post({ id: '502', conversationId: '500', inReplyToPostId: '501', text: 'thanks', summonedBrand: false }));
    // A brand post in a thread we never saw starts nothing.
    await server.services.xPublic.sink.post(account, post({ id: '900', author: { id: BRAND, username: 'KettleLeaf', name: 'Kettle & Leaf' } }));
    const convs = await publicConversations();
    expect(convs).toHaveLength(1);
    const texts = (await threadMessages(convs[0]!.id)).filter((r) => r.kind === 'text');
    expect(texts.map((r) => [r.authorKind, r.body])).toEqual([
      ['visitor', root.text],
      ['agent', 'So sorry, Jo!'],
      ['visitor', 'thanks'],
    ]);

    const ada = await connectAgent(server);
    const { message } = await expectOk(call<{ message: Message }>(ada, 'x:reply', { conversationId: convs[0]!.id, clientId: randomUUID(), inReplyToPostId: '502', text: 'Glad to help!' }));
    await database.db.update(xOutbound).set({ state: 'sent', xId: '503' }).where(eq(xOutbound.messageId, message.id));
    await server.services.xPublic.sink.post(account, post({ id: '503', conversationId: '500', inReplyToPostId: '502', author: { id: BRAND, username: 'KettleLeaf', name: 'Kettle & Leaf' }, text: 'Glad to help!' }));
    const after = (await threadMessages(convs[0]!.id)).filter((r) => r.kind === 'text');
    expect(after).toHaveLength(4);
    expect(after[3]!.payload).toMatchObject({ x: { postId: '503', inReplyToPostId: '502', authorXId: BRAND } });
  });

  it('a public reply is checked as X would (280 weighted characters; self-serve only to a post that summoned the brand), stored and queued once', async () => {
    const account = await connectAccount();
    await server.services.xPublic.sink.post(account, post({ id: '700' }));
    await server.services.xPublic.sink.post(account, post({ id: '701', conversationId: '700', inReplyToPostId: '700', text: 'also the lid is broken', summonedBrand: false }));
    const [conv] = await publicConversations();
    const ada = await connectAgent(server);
    const reply = (inReplyToPostId: string, text: string, clientId = randomUUID()) => call<{ message: Message }>(ada, 'x:reply', { conversationId: conv!.id, clientId, inReplyToPostId, text });

    expect(await reply('700', 'a'.repeat(281))).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LONG' } });
    expect(await reply('701', 'We are on it')).toMatchObject({ ok: false, error: { code: 'X_NOT_ALLOWED', message: expect.stringContaining('@KettleLeaf') } });
    expect(await reply('999', 'Which post?')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const clientId = randomUUID();
    const cjk = '中'.repeat(140); // 280 weighted: exactly the limit
    const first = await expectOk(reply('700', cjk, clientId));
    const again = await expectOk(reply('700', cjk, clientId));
    expect(again.message.id).toBe(first.message.id);
    expect(first.message).toMatchObject({ author: { kind: 'agent' }, x: { inReplyToPostId: '700', authorXId: BRAND, username: 'KettleLeaf' } });
    const queued = await database.db.select().from(xOutbound);
    expect(queued).toEqual([expect.objectContaining({ kind: 'reply', messageId: first.message.id, targetPostId: '700', state: 'pending', accountId: account.id })]);
    // Replying took the waiting thread: Ada holds it now.
    const [held] = await database.db.select().from(sessions).where(and(eq(sessions.conversationId, conv!.id), eq(sessions.state, 'active')));
    expect(held?.agentId).toBeTruthy();
  });

  it('likes need the capability; a like is queued once and shown on the post; unlike queues the other kind', async () => {
    const selfServe = await connectAccount();
    await server.services.xPublic.sink.post(selfServe, post({ id: '800' }));
    const [conv] = await publicConversations();
    const ada = await connectAgent(server);
    expect(await call(ada, 'x:like', { conversationId: conv!.id, postId: '800', liked: true })).toMatchObject({ ok: false, error: { code: 'X_NOT_ALLOWED' } });

    await database.db.update(xAccounts).set({ capabilities: { likes: true, unsummonedReplies: true } }).where(eq(xAccounts.id, selfServe.id));
    expect(await expectOk(call(ada, 'x:like', { conversationId: conv!.id, postId: '800', liked: true }))).toEqual({ postId: '800', liked: true });
    await expectOk(call(ada, 'x:like', { conversationId: conv!.id, postId: '800', liked: true }));
    const threads = await expectOk(call<PublicThreads>(ada, 'x:threads', { conversationId: conv!.id }));
    expect(threads.threads[0]!.posts[0]!.x).toMatchObject({ postId: '800', liked: true });
    await expectOk(call(ada, 'x:like', { conversationId: conv!.id, postId: '800', liked: false }));
    const kinds = (await database.db.select().from(xOutbound).orderBy(xOutbound.createdAt)).map((r) => [r.kind, r.targetPostId]);
    expect(kinds).toEqual([
      ['like', '800'],
      ['unlike', '800'],
    ]);
  });

  it('move to DM opens (or finds) the direct-message conversation with the author, keyed {smaller}-{larger}', async () => {
    const account = await connectAccount();
    await server.services.xPublic.sink.post(account, post({ id: '600', author: { id: OTHER, username: 'big', name: 'Big Id' } }));
    const [conv] = await publicConversations();
    const ada = await connectAgent(server);
    const moved = await expectOk(call<{ conversation: ConversationSummary }>(ada, 'x:move-to-dm', { conversationId: conv!.id }));
    const again = await expectOk(call<{ conversation: ConversationSummary }>(ada, 'x:move-to-dm', { conversationId: conv!.id }));
    expect(again.conversation.id).toBe(moved.conversation.id);
    expect(moved.conversation).toMatchObject({ channel: 'x_dm', contact: { id: conv!.contactId } });
    const [dm] = await database.db.select().from(conversations).where(eq(conversations.id, moved.conversation.id));
    expect(dm!.externalThreadId).toBe(`${BRAND}-${OTHER}`);
  });

  it('Communication › Public lists X contacts; linking one to a web contact moves its threads there and the history shows both', async () => {
    const account = await connectAccount();
    // A web contact who chatted on the site.
    const visitor = await connectVisitor(server);
    const web = await expectOk(call<{ conversationId: string }>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hello from the website' }));
    await server.services.xPublic.sink.post(account, post({ id: '300' }));
    const [conv] = await publicConversations();
    const ada = await connectAgent(server);

    const search = (visibility: 'public' | 'private', query = '') => expectOk(call<{ contacts: ContactListItem[] }>(ada, 'contacts:search', { query, visibility }));
    expect((await search('public')).contacts.map((c) => c.conversationId)).toEqual([conv!.id]);
    expect((await search('public', '@jo')).contacts).toHaveLength(1);
    expect((await search('private')).contacts.map((c) => c.conversationId)).toEqual([web.conversationId]);

    const [webConv] = await database.db.select().from(conversations).where(eq(conversations.id, web.conversationId));
    expect(await call(ada, 'contact:link', { contactId: webConv!.contactId, intoContactId: conv!.contactId })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const linked = await expectOk(call<{ contact: Contact }>(ada, 'contact:link', { contactId: conv!.contactId, intoContactId: webConv!.contactId }));
    expect(linked.contact.identities).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'twitter', value: '@jo', externalId: CUST })]));

    const history = await expectOk(call<ContactHistory>(ada, 'contact:history', { conversationId: web.conversationId }));
    const bodies = history.messages.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''));
    expect(bodies).toEqual(expect.arrayContaining(['Hello from the website', 'hey @KettleLeaf my tea arrived cold']));
    expect(new Set(history.sessions.map((s) => s.channel))).toEqual(new Set(['chat', 'twitter']));
    // Private lists the person once; Public still finds their thread.
    expect((await search('public')).contacts.map((c) => c.contact.id)).toEqual([webConv!.contactId]);
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'contact.link'));
    expect(entry).toMatchObject({ targetType: 'contact', targetId: webConv!.contactId });
  });

  it('X threads of another website are out of an agent\'s reach, and a contact is never linked across websites', async () => {
    const demoAccount = await connectAccount({ likes: true, unsummonedReplies: true });
    const admin = await loginCookie(server);
    const other = (await api(server, admin, 'POST', '/websites', { key: 'other-shop', name: 'Other shop', allowedOrigins: [new URL(server.url).origin] })).body.website as { id: string };
    const [otherAccount] = await database.db
      .insert(xAccounts)
      .values({ websiteId: other.id, xUserId: '55555', username: 'OtherShop', name: 'Other shop', accessToken: 'sealed', tokenExpiresAt: new Date(Date.now() + 7_200_000), capabilities: { likes: true, unsummonedReplies: true } })
      .returning();
    await server.services.xPublic.sink.post(otherAccount!, post({ id: '1100' }));
    await server.services.xPublic.sink.post(demoAccount, post({ id: '1200' }));
    const [otherThread] = await database.db.select().from(conversations).where(eq(conversations.websiteId, other.id));
    const [demoThread] = await database.db.select().from(conversations).where(and(eq(conversations.channel, 'x_public'), eq(conversations.xAccountId, demoAccount.id)));
    // The same X user on two websites is two contacts (x_contacts is per website).
    expect(otherThread!.contactId).not.toBe(demoThread!.contactId);

    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    const code = async (event: string, payload: unknown) => {
      const ack = await call(grace, event, payload);
      return ack.ok ? 'ok' : ack.error.code;
    };
    expect(await code('x:threads', { conversationId: otherThread!.id })).toBe('FORBIDDEN');
    expect(await code('x:reply', { conversationId: otherThread!.id, clientId: randomUUID(), inReplyToPostId: '1100', text: 'hi' })).toBe('FORBIDDEN');
    expect(await code('x:like', { conversationId: otherThread!.id, postId: '1100', liked: true })).toBe('FORBIDDEN');
    expect(await code('x:move-to-dm', { conversationId: otherThread!.id })).toBe('FORBIDDEN');
    expect(await code('contact:link', { contactId: otherThread!.contactId, intoContactId: demoThread!.contactId })).toBe('FORBIDDEN');
    // In scope, but into another website's contact: as if it did not exist.
    expect(await code('contact:link', { contactId: demoThread!.contactId, intoContactId: otherThread!.contactId })).toBe('NOT_FOUND');
    expect(await code('x:threads', { conversationId: demoThread!.id })).toBe('ok');
    expect(await database.db.select().from(xOutbound)).toEqual([]);
  });

  it('concurrent deliveries of a new author\'s posts (webhook and polling at once) make one contact, one thread, each post once', async () => {
    const account = await connectAccount();
    const root = post({ id: '4000', author: { id: '4242', username: 'new', name: 'New' } });
    const reply = post({ id: '4001', conversationId: '4000', inReplyToPostId: '4000', author: { id: '4242', username: 'new', name: 'New' } });
    await Promise.all([root, root, reply, root, reply].map((p) => server.services.xPublic.sink.post(account, p)));
    const convs = await publicConversations();
    expect(convs).toHaveLength(1);
    expect(await database.db.select().from(xContacts)).toHaveLength(1);
    expect((await threadMessages(convs[0]!.id)).filter((r) => r.kind === 'text').map((r) => (r.payload as { x: { postId: string } }).x.postId).sort()).toEqual(['4000', '4001']);
    expect(await database.db.select().from(sessions).where(eq(sessions.conversationId, convs[0]!.id))).toHaveLength(1);
  });

  it('erasing an X contact forgets its X account and thread: the same user posting again is a new contact in a new thread', async () => {
    const account = await connectAccount({ likes: true, unsummonedReplies: true });
    await server.services.xPublic.sink.post(account, post({ id: '5000' }));
    const [conv] = await publicConversations();
    const ada = await connectAgent(server);
    // Handled and closed: a contact in conversation cannot be erased.
    await expectOk(call(ada, 'conversation:take', { conversationId: conv!.id }));
    const ended = await expectOk(call<{ session: { sessionId: string } }>(ada, 'session:end', { conversationId: conv!.id }));
    await expectOk(call(ada, 'session:wrap-up', { sessionId: ended.session.sessionId, code: 'resolved' }));
    await expectOk(call(ada, 'x:like', { conversationId: conv!.id, postId: '5000', liked: true }));
    expect(await database.db.select().from(xOutbound)).toHaveLength(1);
    const admin = await loginCookie(server);
    const erased = await api(server, admin, 'POST', `/admin/contacts/${conv!.contactId}/erase`, { confirm: conv!.contactId });
    expect(erased.status).toBe(200);
    expect(await database.db.select().from(xContacts)).toEqual([]);
    expect(await database.db.select().from(xOutbound)).toEqual([]);

    await server.services.xPublic.sink.post(account, post({ id: '5001', conversationId: '5000', inReplyToPostId: '5000' }));
    const after = await publicConversations();
    expect(after).toHaveLength(2);
    const fresh = after.find((c) => c.id !== conv!.id)!;
    expect(fresh.contactId).not.toBe(conv!.contactId);
    expect(fresh.externalThreadId).toBe('5000');
    expect((await threadMessages(conv!.id)).length).toBe(0);
  });
});

