/**
 * The baseline: a bare Socket.IO server (same version as Parley's, websocket only)
 * that relays an acked `message:send` from a visitor socket to the agent sockets of
 * its room, with no database and no validation. Whatever Parley adds on top
 * (schemas, transactions, fan-out of summaries) shows up as the ratio to this.
 * Run as its own process; prints `{"port":N}` once listening.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, cors: { origin: true }, maxHttpBufferSize: 64 * 1024 });
const visitors = io.of('/visitor');
const agents = io.of('/agent');
const seqs = new Map<string, number>();

agents.on('connection', (socket) => {
  const rooms = (socket.handshake.auth as { rooms?: unknown }).rooms;
  if (Array.isArray(rooms)) void socket.join(rooms.filter((r): r is string => typeof r === 'string'));
});

visitors.on('connection', (socket) => {
  const room = String((socket.handshake.auth as { room?: unknown }).room ?? socket.id);
  void socket.join(room);
  socket.on('message:send', (input: { clientId?: string; text?: string }, ack?: (a: unknown) => void) => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    // The same shape and the same two broadcasts as Parley's publisher.
    const message = { id: randomUUID(), conversationId: room, seq, clientId: input?.clientId ?? null, author: { kind: 'visitor', id: null, name: null }, createdAt: new Date().toISOString(), kind: 'text', text: input?.text ?? '' };
    visitors.to(room).emit('message', message);
    agents.to(room).emit('message', message);
    if (typeof ack === 'function') ack({ ok: true, data: { message, conversationId: room } });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = httpServer.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
