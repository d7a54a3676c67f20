/**
 * A load-generating worker process (forked by the orchestrator): it owns some visitor
 * and agent sockets (socket.io-client, websocket only) and runs the phases it is told
 * to over IPC. Separate processes keep load generation off the server's event loop
 * and spread client file descriptors.
 */
import { randomUUID } from 'node:crypto';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import * as jsonParser from '../../protocol/socket-io-json-parser.ts';
import { dueCount, dueTime, totalFor } from './pacing.ts';
import {
  benchText,
  now,
  parseBenchText,
  type AgentSpec,
  type AgentsResult,
  type Command,
  type IdleResult,
  type LoadResult,
  type Reply,
  type Request,
  type Target,
  type PickResult,
  type ReceiptsResult,
  type VisitorHandle,
  type VisitorsResult,
} from './protocol.ts';

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

const agents: Socket[] = [];
const visitors: { socket: Socket; handle: VisitorHandle }[] = [];
const idle: Socket[] = [];
/** Receive time and due time of every bench message an agent got since the last `take`. */
let receivedAt: number[] = [];
let dueAt: number[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function emitAck(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return new Promise((resolve) => socket.emit(event, payload, (ack: Ack) => resolve(ack)));
}

function connect(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      reject(new Error(err.data?.code ?? err.message));
    });
  });
}

/** Like the widget's bundle, the generated clients speak the JSON-only parser (same wire format, no binary walk). */
const options: Partial<ManagerOptions & SocketOptions> = { transports: ['websocket'], reconnection: false, forceNew: true, parser: jsonParser };

function visitorSocket(target: Target, extra: { token?: string; room?: string; timeoutMs?: number }): Socket {
  const auth = target.kind === 'parley' ? { websiteKey: target.websiteKey, ...(extra.token ? { token: extra.token } : {}) } : { room: extra.room };
  return io(`${target.url}/visitor`, { ...options, auth, extraHeaders: { origin: target.origin }, timeout: extra.timeoutMs ?? 20_000 });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

function recordReceipt(message: { author?: { kind?: string }; text?: unknown }): void {
  if (message.author?.kind !== 'visitor') return;
  const due = parseBenchText(message.text);
  if (due === null) return;
  receivedAt.push(now());
  dueAt.push(due);
}

async function startAgents(target: Target, specs: AgentSpec[]): Promise<AgentsResult> {
  await Promise.all(
    specs.map(async (spec, index) => {
      const socket =
        target.kind === 'parley'
          ? io(`${target.url}/agent`, { ...options, extraHeaders: { cookie: spec.cookie ?? '' } })
          : io(`${target.url}/agent`, { ...options, auth: { rooms: spec.rooms ?? [] } });
      socket.on('message', recordReceipt);
      await connect(socket);
      agents[index] = socket;
    }),
  );
  return { connected: agents.filter(Boolean).length };
}

async function startVisitors(target: Target, count: number, rooms: string[] | undefined, concurrency: number, timeoutMs: number): Promise<VisitorsResult> {
  const settled = await pool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    if (target.kind === 'baseline') {
      const room = rooms![i]!;
      const socket = await connect(visitorSocket(target, { room, timeoutMs }));
      return { socket, handle: { token: '', conversationId: room } };
    }
    const socket = await connect(visitorSocket(target, { timeoutMs }));
    const ack = await emitAck(socket, 'message:send', { clientId: randomUUID(), text: 'Hello, a benchmark visitor here.' });
    if (!ack.ok) throw new Error(`first send refused: ${ack.error.code}`);
    return { socket, handle: { token: ack.data.token as string, conversationId: ack.data.conversationId as string } };
  });
  const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message ?? r.reason)] : []));
  visitors.push(...opened);
  return { visitors: visitors.map((v) => v.handle), failed: count - visitors.length, errors: errors.slice(0, 5) };
}

/** Agents take their conversations like an agent picking chats from the list (joins the rooms). */
async function pick(picks: { agent: number; conversationIds: string[] }[]): Promise<PickResult> {
  const jobs = picks.flatMap((p) => p.conversationIds.map((conversationId) => ({ socket: agents[p.agent]!, conversationId })));
  const settled = await pool(jobs, 8, async ({ socket, conversationId }) => {
    const ack = await emitAck(socket, 'conversation:take', { conversationId });
    if (!ack.ok) throw new Error(`conversation:take refused: ${ack.error.code}`);
  });
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
  return { taken: jobs.length - errors.length, errors: [...new Set(errors)].slice(0, 5) };
}

function newLoad(): LoadResult {
  return { sent: 0, acked: 0, ackedInWindow: 0, failed: 0, errors: {}, pending: 0 };
}

function sendOne(socket: Socket, due: number, n: number, load: LoadResult, onAck: (at: number) => void): void {
  load.sent++;
  socket.emit('message:send', { clientId: randomUUID(), text: benchText(due, n) }, (ack: Ack) => {
    if (ack.ok) load.acked++;
    else {
      load.failed++;
      load.errors[ack.error.code] = (load.errors[ack.error.code] ?? 0) + 1;
    }
    onAck(now());
  });
}

/** Waits until every sent message has been answered, or `drainMs` passed. */
async function drain(load: LoadResult, drainMs: number): Promise<LoadResult> {
  const deadline = now() + drainMs;
  while (load.acked + load.failed < load.sent && now() < deadline) await sleep(20);
  load.pending = load.sent - load.acked - load.failed;
  return load;
}

async function closedLoop(startMs: number, measureFrom: number, endMs: number, window: number, drainMs: number): Promise<LoadResult> {
  const load = newLoad();
  await sleep(startMs - now());
  let n = 0;
  for (const { socket } of visitors) {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < window && now() < endMs) {
        inFlight++;
        sendOne(socket, now(), n++, load, (at) => {
          inFlight--;
          if (at >= measureFrom && at < endMs) load.ackedInWindow++;
          pump();
        });
      }
    };
    pump();
  }
  await sleep(endMs - now());
  return drain(load, drainMs);
}

async function openLoop(startMs: number, durationMs: number, rate: number, drainMs: number): Promise<LoadResult> {
  const load = newLoad();
  const total = visitors.length ? totalFor(rate, durationMs) : 0;
  await sleep(startMs - now());
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = dueCount(now(), rate, startMs, total);
      while (load.sent < due) {
        const i = load.sent;
        sendOne(visitors[i % visitors.length]!.socket, dueTime(i, rate, startMs), i, load, () => {});
      }
      if (load.sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  return drain(load, drainMs);
}

function receipts(from: number, to: number): ReceiptsResult {
  let receivedInWindow = 0;
  const latencies: number[] = [];
  for (let i = 0; i < receivedAt.length; i++) {
    const r = receivedAt[i]!;
    if (r >= from && r < to) receivedInWindow++;
    const d = dueAt[i]!;
    if (d >= from && d < to) latencies.push(r - d);
  }
  const received = receivedAt.length;
  receivedAt = [];
  dueAt = [];
  return { receivedInWindow, latencies, received };
}

async function openIdle(target: Target, tokens: string[], count: number, concurrency: number, timeoutMs: number): Promise<IdleResult> {
  const startedAt = now();
  let finishedAt = startedAt;
  const settled = await pool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    const socket = await connect(visitorSocket(target, { token: tokens.length ? tokens[i % tokens.length] : undefined, room: `idle-${i}`, timeoutMs }));
    idle.push(socket);
    finishedAt = now();
  });
  const errors = settled.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
  return { opened: count - errors.length, failed: errors.length, startedAt, finishedAt, errors: [...new Set(errors)].slice(0, 5) };
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'agents':
      return startAgents(command.target, command.agents);
    case 'visitors':
      return startVisitors(command.target, command.count, command.rooms, command.concurrency, command.timeoutMs);
    case 'closed':
      return closedLoop(command.startMs, command.measureFrom, command.endMs, command.window, command.drainMs);
    case 'open':
      return openLoop(command.startMs, command.durationMs, command.rate, command.drainMs);
    case 'receipts':
      return receipts(command.from, command.to);
    case 'pick':
      return pick(command.picks);
    case 'count':
      return receivedAt.length;
    case 'idle':
      return openIdle(command.target, command.tokens, command.count, command.concurrency, command.timeoutMs);
    case 'idle:close':
      for (const s of idle.splice(0)) s.disconnect();
      return null;
    case 'close':
      for (const s of [...idle, ...agents, ...visitors.map((v) => v.socket)]) s.disconnect();
      setTimeout(() => process.exit(0), 50);
      return null;
  }
}

process.on('message', (request: Request) => {
  run(request.command).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies Reply),
    (err: unknown) => process.send!({ id: request.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply),
  );
});
// The orchestrator died: do not linger with thousands of sockets.
process.on('disconnect', () => process.exit(0));
