import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { Server as SocketServer } from 'socket.io';
import { closeClientTransports } from '../realtime/socket-io-internals/index.ts';
import type { InFlight } from './handler-hooks.ts';
import type { Readiness } from './readiness.ts';

/**
 * Graceful shutdown of one node (SIGTERM, or `close()` in tests), in order:
 * 1. not ready (/readyz 503) and nothing new starts: the listener closes, websocket
 *    handshakes on kept-alive connections are refused, and socket events arriving
 *    from now on are answered UNAVAILABLE (retryable) without being processed;
 * 2. socket events already being handled finish and are acked (bounded wait);
 * 3. every socket's transport is closed: socket.io clients see "transport close"
 *    and reconnect with backoff, through the proxy, to a node still up;
 * 4. handlers still running (if step 2 timed out) finish, then the write path drains
 *    its batches (acks only after commit; a lost ack is resent by clientId and deduplicated);
 * 5. background work stops (sweeper, webhooks), then Redis and the database close.
 */
export interface GracefulCloseParts {
  logger: Logger;
  readiness: Readiness;
  httpServer: HttpServer;
  io: SocketServer;
  inFlight: InFlight;
  /** Upper bound of steps 2–4 together. */
  timeoutMs: number;
  /** The write path's `drain()`: pending group-commit batches are written and acked. */
  drainWrites?: () => Promise<void>;
  /** Sweeper, webhook dispatcher… (after the writes, before the database goes). */
  stopBackground: () => Promise<void>;
  closeAdapter: () => Promise<void>;
  closeDatabase: () => Promise<void>;
}

export async function closeGracefully(parts: GracefulCloseParts): Promise<void> {
  const { logger, httpServer, io, inFlight } = parts;
  const deadline = Date.now() + parts.timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());

  parts.readiness.markDraining();
  const listenerClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();

  // Half the budget for the events being handled; the rest for the write drain and plain HTTP.
  if (!(await inFlight.idle(left() / 2))) logger.warn({ inFlight: inFlight.count }, 'shutdown: handlers still running, disconnecting anyway');

  // Closing each transport (after its buffered acks are flushed) looks like a network drop to the
  // clients, which reconnect with backoff (elsewhere, via the proxy). Not io.close() first: it waits
  // on the adapter, which hangs while Redis is down, before it closes anything.
  await closeTransports(io, Math.min(1_000, left()));
  void io.close().catch(() => {});

  if (!(await inFlight.idle(left()))) logger.warn({ inFlight: inFlight.count }, 'shutdown: handlers still running at the deadline');
  if (parts.drainWrites) {
    await Promise.race([parts.drainWrites(), sleep(left())]).catch((err) => logger.error({ err }, 'shutdown: write drain failed'));
  }
  await parts.stopBackground().catch((err) => logger.warn({ err }, 'shutdown: stopping background work failed'));

  // Plain HTTP requests still running get until the deadline; then whatever is left is cut.
  await Promise.race([listenerClosed, sleep(left())]);
  httpServer.closeAllConnections();
  await parts.closeAdapter().catch(() => {});
  await parts.closeDatabase();
}

async function closeTransports(io: SocketServer, flushMs: number): Promise<void> {
  closeClientTransports(io); // pending acks go out first
  const until = Date.now() + flushMs;
  while (io.engine.clientsCount > 0 && Date.now() < until) await sleep(10);
  io.engine.close(); // whatever did not flush in time
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
