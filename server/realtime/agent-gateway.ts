import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { parse as parseCookies } from 'hono/utils/cookie';
import { AppError, agentInbound, type AgentClientEvents, type AgentServerEvents } from '../../protocol/index.ts';
import type { Limits } from '../limits/limits.ts';
import { SESSION_COOKIE } from '../services/auth-service.ts';
import type { AgentIdentity } from '../services/agent-service.ts';
import type { Services } from '../services/index.ts';
import { createDispatcher, handshakeError, releaseHandshake } from './register.ts';
import { AGENTS_ROOM, SUPERVISORS_ROOM, agentRoom, conversationRoom, join } from './rooms.ts';

export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, { agent: AgentIdentity }>;
type AgentSocket = Parameters<Parameters<AgentNamespace['on']>[1]>[0];

/** Watching a conversation = being in its room: live messages and visitor typing. */
const watch = (socket: AgentSocket, conversationId: string) => join(socket, conversationRoom(conversationId));

/** /agent: authenticated by the `parley_session` cookie of the handshake request. */
function isSameOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  try {
    const url = new URL(origin);
    return url.host === host || url.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

export function attachAgentGateway(nsp: AgentNamespace, services: Services, logger: Logger, opts: { publicUrl: string; limits: Pick<Limits, 'socketEvents'> }): void {
  nsp.use(async (socket, next) => {
    try {
      // Cross-site WebSocket hijacking guard: a browser may only connect from the desktop's own origin.
      const { origin, host } = socket.handshake.headers;
      if (origin && !isSameOrigin(origin, host, opts.publicUrl)) throw new AppError('ORIGIN_NOT_ALLOWED');
      const cookies = parseCookies(socket.handshake.headers.cookie ?? '', SESSION_COOKIE);
      const agent = await services.auth.authenticate(cookies[SESSION_COOKIE]);
      socket.data.agent = { id: agent.id, name: agent.name, role: agent.role };
      // A desktop is here: cancel a pending Offline lapse; Offline becomes Not Ready. Done before
      // the connection is accepted so the first `agent:state` already sees it.
      await services.routing.agentConnected(agent.id);
      next();
    } catch (err) {
      next(handshakeError(err));
    }
  });

  const attach = createDispatcher<typeof agentInbound, AgentSocket>(
    agentInbound,
    {
      'conversations:list': (socket) => services.agent.list(socket.data.agent),
      'conversation:open': async (socket, { conversationId }) => {
        const detail = await services.agent.open(conversationId);
        watch(socket, conversationId);
        return detail;
      },
      'conversation:take': async (socket, { conversationId }) => {
        const result = await services.agent.take(socket.data.agent, conversationId);
        watch(socket, conversationId);
        return result;
      },
      'message:send': async (socket, input) => {
        const result = await services.agent.send(socket.data.agent, input, socket.id);
        watch(socket, input.conversationId);
        return result;
      },
      read: (_, { conversationId, seq }) => services.desk.read(conversationId, seq),
      sync: (_, { conversationId, afterSeq }) => services.agent.sync(conversationId, afterSeq),
      typing: async (socket, { conversationId, typing }) => {
        await services.agent.typing(socket.data.agent, conversationId, typing, socket.id);
        return {};
      },
      ping: () => ({ now: new Date().toISOString() }),
      'agent:state': (socket) => services.routing.agentState(socket.data.agent.id),
      'presence:set': (socket, input) => services.routing.setPresence(socket.data.agent.id, input),
      'offer:accept': async (socket, { offerId }) => {
        const detail = await services.sessions.accept(socket.data.agent, offerId);
        watch(socket, detail.conversation.id);
        return detail;
      },
      'offer:reject': (socket, { offerId }) => services.routing.reject(socket.data.agent.id, offerId),
      'session:transfer': async (socket, { conversationId, target }) => {
        const result = await services.sessions.transfer(socket.data.agent, conversationId, target);
        void socket.leave(conversationRoom(conversationId));
        return result;
      },
      'session:end': (socket, { conversationId }) => services.sessions.end(socket.data.agent, conversationId),
      'session:wrap-up': (socket, input) => services.sessions.wrapUp(socket.data.agent, input),
      'directory:get': () => services.directory.get(),
      'sessions:cards': (socket, query) => {
        // Agents see their own cards; supervisors and admins see everyone's.
        return services.directory.cards(query, socket.data.agent.role === 'agent' ? socket.data.agent.id : null);
      },
      'catalog:get': (socket) => services.desk.catalog(socket.data.agent),
      'contacts:search': (_, input) => services.desk.search(input),
      'contact:history': (_, { conversationId }) => services.desk.history(conversationId),
      'contact:update': (_, { contactId, patch }) => services.desk.update(contactId, patch),
      'contact:verify': (_, { contactId, verified }) => services.desk.verify(contactId, verified),
      'conversation:open-as-chat': async (socket, { conversationId }) => {
        const detail = await services.desk.openAsChat(socket.data.agent, conversationId);
        watch(socket, conversationId);
        return detail;
      },
    },
    logger,
    opts.limits.socketEvents,
  );

  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
    releaseHandshake(socket);
    void socket.join([AGENTS_ROOM, agentRoom(agent.id)]);
    if (agent.role === 'supervisor' || agent.role === 'admin') void socket.join(SUPERVISORS_ROOM);
    socket.on('disconnect', () => {
      // Counted across nodes (the Redis adapter asks the others); the last one starts the grace period.
      nsp
        .in(agentRoom(agent.id))
        .fetchSockets()
        .then((left) => (left.length === 0 ? services.routing.agentDisconnected(agent.id) : undefined))
        .catch((err) => logger.warn({ err }, 'presence on disconnect failed'));
    });
    attach(socket);
  });
}
