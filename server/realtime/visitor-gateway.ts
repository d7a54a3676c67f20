import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import { AppError, VisitorHandshake, visitorInbound, type VisitorClientEvents, type VisitorServerEvents } from '../../protocol/index.ts';
import type { Limits } from '../limits/limits.ts';
import { appErrorFromZod } from '../services/errors.ts';
import type { Services } from '../services/index.ts';
import type { VisitorContext } from '../services/visitor-service.ts';
import { capSocketsPerAddress } from './address-limits.ts';
import { createDispatcher, handshakeError } from './register.ts';
import { releaseHandshake } from './socket-io-internals/index.ts';
import { conversationRoom, join, visitorRoom } from './rooms.ts';

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, { ctx: VisitorContext }>;
type VisitorSocket = Parameters<Parameters<VisitorNamespace['on']>[1]>[0];

/** Rooms follow the context: its conversation's, and its browser row's (for logout). */
function joinConversation(socket: VisitorSocket): void {
  const { ctx } = socket.data;
  if (ctx.conversationId) join(socket, conversationRoom(ctx.conversationId));
  if (ctx.visitor) join(socket, visitorRoom(ctx.visitor.id));
}

function leaveRooms(socket: VisitorSocket): void {
  for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
}

/**
 * /visitor: the handshake checks website, Origin and token (refusals carry a
 * code in `connect_error.data`); a socket only ever joins its own conversation's room.
 */
export function attachVisitorGateway(nsp: VisitorNamespace, services: Services, logger: Logger, limits: Limits): void {
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
  // Last: only a socket that passed every other check takes one of its address's slots.
  nsp.use(capSocketsPerAddress(limits));

  const attach = createDispatcher<typeof visitorInbound, VisitorSocket>(
    visitorInbound,
    {
      'message:send': async (socket, input) => {
        // This send starts a conversation: counted per address (`handshake.address` is the client's, see address-limits.ts).
        if (!socket.data.ctx.conversationId) await limits.newConversation(socket.handshake.address);
        const result = await services.visitor.send(socket.data.ctx, input, socket.id);
        joinConversation(socket); // the first send created the conversation this socket now belongs to
        return result;
      },
      'postback:send': (socket, input) => services.visitor.postback(socket.data.ctx, input),
      read: (socket, { seq }) => services.visitor.read(socket.data.ctx, seq),
      sync: (socket, input) => services.visitor.sync(socket.data.ctx, input.afterSeq),
      typing: (socket, input) => {
        services.visitor.typing(socket.data.ctx, input.typing);
        return {};
      },
      ping: () => ({ now: new Date().toISOString() }),
      'queue:status': (socket) => services.visitor.queueStatus(socket.data.ctx),
      'conversation:end': (socket) => services.visitor.end(socket.data.ctx),
      'followup:email': (socket, { email }) => services.visitor.followUp(socket.data.ctx, email),
      identify: async (socket, { jwt }) => {
        const result = await services.identity.identify(socket.data.ctx, jwt);
        leaveRooms(socket); // the socket now belongs to the contact's conversation (or none yet)
        joinConversation(socket);
        return result;
      },
      'offer:accept': async (socket, input) => {
        // Like a first message, accepting may start a conversation: counted per address.
        if (!socket.data.ctx.conversationId) await limits.newConversation(socket.handshake.address);
        const result = await services.offers.accept(socket.data.ctx, input);
        joinConversation(socket);
        return result;
      },
      'page:view': (socket, input) => services.journeys.pageView(socket.data.ctx, input),
      'event:track': (socket, input) => services.journeys.trackEvent(socket.data.ctx, input),
      'attributes:set': (socket, { attributes }) => services.identity.setAttributes(socket.data.ctx, attributes),
      logout: async (socket) => {
        const { visitorId } = await services.identity.logout(socket.data.ctx);
        leaveRooms(socket);
        // This browser's other live sockets carried the tokens just revoked.
        if (visitorId) nsp.in(visitorRoom(visitorId)).disconnectSockets(true);
        return {};
      },
    },
    logger,
    limits.socketEvents,
  );

  nsp.on('connection', (socket) => {
    releaseHandshake(socket);
    joinConversation(socket);
    // Closes the race between the handshake's token check and the join: a revocation in between found
    // no socket in the room to disconnect. Events wait for this second check (socket.use runs first).
    const confirmed = services.visitor.stillCurrent(socket.data.ctx).then((current) => {
      if (!current) throw new AppError('TOKEN_REVOKED');
    });
    confirmed.catch((err: unknown) => {
      if (!(err instanceof AppError)) logger.warn({ err }, 'visitor session check failed');
      socket.disconnect(true);
    });
    socket.use((_packet, next) => {
      confirmed.then(() => next(), () => undefined);
    });
    attach(socket);
  });
}
