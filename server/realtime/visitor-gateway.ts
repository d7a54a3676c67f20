import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { VisitorHandshake, visitorInbound, type VisitorClientEvents, type VisitorServerEvents } from '../../protocol/index.ts';
import { appErrorFromZod } from '../services/errors.ts';
import type { Services } from '../services/index.ts';
import type { VisitorContext } from '../services/visitor-service.ts';
import { handshakeError, register } from './register.ts';
import { conversationRoom, visitorRoom } from './rooms.ts';

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, { ctx: VisitorContext }>;

/**
 * /visitor: the handshake checks website, Origin and token (refusals carry a
 * code in `connect_error.data`); a socket only ever joins its own conversation's room.
 */
export function attachVisitorGateway(nsp: VisitorNamespace, services: Services, logger: Logger): void {
  nsp.use(async (socket, next) => {
    try {
      const handshake = VisitorHandshake.safeParse(socket.handshake.auth ?? {});
      if (!handshake.success) throw appErrorFromZod(handshake.error);
      const { websiteKey, token, locale } = handshake.data;
      socket.data.ctx = await services.visitor.resolve(websiteKey, token, socket.handshake.headers.origin, locale ?? null);
      next();
    } catch (err) {
      next(handshakeError(err));
    }
  });

  nsp.on('connection', (socket) => {
    const ctx = socket.data.ctx;
    // Rooms follow the context: its conversation's, and its browser row's (for logout).
    const joinConversation = () => {
      if (ctx.conversationId) void socket.join(conversationRoom(ctx.conversationId));
      if (ctx.visitor) void socket.join(visitorRoom(ctx.visitor.id));
    };
    const leaveRooms = () => {
      for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
    };
    joinConversation();

    register(
      socket,
      visitorInbound,
      {
        'message:send': async (input) => {
          const result = await services.visitor.send(ctx, input);
          joinConversation(); // the first send created the conversation this socket now belongs to
          return result;
        },
        'postback:send': (input) => services.visitor.postback(ctx, input),
        read: ({ seq }) => services.visitor.read(ctx, seq),
        sync: (input) => services.visitor.sync(ctx, input.afterSeq),
        typing: (input) => {
          services.visitor.typing(ctx, input.typing);
          return {};
        },
        ping: () => ({ now: new Date().toISOString() }),
        'queue:status': () => services.visitor.queueStatus(ctx),
        'conversation:end': () => services.visitor.end(ctx),
        'followup:email': ({ email }) => services.visitor.followUp(ctx, email),
        identify: async ({ jwt }) => {
          const result = await services.identity.identify(ctx, jwt);
          leaveRooms(); // the socket now belongs to the contact's conversation (or none yet)
          joinConversation();
          return result;
        },
        'attributes:set': ({ attributes }) => services.identity.setAttributes(ctx, attributes),
        logout: async () => {
          const { visitorId } = await services.identity.logout(ctx);
          leaveRooms();
          // This browser's other live sockets carried the tokens just revoked.
          if (visitorId) nsp.in(visitorRoom(visitorId)).disconnectSockets(true);
          return {};
        },
      },
      logger,
    );
  });
}
