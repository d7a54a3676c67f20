import { createRequire } from 'node:module';

/**
 * One system call per flush instead of one per frame. engine.io sends a socket's next
 * frames only after the previous write has completed, so under load they pile up and go
 * out together: `transport.send(packets)` then writes each as its own WebSocket frame,
 * and ws writes every frame with its own `writev`. Corking the TCP socket around that
 * loop lets Node hand all of them to the kernel in one `writev` (ws corks per frame too;
 * corks nest). The frames and their order are unchanged.
 */
interface EngineWebSocket {
  socket?: { _socket?: { cork(): void; uncork(): void } };
  send(packets: unknown[]): void;
}

let installed = false;

export function coalesceWebSocketFlushes(): void {
  if (installed) return;
  installed = true;
  // engine.io's websocket transport, the very module socket.io loads (CommonJS).
  const require = createRequire(createRequire(import.meta.url).resolve('socket.io'));
  const WebSocket = (require('engine.io') as { transports: { websocket: { prototype: EngineWebSocket } } }).transports.websocket;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: EngineWebSocket, packets: unknown[]) {
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
