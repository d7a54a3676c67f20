import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { call, closeSockets, connectVisitor, expectOk, handshakeRefusal, startTestServer, visitorSocket } from '../testing/test-kit.ts';

describe.each(backends)('database down on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close().catch(() => {});
  });

  it('acks sends with retryable UNAVAILABLE and keeps the process serving', async () => {
    const socket = await connectVisitor(server);
    await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'before' }));

    // Cut the database from under the running server (the harness still drops it afterwards).
    await database.close().catch(() => {});
    database = { ...database, close: async () => {} };

    expect(await call(socket, 'message:send', { clientId: randomUUID(), text: 'during' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    expect(await handshakeRefusal(visitorSocket(server))).toBe('UNAVAILABLE');
    // Still alive (no restart wanted), but not ready: the proxy should send traffic elsewhere.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, checks: { database: 'failed' }, error: { code: 'UNAVAILABLE' } });
    expect(await expectOk(call<{ now: string }>(socket, 'ping', {}))).toEqual({ now: expect.any(String) });
  });
});
