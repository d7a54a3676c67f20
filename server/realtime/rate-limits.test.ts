import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { Manager } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack, VisitorSendResult, WireError } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { conversations, messages } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import { loadEnv } from '../env.ts';
import type { RunningServer } from '../main.ts';
import { call, connectAgent, connectVisitor, connectVisitorOnceFree, expectOk, handshakeRefusalError, useTestServer, visitorSocket, type VisitorSocket } from '../testing/test-kit.ts';

/**
 * The socket side of the abuse limits, against a real server and real socket.io clients.
 * Every test socket comes from 127.0.0.1: to the limits, one address (a whole office).
 */
const DEFAULTS = loadEnv({}).limits;

const send = (socket: VisitorSocket, text: string, clientId: string = randomUUID()) => call<VisitorSendResult>(socket, 'message:send', { clientId, text });
const refusal = (ack: Ack<unknown>): WireError | null => (ack.ok ? null : ack.error);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedClientIds(database: Database, clientIds: string[]): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(messages).where(inArray(messages.clientId, clientIds));
  return row!.n;
}

describe.each(backends)('socket abuse limits on $name', (backend) => {
  describe('with the default limits', () => {
    let database: Database;
    let server: RunningServer;
    useTestServer(backend, (db, srv) => {
      database = db;
      server = srv;
    });

    it('refuses the excess of a 2,000-message flood with RATE_LIMITED and a retry delay, stores none of it, and takes it once resent later', { timeout: 60_000 }, async () => {
      const socket = await connectVisitor(server);
      await expectOk(send(socket, 'hello'));
      const clientIds = Array.from({ length: 2_000 }, () => randomUUID());
      const acks = await Promise.all(clientIds.map((id, i) => send(socket, `flood ${i}`, id)));

      const accepted = clientIds.filter((_, i) => acks[i]!.ok);
      const refused = clientIds.filter((_, i) => !acks[i]!.ok);
      // About the burst goes through (plus what refills while the flood arrives); the rest waits.
      expect(accepted.length).toBeGreaterThan(DEFAULTS.socketEventsBurst / 2);
      expect(accepted.length).toBeLessThan(DEFAULTS.socketEventsBurst + 50);
      for (const ack of acks.filter((a) => !a.ok)) {
        expect(refusal(ack)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
        expect(refusal(ack)!.retryAfterMs).toBeGreaterThan(0);
      }
      expect(await storedClientIds(database, accepted)).toBe(accepted.length);
      expect(await storedClientIds(database, refused)).toBe(0);

      // What the widget's outbox does: wait as told, send the same message again; it is taken.
      const last = refusal(acks.at(-1)!)!;
      await sleep(last.retryAfterMs!);
      expect((await send(socket, 'flood again', refused[0]!)).ok).toBe(true);
      expect(await storedClientIds(database, [refused[0]!])).toBe(1);
    });

    it('counts unknown events against the same budget', async () => {
      const socket = await connectVisitor(server);
      const acks = await Promise.all(Array.from({ length: DEFAULTS.socketEventsBurst + 20 }, () => call(socket, 'no:such-event', {})));
      expect(acks.filter((a) => refusal(a)?.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
      expect(refusal((await send(socket, 'right after the flood'))!)).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it('never lets typing indicators hold a message back', async () => {
      const socket = await connectVisitor(server);
      await expectOk(send(socket, 'hello'));
      const typing = await Promise.all(Array.from({ length: 200 }, (_, i) => call(socket, 'typing', { typing: i % 2 === 0 })));
      expect(typing.some((a) => refusal(a)?.code === 'RATE_LIMITED')).toBe(true);
      await expectOk(send(socket, 'typed all that, and here it is'));
    });

    it('takes a 50-message outbox resent back to back after a reconnect', async () => {
      const socket = await connectVisitor(server);
      await expectOk(call(socket, 'sync', { afterSeq: 0 }));
      for (let i = 0; i < 50; i++) await expectOk(send(socket, `queued while offline ${i}`));
    });

    it(`refuses visitor socket number ${DEFAULTS.visitorSocketsPerAddress + 1} from one address, and takes one again once a socket left`, { timeout: 60_000 }, async () => {
      const open: VisitorSocket[] = [];
      while (open.length < DEFAULTS.visitorSocketsPerAddress) open.push(...(await Promise.all(Array.from({ length: 20 }, () => connectVisitor(server)))));
      expect(open).toHaveLength(DEFAULTS.visitorSocketsPerAddress);

      const refused = await handshakeRefusalError(visitorSocket(server));
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      // Agents are not visitors: their desktop still connects from the same office.
      await connectAgent(server);

      open.pop()!.disconnect();
      await connectVisitorOnceFree(server);
      expect(await handshakeRefusalError(visitorSocket(server))).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it(`refuses new conversation number ${DEFAULTS.newConversationsPerAddressPerMinute + 1} in a minute from one address, not a returning visitor's messages`, { timeout: 60_000 }, async () => {
      const before = (await database.db.select({ n: sql<number>`count(*)::int` }).from(conversations))[0]!.n;
      const visitors: VisitorSocket[] = [];
      for (let i = 0; i < DEFAULTS.newConversationsPerAddressPerMinute; i++) {
        const socket = await connectVisitor(server);
        await expectOk(send(socket, `visitor ${i} says hello`));
        visitors.push(socket);
      }
      const late = await connectVisitor(server);
      const ack = await send(late, 'one too many');
      expect(refusal(ack)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      const after = (await database.db.select({ n: sql<number>`count(*)::int` }).from(conversations))[0]!.n;
      expect(after - before).toBe(DEFAULTS.newConversationsPerAddressPerMinute);
      // Conversations already started go on.
      await expectOk(send(visitors[0]!, 'still talking'));
    });
  });

  describe('with a low handshake budget', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { limits: { handshakesPerAddressPerMinute: 5 } });

    it('refuses handshakes from one address past its budget, visitors and agents alike', async () => {
      for (let i = 0; i < 4; i++) (await connectVisitor(server)).disconnect();
      await connectAgent(server);
      expect(await handshakeRefusalError(visitorSocket(server))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      await expect(connectAgent(server)).rejects.toMatchObject({ data: { code: 'RATE_LIMITED' } });
    });
  });

  describe('with a low handshake budget, raw connections', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { limits: { handshakesPerAddressPerMinute: 2 } });

    /** A websocket connection that never joins a namespace: true when the server let it open. */
    const rawConnection = (): Promise<boolean> => {
      const manager = new Manager(server.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
      return new Promise((resolve) => manager.open((err) => {
        manager.engine?.close();
        resolve(!err);
      }));
    };

    it('are refused past twice the handshake budget, so a flood of them cannot pile up', async () => {
      const opened: boolean[] = [];
      for (let i = 0; i < 5; i++) opened.push(await rawConnection());
      expect(opened).toEqual([true, true, true, true, false]);
    });
  });

  describe('X-Forwarded-For from a peer that is not a trusted proxy', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { limits: { visitorSocketsPerAddress: 3 } });

    it('is ignored: every socket counts against the peer address', async () => {
      for (let i = 1; i <= 3; i++) await connectVisitor(server, { forwardedFor: `203.0.113.${i}` });
      expect(await handshakeRefusalError(visitorSocket(server, { forwardedFor: '203.0.113.4' }))).toMatchObject({ code: 'RATE_LIMITED' });
    });
  });

  describe('X-Forwarded-For from a trusted proxy', () => {
    let server: RunningServer;
    useTestServer(backend, (_, srv) => (server = srv), { trustedProxies: ['127.0.0.1', '::1'], limits: { visitorSocketsPerAddress: 3 } });

    it('names the client: each address has its own sockets, and a forged left part changes nothing', async () => {
      for (let i = 0; i < 3; i++) await connectVisitor(server, { forwardedFor: '203.0.113.1' });
      expect(await handshakeRefusalError(visitorSocket(server, { forwardedFor: '203.0.113.1' }))).toMatchObject({ code: 'RATE_LIMITED' });
      // The client wrote "198.51.100.7" itself; the proxy appended the address it saw.
      expect(await handshakeRefusalError(visitorSocket(server, { forwardedFor: '198.51.100.7, 203.0.113.1' }))).toMatchObject({ code: 'RATE_LIMITED' });
      await connectVisitor(server, { forwardedFor: '203.0.113.2' });
    });
  });
});
