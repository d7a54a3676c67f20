import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../../protocol/index.ts';
import type { Publisher } from '../services/publisher.ts';
import type { Services } from '../services/index.ts';
import { attachAgentGateway, type AgentNamespace } from './agent-gateway.ts';
import { AGENTS_ROOM, conversationRoom } from './rooms.ts';
import { attachVisitorGateway, type VisitorNamespace } from './visitor-gateway.ts';

/**
 * Socket.IO on the HTTP server (path /socket.io, websocket only: no sticky
 * sessions needed when nodes multiply). Returns the publisher services use to
 * fan out committed events through conversation rooms.
 */
export function createGateway(httpServer: HttpServer, services: Services, logger: Logger, opts: { publicUrl: string }): { io: Server; publisher: Publisher } {
  const io = new Server(httpServer, {
    path: '/socket.io',
    transports: ['websocket'],
    serveClient: false,
    // Origins are checked per website in the /visitor handshake, not globally.
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: 64 * 1024,
  });
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
  };
  return { io, publisher };
}
