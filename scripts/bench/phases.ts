/**
 * The measurements, each driven through a fleet of worker processes:
 * closed-loop throughput, open-loop latency at fixed offered loads, a handshake
 * storm that leaves idle sockets (connections/s and memory per socket), and replay.
 */
import { randomUUID } from 'node:crypto';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { HEADLINE_LOAD } from './config.ts';
import { watchCpu, type CpuGroups, type CpuShare } from './cpu-share.ts';
import type { Fleet } from './fleet.ts';
import { splitCount } from './pacing.ts';
import { now, type IdleResult, type LoadResult, type Target, type ReceiptsResult } from './protocol.ts';
import { rssBytes } from './servers.ts';
import { ratePerSecond, summarize, type LatencySummary } from './stats.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export interface ThroughputResult {
  /** Messages acked to the visitor AND received by the agent per second (the smaller of the two rates). */
  msgsPerSec: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  /** Send→agent latency under that load (closed loop, so it includes queueing behind the window). */
  latency: LatencySummary;
  failed: number;
  errors: Record<string, number>;
  /** Where the machine's CPU went during the measuring window (Linux only). */
  cpu?: CpuShare;
}

export interface LoadLevelResult {
  offered: number;
  /** Messages delivered to agents per second of the phase. */
  achieved: number;
  latency: LatencySummary;
  sent: number;
  /** Sent but never seen by an agent (or still unacked when the drain timed out). */
  lost: number;
  failed: number;
  /** Where the machine's CPU went during the level (Linux only). */
  cpu?: CpuShare;
}

export interface IdleStormResult {
  sockets: number;
  failed: number;
  connectionsPerSec: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerSocket: number;
  errors: string[];
}

export interface ReplayResult {
  messages: number;
  /** Reconnect with the token, then `sync` pages until hasMore is false. */
  totalMs: number;
  syncMs: number;
  pages: number;
}

function mergeLoads(loads: LoadResult[]): LoadResult {
  const errors: Record<string, number> = {};
  for (const l of loads) for (const [k, v] of Object.entries(l.errors)) errors[k] = (errors[k] ?? 0) + v;
  const sum = (f: (l: LoadResult) => number) => loads.reduce((a, l) => a + f(l), 0);
  return { sent: sum((l) => l.sent), acked: sum((l) => l.acked), ackedInWindow: sum((l) => l.ackedInWindow), failed: sum((l) => l.failed), pending: sum((l) => l.pending), errors };
}

/** Waits until the agents have seen `expected` bench messages (delivery may trail the ack by a moment). */
async function agentsCaughtUp(fleet: Fleet, expected: number, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && (await fleet.agents.call<number>({ op: 'count' })) < expected) await sleep(50);
}

export async function throughput(fleet: Fleet, opts: { warmupMs: number; durationMs: number; window: number }, cpuGroups?: () => CpuGroups): Promise<ThroughputResult> {
  const startMs = now() + 300;
  const measureFrom = startMs + opts.warmupMs;
  const endMs = measureFrom + opts.durationMs;
  const cpu = cpuGroups && watchCpu(cpuGroups, measureFrom, endMs, now);
  const loads = await Promise.all(fleet.visitors.map((w) => w.call<LoadResult>({ op: 'closed', startMs, measureFrom, endMs, window: opts.window, drainMs: 15_000 })));
  const load = mergeLoads(loads);
  await agentsCaughtUp(fleet, load.acked);
  const taken = await fleet.agents.call<ReceiptsResult>({ op: 'receipts', from: measureFrom, to: endMs });
  const ackedPerSec = ratePerSecond(load.ackedInWindow, opts.durationMs);
  const deliveredPerSec = ratePerSecond(taken.receivedInWindow, opts.durationMs);
  return { msgsPerSec: Math.min(ackedPerSec, deliveredPerSec), ackedPerSec, deliveredPerSec, latency: summarize(taken.latencies), failed: load.failed, errors: load.errors, cpu: cpu?.result() };
}

/** One offered load, open loop, spread evenly over the visitor workers. */
export async function atOfferedLoad(fleet: Fleet, offered: number, durationMs: number, cpuGroups?: () => CpuGroups): Promise<LoadLevelResult> {
  // A whole millisecond: the first message's due time survives the text's 3 decimals, so it counts in the window.
  const startMs = Math.ceil(now() + 300);
  const cpu = cpuGroups && watchCpu(cpuGroups, startMs, startMs + durationMs, now);
  const rate = offered / fleet.visitors.length;
  const loads = await Promise.all(fleet.visitors.map((w) => w.call<LoadResult>({ op: 'open', startMs, durationMs, rate, drainMs: 15_000 })));
  const load = mergeLoads(loads);
  await agentsCaughtUp(fleet, load.acked);
  const taken = await fleet.agents.call<ReceiptsResult>({ op: 'receipts', from: startMs, to: startMs + durationMs });
  return {
    offered,
    achieved: ratePerSecond(taken.latencies.length, durationMs),
    latency: summarize(taken.latencies),
    sent: load.sent,
    lost: Math.max(0, load.sent - taken.latencies.length),
    failed: load.failed,
    cpu: cpu?.result(),
  };
}

/**
 * Offered loads in ascending order. After the first level the target cannot keep up with
 * (p99 over `saturatedP99Ms` or messages not delivered) only the headline load still runs:
 * higher ones would only queue more.
 */
export async function latencySweep(fleet: Fleet, loads: number[], durationMs: number, cpuGroups?: () => CpuGroups, saturatedP99Ms = 1_000): Promise<LoadLevelResult[]> {
  const results: LoadLevelResult[] = [];
  let saturated = false;
  for (const offered of loads) {
    // The headline load is always measured: its p99 is the figure the summary quotes.
    if (saturated && offered !== HEADLINE_LOAD) continue;
    const level = await atOfferedLoad(fleet, offered, durationMs, cpuGroups);
    results.push(level);
    // Saturation: a p99 over the limit, or more than 0.1 % of the messages not delivered in time.
    saturated ||= level.latency.p99 > saturatedP99Ms || level.lost > level.sent * 0.001;
    await sleep(500);
  }
  return results;
}

/**
 * A handshake storm of `count` visitor sockets (spread over every worker, reusing the
 * visitors' tokens round-robin), left connected and idle: accepted connections per
 * second, and the server's RSS growth per socket once they have settled.
 */
export async function idleStorm(fleet: Fleet, target: Target, serverPid: number, tokens: string[], count: number): Promise<IdleStormResult> {
  await sleep(2_000);
  const rssBeforeBytes = rssBytes(serverPid);
  const parts = splitCount(count, fleet.all.length);
  const results = await Promise.all(fleet.all.map((w, i) => w.call<IdleResult>({ op: 'idle', target, tokens, count: parts[i]!, concurrency: 100, timeoutMs: 60_000 })));
  const opened = results.reduce((a, r) => a + r.opened, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const startedAt = Math.min(...results.map((r) => r.startedAt));
  const finishedAt = Math.max(...results.map((r) => r.finishedAt));
  await sleep(3_000);
  const rssAfterBytes = rssBytes(serverPid);
  await Promise.all(fleet.all.map((w) => w.call({ op: 'idle:close' })));
  return {
    sockets: opened,
    failed,
    connectionsPerSec: ratePerSecond(opened, finishedAt - startedAt),
    rssBeforeBytes,
    rssAfterBytes,
    bytesPerSocket: opened ? (rssAfterBytes - rssBeforeBytes) / opened : Number.NaN,
    errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 5),
  };
}

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };
const emitAck = (s: Socket, event: string, payload: unknown) => new Promise<Ack>((resolve) => s.emit(event, payload, resolve));
async function connected(socket: Socket): Promise<Socket> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
const must = (ack: Ack, what: string) => {
  if (!ack.ok) throw new Error(`${what}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
};

/**
 * Replay: a visitor writes, goes away, an agent (the demo admin) writes `count` messages,
 * and the visitor comes back with its token and syncs from its last seq until hasMore is false.
 */
export async function replay(target: Target, adminCookie: string, count: number): Promise<ReplayResult> {
  const opts: Partial<ManagerOptions & SocketOptions> = { transports: ['websocket'], reconnection: false, forceNew: true };
  const visitor = await connected(io(`${target.url}/visitor`, { ...opts, auth: { websiteKey: target.websiteKey }, extraHeaders: { origin: target.origin } }));
  const first = must(await emitAck(visitor, 'message:send', { clientId: randomUUID(), text: 'I will be right back.' }), 'replay first send');
  // What the visitor has seen before leaving: up to the answer to its first message.
  const seen = must(await emitAck(visitor, 'sync', { afterSeq: 0 }), 'replay sync').lastSeq as number;
  visitor.disconnect();

  const agent = await connected(io(`${target.url}/agent`, { ...opts, extraHeaders: { cookie: adminCookie } }));
  const conversationId = first.conversationId as string;
  // The first message alone (it takes the conversation over), then 20 in flight at a time.
  must(await emitAck(agent, 'message:send', { conversationId, clientId: randomUUID(), text: 'Missed message 1' }), 'replay agent send');
  for (let i = 1; i < count; i += 20) {
    const batch = Array.from({ length: Math.min(20, count - i) }, (_, k) => i + k);
    await Promise.all(batch.map(async (n) => must(await emitAck(agent, 'message:send', { conversationId, clientId: randomUUID(), text: `Missed message ${n + 1}` }), 'replay agent send')));
  }
  agent.disconnect();

  const started = now();
  const back = await connected(io(`${target.url}/visitor`, { ...opts, auth: { websiteKey: target.websiteKey, token: first.token }, extraHeaders: { origin: target.origin } }));
  const syncStarted = now();
  let afterSeq = seen;
  let received = 0;
  let pages = 0;
  for (;;) {
    const page = must(await emitAck(back, 'sync', { afterSeq }), 'replay sync page');
    pages++;
    received += page.events.length;
    afterSeq = page.lastSeq;
    if (!page.hasMore) break;
  }
  const finished = now();
  back.disconnect();
  return { messages: received, totalMs: finished - started, syncMs: finished - syncStarted, pages };
}
