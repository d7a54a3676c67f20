import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesceWebSocketFlushes } from './websocket-flush.ts';

/** The server side's TCP socket under a Socket.IO socket (engine.io → ws → net). */
const tcpOf = (socket: Socket) => (socket.conn as unknown as { transport: { socket: { _socket: TcpSocket } } }).transport.socket._socket;

/** Counts the system calls Node makes to write on this TCP socket (one per `_write` or `_writev`). */
function countWrites(tcp: TcpSocket): { readonly count: number } {
  const counter = { count: 0 };
  const writes = tcp as unknown as Record<'_write' | '_writev', (...a: never[]) => unknown>;
  for (const name of ['_write', '_writev'] as const) {
    const original = writes[name];
    writes[name] = function (this: unknown, ...args: never[]) {
      counter.count++;
      return original.apply(this, args);
    };
  }
  return counter;
}

describe('websocket flushes', () => {
  let http: HttpServer;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    http = createServer();
    server = new Server(http, { transports: ['websocket'] });
    coalesceWebSocketFlushes(server);
    server.on('connection', (socket) => {
      // Answers with its ack and, in the same turn, an event to the same client.
      socket.on('ping-me', (n: number, ack: (n: number) => void) => {
        ack(n);
        socket.emit('pinged', n);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function connectPair(): Promise<{ client: ClientSocket; serverSide: Socket }> {
    const connected = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect(url, { transports: ['websocket'], forceNew: true });
    const serverSide = await connected;
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
    return { client, serverSide };
  }

  it('sends what one event-loop turn queued for a client in one system call, all of it, in order', async () => {
    const { client, serverSide } = await connectPair();
    const writes = countWrites(tcpOf(serverSide));
    const received: number[] = [];
    const all = new Promise<void>((resolve) => client.on('n', (n: number) => received.push(n) === 50 && resolve()));
    for (let n = 1; n <= 50; n++) serverSide.emit('n', n);
    await all;

    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(writes.count).toBe(1);
    client.disconnect();
  });

  it('sends an ack and an event of the same turn together, the ack first', async () => {
    const { client, serverSide } = await connectPair();
    const writes = countWrites(tcpOf(serverSide));
    const order: string[] = [];
    const pinged = new Promise<void>((resolve) => client.once('pinged', () => resolve(void order.push('event'))));
    const acked = new Promise<void>((resolve) => client.emit('ping-me', 7, (n: number) => resolve(void order.push(`ack ${n}`))));
    await Promise.all([acked, pinged]);

    expect(order).toEqual(['ack 7', 'event']);
    expect(writes.count).toBe(1);
    client.disconnect();
  });

  it('still delivers what was queued just before the server disconnects the client', async () => {
    const { client, serverSide } = await connectPair();
    const got = new Promise<string>((resolve) => client.once('bye', resolve));
    const closed = new Promise<string>((resolve) => client.once('disconnect', resolve));
    serverSide.emit('bye', 'see you');
    serverSide.disconnect(true);

    expect(await got).toBe('see you');
    expect(await closed).toBe('io server disconnect');
  });

  it('leaves another Socket.IO server of the process as engine.io made it: the first frame leaves at once, alone', async () => {
    const otherHttp = createServer();
    const other = new Server(otherHttp, { transports: ['websocket'] });
    await new Promise<void>((resolve) => otherHttp.listen(0, '127.0.0.1', resolve));
    const connected = new Promise<Socket>((resolve) => other.once('connection', resolve));
    const client = connect(`http://127.0.0.1:${(otherHttp.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
    const serverSide = await connected;
    const writes = countWrites(tcpOf(serverSide));
    const all = new Promise<void>((resolve) => client.on('n', (n: number) => n === 50 && resolve()));
    for (let n = 1; n <= 50; n++) serverSide.emit('n', n);
    await all;

    expect(writes.count).toBeGreaterThan(1);
    client.disconnect();
    await other.close();
  });
});
