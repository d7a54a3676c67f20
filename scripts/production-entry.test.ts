import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, dropScratchDatabase, freePort, type ScratchDatabase } from '../server/testing/scratch.ts';

/**
 * Issue 18: the production entry point as an operator runs it, in real processes
 * (`node --import tsx server/main.ts`, `npm run migrate`): nodes starting together on an empty
 * database, readiness only once the start is over, and output an operator can use.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECRET = 'production-entry-test-secret-0123';

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running: Proc[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function run(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, output: () => output, exited };
  running.push(proc);
  return proc;
}

function lines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

/** Resolves once a JSON line with this `msg` was written; rejects if the process exits first. */
function logged(proc: Proc, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = proc.output().split('\n').find((l) => l.includes(`"msg":"${msg}"`));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
    };
    proc.child.stdout!.on('data', check);
    proc.child.stderr!.on('data', check);
    check();
    void proc.exited.then((code) => reject(new Error(`exited (${code}) before "${msg}":\n${proc.output()}`)));
  });
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-entry-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the production entry point', () => {
  it('writes only JSON lines naming the node, from start to "shutdown complete" after SIGTERM', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const node = run('server/main.ts', { NODE_ENV: 'production', SECRET, DATA_DIR: dataDir(), PORT: String(port) });
    await logged(node, 'listening');
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);

    const written = lines(node.output());
    for (const line of written) expect(line).toMatchObject({ host: expect.any(String), pid: node.child.pid, port });
    const messages = written.map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['database connected, migrations applied', 'listening', 'shutdown started', 'shutdown complete']));
    expect(messages.indexOf('shutdown complete')).toBeGreaterThan(messages.indexOf('shutdown started'));
    expect(written.find((l) => l.msg === 'shutdown complete')).toMatchObject({ level: 30 });
  });

  it('says why it cannot start: a database that is down is "connection refused"', { timeout: 60_000 }, async () => {
    const closedPort = await freePort();
    const node = run('server/main.ts', { NODE_ENV: 'production', SECRET, DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/parley`, PORT: String(await freePort()) });
    expect(await node.exited).toBe(1);
    const [failure, ...rest] = lines(node.output());
    expect(rest).toEqual([]);
    expect(failure).toMatchObject({ level: 60, msg: expect.stringMatching(/^Parley failed to start: .*connection refused/), err: { rootCause: expect.stringContaining('connection refused') } });
  });

  it('is never ready before the demo website exists (a widget would be told "unknown website")', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const node = run('server/main.ts', { NODE_ENV: 'development', SEED_DEMO: 'true', DATA_DIR: dataDir(), PORT: String(port) });
    const listening = logged(node, 'listening');
    // Every answer while the node starts: whenever it says its start is over, the demo website answers.
    for (let done = false; !done; ) {
      done = await Promise.race([listening.then(() => true), new Promise<false>((resolve) => setImmediate(() => resolve(false)))]);
      const ready = await fetch(`${url}/readyz`).catch(() => null);
      if (!ready) continue;
      const { checks } = (await ready.json()) as { checks: { startup: string } };
      if (checks.startup !== 'ok') {
        // Not "unknown website" (404): "starting, try again" (503, retryable), or already there.
        const early = await fetch(`${url}/api/v1/widget/config?websiteKey=demo-shop`);
        expect([200, 503]).toContain(early.status);
        continue;
      }
      const config = await fetch(`${url}/api/v1/widget/config?websiteKey=demo-shop`);
      expect(config.status).toBe(200);
    }
    const last = (await (await fetch(`${url}/readyz`)).json()) as { checks: { startup: string } };
    expect(last.checks.startup).toBe('ok');
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe.runIf(!!databaseUrl)('several nodes starting at once on an empty Postgres database', () => {
  let scratch: ScratchDatabase;
  const emptyDatabase = async () => {
    scratch = await createScratchDatabase(databaseUrl!, 'parley_entry');
    cleanups.push(() => dropScratchDatabase(scratch));
    return scratch.url;
  };

  it('three `npm run migrate` at once all succeed, and the schema is whole', { timeout: 120_000 }, async () => {
    const url = await emptyDatabase();
    const runs = [0, 1, 2].map(() => run('scripts/migrate.ts', { DATABASE_URL: url }));
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual([0, 0, 0]);
    for (const r of runs) expect(lines(r.output())).toEqual([expect.objectContaining({ msg: 'migrations applied' })]);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [applied] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const journal = JSON.parse(readFileSync(join(ROOT, 'server/db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(applied!.n).toBe(journal.entries.length);
    } finally {
      await sql.end();
    }
  });

  it('three server processes at once all come up and finish their start', { timeout: 180_000 }, async () => {
    const url = await emptyDatabase();
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const nodes = ports.map((port) => run('server/main.ts', { NODE_ENV: 'production', SECRET, DATABASE_URL: url, PORT: String(port) }));
    await Promise.all(nodes.map((n) => logged(n, 'listening')));
    for (const port of ports) {
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, string> };
      expect(ready.checks).toMatchObject({ database: 'ok', startup: 'ok' });
    }
  });
});
