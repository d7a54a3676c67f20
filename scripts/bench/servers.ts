/**
 * The processes under test: Parley nodes (the real `server/main.ts`, as `npm start`
 * runs it) on a fresh Postgres database, and the bare Socket.IO baseline. Each is a
 * separate process so its event loop and memory are its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createScratchDatabase, dropScratchDatabase, freePort } from '../../server/testing/scratch.ts';
import { BENCH_DEMO_PASSWORD } from './api.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

export interface RunningNodes {
  urls: string[];
  /** The origin visitors present (allowed for the demo website on every node). */
  publicUrl: string;
  pids: number[];
  /** Stops node `i` and starts it again on the same port and data (a fresh process: nothing left from earlier phases). */
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
}

function adminUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export async function postgresVersion(baseUrl: string): Promise<string> {
  const sql = postgres(adminUrl(baseUrl), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`show server_version`;
    return String(row?.server_version ?? 'unknown');
  } finally {
    await sql.end();
  }
}

/** Keeps the last few KB of a child's output for error messages. */
function tail(child: ChildProcess): () => string {
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000; // a cold tsx start on a busy machine can take a while
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      // Ready (database reachable, demo seeded) where the node has /readyz; else merely up.
      const ready = await fetch(`${url}/readyz`);
      if (ready.ok || (ready.status === 404 && (await fetch(`${url}/healthz`)).ok)) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const UNLIMITED = String(1_000_000_000);
const BENCH_LIMITS: NodeJS.ProcessEnv = {
  LIMIT_SOCKET_EVENTS_BURST: UNLIMITED,
  LIMIT_SOCKET_EVENTS_PER_MINUTE: UNLIMITED,
  LIMIT_VISITOR_SOCKETS_PER_ADDRESS: UNLIMITED,
  LIMIT_HANDSHAKES_PER_ADDRESS_PER_MINUTE: UNLIMITED,
  LIMIT_NEW_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: UNLIMITED,
  LIMIT_API_REQUESTS_PER_ADDRESS_PER_MINUTE: UNLIMITED,
};

/** `nodes` Parley processes on one fresh database; several share Redis for fan-out. */
export async function startParley(opts: { nodes: number; databaseUrl: string; redisUrl?: string }): Promise<RunningNodes> {
  const ports: number[] = [];
  for (let i = 0; i < opts.nodes; i++) ports.push(await freePort());
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const publicUrl = opts.nodes === 1 ? urls[0]! : 'http://parley.localhost';
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const db = await createScratchDatabase(opts.databaseUrl, 'bench');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    SECRET: 'bench-secret-shared-by-every-node',
    SEED_DEMO: 'true',
    DEMO_PASSWORD: BENCH_DEMO_PASSWORD,
    // Visitors go straight to the queue (no assistant in the message path).
    SEED_DEMO_ASSISTANT: 'false',
    LOG_LEVEL: 'warn',
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    // The benchmark is no real user: thousands of visitors from one loopback address (10,000 idle
    // sockets, hundreds of new conversations in seconds), each visitor pushing ~50 msg/s and the
    // replay's agent 1,000 messages at once. It measures the message path, so the abuse limits
    // are raised out of its way (the per-socket check still runs on every event).
    ...BENCH_LIMITS,
  };
  const children: ChildProcess[] = [];
  const pids: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await dropScratchDatabase(db).catch((err) => console.error(`could not drop ${db.name}: ${err}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const startNode = async (i: number) => {
    // BENCH_NODE_ARGS adds Node flags to the nodes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile one run).
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...env, PORT: String(ports[i]) }, stdio: ['ignore', 'pipe', 'pipe'] });
    children[i] = child;
    pids[i] = child.pid!;
    // BENCH_SERVER_LOGS=1 shows the nodes' warnings while a run goes on (debugging the harness or the server).
    if (process.env.BENCH_SERVER_LOGS) child.stderr?.pipe(process.stderr), child.stdout?.pipe(process.stderr);
    await waitForHealth(urls[i]!, child, tail(child));
  };
  try {
    // One after the other: the first node migrates and seeds alone.
    for (let i = 0; i < ports.length; i++) await startNode(i);
  } catch (err) {
    await stop();
    throw err;
  }
  const restart = async (i: number) => {
    await stopChild(children[i]!);
    await startNode(i);
  };
  return { urls, publicUrl, pids, restart, stop };
}

export async function startBaseline(): Promise<RunningNodes> {
  const child = spawn(process.execPath, ['--import', 'tsx', BASELINE], { cwd: ROOT, env: { PATH: process.env.PATH, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tail(child);
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      const match = /\{"port":(\d+)\}/.exec(d.toString());
      if (match) {
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}:\n${output()}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    urls: [url],
    publicUrl: url,
    pids: [child.pid!],
    restart: () => Promise.reject(new Error('the baseline is started afresh instead (startBaseline)')),
    stop: () => stopChild(child),
  };
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
