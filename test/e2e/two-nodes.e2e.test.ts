/**
 * Issue 3 "many nodes, one truth", with real processes: two server nodes on one
 * Postgres database and Redis. The visitor is on node A, the agents on node B
 * and A: offers, expiry → Refused, accept, messages, typing and a transfer all
 * cross processes. Then the same through Debian's nginx configured by the example
 * deploy/nginx/parley.conf (TLS, websockets), through a crash of one node and a
 * SIGTERM of the other. Needs DATABASE_URL, Redis and nginx (CI has all three).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientEvents, AgentServerEvents, Message, Offer, VisitorClientEvents, VisitorServerEvents } from '../../protocol/index.ts';
import { freePort } from '../../server/testing/scratch.ts';
import { proxyRequest, startNginx, type RunningNginx } from './nginx.ts';
import { eventually } from './pages.ts';
import { DEMO_AGENT, DEMO_WEBSITE_KEY, SECOND_AGENT, startSystem, type RunningCluster } from './system.ts';

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

const REDIS_URL = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.runIf(!!process.env.DATABASE_URL)('two server processes, one Postgres, Redis fan-out', () => {
  let cluster: RunningCluster;
  let proxy: RunningNginx;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // The public origin is the proxy's, which knows the nodes' ports only once they run.
    const proxyPort = await freePort();
    cluster = await startSystem({
      nodes: 2,
      publicUrl: `https://127.0.0.1:${proxyPort}`,
      env: { REDIS_URL, SWEEP_INTERVAL_MS: '100', TRUSTED_PROXIES: '127.0.0.1' },
    });
    proxy = await startNginx({ upstreams: cluster.urls.map((u) => new URL(u).host), httpsPort: proxyPort });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await proxy?.stop();
    await cluster?.stop();
  });

  const origin = () => cluster.publicUrl;

  async function login(nodeUrl: string, who: { email: string; password: string }): Promise<string> {
    const res = await fetch(`${nodeUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: origin() },
      body: JSON.stringify(who),
    });
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  async function connect<S extends Socket>(socket: S): Promise<S> {
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  const agentOn = async (nodeUrl: string, who: { email: string; password: string }) => {
    const cookie = await login(nodeUrl, who);
    return connect<AgentSocket>(io(`${nodeUrl}/agent`, { forceNew: true, transports: ['websocket'], extraHeaders: { cookie, origin: origin() } }));
  };

  async function call<T>(socket: Socket, event: string, payload: unknown = {}): Promise<T> {
    const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
    if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  function next<T>(socket: Socket, event: string, match: (payload: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => {
      const handler = (payload: T) => {
        if (!match(payload)) return;
        socket.off(event, handler);
        resolve(payload);
      };
      socket.on(event, handler);
    });
  }

  it('routes, expires, connects, relays and transfers across the two nodes', async () => {
    const [nodeA, nodeB] = cluster.urls as [string, string];

    // Short offers, set by the admin through node B.
    const adminCookie = await login(nodeB, DEMO_AGENT);
    const { queues } = (await (await fetch(`${nodeB}/api/v1/queues`, { headers: { cookie: adminCookie } })).json()) as { queues: { id: string; name: string }[] };
    for (const q of queues) {
      const res = await fetch(`${nodeB}/api/v1/queues/${q.id}`, {
        method: 'PATCH',
        headers: { cookie: adminCookie, 'content-type': 'application/json' },
        body: JSON.stringify({ offerTimeoutSec: 2 }),
      });
      expect(res.status).toBe(200);
    }

    const grace = await agentOn(nodeB, SECOND_AGENT);
    await call(grace, 'presence:set', { channel: 'chat', state: 'ready' });

    // The visitor writes on node A; the offer, decided there, reaches Grace on node B.
    const visitor = await connect<VisitorSocket>(
      io(`${nodeA}/visitor`, { forceNew: true, transports: ['websocket'], auth: { websiteKey: DEMO_WEBSITE_KEY }, extraHeaders: { origin: origin() } }),
    );
    const firstOffer = next<Offer>(grace, 'offer');
    const sent = await call<{ conversationId: string; token: string }>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hello from node A' });
    const offer = await firstOffer;
    expect(offer.conversationId).toBe(sent.conversationId);

    // Grace lets it expire: whichever node's sweeper claims the timer, she becomes Refused.
    await next(grace, 'offer:revoked', (r: { offerId: string }) => r.offerId === offer.id);
    await eventually(async () => {
      const state = await call<{ presence: { channel: string; state: string }[] }>(grace, 'agent:state');
      expect(state.presence.find((p) => p.channel === 'chat')?.state).toBe('refused');
    }, 'Grace refused');

    // Ada, on node A, accepts; the visitor (node A) and the message flow both ways.
    const ada = await agentOn(nodeA, DEMO_AGENT);
    const adaOffer = next<Offer>(ada, 'offer');
    await call(ada, 'presence:set', { channel: 'chat', state: 'ready' });
    const joined = next<Message>(visitor, 'message', (m) => m.kind === 'event' && m.event.type === 'agent_joined');
    await call(ada, 'offer:accept', { offerId: (await adaOffer).id });
    const joinedEvent = await joined;
    expect(joinedEvent.kind === 'event' ? joinedEvent.event.actorName : null).toBe(DEMO_AGENT.name);

    // Grace sets Ready again on node B; Ada transfers to her; she accepts and writes; the visitor on A reads it.
    await call(grace, 'presence:set', { channel: 'chat', state: 'ready' });
    const directory = await call<{ agents: { id: string; name: string }[] }>(ada, 'directory:get');
    const graceId = directory.agents.find((a) => a.name === SECOND_AGENT.name)!.id;
    const transferred = next<Offer>(grace, 'offer');
    await call(ada, 'session:transfer', { conversationId: sent.conversationId, target: { kind: 'agent', id: graceId } });
    const transferOffer = await transferred;
    expect(transferOffer.transferredBy).toBe(DEMO_AGENT.name);
    await call(grace, 'offer:accept', { offerId: transferOffer.id });

    const typing = next<{ typing: boolean }>(visitor, 'typing', (t) => t.typing);
    await call(grace, 'typing', { conversationId: sent.conversationId, typing: true });
    await typing;
    const reply = next<Message>(visitor, 'message', (m) => m.kind === 'text' && m.text === 'Grace here, from node B');
    await call(grace, 'message:send', { conversationId: sent.conversationId, clientId: randomUUID(), text: 'Grace here, from node B' });
    await reply;

    // The visitor's answer reaches Grace on node B, and the whole transcript is in order on both sides.
    const answer = next<Message>(grace, 'message', (m) => m.kind === 'text' && m.text === 'Thanks!');
    await call(visitor, 'message:send', { clientId: randomUUID(), text: 'Thanks!' });
    await answer;
    const transcript = await call<{ events: Message[] }>(visitor, 'sync', { afterSeq: 0 });
    const seqs = transcript.events.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(transcript.events.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''))).toEqual([
      'Hello from node A',
      'Grace here, from node B',
      'Thanks!',
    ]);
  });

  it('runs through nginx with the example config: TLS, websockets, and reconnects after a crash of one node and a SIGTERM of the other', { timeout: 120_000 }, async () => {
    const { url, ca } = proxy;
    // Plain HTTP only redirects; the nodes' health and metrics are not served through the proxy.
    const plain = await fetch(`${proxy.plainUrl}/desktop/`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toMatch(/^https:\/\/127\.0\.0\.1(:\d+)?\/desktop\/$/);
    const health = await proxyRequest(`${url}/healthz`, ca);
    expect(health.status).toBe(200);
    // The nodes know they are served over https (PUBLIC_URL): HSTS comes from them, once.
    expect(health.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    expect((await proxyRequest(`${url}/readyz`, ca)).status).toBe(404);
    // A full-size attachment gets through nginx to a node (which answers, in JSON: no session here); more does not.
    const upload = (bytes: number) =>
      proxyRequest(`${url}/api/v1/attachments`, ca, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: 'x'.repeat(bytes) });
    const fullSize = await upload(10 * 1024 * 1024 + 4096);
    expect(fullSize.status).toBe(401);
    expect(JSON.parse(fullSize.body)).toMatchObject({ error: { code: expect.any(String) } });
    expect((await upload(12 * 1024 * 1024)).status).toBe(413);
    expect((await proxyRequest(`${url}/metrics`, ca)).status).toBe(404);

    const loginThroughProxy = async (who: { email: string; password: string }) => {
      const res = await proxyRequest(`${url}/api/v1/auth/login`, ca, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: origin() },
        body: JSON.stringify(who),
      });
      expect(res.status).toBe(200);
      return String(res.headers['set-cookie'] ?? '').split(';')[0]!;
    };
    const agentThroughProxy = async (who: { email: string; password: string }) => {
      const cookie = await loginThroughProxy(who);
      return connect<AgentSocket>(io(`${url}/agent`, { forceNew: true, transports: ['websocket'], ca, extraHeaders: { cookie, origin: origin() } }));
    };

    // Grace steps away, so that the new chat is offered to Ada, who is on the proxy now.
    const grace = await agentThroughProxy(SECOND_AGENT);
    await call(grace, 'presence:set', { channel: 'chat', state: 'away' });
    grace.disconnect();
    const ada = await agentThroughProxy(DEMO_AGENT);
    const offers: Offer[] = [];
    ada.on('offer', (o) => offers.push(o));
    await call(ada, 'presence:set', { channel: 'chat', state: 'ready' });

    const visitor = await connect<VisitorSocket>(
      io(`${url}/visitor`, { forceNew: true, transports: ['websocket'], ca, auth: { websiteKey: DEMO_WEBSITE_KEY }, extraHeaders: { origin: origin() } }),
    );
    const sent = await call<{ conversationId: string; token: string }>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hello through nginx' });
    // As the widget does: reconnections carry the visitor's token, so they come back as the same visitor.
    visitor.auth = { websiteKey: DEMO_WEBSITE_KEY, token: sent.token };
    const offer = await eventually(async () => {
      const found = offers.find((o) => o.conversationId === sent.conversationId);
      if (!found) throw new Error('no offer yet');
      return found;
    }, 'the offer to Ada');
    await call(ada, 'offer:accept', { offerId: offer.id });

    // Node A crashes and comes back (nginx saw it refuse connections), then node B is stopped gracefully:
    // everyone ends up on node A, through the proxy. Nothing is asserted about how long it takes.
    await cluster.restartNode(0);
    expect(await cluster.stopNode(1)).toBe(0);

    const texts = (events: Message[]) => events.filter((m) => m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''));
    const afterwards = { clientId: randomUUID(), text: 'Still there?' };
    await eventually(() => call(visitor, 'message:send', afterwards), 'the visitor sending again', 40_000); // idempotent by clientId
    await eventually(async () => {
      const { events } = await call<{ events: Message[] }>(ada, 'sync', { conversationId: sent.conversationId, afterSeq: 0 });
      expect(texts(events)).toEqual(['Hello through nginx', 'Still there?']);
    }, 'Ada reading it', 40_000);
    const reply = { conversationId: sent.conversationId, clientId: randomUUID(), text: 'Yes, on the node still up' };
    await eventually(() => call(ada, 'message:send', reply), 'Ada answering', 40_000);
    const { events } = await call<{ events: Message[] }>(visitor, 'sync', { afterSeq: 0 });
    expect(texts(events)).toEqual(['Hello through nginx', 'Still there?', 'Yes, on the node still up']);
  });
});
