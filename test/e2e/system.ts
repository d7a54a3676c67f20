/**
 * Starts the real system for end-to-end tests: a server process (the same
 * entry point as `npm start`) on a free port with a fresh database — a new
 * Postgres database when DATABASE_URL is set, else an empty PGlite data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function createDatabase(baseUrl: string): Promise<{ name: string; url: string; adminUrl: string }> {
  const name = `e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  await sql.unsafe(`CREATE DATABASE "${name}"`);
  await sql.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), adminUrl: admin.toString() };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await sql.end();
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

export async function startSystem(): Promise<RunningSystem> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const db = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'test',
  };
  if (db) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;

  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForHealth(url, child, () => output);

  return {
    url,
    port,
    database: db ? { name: db.name, adminUrl: db.adminUrl } : undefined,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (db) await dropDatabase(db.adminUrl, db.name);
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
