import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Offer, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { agents, sessions } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, connectAgent, connectVisitor, expectOk, useTestServer, type AgentSocket } from '../testing/test-kit.ts';
import { until } from '../testing/wait-for.ts';

/**
 * A burst of first messages (a campaign lands, many visitors write at once) must not
 * strand anyone: every session is offered as soon as an agent has room, and connected.
 */
describe.each(backends)('routing a burst of new chats on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, srv) => {
    database = db;
    server = srv;
  });

  /** An agent that accepts every offer it gets, as a busy agent would. */
  function acceptEverything(agent: AgentSocket): void {
    agent.on('offer', (offer: Offer) => void call(agent, 'offer:accept', { offerId: offer.id }));
  }

  it('connects 20 visitors who write at the same moment to two Ready agents with room for all', async () => {
    await database.db.update(agents).set({ maxConcurrent: 10 }).where(inArray(agents.email, [DEMO.agentEmail, DEMO.agent2Email]));
    const ada = await connectAgent(server);
    const grace = await connectAgent(server, DEMO.agent2Email, DEMO.agentPassword);
    for (const agent of [ada, grace]) {
      acceptEverything(agent);
      await expectOk(call(agent, 'presence:set', { channel: 'chat', state: 'ready' }));
    }
    const visitors = await Promise.all(Array.from({ length: 20 }, () => connectVisitor(server)));
    const sent = await Promise.all(visitors.map((v) => expectOk(call<VisitorSendResult>(v, 'message:send', { clientId: randomUUID(), text: 'Hello?' }))));
    const ids = sent.map((s) => s.conversationId);

    const states = async () => (await database.db.select({ state: sessions.state }).from(sessions).where(inArray(sessions.conversationId, ids))).map((s) => s.state);
    const settled = await until(states, (all) => all.every((s) => s === 'active'), { timeoutMs: 30_000 });
    expect(settled.filter((s) => s !== 'active')).toEqual([]);
  }, 60_000);
});
