import { createRequire } from 'node:module';
import type { Server } from 'socket.io';

/**
 * One system call per client per event-loop turn instead of one per frame.
 *
 * 1. A packet queued for a client (an ack, a broadcast) is flushed at the end of the
 *    current event-loop turn (`setImmediate`) rather than at once. A committed batch
 *    acks and fans out dozens of messages in one turn; an agent in twelve conversations
 *    gets several of them, a visitor with two in flight two acks. They now leave
 *    together instead of the first alone and the rest after its write completes.
 * 2. When engine.io hands the transport several packets, ws writes every frame with its
 *    own `writev`. Corking the TCP socket around that loop lets Node hand all of them to
 *    the kernel in one `writev` (ws corks per frame too; corks nest).
 *
 * Frames and their order are unchanged; the wait is the rest of the turn, not a timer.
 * Packets queued by engine.io itself on a drain (the transport became writable again)
 * are flushed at once, as before.
 *
 * engine.io has no option for this, so each engine socket of the given server gets
 * engine.io's private `sendPacket` and `flush`, and its websocket transport `send`,
 * replaced by the shared functions below (no closures per socket). Nothing global
 * changes: another engine.io server in the process keeps engine.io's own behaviour.
 */
interface EngineSocket {
  transport: EngineTransport;
  sendPacket(...args: unknown[]): void;
  flush(): void;
}

interface EngineTransport {
  /** ws' WebSocket, and under it the TCP socket (ws' private `_socket`). */
  socket?: { _socket?: { cork(): void; uncork(): void } };
  send(packets: unknown[]): void;
}

interface EngineIo {
  Socket: { prototype: EngineSocket };
  transports: { websocket: { prototype: EngineTransport; new (...args: never[]): EngineTransport } };
}

let engine: EngineIo | null = null;

/** engine.io as socket.io itself loads it (CommonJS), checked to still have what is replaced. */
function engineIo(): EngineIo {
  if (engine) return engine;
  const require = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const loaded = require('engine.io') as EngineIo;
  const missing = [
    typeof loaded.Socket?.prototype?.sendPacket !== 'function' && 'Socket#sendPacket',
    typeof loaded.Socket?.prototype?.flush !== 'function' && 'Socket#flush',
    typeof loaded.transports?.websocket?.prototype?.send !== 'function' && 'transports.websocket#send',
  ].filter(Boolean);
  if (missing.length) throw new Error(`engine.io no longer has ${missing.join(', ')}: see server/realtime/socket-io-internals/websocket-flush.ts`);
  return (engine = loaded);
}

export function coalesceWebSocketFlushes(io: Server): void {
  const { Socket, transports } = engineIo();
  const { sendPacket, flush } = Socket.prototype;
  const { send } = transports.websocket.prototype;
  const due = new Set<EngineSocket>();
  let queuing = false;

  const flushDue = () => {
    const sockets = [...due];
    due.clear();
    for (const socket of sockets) flush.call(socket);
  };
  function sendPacketThenFlushAtEndOfTurn(this: EngineSocket, ...args: unknown[]): void {
    queuing = true;
    try {
      sendPacket.apply(this, args);
    } finally {
      queuing = false;
    }
  }
  function flushNowOrAtEndOfTurn(this: EngineSocket): void {
    if (!queuing) return flush.call(this);
    if (due.size === 0) setImmediate(flushDue);
    due.add(this);
  }
  function sendCorked(this: EngineTransport, packets: unknown[]): void {
    const tcp = packets.length > 1 ? this.socket?._socket : undefined;
    if (!tcp) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      tcp.uncork();
    }
  }

  // After engine.io has sent the open packet, before the client's first Socket.IO packet.
  io.engine.on('connection', (socket: EngineSocket) => {
    socket.sendPacket = sendPacketThenFlushAtEndOfTurn;
    socket.flush = flushNowOrAtEndOfTurn;
    if (socket.transport instanceof transports.websocket) socket.transport.send = sendCorked;
  });
}
