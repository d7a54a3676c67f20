import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import { AppError, fail, ok, type Ack, type InboundInput, type InboundOutput, type InboundTable } from '../../protocol/index.ts';
import { rateLimited } from '../limits/limiter-store.ts';
import type { SocketBudget } from '../limits/socket-budget.ts';
import { handlerHooksFor } from '../observability/handler-hooks.ts';
import { appErrorFromZod, toAppError, worthLogging } from '../services/errors.ts';
import { listenToEveryEvent } from './socket-io-internals/index.ts';

/**
 * Binds a namespace's inbound table to handlers. Every event is parsed with its
 * protocol schema and acked exactly once with `Ack<T>`: data after the handler
 * resolved (so after commit), or a typed error. Unknown events and malformed
 * payloads get an error ack; a throwing handler never takes the process down.
 *
 * The handlers are bound once per namespace and each socket gets one shared listener
 * (called with the socket as `this`): no closures per socket, so thousands of idle
 * sockets stay small.
 *
 * Before anything else, every event (known or not) draws from the socket's event budget:
 * past it, the ack is RATE_LIMITED with `retryAfterMs` and nothing is parsed or stored.
 */
export type Handlers<T extends InboundTable, S, C = undefined> = {
  [K in keyof T]: (socket: S, input: InboundInput<T, K>, caller: C) => Promise<InboundOutput<T, K>> | InboundOutput<T, K>;
};

/**
 * Checks a parsed event against the authorization table before its handler runs; what it
 * returns (the caller as of now) is handed to the handler. A throw is the event's error ack.
 */
export type Authorize<T extends InboundTable, S, C> = (socket: S, event: keyof T & string, input: Record<string, unknown>) => Promise<C>;

type AnyAck = (result: Ack<unknown>) => void;

/** Socket.IO passes the ack callback last; a client that sent none gets nothing back. */
function splitArgs(args: unknown[]): { payload: unknown; ack: AnyAck } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as AnyAck) : () => {};
  const rest = typeof last === 'function' ? args.slice(0, -1) : args;
  // `emit('ping', ack)` carries no payload; treat it as an empty object.
  return { payload: rest.length === 0 ? {} : rest[0], ack };
}

function safeAck(ack: AnyAck, result: Ack<unknown>, logger: Logger): void {
  try {
    ack(result);
  } catch (err) {
    logger.warn({ err }, 'ack failed');
  }
}

/**
 * A socket's events reach their handlers in the order they arrived: a client pipelines sends without
 * waiting for acks, and the write path stores them in call order. An authorization check awaits the
 * database, so checks of one socket take turns: the next starts once the previous has settled, by
 * when the previous handler has started.
 */
const turns = new WeakMap<Socket, Promise<unknown>>();
function inTurn<R>(socket: Socket, check: () => Promise<R>): Promise<R> {
  const result = (turns.get(socket) ?? Promise.resolve()).then(check);
  turns.set(socket, result.catch(() => undefined));
  return result;
}

/** Returns `attach(socket)`, to call once per connected socket of the namespace. */
export function createDispatcher<T extends InboundTable, S extends Socket, C = undefined>(
  table: T,
  handlers: Handlers<T, S, C>,
  logger: Logger,
  budget: SocketBudget,
  authorize?: Authorize<T, S, C>,
): (socket: S) => void {
  async function handle(socket: S, event: keyof T & string, args: unknown[]): Promise<void> {
    const { payload, ack: rawAck } = splitArgs(args);
    // Ack latency and in-flight tracking (metrics, graceful shutdown), when the gateway set them up.
    const hooks = handlerHooksFor(socket.nsp.server);
    if (hooks && !hooks.accepting()) {
      // Shutting down: nothing new starts; the client resends once reconnected to another node.
      safeAck(rawAck, fail(new AppError('UNAVAILABLE', 'This server is shutting down, try again.').toWire()), logger);
      return;
    }
    const finished = hooks?.started(socket.nsp.name, event);
    const ack: AnyAck = finished
      ? (result) => {
          try {
            rawAck(result);
          } finally {
            finished();
          }
        }
      : rawAck;
    const parsed = table[event]!.input.safeParse(payload);
    if (!parsed.success) {
      safeAck(ack, fail(appErrorFromZod(parsed.error).toWire()), logger);
      return;
    }
    try {
      const caller = authorize ? await inTurn(socket, () => authorize(socket, event, parsed.data as Record<string, unknown>)) : (undefined as C);
      const data = await handlers[event](socket, parsed.data as InboundInput<T, typeof event>, caller);
      safeAck(ack, ok(data), logger);
    } catch (err) {
      const appError = toAppError(err);
      if (worthLogging(appError)) {
        logger.error({ err, event, nsp: socket.nsp.name }, 'socket handler failed');
      }
      safeAck(ack, fail(appError.toWire()), logger);
    }
  }

  function onEvent(this: S, event: unknown, ...args: unknown[]): void {
    const waitMs = budget.take(this, event);
    if (waitMs > 0) {
      safeAck(splitArgs(args).ack, fail(rateLimited(waitMs, 'Too many events on this connection; slow down.').toWire()), logger);
      return;
    }
    if (typeof event === 'string' && Object.hasOwn(table, event)) {
      void handle(this, event as keyof T & string, args);
      return;
    }
    const { ack } = splitArgs(args);
    safeAck(ack, fail(new AppError('UNKNOWN_EVENT', `Unknown event "${String(event).slice(0, 64)}".`).toWire()), logger);
  }

  return (socket) => {
    listenToEveryEvent(socket, onEvent);
  };
}

/** A handshake refusal whose `data` the client reads from `connect_error`. */
export function handshakeError(err: unknown): Error & { data: ReturnType<AppError['toWire']> } {
  const appError = toAppError(err);
  const error = new Error(appError.message) as Error & { data: ReturnType<AppError['toWire']> };
  error.data = appError.toWire();
  return error;
}
