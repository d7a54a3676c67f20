import type { Socket } from 'socket.io';
import type { Slot } from '../limits/address-slots.ts';
import type { Limits } from '../limits/limits.ts';
import { handshakeError } from './register.ts';
import { afterConnectDecided } from './socket-io-internals/index.ts';

type Middleware = (socket: Socket, next: (err?: Error) => void) => void;

/**
 * First middleware of each namespace, before any database lookup: resolves the client
 * address and spends one handshake of its per-minute budget. The resolved address replaces
 * `handshake.address` (Socket.IO's "client address", which behind a proxy is the proxy's),
 * so later checks read it there after the headers are released.
 */
export function limitHandshakes(limits: Pick<Limits, 'addressOfHandshake' | 'handshake'>): Middleware {
  return (socket, next) => {
    socket.handshake.address = limits.addressOfHandshake(socket.handshake);
    limits.handshake(socket.handshake.address).then(
      () => next(),
      (err: unknown) => next(handshakeError(err)),
    );
  };
}

const slots = new WeakMap<Socket, Slot>();

/**
 * Last middleware of /visitor (only sockets about to connect take a slot): a place among the
 * address's connected sockets, given back when the socket disconnects — or at once if its
 * connection dropped between this check and the connect, when no disconnect ever comes.
 */
export function capSocketsPerAddress(limits: Pick<Limits, 'visitorSockets'>): Middleware {
  function releaseSlot(this: Socket): void {
    const slot = slots.get(this);
    if (!slot) return;
    slots.delete(this);
    limits.visitorSockets.release(slot);
  }
  return (socket, next) => {
    limits.visitorSockets.acquire(socket.handshake.address).then(
      (slot) => {
        slots.set(socket, slot);
        socket.on('disconnect', releaseSlot);
        next();
        afterConnectDecided(socket, (connected) => {
          if (!connected) releaseSlot.call(socket);
        });
      },
      (err: unknown) => next(handshakeError(err)),
    );
  };
}
