import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { startRedis, type RedisInstance } from '../testing/redis-server.ts';
import { call, closeSockets, connectVisitor, connectVisitorOnceFree, expectOk, handshakeRefusalError, startTestServer, visitorSocket } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';

/**
 * Limits per account and per address hold however the balancer spreads the requests: with
 * Redis the nodes share the counters; without it (Redis down) each node still limits on its own.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function login(server: RunningServer, password: string, email: string = DEMO.agentEmail) {
  return fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
}

async function wrongLogins(server: RunningServer, count: number): Promise<void> {
  for (let i = 0; i < count; i++) expect((await login(server, `wrong-${i}`)).status).toBe(401);
}

describe.skipIf(!databaseUrl)('abuse limits across two nodes sharing Redis', () => {
  const { nodes } = useTwoNodes(databaseUrl!, redisUrl, 4, { visitorSocketsPerAddress: 4, newConversationsPerAddressPerMinute: 3 });
  afterEach(() => closeSockets());

  it('counts failed logins on either node: the account is locked out on both', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    await wrongLogins(a, 3);
    await wrongLogins(b, 2);
    // The sixth failure, wherever it lands, starts the lockout everywhere.
    expect((await login(a, 'wrong-again')).status).toBe(401);
    const refused = await login(b, DEMO.agentPassword);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(a, DEMO.agentPassword)).status).toBe(429);
  });

  it('caps one address’s visitor sockets over both nodes, and frees a slot on either when a socket leaves', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    const open = [await connectVisitor(a), await connectVisitor(b), await connectVisitor(a), await connectVisitor(b)];
    expect(await handshakeRefusalError(visitorSocket(a))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    expect(await handshakeRefusalError(visitorSocket(b))).toMatchObject({ code: 'RATE_LIMITED' });
    open[1]!.disconnect(); // a socket on node B leaves …
    await connectVisitorOnceFree(a); // … and node A may take one more
  });

  it('counts new conversations per address over both nodes', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    const first = (server: RunningServer) => connectVisitorOnceFree(server).then((s) => call<VisitorSendResult>(s, 'message:send', { clientId: randomUUID(), text: 'hello' }));
    await expectOk(first(a));
    await expectOk(first(b));
    await expectOk(first(a));
    expect(await first(b)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
  });
});

describe.each(backends)('abuse limits when their Redis goes away, on $name', (backend) => {
  let redis: RedisInstance;
  let database: Database;
  let server: RunningServer;

  beforeAll(async () => {
    redis = await startRedis();
    database = await backend.open();
    server = await startTestServer(database, { redisUrl: redis.url, limits: { visitorSocketsPerAddress: 3 } });
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
    await redis?.stop();
  });

  it('still limits on this node, and refuses nobody for it', { timeout: 30_000 }, async () => {
    await redis.stop(true);
    // Logins: the lockout still holds (counted in this node's memory) …
    await wrongLogins(server, 6);
    expect((await login(server, DEMO.agentPassword)).status).toBe(429);
    // … and nobody else is refused because the counters' store is down.
    expect((await login(server, DEMO.agentPassword, DEMO.agent2Email)).status).toBe(200);
    const sockets = [await connectVisitor(server), await connectVisitor(server), await connectVisitor(server)];
    expect(await handshakeRefusalError(visitorSocket(server))).toMatchObject({ code: 'RATE_LIMITED' });
    await expectOk(call(sockets[0]!, 'message:send', { clientId: randomUUID(), text: 'Redis is down, the chat is not' }));
  });
});
