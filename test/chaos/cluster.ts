/**
 * The chaos test's system: N real server processes (`server/main.ts`, as in
 * production) on a fresh Postgres database and a private redis-server, behind a
 * tiny loopback TCP balancer that plays the reverse proxy (each new connection
 * goes to the next node that accepts it; websocket-only, so no stickiness).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisInstance } from '../../server/testing/redis-server.ts';
import { createScratchDatabase, dropScratchDatabase, freePort } from '../../server/testing/scratch.ts';

export const PUBLIC_URL = 'http://parley.localhost';

export interface ChaosNode {
  port: number;
  url: string;
  /** SIGKILL (crash) or SIGTERM (graceful); resolves once the process is gone. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<number | null>;
  /** Starts it again on the same port and waits for /readyz. */
  start(): Promise<void>;
  output(): string;
}

export interface ChaosCluster {
  /** The balancer's URL: what clients connect to. */
  url: string;
  nodes: ChaosNode[];
  redis: RedisInstance;
  /** postgres:// URL of this run's database (for the final assertions). */
  databaseUrl: string;
  /** Destroys every client connection through the balancer (a network blip for everyone). */
  cutConnections(): number;
  stop(): Promise<void>;
}

function serverNode(port: number, env: NodeJS.ProcessEnv): ChaosNode {
  let child: ChildProcess | null = null;
  let log = '';
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    output: () => log,
    async start() {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      const deadline = Date.now() + 240_000; // a cold start (tsx, migrations) is slow on a busy CI box
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`node :${port} exited with ${proc.exitCode}:\n${log}`);
        if (Date.now() > deadline) throw new Error(`node :${port} never became ready:\n${log}`);
        const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
        if (ready) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop(signal) {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Round-robin TCP balancer over the nodes; a node that refuses is skipped (as a proxy's health checks would). */
function balancer(ports: number[]): Promise<{ server: Server; port: number; cut(): number }> {
  const live = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const attempt = (tries: number) => {
      if (tries >= ports.length) return client.destroy();
      const port = ports[next++ % ports.length]!;
      const upstream = connect(port, '127.0.0.1');
      let connected = false;
      upstream.once('error', () => {
        if (!connected) attempt(tries + 1); // refused: that node is down, try the next one
      });
      upstream.once('connect', () => {
        connected = true;
        live.add(upstream);
        upstream.on('close', () => {
          live.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        server,
        port,
        cut() {
          const n = live.size;
          for (const s of live) s.destroy();
          return n;
        },
      });
    });
  });
}

export async function startCluster(options: { nodes: number; baseDatabaseUrl: string }): Promise<ChaosCluster> {
  const redis = await startRedis();
  const db = await createScratchDatabase(options.baseDatabaseUrl, 'chaos');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PUBLIC_URL,
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    SEED_DEMO: 'true',
    SEED_DEMO_ASSISTANT: 'false',
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'test',
    SECRET: 'chaos-secret-shared-by-every-node',
    SWEEP_INTERVAL_MS: '200',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Every simulated visitor reaches the nodes from loopback through one balancer: to the limits,
    // one address holding 50–200 visitors that all start within two seconds and all reconnect
    // at once, several times. Real visitors are spread over many addresses; raised out of the way.
    LIMIT_VISITOR_SOCKETS_PER_ADDRESS: '100000',
    LIMIT_HANDSHAKES_PER_ADDRESS_PER_MINUTE: '100000',
    LIMIT_NEW_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: '100000',
  };
  const ports: number[] = [];
  for (let i = 0; i < options.nodes; i++) ports.push(await freePort());
  const nodes = ports.map((port) => serverNode(port, env));
  try {
    // One after the other: the first migrates and seeds alone.
    for (const node of nodes) await node.start();
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await redis.stop();
    await dropScratchDatabase(db);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const lb = await balancer(ports);
  return {
    url: `http://127.0.0.1:${lb.port}`,
    nodes,
    redis,
    databaseUrl: db.url,
    cutConnections: lb.cut,
    async stop() {
      lb.cut();
      await new Promise<void>((resolve) => lb.server.close(() => resolve()));
      await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
      await redis.stop();
      await dropScratchDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
