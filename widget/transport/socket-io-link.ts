import { io, type Socket } from 'socket.io-client';
import type { ErrorCode } from '../../protocol/errors.ts';
import type { VisitorClientEvents, VisitorServerEvents } from '../../protocol/visitor-events.ts';
import { NO_ANSWER, unavailable, type LinkFactory, type VisitorLink } from './visitor-socket.ts';

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
    return wrap(socket);
  };
}

type TimedEmitter = { emit(event: string, payload: unknown, cb: (err: unknown, res: unknown) => void): void };

function wrap(socket: Socket<VisitorServerEvents, VisitorClientEvents>): VisitorLink {
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
      return new Promise((resolve) => {
        // The per-key emit signature cannot be expressed generically here; VisitorLink types the callers.
        const timed = socket.timeout(timeoutMs) as unknown as TimedEmitter;
        timed.emit(event, payload, (err, res) => {
          if (err || !res || typeof res !== 'object') resolve(unavailable(NO_ANSWER));
          else resolve(res as never);
        });
      });
    },
    on(event, handler) {
      socket.on(event, handler as never);
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
