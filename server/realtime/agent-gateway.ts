import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { parse as parseCookies } from 'hono/utils/cookie';
import { AppError, agentInbound, type AgentClientEvents, type AgentServerEvents } from '../../protocol/index.ts';
import { SESSION_COOKIE } from '../services/auth-service.ts';
import type { AgentIdentity } from '../services/agent-service.ts';
import type { Services } from '../services/index.ts';
import { handshakeError, register } from './register.ts';
import { AGENTS_ROOM, SUPERVISORS_ROOM, agentRoom, conversationRoom } from './rooms.ts';

export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, { agent: AgentIdentity }>;

/** /agent: authenticated by the `parley_session` cookie of the handshake request. */
function isSameOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  try {
    const url = new URL(origin);
    return url.host === host || url.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

export function attachAgentGateway(nsp: AgentNamespace, services: Services, logger: Logger, opts: { publicUrl: string }): void {
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

  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
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
    // Watching a conversation = being in its room: live messages and visitor typing.
    const watch = (conversationId: string) => void socket.join(conversationRoom(conversationId));

    register(
      socket,
      agentInbound,
      {
        'conversations:list': () => services.agent.list(agent),
        'conversation:open': async ({ conversationId }) => {
          const detail = await services.agent.open(conversationId);
          watch(conversationId);
          return detail;
        },
        'conversation:take': async ({ conversationId }) => {
          const result = await services.agent.take(agent, conversationId);
          watch(conversationId);
          return result;
        },
        'message:send': async (input) => {
          const result = await services.agent.send(agent, input);
          watch(input.conversationId);
          return result;
        },
        read: ({ conversationId, seq }) => services.desk.read(conversationId, seq),
        sync: ({ conversationId, afterSeq }) => services.agent.sync(conversationId, afterSeq),
        typing: async ({ conversationId, typing }) => {
          await services.agent.typing(agent, conversationId, typing, socket.id);
          return {};
        },
        ping: () => ({ now: new Date().toISOString() }),
        'agent:state': () => services.routing.agentState(agent.id),
        'presence:set': (input) => services.routing.setPresence(agent.id, input),
        'offer:accept': async ({ offerId }) => {
          const detail = await services.sessions.accept(agent, offerId);
          watch(detail.conversation.id);
          return detail;
        },
        'offer:reject': ({ offerId }) => services.routing.reject(agent.id, offerId),
        'session:transfer': async ({ conversationId, target }) => {
          const result = await services.sessions.transfer(agent, conversationId, target);
          void socket.leave(conversationRoom(conversationId));
          return result;
        },
        'session:end': ({ conversationId }) => services.sessions.end(agent, conversationId),
        'session:wrap-up': (input) => services.sessions.wrapUp(agent, input),
        'directory:get': () => services.directory.get(),
        'sessions:cards': (query) => {
          // Agents see their own cards; supervisors and admins see everyone's.
          return services.directory.cards(query, agent.role === 'agent' ? agent.id : null);
        },
        'catalog:get': () => services.desk.catalog(agent),
        'contacts:search': (input) => services.desk.search(input),
        'contact:history': ({ conversationId }) => services.desk.history(conversationId),
        'contact:update': ({ contactId, patch }) => services.desk.update(contactId, patch),
        'contact:verify': ({ contactId, verified }) => services.desk.verify(contactId, verified),
        'conversation:open-as-chat': async ({ conversationId }) => {
          const detail = await services.desk.openAsChat(agent, conversationId);
          watch(conversationId);
          return detail;
        },
      },
      logger,
    );
  });
}
