import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../../protocol/index.ts';
import type { Publisher } from '../services/publisher.ts';
import type { Services } from '../services/index.ts';
import { attachAgentGateway, type AgentNamespace } from './agent-gateway.ts';
import { AGENTS_ROOM, SUPERVISORS_ROOM, agentRoom, conversationRoom } from './rooms.ts';
import { attachVisitorGateway, type VisitorNamespace } from './visitor-gateway.ts';

/**
 * Socket.IO on the HTTP server (path /socket.io, websocket only: no sticky
 * sessions needed when nodes multiply). Returns the publisher services use to
 * fan out committed events through conversation rooms.
 */
export interface GatewayOptions {
  publicUrl: string;
  /** Redis for cross-node fan-out (rooms span every node); null = single node. */
  redisUrl: string | null;
}

export function createGateway(
  httpServer: HttpServer,
  services: Services,
  logger: Logger,
  opts: GatewayOptions,
): { io: Server; publisher: Publisher; closeAdapter(): Promise<void> } {
  const io = new Server(httpServer, {
    path: '/socket.io',
    transports: ['websocket'],
    serveClient: false,
    // Origins are checked per website in the /visitor handshake, not globally.
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: 64 * 1024,
  });
  let redis: Redis[] = [];
  if (opts.redisUrl) {
    const pub = new Redis(opts.redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    for (const c of [pub, sub]) c.on('error', (err) => logger.warn({ err }, 'redis adapter connection error'));
    redis = [pub, sub];
    io.adapter(createAdapter(pub, sub));
  }
  const closeAdapter = async () => {
    await Promise.all(redis.map((c) => c.quit().catch(() => c.disconnect())));
  };
  const visitors = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as AgentNamespace;
  attachVisitorGateway(visitors, services, logger.child({ nsp: VISITOR_NAMESPACE }));
  attachAgentGateway(agents, services, logger.child({ nsp: AGENT_NAMESPACE }), opts);

  const publisher: Publisher = {
    messages(conversationId, messages) {
      const room = conversationRoom(conversationId);
      for (const message of messages) {
        visitors.to(room).emit('message', message);
        agents.to(room).emit('message', message);
      }
    },
    conversationUpdated(summary) {
      agents.to(AGENTS_ROOM).emit('conversation:updated', summary);
    },
    visitorTyping(conversationId, author, typing) {
      agents.to(conversationRoom(conversationId)).emit('typing', { conversationId, author, typing });
    },
    agentTyping(conversationId, author, typing, exceptSocketId) {
      const room = conversationRoom(conversationId);
      visitors.to(room).emit('typing', { author, typing });
      const others = exceptSocketId ? agents.to(room).except(exceptSocketId) : agents.to(room);
      others.emit('typing', { conversationId, author, typing });
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
      visitors.to(room).emit('receipt', event);
      agents.to(room).emit('receipt', event);
    },
    contactUpdated(contact) {
      agents.to(AGENTS_ROOM).emit('contact:updated', contact);
    },
  };
  return { io, publisher, closeAdapter };
}
