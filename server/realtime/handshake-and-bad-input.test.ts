import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { revokeVisitorTokens } from '../db/stores/visitors-store.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { agentSocket, call, closeSockets, connectVisitor, expectOk, handshakeRefusal, loginCookie, startTestServer, visitorSocket } from '../testing/test-kit.ts';

describe.each(backends)('handshakes and bad input on $name', (backend) => {
  let database: Database;
  let server: RunningServer;

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  describe('visitor handshake', () => {
    it('refuses an origin the website does not allow', async () => {
      expect(await handshakeRefusal(visitorSocket(server, { origin: 'https://evil.example' }))).toBe('ORIGIN_NOT_ALLOWED');
      expect(await handshakeRefusal(visitorSocket(server, { origin: null }))).toBe('ORIGIN_NOT_ALLOWED');
    });

    it('refuses an unknown website key, and a handshake without one', async () => {
      expect(await handshakeRefusal(visitorSocket(server, { websiteKey: 'no-such-site' }))).toBe('UNKNOWN_WEBSITE');
      expect(await handshakeRefusal(visitorSocket(server, { websiteKey: 'bad key!' }))).toBe('VALIDATION_FAILED');
    });

    it('refuses forged, revoked and foreign-site tokens', async () => {
      expect(await handshakeRefusal(visitorSocket(server, { token: 'forged.token.value' }))).toBe('TOKEN_INVALID');

      const socket = await connectVisitor(server);
      const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'hi' }));
      // Same origin, other website: the demo token must not open it.
      await upsertWebsite(database.db, { key: 'other-site', name: 'Other', allowedOrigins: [new URL(server.url).origin] });
      expect(await handshakeRefusal(visitorSocket(server, { websiteKey: 'other-site', token: sent.token! }))).toBe('TOKEN_INVALID');

      const visitorId = JSON.parse(Buffer.from(sent.token!.split('.')[1]!, 'base64url').toString()).sub as string;
      await revokeVisitorTokens(database.db, visitorId);
      expect(await handshakeRefusal(visitorSocket(server, { token: sent.token! }))).toBe('TOKEN_REVOKED');
    });
  });

  describe('inbound events', () => {
    it('answers malformed payloads and unknown events with typed errors and keeps serving', async () => {
      const socket = await connectVisitor(server);
      expect(await call(socket, 'message:send', { clientId: 'not-a-uuid', text: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'clientId' })] },
      });
      expect(await call(socket, 'message:send', 'just a string')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await call(socket, 'message:send', { clientId: randomUUID(), text: '   ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await call(socket, 'sync', { afterSeq: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await call(socket, 'admin:drop-tables', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
      // No ack callback at all: nothing to answer, nothing to crash.
      (socket as unknown as { emit(e: string, p: unknown): void }).emit('message:send', { nonsense: true });

      const other = await connectVisitor(server);
      const sent = await expectOk(call<VisitorSendResult>(other, 'message:send', { clientId: randomUUID(), text: 'still here' }));
      expect(sent.message).toMatchObject({ kind: 'text', text: 'still here', seq: 1 });
      expect(await expectOk(call<{ now: string }>(socket, 'ping', {}))).toEqual({ now: expect.any(String) });
      // Nothing was stored for the malformed sends: a fresh visitor still has no conversation.
      expect(await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }))).toEqual({ conversationId: null, events: [], lastSeq: 0, hasMore: false });
    });
  });

  describe('agent handshake', () => {
    it('refuses a connection without a valid session cookie', async () => {
      expect(await handshakeRefusal(agentSocket(server))).toBe('UNAUTHENTICATED');
      expect(await handshakeRefusal(agentSocket(server, 'parley_session=made-up'))).toBe('UNAUTHENTICATED');
    });

    it('refuses a session cookie after logout', async () => {
      const cookie = await loginCookie(server);
      await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } });
      expect(await handshakeRefusal(agentSocket(server, cookie))).toBe('UNAUTHENTICATED');
    });
  });
});
