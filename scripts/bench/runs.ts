/**
 * One run per system under test, each with its own fresh server processes and
 * worker fleet: the bare Socket.IO baseline, Parley on one node, Parley on two
 * nodes over Redis (visitors on node A, agents on node B).
 */
import { adminCookie, createBenchAgents } from './api.ts';
import { AGENT_MAX_CHATS, HEADLINE_LOAD, type BenchConfig } from './config.ts';
import { startFleet, type Fleet } from './fleet.ts';
import { splitCount } from './pacing.ts';
import { cpuText } from './report.ts';
import { idleStorm, latencySweep, replay, throughput, type IdleStormResult, type LoadLevelResult, type ReplayResult, type ThroughputResult } from './phases.ts';
import { now, type AgentsResult, type PickResult, type Target, type VisitorHandle, type VisitorsResult } from './protocol.ts';
import { startBaseline, startParley, type RunningNodes } from './servers.ts';

export interface TargetRun {
  name: string;
  visitors: number;
  agents: number;
  /** How conversations were set up, and how long it took. */
  setup: string;
  setupMs: number;
  throughput: ThroughputResult;
  sweep: LoadLevelResult[];
  idle?: IdleStormResult;
  replay?: ReplayResult;
}

export interface Environment {
  databaseUrl: string;
  redisUrl: string;
  log(line: string): void;
}

const DEMO_SITE = 'demo-shop';

function target(kind: Target['kind'], url: string, origin: string): Target {
  return { kind, url, origin: new URL(origin).origin, websiteKey: DEMO_SITE };
}

/** Visitors split over the visitor workers; fails loudly when too few could be set up. */
async function openVisitors(fleet: Fleet, t: Target, count: number, rooms?: string[]): Promise<VisitorHandle[]> {
  const parts = splitCount(count, fleet.visitors.length);
  let offset = 0;
  const results = await Promise.all(
    fleet.visitors.map((w, i) => {
      const mine = rooms?.slice(offset, offset + parts[i]!);
      offset += parts[i]!;
      return w.call<VisitorsResult>({ op: 'visitors', target: t, count: parts[i]!, rooms: mine, concurrency: 8, timeoutMs: 60_000 });
    }),
  );
  const handles = results.flatMap((r) => r.visitors);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  if (failed > count * 0.05) throw new Error(`only ${handles.length}/${count} visitors were set up: ${results.flatMap((r) => r.errors).join('; ')}`);
  return handles;
}

async function measure(fleet: Fleet, nodes: RunningNodes, cfg: BenchConfig, loads: number[], log: Environment['log'], name: string) {
  // Read when sampled: a restarted node has a new pid. This process counts with the load generators.
  const cpuGroups = () => ({ servers: nodes.pids, loadGenerators: [process.pid, ...fleet.all.map((w) => w.pid)] });
  log(`${name}: throughput (closed loop, ${cfg.window} in flight per visitor, ${cfg.throughputMs / 1000}s)`);
  const tp = await throughput(fleet, { warmupMs: cfg.warmupMs, durationMs: cfg.throughputMs, window: cfg.window }, cpuGroups);
  log(`${name}: ${Math.round(tp.msgsPerSec)} msg/s persisted and delivered; CPU in cores: ${cpuText(tp.cpu)}`);
  log(`${name}: latency sweep ${loads.join(', ')} msg/s`);
  const sweep = await latencySweep(fleet, loads, cfg.levelMs, cpuGroups);
  for (const l of sweep) log(`${name}:   ${l.offered} msg/s offered → p50 ${l.latency.p50.toFixed(1)} / p99 ${l.latency.p99.toFixed(1)} ms, ${l.lost} lost; CPU: ${cpuText(l.cpu)}`);
  return { throughput: tp, sweep };
}

export async function runBaseline(cfg: BenchConfig, env: Environment): Promise<TargetRun> {
  const nodes = await startBaseline();
  const fleet = startFleet(cfg.visitorWorkers);
  try {
    const t = target('baseline', nodes.urls[0]!, nodes.publicUrl);
    const started = now();
    const agentCount = Math.ceil(cfg.visitors / AGENT_MAX_CHATS);
    const rooms = Array.from({ length: cfg.visitors }, (_, i) => `room-${i}`);
    const agents = Array.from({ length: agentCount }, (_, a) => ({ rooms: rooms.slice(a * AGENT_MAX_CHATS, (a + 1) * AGENT_MAX_CHATS) }));
    await fleet.agents.call<AgentsResult>({ op: 'agents', target: t, agents });
    await openVisitors(fleet, t, cfg.visitors, rooms);
    const setupMs = now() - started;
    const { throughput: tp, sweep } = await measure(fleet, nodes, cfg, cfg.loads, env.log, 'baseline');
    env.log(`baseline: handshake storm of ${cfg.idleSockets} idle sockets (on a fresh process)`);
    const fresh = await startBaseline();
    let idle: IdleStormResult;
    try {
      idle = await idleStorm(fleet, target('baseline', fresh.urls[0]!, fresh.publicUrl), fresh.pids[0]!, [], cfg.idleSockets);
    } finally {
      await fresh.stop();
    }
    return { name: 'Bare Socket.IO relay (baseline)', visitors: cfg.visitors, agents: agentCount, setup: 'rooms named in the handshake', setupMs, throughput: tp, sweep, idle };
  } finally {
    await fleet.close();
    await nodes.stop();
  }
}

/**
 * Parley's setup goes through the real protocol: bench agents (created with the admin API,
 * 12 chats each) connect; each visitor writes a first message, which opens a session waiting
 * in the queue; each agent then takes its 12 conversations (`conversation:take`), which puts
 * its socket in their rooms. Agents stay Not Ready, so routing offers play no part.
 */
async function setupParley(fleet: Fleet, cfg: BenchConfig, nodes: RunningNodes, env: Environment) {
  const visitorNode = nodes.urls[0]!;
  const agentNode = nodes.urls[nodes.urls.length - 1]!;
  const started = now();
  const agentCount = Math.ceil(cfg.visitors / AGENT_MAX_CHATS);
  env.log(`parley: creating ${agentCount} agents, then ${cfg.visitors} visitors through the protocol`);
  const cookies = await createBenchAgents(visitorNode, agentCount);
  await fleet.agents.call<AgentsResult>({ op: 'agents', target: target('parley', agentNode, nodes.publicUrl), agents: cookies.map((cookie) => ({ cookie })) });
  const t = target('parley', visitorNode, nodes.publicUrl);
  const handles = await openVisitors(fleet, t, cfg.visitors);
  const picks = Array.from({ length: agentCount }, (_, agent) => ({ agent, conversationIds: handles.slice(agent * AGENT_MAX_CHATS, (agent + 1) * AGENT_MAX_CHATS).map((h) => h.conversationId) }));
  const picked = await fleet.agents.call<PickResult>({ op: 'pick', picks });
  if (picked.taken < handles.length) throw new Error(`agents took only ${picked.taken}/${handles.length} conversations: ${picked.errors.join('; ')}`);
  return { t, handles, agentCount, setupMs: now() - started };
}

const PROTOCOL_SETUP = 'real protocol: the visitor’s first message queues a session, then an agent takes the conversation (`conversation:take`, 12 per agent)';

export async function runSingleNode(cfg: BenchConfig, env: Environment): Promise<TargetRun> {
  const nodes = await startParley({ nodes: 1, databaseUrl: env.databaseUrl });
  const fleet = startFleet(cfg.visitorWorkers);
  try {
    const { t, handles, agentCount, setupMs } = await setupParley(fleet, cfg, nodes, env);
    const { throughput: tp, sweep } = await measure(fleet, nodes, cfg, cfg.loads, env.log, 'parley 1 node');
    env.log(`parley 1 node: replay of ${cfg.replayMessages} missed messages`);
    const rep = await replay(t, await adminCookie(t.url), cfg.replayMessages);
    // A fresh process on the same database: what the load phases left in the heap would blur the figure.
    env.log(`parley 1 node: handshake storm of ${cfg.idleSockets} idle visitor sockets with tokens (node restarted first)`);
    await nodes.restart(0);
    const idle = await idleStorm(fleet, t, nodes.pids[0]!, handles.map((h) => h.token), cfg.idleSockets);
    return { name: 'Parley, 1 node', visitors: handles.length, agents: agentCount, setup: PROTOCOL_SETUP, setupMs, throughput: tp, sweep, idle, replay: rep };
  } finally {
    await fleet.close();
    await nodes.stop();
  }
}

export async function runTwoNodes(cfg: BenchConfig, env: Environment): Promise<TargetRun> {
  const nodes = await startParley({ nodes: 2, databaseUrl: env.databaseUrl, redisUrl: env.redisUrl });
  const fleet = startFleet(cfg.visitorWorkers);
  try {
    const { handles, agentCount, setupMs } = await setupParley(fleet, cfg, nodes, env);
    const { throughput: tp, sweep } = await measure(fleet, nodes, cfg, [HEADLINE_LOAD], env.log, 'parley 2 nodes');
    return { name: 'Parley, 2 nodes (Redis; visitors on A, agents on B)', visitors: handles.length, agents: agentCount, setup: PROTOCOL_SETUP, setupMs, throughput: tp, sweep };
  } finally {
    await fleet.close();
    await nodes.stop();
  }
}
