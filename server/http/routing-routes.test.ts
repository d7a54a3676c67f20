import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRoutingProfile, Queue, SessionCard, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, closeSockets, connectVisitor, expectOk, loginCookie, startTestServer } from '../testing/test-kit.ts';

describe.each(backends)('routing REST on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
    admin = await loginCookie(server);
    agent = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
  });
  const req = (cookie: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it('lists session cards with filters and shows one with its events and durations', async () => {
    const v = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(v, 'message:send', { clientId: randomUUID(), text: 'hi' }));
    const list = (await (await req(admin, '/sessions?state=waiting')).json()) as { cards: SessionCard[] };
    const card = list.cards.find((c) => c.conversationId === sent.conversationId)!;
    expect(card).toMatchObject({ state: 'waiting', colour: 'blue', queue: { name: 'General' }, channel: 'chat' });
    expect(((await (await req(admin, '/sessions?state=closed')).json()) as { cards: SessionCard[] }).cards).toEqual([]);
    const detail = (await (await req(admin, `/sessions/${card.sessionId}`)).json()) as { events: { type: string }[]; durations: unknown };
    expect(detail.events.map((e) => e.type)).toEqual(['queued']);
    expect(detail.durations).toEqual({ waitMs: null, handleMs: null, afterContactWorkMs: null });
    expect((await req(agent, `/sessions/${card.sessionId}`)).status).toBe(403);
    expect((await req(admin, `/sessions/${randomUUID()}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/sessions`)).status).toBe(401);
  });

  it('lets an admin change queues, teams and agent limits, within 1..12; agents may not', async () => {
    expect((await req(admin, '/queues', { method: 'POST', body: { name: 'Returns', offerTimeoutSec: 30 } })).status).toBe(400);
    const created = await req(admin, '/queues', { method: 'POST', body: { name: 'Returns', offerTimeoutSec: 30, websiteKey: DEMO.websiteKey } });
    expect(created.status).toBe(201);
    const { queue } = (await created.json()) as { queue: Queue };
    expect(queue).toMatchObject({ name: 'Returns', channel: 'chat', policy: 'longest_idle', offerTimeoutSec: 30, isDefault: false });
    expect((await req(agent, '/queues', { method: 'POST', body: { name: 'Nope' } })).status).toBe(403);
    // Business hours in an unknown time zone would silently mean "always open": refused, nothing changed.
    const hours = (timezone: string) => ({ businessHours: { timezone, days: [{ day: 1, open: '09:00', close: '18:00' }] } });
    const badZone = await req(admin, `/queues/${queue.id}`, { method: 'PATCH', body: hours('Mars/Olympus') });
    expect(badZone.status).toBe(400);
    expect(await badZone.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await req(admin, `/queues/${queue.id}`, { method: 'PATCH', body: hours('Europe/Paris') })).status).toBe(200);

    const { agents } = (await (await req(admin, '/agents')).json()) as { agents: AgentRoutingProfile[] };
    const grace = agents.find((a) => a.name === 'Grace Hopper')!;
    expect(grace).toMatchObject({ maxConcurrent: 3, channels: ['chat'] });
    const tooMany = await req(admin, `/agents/${grace.id}`, { method: 'PATCH', body: { maxConcurrent: 13 } });
    expect(tooMany.status).toBe(400);
    expect((await req(admin, `/agents/${grace.id}`, { method: 'PATCH', body: { queueIds: [randomUUID()] } })).status).toBe(400);
    const patched = await req(admin, `/agents/${grace.id}`, { method: 'PATCH', body: { maxConcurrent: 12, queueIds: [queue.id], channels: ['chat', 'twitter'] } });
    expect(((await patched.json()) as { agent: AgentRoutingProfile }).agent).toMatchObject({ maxConcurrent: 12, queueIds: [queue.id], channels: ['chat', 'twitter'] });

    const team = await req(admin, '/teams', { method: 'POST', body: { name: 'Night shift', memberIds: [grace.id] } });
    expect(((await team.json()) as { team: { memberIds: string[] } }).team.memberIds).toEqual([grace.id]);
    expect((await req(agent, '/teams')).status).toBe(403);
  });
});
