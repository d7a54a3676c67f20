import { createRequire } from 'node:module';

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
 */
interface EngineSocket {
  sendPacket(...args: unknown[]): void;
  flush(): void;
}

interface EngineWebSocket {
  socket?: { _socket?: { cork(): void; uncork(): void } };
  send(packets: unknown[]): void;
}

let installed = false;

export function coalesceWebSocketFlushes(): void {
  if (installed) return;
  installed = true;
  // engine.io, the very module socket.io loads (CommonJS).
  const require = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const engine = require('engine.io') as {
    Socket: { prototype: EngineSocket };
    transports: { websocket: { prototype: EngineWebSocket } };
  };
  deferFlushToEndOfTurn(engine.Socket.prototype);
  corkMultiPacketSends(engine.transports.websocket.prototype);
}

function deferFlushToEndOfTurn(Socket: EngineSocket): void {
  const { sendPacket, flush } = Socket;
  const due = new Set<EngineSocket>();
  let queuing = false;
  const flushDue = () => {
    const sockets = [...due];
    due.clear();
    for (const socket of sockets) flush.call(socket);
  };
  Socket.sendPacket = function (this: EngineSocket, ...args: unknown[]) {
    queuing = true;
    try {
      sendPacket.apply(this, args);
    } finally {
      queuing = false;
    }
  };
  Socket.flush = function (this: EngineSocket) {
    if (!queuing) return flush.call(this);
    if (due.size === 0) setImmediate(flushDue);
    due.add(this);
  };
}

function corkMultiPacketSends(WebSocket: EngineWebSocket): void {
  const send = WebSocket.send;
  WebSocket.send = function (this: EngineWebSocket, packets: unknown[]) {
    const tcp = packets.length > 1 ? this.socket?._socket : undefined;
    if (!tcp) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      tcp.uncork();
    }
  };
}
