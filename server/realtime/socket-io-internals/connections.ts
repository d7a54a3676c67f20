import type { Server, Socket } from 'socket.io';

/**
 * What this server relies on about a connection's life that Socket.IO and engine.io do
 * not document (or only type as private): each function says what it does, and its
 * comment what it leans on.
 */

interface EngineClient {
  /** engine.io closes after the write buffer drains unless `discard` is true. */
  close(discard?: boolean): void;
}

/**
 * Closes every client's transport on this node, pending packets first (acks already queued go
 * out): clients see a network drop and reconnect. Returns how many there were.
 * Leans on engine.io's `clients` (typed protected) and `close()` without `discard` waiting for the drain.
 */
export function closeClientTransports(io: Server): number {
  const engine = io.engine as unknown as { clients: Record<string, EngineClient> };
  const clients = Object.values(engine.clients);
  for (const client of clients) client.close();
  return clients.length;
}

/**
 * Lets go of what only the handshake needed once a socket is connected: the HTTP upgrade request
 * (headers, parser state) and the handshake's headers and auth (a token). Idle sockets stay small;
 * Socket.IO's performance guide suggests the same. Nothing of Socket.IO reads them after the connect.
 */
export function releaseHandshake(socket: Socket): void {
  (socket.conn as unknown as { request: unknown }).request = null;
  socket.handshake.headers = {};
  socket.handshake.auth = {};
}

/**
 * Calls `listener` for every event the socket receives, with the socket as `this`: Socket.IO
 * calls `onAny` listeners so (undocumented), which lets one function serve every socket with
 * no closure per socket.
 */
export function listenToEveryEvent<S extends Socket>(socket: S, listener: (this: S, event: unknown, ...args: unknown[]) => void): void {
  socket.onAny(listener);
}

/**
 * Call right after a namespace middleware's `next()`: calls back once Socket.IO has either connected
 * the socket or dropped it. Socket.IO decides on the next tick, and a socket dropped there (its
 * connection closed during the middlewares) gets no `disconnect` event; by `setImmediate` it is
 * one or the other.
 */
export function afterConnectDecided(socket: Socket, decided: (connected: boolean) => void): void {
  setImmediate(() => decided(socket.connected));
}
