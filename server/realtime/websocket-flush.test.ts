import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesceWebSocketFlushes } from './websocket-flush.ts';

/** The server side's TCP socket under a Socket.IO socket (engine.io → ws → net). */
const tcpOf = (socket: Socket) => (socket.conn as unknown as { transport: { socket: { _socket: TcpSocket } } }).transport.socket._socket;

describe('websocket flushes', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket;
  let serverSide: Socket;

  beforeAll(async () => {
    coalesceWebSocketFlushes();
    http = createServer();
    server = new Server(http, { transports: ['websocket'] });
    const connected = new Promise<Socket>((resolve) => server.on('connection', resolve));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
    serverSide = await connected;
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.close();
  });

  it('sends the frames that piled up behind a write in one system call, all of them, in order', async () => {
    const tcp = tcpOf(serverSide);
    let writes = 0;
    const countWrite = <T extends (...args: never[]) => unknown>(fn: T) =>
      function (this: unknown, ...args: Parameters<T>) {
        writes++;
        return fn.apply(this, args);
      };
    const tcpWrites = tcp as unknown as { _write: (...a: never[]) => unknown; _writev: (...a: never[]) => unknown };
    tcpWrites._write = countWrite(tcpWrites._write);
    tcpWrites._writev = countWrite(tcpWrites._writev);

    const received: number[] = [];
    const all = new Promise<void>((resolve) => client.on('n', (n: number) => received.push(n) === 50 && resolve()));
    // The first frame goes out at once; the other 49 wait for its write to complete, then leave together.
    for (let n = 1; n <= 50; n++) serverSide.emit('n', n);
    await all;

    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(writes).toBeLessThanOrEqual(3);
  });
});
