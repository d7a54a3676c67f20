/**
 * Starts the real system for end-to-end tests: a server process (the same
 * entry point as `npm start`) on a free port with a fresh database — a new
 * Postgres database when DATABASE_URL is set (under the e2e config, a copy of
 * the run's migrated template: test/e2e/global-setup.ts), else an empty PGlite data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createScratchDatabase, dropScratchDatabase, freePort } from '../../server/testing/scratch.ts';

export interface RunningSystem {
  url: string;
  port: number;
  /** Set when running on real Postgres: lets a test cut the database off and back on. */
  database?: { name: string; adminUrl: string };
  stop(): Promise<void>;
}

export const DEMO_AGENT = { email: 'agent@demo.shop', password: 'parley-demo', name: 'Ada Lovelace' };
export const SECOND_AGENT = { email: 'agent2@demo.shop', password: 'parley-demo', name: 'Grace Hopper' };
export const DEMO_WEBSITE_KEY = 'demo-shop';

/** The run's migrated Postgres template (test/e2e/global-setup.ts), or undefined outside the e2e config. */
function postgresTemplate(): string | undefined {
  try {
    return inject('e2ePostgresTemplate') ?? undefined;
  } catch {
    return undefined;
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      // Started (migrations and demo seed done; sockets accepted from then on), whatever the database does later.
      const res = await fetch(`${url}/readyz`);
      const body = (await res.json()) as { checks?: { startup?: string } };
      if (body.checks?.startup === 'ok') return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

export interface SystemOptions {
  /** Server processes sharing the database (several need Postgres and Redis). */
  nodes?: number;
  /** Extra environment for every node. */
  env?: NodeJS.ProcessEnv;
  /** The public origin of several nodes (PUBLIC_URL); default http://parley.localhost. */
  publicUrl?: string;
}

export interface RunningCluster extends RunningSystem {
  /** Every node's URL; `url` is the first one. */
  urls: string[];
  /** The origin all nodes are published under (PUBLIC_URL), as behind a reverse proxy. */
  publicUrl: string;
  /** Stops one node with SIGTERM (a graceful shutdown), resolving with its exit code. */
  stopNode(index: number): Promise<number | null>;
  /** Kills a node with SIGKILL (no graceful shutdown: a crash) and waits for it to be gone. */
  killNode(index: number): Promise<void>;
  /** Kills one node if it still runs (SIGKILL, a crash) and starts it again on the same port and environment, resolving once it is healthy. */
  restartNode(index: number): Promise<void>;
}

function spawnNode(port: number, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningCluster> {
  const nodes = options.nodes ?? 1;
  if (nodes > 1 && !process.env.DATABASE_URL) throw new Error('several nodes need DATABASE_URL (and Redis)');
  const ports: number[] = [];
  for (let i = 0; i < nodes; i++) ports.push(await freePort());
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  // One node: its own URL is public. Several: a shared public origin, as behind a proxy.
  const publicUrl = nodes === 1 ? urls[0]! : (options.publicUrl ?? 'http://parley.localhost');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  // A copy of the run's migrated template when there is one: the first node's start then finds its migrations applied.
  const db = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'e2e', postgresTemplate()) : undefined;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'test',
    SECRET: 'e2e-secret-shared-by-every-node',
    // The routing and desk scenarios start in a queue; the assistant's own test turns it on.
    SEED_DEMO_ASSISTANT: 'false',
    // The abuse limits keep their defaults (a scenario is what real people do), but this system's
    // counters are its own: runs side by side on one machine share the Redis and the address.
    LIMIT_KEY_PREFIX: `parley:e2e:${randomBytes(6).toString('hex')}`,
    ...options.env,
  };
  if (db) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;

  // Nodes start one after the other: the first one migrates and seeds alone.
  const children: ChildProcess[] = [];
  for (const [i, port] of ports.entries()) {
    const node = spawnNode(port, env);
    children.push(node.child);
    await waitForHealth(urls[i]!, node.child, node.output);
  }

  return {
    url: urls[0]!,
    urls,
    publicUrl,
    port: ports[0]!,
    database: db ? { name: db.name, adminUrl: db.adminUrl } : undefined,
    stopNode: (index) => stopChild(children[index]!),
    killNode: (index) => killChild(children[index]!),
    async restartNode(index) {
      await killChild(children[index]!);
      const node = spawnNode(ports[index]!, env);
      children[index] = node.child;
      await waitForHealth(urls[index]!, node.child, node.output);
    },
    async stop() {
      await Promise.all(children.map(stopChild));
      if (db) await dropScratchDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Cuts the system's Postgres database off (no new connections, existing ones killed), or lets it back on. */
export async function setDatabaseReachable(system: RunningSystem, reachable: boolean): Promise<void> {
  if (!system.database) throw new Error('only possible on real Postgres');
  const sql = postgres(system.database.adminUrl, { max: 1, onnotice: () => {} });
  const { name } = system.database;
  await sql.unsafe(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
  if (!reachable) await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name}`;
  await sql.end();
}
