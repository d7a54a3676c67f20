import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContactHistory, ConversationDetail, IdentifyResult, Message, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, closeSockets, connectAgent, connectVisitor, expectOk, handshakeRefusal, nextEvents, startTestServer, visitorSocket, type VisitorSocket } from '../testing/test-kit.ts';

/**
 * Issue 16, finding 1: a first message's client id is no key to its conversation. A retried first
 * send (the ack was lost, the page reloaded) gets its conversation and a token back only with the
 * proof the widget generated with the message; anyone else is answered as if the id were new.
 */
const SITE_SECRET = 'replay-test-site-secret-0123456789abcdef';
const texts = (events: Message[]) => events.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''));
const newProof = () => randomBytes(24).toString('base64url');

function siteJwt(sub: string) {
  return new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) + 300).sign(new TextEncoder().encode(SITE_SECRET));
}

describe.each(backends)('replaying a first message on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
    await database.db.update(websites).set({ identitySecret: SITE_SECRET }).where(eq(websites.key, DEMO.websiteKey));
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const firstSend = async (socket: VisitorSocket, clientId: string, text: string, firstSendProof?: string) =>
    expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId, text, ...(firstSendProof ? { firstSendProof } : {}) }));
  const syncWith = async (token: string) => expectOk(call<SyncResult>(await connectVisitor(server, { token }), 'sync', { afterSeq: 0 }));

  /** The victim: a first message with its proof; the client id is what leaked. */
  async function victim(text = 'My order 1234, card ending 4242') {
    const socket = await connectVisitor(server);
    const clientId = randomUUID();
    const proof = newProof();
    const sent = await firstSend(socket, clientId, text, proof);
    return { socket, clientId, proof, token: sent.token!, conversationId: sent.conversationId };
  }

  it.each([
    ['without a proof', () => undefined],
    ['with a proof of its own', () => newProof()],
  ])('a stranger replaying the client id %s gets a conversation of their own and learns nothing of the victim', async (_how, strangerProof) => {
    const v = await victim();
    const stranger = await connectVisitor(server);
    const replay = await firstSend(stranger, v.clientId, 'Hello?', strangerProof());

    expect(replay.conversationId).not.toBe(v.conversationId);
    expect(replay.token).toEqual(expect.any(String));
    expect(replay.token).not.toBe(v.token);
    // Stored as the stranger's own message: their text, in their conversation.
    expect(replay.message).toMatchObject({ conversationId: replay.conversationId, seq: 1, kind: 'text', text: 'Hello?' });
    expect(texts((await expectOk(call<SyncResult>(stranger, 'sync', { afterSeq: 0 }))).events)).toEqual(['Hello?']);
    expect(texts((await syncWith(replay.token!)).events)).toEqual(['Hello?']);
    // The victim's thread is untouched, and theirs alone.
    expect(texts((await syncWith(v.token)).events)).toEqual(['My order 1234, card ending 4242']);
  });

  it('the browser that wrote the first message gets its conversation and a working token back after a reload', async () => {
    const v = await victim('Lost ack');
    v.socket.disconnect();
    const reloaded = await connectVisitor(server);
    const retry = await firstSend(reloaded, v.clientId, 'Lost ack', v.proof);
    expect(retry.conversationId).toBe(v.conversationId);
    expect(retry.message.seq).toBe(1);
    expect(texts((await syncWith(retry.token!)).events)).toEqual(['Lost ack']);
  });

  it('a logged-out visitor is never revived by a replay, even with the proof', async () => {
    const v = await victim('Anonymous then signed in');
    await expectOk(call<IdentifyResult>(v.socket, 'identify', { jwt: await siteJwt(`user-${randomUUID()}`) }));
    await expectOk(call(v.socket, 'logout', {}));

    const attacker = await connectVisitor(server);
    const replay = await firstSend(attacker, v.clientId, 'Anonymous then signed in', v.proof);
    expect(replay.conversationId).not.toBe(v.conversationId);
    expect(texts((await syncWith(replay.token!)).events)).toEqual(['Anonymous then signed in']);
    expect(await handshakeRefusal(visitorSocket(server, { token: v.token }))).toBe('TOKEN_REVOKED');
  });

  it('an anonymous visitor who logged out stays logged out: the proof revives nothing', async () => {
    const v = await victim('Before logout');
    await expectOk(call(v.socket, 'logout', {}));
    const replay = await firstSend(await connectVisitor(server), v.clientId, 'Before logout', v.proof);
    expect(replay.conversationId).not.toBe(v.conversationId);
  });

  it("agents never see a visitor's client id; the visitor's own tabs and the agent's own sends keep theirs", async () => {
    const v = await victim('First words');
    const ada = await connectAgent(server);
    const adaOtherTab = await connectAgent(server);

    // The full path (opening the conversation to an agent): conversation:open and the live event.
    const detail = await expectOk(call<ConversationDetail>(ada, 'conversation:open', { conversationId: v.conversationId }));
    expect(detail.messages.filter((m) => m.author.kind === 'visitor').map((m) => m.clientId)).toEqual([null]);
    await expectOk(call(ada, 'conversation:take', { conversationId: v.conversationId }));

    // The batched path (a plain text into a held session), heard by the agent and by the visitor's other tab.
    const otherTab = await connectVisitor(server, { token: v.token });
    const agentHears = nextEvents<Message>(ada, 'message');
    const otherTabHears = nextEvents<Message>(otherTab, 'message');
    const secondClientId = randomUUID();
    await expectOk(call(v.socket, 'message:send', { clientId: secondClientId, text: 'Second words' }));
    expect((await agentHears)[0]).toMatchObject({ text: 'Second words', clientId: null });
    expect((await otherTabHears)[0]).toMatchObject({ text: 'Second words', clientId: secondClientId });

    // The agent's own message keeps its client id (the desktop reconciles its sends with it).
    const agentClientId = randomUUID();
    await expectOk(call(adaOtherTab, 'conversation:open', { conversationId: v.conversationId }));
    const otherTabHearsReply = nextEvents<Message>(adaOtherTab, 'message');
    await expectOk(call(ada, 'message:send', { conversationId: v.conversationId, clientId: agentClientId, text: 'Hello, Ada here' }));
    expect((await otherTabHearsReply)[0]).toMatchObject({ text: 'Hello, Ada here', clientId: agentClientId });

    // Replays of the transcript to agents: sync and contact history.
    const synced = await expectOk(call<SyncResult>(ada, 'sync', { conversationId: v.conversationId, afterSeq: 0 }));
    const history = await expectOk(call<ContactHistory>(ada, 'contact:history', { conversationId: v.conversationId }));
    for (const events of [synced.events, history.messages]) {
      expect(events.filter((m) => m.author.kind === 'visitor').map((m) => m.clientId)).toEqual([null, null]);
      expect(events.find((m) => m.author.kind === 'agent' && m.kind === 'text')?.clientId).toBe(agentClientId);
    }
    // The visitor's own sync still carries both of their client ids (the outbox reconciles with them).
    const own = await expectOk(call<SyncResult>(v.socket, 'sync', { afterSeq: 0 }));
    expect(own.events.filter((m) => m.author.kind === 'visitor').map((m) => m.clientId)).toEqual([v.clientId, secondClientId]);
  });
});
