import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { parse as parseCookies } from 'hono/utils/cookie';
import { AppError, agentInbound, type AgentClientEvents, type AgentServerEvents } from '../../protocol/index.ts';
import { AGENT_EVENT_POLICY } from '../auth/policy.ts';
import { isOwnOrigin } from '../core/own-origin.ts';
import { hashSessionToken, SESSION_COOKIE } from '../services/auth-service.ts';
import type { StaffCaller } from '../services/access-service.ts';
import type { Limits } from '../limits/limits.ts';
import type { AgentIdentity } from '../services/agent-service.ts';
import type { Services } from '../services/index.ts';
import { createDispatcher, handshakeError } from './register.ts';
import { releaseHandshake } from './socket-io-internals/index.ts';
import { SUPERVISORS_ROOM, agentRoom, conversationRoom, join, loginSessionRoom, scopeRooms } from './rooms.ts';

export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, { agent: AgentIdentity; loginSession: string }>;
type AgentSocket = Parameters<Parameters<AgentNamespace['on']>[1]>[0];

/** Watching a conversation = being in its room: live messages and visitor typing. */
const watch = (socket: AgentSocket, conversationId: string) => join(socket, conversationRoom(conversationId));

/**
 * /agent: authenticated by the `parley_session` cookie of the handshake request. Every event is
 * then checked against the authorization table with the caller read fresh (role, scope, session
 * still valid), so a demotion or a revoked session counts at once even before the disconnect
 * that follows it reaches this node. Rooms follow the caller's scope (server/realtime/rooms.ts).
 */
export function attachAgentGateway(nsp: AgentNamespace, services: Services, logger: Logger, opts: { publicUrl: string | null; limits: Pick<Limits, 'socketEvents'> }): void {
  nsp.use(async (socket, next) => {
    try {
      // Cross-site WebSocket hijacking guard: a browser may only connect from the desktop's own origin.
      const { origin, host } = socket.handshake.headers;
      if (origin && !isOwnOrigin(origin, { host, publicUrl: opts.publicUrl })) throw new AppError('ORIGIN_NOT_ALLOWED');
      const token = parseCookies(socket.handshake.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE];
      if (!token) throw new AppError('UNAUTHENTICATED');
      const loginSession = hashSessionToken(token);
      const caller = await services.access.callerOf(loginSession, { withScope: true });
      socket.data.agent = { id: caller.id, name: caller.name, role: caller.role };
      socket.data.loginSession = loginSession;
      // Joined before the connection is accepted: nothing published in between is missed.
      await socket.join([agentRoom(caller.id), loginSessionRoom(loginSession), ...scopeRooms(caller.role, caller.scope), ...(caller.role === 'agent' ? [] : [SUPERVISORS_ROOM])]);
      // A desktop is here: cancel a pending Offline lapse; Offline becomes Not Ready. Done before
      // the connection is accepted so the first `agent:state` already sees it.
      await services.routing.agentConnected(caller.id);
      next();
    } catch (err) {
      next(handshakeError(err));
    }
  });

  const authorize = async (socket: AgentSocket, event: keyof typeof agentInbound & string, input: Record<string, unknown>): Promise<StaffCaller> => {
    const caller = await services.access.authorizeStaff(socket.data.loginSession, AGENT_EVENT_POLICY[event], input);
    socket.data.agent = { id: caller.id, name: caller.name, role: caller.role };
    return caller;
  };

  const attach = createDispatcher<typeof agentInbound, AgentSocket, StaffCaller>(
    agentInbound,
    {
      'conversations:list': (_, __, caller) => services.agent.list(caller),
      'conversation:open': async (socket, { conversationId }) => {
        const detail = await services.agent.open(conversationId);
        watch(socket, conversationId);
        return detail;
      },
      'conversation:take': async (socket, { conversationId }, caller) => {
        const result = await services.agent.take(caller, conversationId);
        watch(socket, conversationId);
        return result;
      },
      'message:send': async (socket, input, caller) => {
        const result = await services.agent.send(caller, input, socket.id);
        watch(socket, input.conversationId);
        return result;
      },
      read: (_, { conversationId, seq }) => services.desk.read(conversationId, seq),
      sync: (_, { conversationId, afterSeq }) => services.agent.sync(conversationId, afterSeq),
      typing: async (socket, { conversationId, typing }, caller) => {
        await services.agent.typing(caller, conversationId, typing, socket.id);
        return {};
      },
      ping: () => ({ now: new Date().toISOString() }),
      'agent:state': (_, __, caller) => services.routing.agentState(caller.id),
      'presence:set': (_, input, caller) => services.routing.setPresence(caller.id, input),
      'offer:accept': async (socket, { offerId }, caller) => {
        const detail = await services.sessions.accept(caller, offerId);
        watch(socket, detail.conversation.id);
        return detail;
      },
      'offer:reject': (_, { offerId }, caller) => services.routing.reject(caller.id, offerId),
      'session:transfer': async (socket, { conversationId, target }, caller) => {
        const result = await services.sessions.transfer(caller, conversationId, target);
        void socket.leave(conversationRoom(conversationId));
        return result;
      },
      'session:end': (_, { conversationId }, caller) => services.sessions.end(caller, conversationId),
      'session:wrap-up': (_, input, caller) => services.sessions.wrapUp(caller, input),
      'directory:get': () => services.directory.get(),
      'sessions:cards': (_, query, caller) => services.directory.cards(query, caller),
      'catalog:get': (_, __, caller) => services.desk.catalog(caller),
      'contacts:search': (_, input, caller) => services.desk.search(input, caller),
      'contact:history': (_, { conversationId }) => services.desk.history(conversationId),
      'journey:get': (_, { conversationId, limit }) => services.journeys.journey(conversationId, limit),
      'contact:update': (_, { contactId, patch }) => services.desk.update(contactId, patch),
      'contact:verify': (_, { contactId, verified }) => services.desk.verify(contactId, verified),
      'conversation:open-as-chat': async (socket, { conversationId }, caller) => {
        const detail = await services.desk.openAsChat(caller, conversationId);
        watch(socket, conversationId);
        return detail;
      },
      // X public posts (issue 19)
      'x:threads': (_, { conversationId }) => services.xPublic.threads(conversationId),
      'x:reply': async (socket, input, caller) => {
        const result = await services.xPublicActions.reply(caller, input, socket.id);
        watch(socket, input.conversationId);
        return result;
      },
      'x:like': (_, input, caller) => services.xPublicActions.like(caller, input),
      'x:move-to-dm': (_, { conversationId }, caller) => services.xPublicActions.moveToDm(caller, conversationId),
      'contact:link': (_, input, caller) => services.contactLink.link(caller, input),
    },
    logger,
    opts.limits.socketEvents,
    authorize,
  );

  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
    releaseHandshake(socket);
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
