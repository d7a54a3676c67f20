import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../protocol/errors.ts';
import type { VisitorClientEvents, VisitorServerEvents } from '../../protocol/visitor-events.ts';
import type { Ack } from '../../protocol/result.ts';
import { NO_ANSWER, unavailable, type LinkFactory, type RequestPayload, type RequestResult, type ServerEvent, type ServerHandlers, type VisitorLink, type VisitorRequest } from './visitor-socket.ts';

/** Reconnection: exponential backoff 1 s → 10 s with ±50 % jitter (socket.io's Manager does the maths). */
const RECONNECT = { reconnectionDelay: 1_000, reconnectionDelayMax: 10_000, randomizationFactor: 0.5 };

/** The real link: socket.io-client on namespace /visitor, websocket only (no sticky sessions needed). */
export function socketIoLinkFactory(serverUrl: string): LinkFactory {
  return (auth) => {
    const socket: Socket<VisitorServerEvents, VisitorClientEvents> = io(new URL('/visitor', serverUrl).href, {
      path: '/socket.io',
      transports: ['websocket'],
      autoConnect: false,
      auth: (cb) => cb(auth()),
      ...RECONNECT,
    });
    return wrap(socket as EventSocket & typeof socket);
  };
}

/**
 * The same socket, typed per event as VisitorLink is: socket.io's own typings resolve `on` and
 * `emitWithAck` through conditional types that TypeScript cannot reduce for a generic event name.
 */
interface EventSocket {
  on<E extends ServerEvent>(event: E, handler: ServerHandlers[E]): unknown;
  timeout(timeoutMs: number): { emitWithAck<K extends VisitorRequest>(event: K, payload: RequestPayload<K>): Promise<Ack<RequestResult<K>> | undefined> };
}

function wrap(socket: EventSocket & Socket<VisitorServerEvents, VisitorClientEvents>): VisitorLink {
  let closed = false;
  // The server closed the socket on purpose (a node shutting down, tokens revoked): socket.io does not
  // retry that by itself. Come back after a short jitter; the handshake decides whether the token still holds.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => closed || socket.connect(), Math.random() * 1_000);
  });
  return {
    get connected() {
      return socket.connected;
    },
    request(event, payload, timeoutMs) {
      // No ack in time, or the connection dropped first: both reject, and both mean "no answer" (retryable).
      return socket.timeout(timeoutMs).emitWithAck(event, payload).then(
        (ack) => (ack && typeof ack === 'object' ? ack : unavailable(NO_ANSWER)),
        () => unavailable(NO_ANSWER),
      );
    },
    on(event, handler) {
      socket.on(event, handler);
    },
    onStatus(handler) {
      socket.on('connect', () => handler({ type: 'connect' }));
      socket.on('disconnect', () => handler({ type: 'disconnect' }));
      socket.on('connect_error', (err: Error & { data?: { code?: unknown } }) => {
        const code = typeof err.data?.code === 'string' ? (err.data.code as ErrorCode) : null;
        handler({ type: 'connect_error', code, message: err.message, willRetry: socket.active });
      });
    },
    connect: () => void socket.connect(),
    forceReconnect: () => {
      // Closing the engine (not the socket) keeps the Manager's automatic reconnection.
      socket.io.engine?.close();
    },
    close: () => {
      closed = true;
      socket.disconnect();
    },
  };
}
