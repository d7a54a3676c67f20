import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_MAX_TTL_SECONDS, type Contact, type ContactHistory, type IdentifyResult, type Message, type SyncResult, type VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { contacts, visitors, websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, call, closeSockets, connectAgent, connectVisitor, expectOk, handshakeRefusal, loginCookie, nextEvents, visitorSocket, startTestServer, type VisitorSocket } from '../testing/test-kit.ts';

const SECRET = 'identity-test-site-secret-0123456789abcdef';
const texts = (events: Message[]) => events.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''));
const nowSec = () => Math.floor(Date.now() / 1000);

/** What a site's backend does: an HS256 JWT signed with the website's identity secret. */
function siteJwt(claims: { sub?: string; name?: string; email?: string; phone?: string }, opts: { ttl?: number | null; secret?: string; alg?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256' }).setIssuedAt();
  if (opts.ttl !== null) jwt.setExpirationTime(nowSec() + (opts.ttl ?? 300));
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

/** An unsigned token (`alg: none`) that jose will not produce. */
function unsignedJwt(claims: Record<string, unknown>) {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe.each(backends)('verified identity on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
    await database.db.update(websites).set({ identitySecret: SECRET }).where(eq(websites.key, DEMO.websiteKey));
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const identify = async (socket: VisitorSocket, jwt: string | Promise<string>) => expectOk(call<IdentifyResult>(socket, 'identify', { jwt: await jwt }));
  const send = (socket: VisitorSocket, text: string) => expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }));
  const sync = (socket: VisitorSocket) => expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
  const contactByExternalId = async (sub: string) => (await database.db.select().from(contacts).where(eq(contacts.externalId, sub)))[0] ?? null;

  async function agentHistory(conversationId: string): Promise<ContactHistory> {
    const agent = await connectAgent(server);
    return expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
  }

  it.each([
    ['expired', (sub: string) => siteJwt({ sub }, { ttl: -10 }), /expired/],
    ['signed with another secret', (sub: string) => siteJwt({ sub }, { secret: 'not-the-site-secret-0123456789abcdef' }), /not signed with this website/],
    ['without exp', (sub: string) => siteJwt({ sub }, { ttl: null }), /no exp/],
    ['with an exp too far ahead', (sub: string) => siteJwt({ sub }, { ttl: IDENTITY_MAX_TTL_SECONDS + 60 }), /too far ahead/],
    ['unsigned (alg none)', async (sub: string) => unsignedJwt({ sub, exp: nowSec() + 60 }), /HS256|malformed/],
    ['signed with HS512', (sub: string) => siteJwt({ sub }, { alg: 'HS512' }), /HS256/],
    ['without sub', (_sub: string) => siteJwt({}), /sub/],
    ['not a JWT at all', async (_sub: string) => 'hello.world', /malformed/],
  ])('refuses a token %s with IDENTITY_INVALID; the visitor stays as it was', async (_what, makeJwt, message) => {
    const sub = `refused-${randomUUID()}`;
    const jwt = await makeJwt(sub);
    const socket = await connectVisitor(server);
    const { conversationId, token } = await send(socket, 'Still anonymous');
    const ack = await call(socket, 'identify', { jwt });
    expect(ack).toMatchObject({ ok: false, error: { code: 'IDENTITY_INVALID', message: expect.stringMatching(message) } });
    // Same conversation on this socket and with the anonymous token; no verified contact appeared.
    expect((await sync(socket)).conversationId).toBe(conversationId);
    expect(texts((await sync(await connectVisitor(server, { token: token! }))).events)).toEqual(['Still anonymous']);
    expect(await contactByExternalId(sub)).toBeNull();
  });

  it('refuses identify with a clear message while the website has no identity secret', async () => {
    await database.db.update(websites).set({ identitySecret: null }).where(eq(websites.key, DEMO.websiteKey));
    try {
      const ack = await call(await connectVisitor(server), 'identify', { jwt: await siteJwt({ sub: 'no-secret' }) });
      expect(ack).toMatchObject({ ok: false, error: { code: 'IDENTITY_INVALID', message: expect.stringMatching(/no identity secret/) } });
      expect(await contactByExternalId('no-secret')).toBeNull();
    } finally {
      await database.db.update(websites).set({ identitySecret: SECRET }).where(eq(websites.key, DEMO.websiteKey));
    }
  });

  it('links two browsers of one user to one conversation: history and live messages on both', async () => {
    const sub = `user-${randomUUID()}`;
    const laptop = await connectVisitor(server);
    const first = await identify(laptop, siteJwt({ sub, name: 'Marie Curie', email: 'marie@example.com' }));
    expect(first.conversationId).toBeNull();
    const { conversationId } = await send(laptop, 'Written on the laptop');

    const phone = await connectVisitor(server);
    const second = await identify(phone, siteJwt({ sub }));
    expect(second).toMatchObject({ contactId: first.contactId, conversationId });
    expect(second.token).not.toBe(first.token);
    expect(texts((await sync(phone)).events)).toEqual(['Written on the laptop']);

    // Live: the laptop hears what the phone writes (both sockets are in the conversation's room).
    const heard = nextEvents<Message>(laptop, 'message');
    await send(phone, 'Written on the phone');
    expect(texts(await heard)).toEqual(['Written on the phone']);
    // A new socket with the phone's stored token is still that user.
    expect(texts((await sync(await connectVisitor(server, { token: second.token }))).events)).toEqual(['Written on the laptop', 'Written on the phone']);

    // Identify is idempotent, and the agent sees one verified contact with the site's user id and both browsers.
    expect(await identify(phone, siteJwt({ sub }))).toMatchObject({ contactId: first.contactId, conversationId });
    const { contact } = await agentHistory(conversationId);
    expect(contact).toMatchObject({ id: first.contactId, verified: true, name: 'Marie Curie', email: 'marie@example.com' });
    expect(contact.identities).toEqual([
      { channel: 'account', value: sub, verified: true },
      { channel: 'web', value: expect.any(String), verified: true },
      { channel: 'web', value: expect.any(String), verified: true },
    ]);
  });

  it('two browsers of a new user writing their first message at once share one conversation', async () => {
    const sub = `user-${randomUUID()}`;
    const [a, b] = await Promise.all([connectVisitor(server), connectVisitor(server)]);
    await Promise.all([identify(a, siteJwt({ sub })), identify(b, siteJwt({ sub }))]);
    const [sentA, sentB] = await Promise.all([send(a, 'from a'), send(b, 'from b')]);
    expect(sentB.conversationId).toBe(sentA.conversationId);
    expect(texts((await sync(a)).events).sort()).toEqual(['from a', 'from b']);
  });

  it('an anonymous visitor who signs in keeps their thread; the anonymous token is retired', async () => {
    const sub = `user-${randomUUID()}`;
    const socket = await connectVisitor(server);
    const anonymous = await send(socket, 'Before signing in');
    const anonymousContactId = (await agentHistory(anonymous.conversationId)).contact.id;
    const result = await identify(socket, siteJwt({ sub, name: 'Pierre' }));
    expect(result.conversationId).toBe(anonymous.conversationId);
    const events = (await sync(socket)).events;
    expect(texts(events)).toEqual(['Before signing in']);
    // The thread and its messages now belong to the verified contact; the empty anonymous contact is gone.
    expect(events.find((m) => m.kind === 'text')!.author.id).toBe(result.contactId);
    expect(await database.db.select().from(contacts).where(eq(contacts.id, anonymousContactId))).toEqual([]);
    expect(await handshakeRefusal(visitorSocket(server, { token: anonymous.token! }))).toBe('TOKEN_REVOKED');
    // Another device of the user finds the adopted thread.
    const other = await connectVisitor(server);
    expect((await identify(other, siteJwt({ sub }))).conversationId).toBe(anonymous.conversationId);
    expect((await agentHistory(anonymous.conversationId)).contact).toMatchObject({ id: result.contactId, name: 'Pierre', verified: true });
  });

  it('never merges by a typed email: an anonymous thread stays apart from the verified user’s', async () => {
    const sub = `user-${randomUUID()}`;
    const owner = await connectVisitor(server);
    await identify(owner, siteJwt({ sub, email: 'owner@example.com' }));
    const ownerThread = await send(owner, 'Private order details');

    // Someone anonymous types the owner's email: nothing links them.
    const stranger = await connectVisitor(server);
    const strangerThread = await send(stranger, 'I am the owner, honest');
    await expectOk(call(stranger, 'followup:email', { email: 'owner@example.com' }));
    expect(strangerThread.conversationId).not.toBe(ownerThread.conversationId);
    expect(texts((await sync(stranger)).events)).toEqual(['I am the owner, honest']);

    // When this browser signs in as a user who already has a thread, the anonymous thread stays behind.
    const browser = await connectVisitor(server);
    const anonymous = await send(browser, 'Anonymous question');
    const signedIn = await identify(browser, siteJwt({ sub }));
    expect(signedIn.conversationId).toBe(ownerThread.conversationId);
    expect(texts((await sync(browser)).events)).toEqual(['Private order details']);
    expect((await agentHistory(anonymous.conversationId)).contact.verified).toBe(false);
  });

  it('another user signing in on the same browser gets their own thread and retires the previous user’s token', async () => {
    const alice = `alice-${randomUUID()}`;
    const browser = await connectVisitor(server);
    const asAlice = await identify(browser, siteJwt({ sub: alice }));
    const aliceThread = await send(browser, 'Alice here');
    const asBob = await identify(browser, siteJwt({ sub: `bob-${randomUUID()}` }));
    expect(asBob.contactId).not.toBe(asAlice.contactId);
    expect(asBob.conversationId).toBeNull();
    expect((await sync(browser)).events).toEqual([]);
    expect(await handshakeRefusal(visitorSocket(server, { token: asAlice.token }))).toBe('TOKEN_REVOKED');
    // Alice signing in again finds her thread.
    expect((await identify(await connectVisitor(server), siteJwt({ sub: alice }))).conversationId).toBe(aliceThread.conversationId);
  });

  it('sets custom attributes the agent sees, refuses reserved keys, and needs a session first', async () => {
    const socket = await connectVisitor(server);
    expect(await call(socket, 'attributes:set', { attributes: { plan: 'pro' } })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_ACTIVE' } });

    await identify(socket, siteJwt({ sub: `user-${randomUUID()}`, name: 'Ada' }));
    const { conversationId } = await send(socket, 'Hello');
    const agent = await connectAgent(server);
    const pushed = nextEvents<Contact>(agent, 'contact:updated');
    await expectOk(call(socket, 'attributes:set', { attributes: { plan: 'pro', seats: 3, beta: true } }));
    expect((await pushed)[0]!.attributes).toEqual({ plan: 'pro', seats: '3', beta: 'true' });
    await expectOk(call(socket, 'attributes:set', { attributes: { beta: null, plan: 'team' } }));

    expect(await call(socket, 'attributes:set', { attributes: { email: 'spoof@example.com' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(socket, 'attributes:set', { attributes: { 'bad key!': 'x' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const { contact } = await expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
    expect(contact).toMatchObject({ name: 'Ada', email: null, attributes: { plan: 'team', seats: '3' } });
  });

  it('logout revokes this browser’s tokens and makes the socket anonymous; the conversation stays', async () => {
    const sub = `user-${randomUUID()}`;
    const socket = await connectVisitor(server);
    const { token } = await identify(socket, siteJwt({ sub }));
    const { conversationId } = await send(socket, 'Please keep this');
    const otherTab = await connectVisitor(server, { token });
    const otherTabDropped = new Promise<string>((resolve) => otherTab.on('disconnect', resolve));

    await expectOk(call(socket, 'logout', {}));
    expect(await otherTabDropped).toBe('io server disconnect');
    expect(await handshakeRefusal(visitorSocket(server, { token }))).toBe('TOKEN_REVOKED');
    expect(await sync(socket)).toMatchObject({ conversationId: null, events: [] });
    expect(await call(socket, 'attributes:set', { attributes: { plan: 'pro' } })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_ACTIVE' } });
    // Logging out twice is harmless; signing in again finds the thread intact.
    await expectOk(call(socket, 'logout', {}));
    const back = await identify(socket, siteJwt({ sub }));
    expect(back.conversationId).toBe(conversationId);
    expect(texts((await sync(socket)).events)).toEqual(['Please keep this']);
  });

  it('a logout that lands between another tab’s handshake and its joining the rooms still ends that tab', async () => {
    const socket = await connectVisitor(server);
    const { token } = await identify(socket, siteJwt({ sub: `user-${randomUUID()}` }));
    await send(socket, 'Before the race');
    // The race, made certain: the tokens are revoked right after this handshake checked them.
    const resolve = server.services.visitor.resolve;
    server.services.visitor.resolve = async (...args) => {
      const ctx = await resolve(...args);
      server.services.visitor.resolve = resolve;
      await database.db.update(visitors).set({ tokenVersion: sql`${visitors.tokenVersion} + 1` }).where(eq(visitors.id, ctx.visitor!.id));
      return ctx;
    };
    const lateTab = visitorSocket(server, { token });
    const dropped = new Promise<string>((resolve) => lateTab.on('disconnect', resolve));
    const answered = new Promise((resolve) => lateTab.on('connect', () => lateTab.emit('sync', { afterSeq: 0 }, resolve)));
    expect(await dropped).toBe('io server disconnect');
    // Nothing of the conversation reached the revoked tab.
    expect(await Promise.race([answered, new Promise((r) => setTimeout(() => r('no answer'), 200))])).toBe('no answer');
  });

  it('rotating the identity secret ends the sessions signed in with the old one; anonymous visitors keep theirs', async () => {
    const sub = `user-${randomUUID()}`;
    const signedIn = await connectVisitor(server);
    const { token } = await identify(signedIn, siteJwt({ sub }));
    const { conversationId } = await send(signedIn, 'Signed in before the rotation');
    const otherTab = await connectVisitor(server, { token });
    const dropped = [signedIn, otherTab].map((s) => new Promise<string>((resolve) => s.on('disconnect', resolve)));
    const anonymous = await connectVisitor(server);
    const anon = await send(anonymous, 'Anonymous all along');

    const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
    const rotated = await api<{ identitySecret: string }>(server, await loginCookie(server), 'POST', `/websites/${site!.id}/identity-secret`);
    try {
      expect(rotated.status).toBe(200);
      expect(await handshakeRefusal(visitorSocket(server, { token }))).toBe('TOKEN_REVOKED');
      expect(await Promise.all(dropped)).toEqual(['io server disconnect', 'io server disconnect']);
      // The anonymous visitor's socket and token are untouched.
      expect(anonymous.connected).toBe(true);
      expect(texts((await sync(anonymous)).events)).toEqual(['Anonymous all along']);
      expect(texts((await sync(await connectVisitor(server, { token: anon.token! }))).events)).toEqual(['Anonymous all along']);
      // The old secret signs nobody in any more; the new one finds the user's thread.
      expect(await call(await connectVisitor(server), 'identify', { jwt: await siteJwt({ sub }) })).toMatchObject({ ok: false, error: { code: 'IDENTITY_INVALID' } });
      const back = await identify(await connectVisitor(server), siteJwt({ sub }, { secret: rotated.body.identitySecret }));
      expect(back.conversationId).toBe(conversationId);
    } finally {
      await database.db.update(websites).set({ identitySecret: SECRET }).where(eq(websites.key, DEMO.websiteKey));
    }
  });
});
