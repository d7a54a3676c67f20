import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { parse as parseCookies } from 'hono/utils/cookie';
import { AppError, agentInbound, type AgentClientEvents, type AgentServerEvents } from '../../protocol/index.ts';
import { SESSION_COOKIE } from '../services/auth-service.ts';
import type { AgentIdentity } from '../services/agent-service.ts';
import type { Services } from '../services/index.ts';
import { handshakeError, register } from './register.ts';
import { AGENTS_ROOM, conversationRoom } from './rooms.ts';

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
      socket.data.agent = { id: agent.id, name: agent.name };
      next();
    } catch (err) {
      next(handshakeError(err));
    }
  });

  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
    void socket.join(AGENTS_ROOM);
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
        sync: ({ conversationId, afterSeq }) => services.agent.sync(conversationId, afterSeq),
        typing: async ({ conversationId, typing }) => {
          await services.agent.typing(agent, conversationId, typing, socket.id);
          return {};
        },
        ping: () => ({ now: new Date().toISOString() }),
      },
      logger,
    );
  });
}
