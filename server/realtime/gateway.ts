import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { Redis } from 'ioredis';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../../protocol/index.ts';
import * as jsonParser from '../../protocol/socket-io-json-parser.ts';
import type { Limits } from '../limits/limits.ts';
import { setHandlerHooks, type InFlight } from '../observability/handler-hooks.ts';
import { withTimeout } from '../observability/metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import { forAgents } from '../core/message-audience.ts';
import type { Publisher } from '../services/publisher.ts';
import type { Services } from '../services/index.ts';
import { limitHandshakes } from './address-limits.ts';
import { attachAgentGateway, type AgentNamespace } from './agent-gateway.ts';
import { ADMINS_ROOM, SUPERVISORS_ROOM, agentRoom, conversationRoom, loginSessionRoom, visitorRoom, websiteRoom, websiteSupervisorsRoom } from './rooms.ts';
import { closeClientTransports, coalesceWebSocketFlushes, localMemberCount, redisAdapter } from './socket-io-internals/index.ts';
import { attachVisitorGateway, type VisitorNamespace } from './visitor-gateway.ts';

/**
 * Socket.IO on the HTTP server (path /socket.io, websocket only: no sticky
 * sessions needed when nodes multiply), in two steps, so that nothing is filled in late:
 * `createGateway` builds the server, its adapter and the publisher that services use to fan out
 * committed events through rooms; the services are then built with that publisher, and
 * `listen(httpServer, services)` registers the namespaces' handlers and starts accepting sockets.
 */
export interface GatewayOptions {
  /** PUBLIC_URL as configured (null: the Host header names the own origin); the /agent handshake's origin check. */
  publicUrl: string | null;
  /** Redis for cross-node fan-out (rooms span every node); null = single node. */
  redisUrl: string | null;
  /** Connected sockets, messages and ack latency go there. */
  metrics?: Metrics;
  /** Handlers between receipt and ack, which a graceful shutdown waits for. */
  inFlight?: InFlight;
  /** false while shutting down: new websocket handshakes are refused (clients try another node). */
  accepting?: () => boolean;
  /** Handshakes per address, visitor sockets per address, every socket's event budget. */
  limits: Limits;
}

export interface Gateway {
  io: Server;
  publisher: Publisher;
  /** Registers the handlers over `services` and serves Socket.IO on `httpServer`; once. */
  listen(httpServer: HttpServer, services: Services): void;
  closeAdapter(): Promise<void>;
  /** Redis PING for /readyz; null when this node runs without Redis. */
  redisProbe: (() => Promise<void>) | null;
}

/** How many visitor rooms one `disconnectVisitors` broadcast names. */
const DISCONNECT_SLICE = 500;

export function createGateway(logger: Logger, opts: GatewayOptions): Gateway {
  const accepting = opts.accepting ?? (() => true);
  // Not yet on the HTTP server: until `listen`, no socket connects, so publishing reaches only other nodes.
  const io = new Server({
    path: '/socket.io',
    // Websocket only, on the server too: no HTTP long-polling means no sticky sessions behind a proxy.
    transports: ['websocket'],
    serveClient: false,
    allowRequest: (req, callback) => {
      if (!accepting()) return callback(null, false);
      const address = opts.limits.addressOfHandshake({ address: req.socket.remoteAddress ?? '', headers: req.headers });
      opts.limits.connection(address).then(
        () => callback(null, true),
        () => callback(null, false),
      );
    },
    // Origins are checked per website in the /visitor handshake, not globally.
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: 64 * 1024,
    // Text packets only, same wire format: a binary packet from a client is refused like a malformed one.
    parser: jsonParser,
  });
  let redis: Redis[] = [];
  if (opts.redisUrl) {
    const pub = new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    for (const c of [pub, sub]) c.on('error', (err) => logger.warn({ err }, 'redis adapter connection error'));
    redis = [pub, sub];
    // A PUBLISH that fails is logged; clients resync on reconnect anyway.
    io.adapter(redisAdapter(pub, sub, (err) => logger.warn({ err }, 'redis publish failed')));
    // Events fanned out while Redis was away may be lost to this node's clients, which cannot tell.
    // Once it is back, close their transports: they reconnect (with jittered backoff) and sync what they missed.
    let subscribedOnce = false;
    sub.on('ready', () => {
      if (subscribedOnce) {
        logger.warn('redis is back: reconnecting this node\'s clients so they resync');
        closeClientTransports(io);
      } else {
        logger.info('redis connected');
      }
      subscribedOnce = true;
    });
  }
  const closeAdapter = async () => {
    // QUIT waits in ioredis' offline queue while Redis is down: give it a second, then just drop the connection.
    await Promise.all(redis.map((c) => withTimeout(c.quit(), 1_000, 'redis quit').catch(() => c.disconnect())));
  };
  const redisProbe = redis.length
    ? async () => {
        // Commands queue while ioredis reconnects; a client that is not ready counts as down now.
        if (redis.some((c) => c.status !== 'ready')) throw new Error('redis not connected');
        await withTimeout(redis[0]!.ping(), 2_000, 'redis ping');
      }
    : null;
  const visitors = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as AgentNamespace;
  const { metrics, inFlight } = opts;

  let listening = false;
  function listen(httpServer: HttpServer, services: Services): void {
    if (listening) throw new Error('the gateway listens once');
    listening = true;
    // Before any other check of the handshake: a flood from one address stops here, not at the database.
    visitors.use(limitHandshakes(opts.limits));
    agents.use(limitHandshakes(opts.limits));
    attachVisitorGateway(visitors, services, logger.child({ nsp: VISITOR_NAMESPACE }), opts.limits);
    attachAgentGateway(agents, services, logger.child({ nsp: AGENT_NAMESPACE }), opts);
    metrics?.setSocketCounts(() => ({ visitors: visitors.sockets.size, agents: agents.sockets.size }));
    if (metrics || inFlight) {
      setHandlerHooks(io, {
        accepting,
        started(namespace, event) {
          const start = process.hrtime.bigint();
          inFlight?.enter();
          return () => {
            inFlight?.leave();
            metrics?.observeAck(namespace, event, Number(process.hrtime.bigint() - start) / 1e9);
          };
        },
      });
    }
    io.attach(httpServer);
    // engine.io exists from here on: its connections get the coalesced flushes.
    coalesceWebSocketFlushes(io);
  }

  /**
   * Who a broadcast to `room` (less `exceptSocketId`) goes to, or null when it can reach nobody. With
   * Redis, members may sit on other nodes, so it always goes out. On a single node only a local member
   * other than `exceptSocketId` counts: a visitor's message usually has no other tab to go to, and
   * Socket.IO would still encode it for nobody.
   */
  function audience<N extends VisitorNamespace | AgentNamespace>(nsp: N, room: string, exceptSocketId?: string): ReturnType<N['to']> | null {
    if (!redis.length && localMemberCount(nsp, room, exceptSocketId) === 0) return null;
    const to = (nsp as AgentNamespace).to(room);
    return (exceptSocketId ? to.except(exceptSocketId) : to) as ReturnType<N['to']>;
  }

  const publisher: Publisher = {
    messages(conversationId, messages, exceptSocketId) {
      metrics?.countMessages(messages);
      const room = conversationRoom(conversationId);
      const toVisitors = audience(visitors, room, exceptSocketId);
      const toAgents = audience(agents, room, exceptSocketId);
      for (const message of messages) {
        toVisitors?.emit('message', message);
        toAgents?.emit('message', forAgents(message));
      }
    },
    conversationUpdated(summary) {
      // Its holder may sit outside the website's staff (a transfer to a named agent): them too.
      const rooms = [websiteRoom(summary.websiteId), ADMINS_ROOM, ...(summary.agent ? [agentRoom(summary.agent.id)] : [])];
      agents.to(rooms).emit('conversation:updated', summary);
    },
    conversationPreview(summary) {
      // Other agents' desks drop a conversation that is neither waiting nor theirs: no need to send it.
      agents.to(summary.agent ? agentRoom(summary.agent.id) : [websiteRoom(summary.websiteId), ADMINS_ROOM]).emit('conversation:updated', summary);
    },
    visitorTyping(conversationId, author, typing) {
      audience(agents, conversationRoom(conversationId))?.emit('typing', { conversationId, author, typing });
    },
    agentTyping(conversationId, author, typing, exceptSocketId) {
      const room = conversationRoom(conversationId);
      audience(visitors, room)?.emit('typing', { author, typing });
      audience(agents, room, exceptSocketId)?.emit('typing', { conversationId, author, typing });
    },
    toAgent(agentId, event, payload) {
      (agents.to(agentRoom(agentId)) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    },
    toSupervisors(event, payload) {
      (agents.to(SUPERVISORS_ROOM) as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    },
    visitorQueue(conversationId, status) {
      visitors.to(conversationRoom(conversationId)).emit('queue', status);
    },
    receipt(event) {
      const room = conversationRoom(event.conversationId);
      audience(visitors, room)?.emit('receipt', event);
      audience(agents, room)?.emit('receipt', event);
    },
    sessionCard(card, websiteId) {
      const rooms = [websiteSupervisorsRoom(websiteId), ADMINS_ROOM, ...(card.agent ? [agentRoom(card.agent.id)] : [])];
      agents.to(rooms).emit('session:card', card);
    },
    xDelivery(delivery) {
      audience(agents, conversationRoom(delivery.conversationId))?.emit('x:delivery', delivery);
    },
    contactUpdated(contact, websiteId) {
      agents.to([websiteRoom(websiteId), ADMINS_ROOM]).emit('contact:updated', contact);
    },
    disconnectAgent(agentId) {
      agents.in(agentRoom(agentId)).disconnectSockets(true);
    },
    disconnectLoginSession(tokenHash) {
      agents.in(loginSessionRoom(tokenHash)).disconnectSockets(true);
    },
    disconnectVisitors(visitorIds) {
      // A few hundred rooms per broadcast (one adapter message each with Redis), not one per visitor.
      for (let from = 0; from < visitorIds.length; from += DISCONNECT_SLICE) {
        visitors.in(visitorIds.slice(from, from + DISCONNECT_SLICE).map(visitorRoom)).disconnectSockets(true);
      }
    },
  };
  return { io, publisher, listen, closeAdapter, redisProbe };
}
