import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { AgentAccount, SessionCard, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { agentPresence, agents, agentSessions } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { agentSocket, api, call, connectAgent, connectVisitor, expectOk, handshakeRefusal, loginCookie, useTestServer } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';

/**
 * Privileges are never fixed at connect: logging out, a change of role or password and a
 * deactivation end the login sessions they concern and close their desktops, on every node,
 * and every socket event re-reads the caller, so a change counts even on a socket that was
 * not (yet) disconnected.
 */
const NEW_PASSWORD = 'another-long-password';

/** Resolves with the reason once the server closes the socket. */
const closedByServer = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

async function openAgent(server: RunningServer, cookie: string) {
  const socket = agentSocket(server, cookie);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe.each(backends)('revoking staff access on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  const graceId = async () => (await database.db.select({ id: agents.id }).from(agents).where(eq(agents.email, DEMO.agent2Email)))[0]!.id;
  const adaId = async () => (await database.db.select({ id: agents.id }).from(agents).where(eq(agents.email, DEMO.agentEmail)))[0]!.id;

  it('logging out closes that session’s desktops and no other', async () => {
    const first = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
    const second = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
    const loggedOut = await openAgent(server, first);
    const stays = await openAgent(server, second);
    const closed = closedByServer(loggedOut);
    expect((await api(server, first, 'POST', '/auth/logout', {})).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(await handshakeRefusal(agentSocket(server, first))).toBe('UNAUTHENTICATED');
    expect((await call(stays, 'ping', {})).ok).toBe(true);
  });

  it('a demoted admin loses everything at once: sockets closed, cookies refused, fresh login with the new role', async () => {
    const ada = await loginCookie(server);
    const adaSocket = await openAgent(server, ada);
    // A second admin demotes Ada.
    await api(server, ada, 'POST', '/agents', { email: 'root@demo.shop', name: 'Root', password: NEW_PASSWORD, role: 'admin' });
    const root = await loginCookie(server, 'root@demo.shop', NEW_PASSWORD);
    const closed = closedByServer(adaSocket);
    expect((await api(server, root, 'PATCH', `/agents/${await adaId()}`, { role: 'agent' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, ada, 'GET', '/auth/me')).status).toBe(401);
    expect((await api(server, ada, 'GET', '/agents')).status).toBe(401);
    const again = await loginCookie(server);
    expect((await api(server, again, 'GET', '/agents')).status).toBe(403);
  });

  it('a password reset ends every other session of the agent', async () => {
    const ada = await loginCookie(server);
    const grace = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
    const graceSocket = await openAgent(server, grace);
    const closed = closedByServer(graceSocket);
    expect((await api(server, ada, 'PATCH', `/agents/${await graceId()}`, { password: NEW_PASSWORD })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, grace, 'GET', '/auth/me')).status).toBe(401);
    await loginCookie(server, DEMO.agent2Email, NEW_PASSWORD);
  });

  it('a deactivated agent cannot sign in and is Offline at once (never Ready for routing); reactivated, they can sign in again', async () => {
    const ada = await loginCookie(server);
    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    await expectOk(call(grace, 'presence:set', { channel: 'chat', state: 'ready' }));
    const closed = closedByServer(grace);
    const res = await api<{ agent: AgentAccount }>(server, ada, 'PATCH', `/agents/${await graceId()}`, { active: false });
    expect(res.body.agent.active).toBe(false);
    expect(await closed).toBe('io server disconnect');
    const presence = await database.db.select().from(agentPresence).where(eq(agentPresence.agentId, await graceId()));
    expect(presence.map((p) => p.state)).toEqual(presence.map(() => 'offline'));
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.agent2Email, password: DEMO.agentPassword }),
    });
    expect(login.status).toBe(403);
    expect((await login.json()).error.code).toBe('ACCOUNT_DEACTIVATED');
    // The last active admin cannot be deactivated.
    expect((await api(server, ada, 'PATCH', `/agents/${await adaId()}`, { active: false })).status).toBe(409);
    expect((await api(server, ada, 'PATCH', `/agents/${await graceId()}`, { active: true })).body.agent.active).toBe(true);
    await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
  });

  it('each socket event re-reads the caller: a role or session changed behind its back counts at the next event', async () => {
    const ada = await connectAgent(server);
    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    const visitor = await connectVisitor(server);
    const chat = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hi' }));
    await expectOk(call(grace, 'conversation:take', { conversationId: chat.conversationId }));
    // Changed in the database only: no disconnect is sent (as when the news is lost between nodes).
    await database.db.update(agents).set({ role: 'agent' }).where(eq(agents.id, await adaId()));
    expect((await call(ada, 'session:end', { conversationId: chat.conversationId })).ok).toBe(false);
    const cards = await expectOk(call<{ cards: SessionCard[] }>(ada, 'sessions:cards', {}));
    expect(cards.cards.map((c) => c.conversationId)).not.toContain(chat.conversationId);
    await database.db.update(agentSessions).set({ revokedAt: new Date() }).where(eq(agentSessions.agentId, await graceId()));
    const refused = await call(grace, 'message:send', { conversationId: chat.conversationId, clientId: randomUUID(), text: 'still here?' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('UNAUTHENTICATED');
  });
});

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.skipIf(!databaseUrl)('revoking staff access across two nodes', () => {
  const { nodes } = useTwoNodes(databaseUrl!, redisUrl, 4);

  it('a demotion made through node A closes the admin’s desktop on node B', async () => {
    const [nodeA, nodeB] = nodes as [RunningServer, RunningServer];
    const ada = await loginCookie(nodeA);
    await api(nodeA, ada, 'POST', '/agents', { email: 'root2@demo.shop', name: 'Root', password: NEW_PASSWORD, role: 'admin' });
    const root = await loginCookie(nodeA, 'root2@demo.shop', NEW_PASSWORD);
    const onB = await openAgent(nodeB, ada);
    const closed = closedByServer(onB);
    const { agents: list } = (await api<{ agents: AgentAccount[] }>(nodeA, root, 'GET', '/agents')).body;
    const adaAccount = list.find((a) => a.email === DEMO.agentEmail)!;
    expect((await api(nodeA, root, 'PATCH', `/agents/${adaAccount.id}`, { role: 'supervisor' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(await handshakeRefusal(agentSocket(nodeB, ada))).toBe('UNAUTHENTICATED');
  });
});
