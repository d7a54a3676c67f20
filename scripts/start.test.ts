import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../server/testing/scratch.ts';
import { DEMO } from '../server/services/seed-demo.ts';

/**
 * Issue 16, finding 9: `NODE_ENV=production npm start` (the README's production command) used to seed
 * the demo, and with it an admin anyone could log in as. The real scripts/start.ts in a child process,
 * on a fresh embedded database. Issue 18: in production it builds nothing (the build needs devDependencies;
 * `npm run build` is its own step): its `npx` here only leaves a trace if it is called.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));

let child: ChildProcess | null = null;
const dirs: string[] = [];
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm start in production', () => {
  it('creates no demo agent: nobody logs in with the public demo password', { timeout: 90_000 }, async () => {
    const stubs = mkdtempSync(join(tmpdir(), 'parley-start-bin-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-data-'));
    dirs.push(stubs, dataDir);
    const built = join(stubs, 'npx-was-called');
    writeFileSync(join(stubs, 'npx'), `#!/bin/sh\ntouch '${built}'\nexit 1\n`);
    chmodSync(join(stubs, 'npx'), 0o755);
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env: { PATH: `${stubs}:${process.env.PATH ?? ''}`, HOME: process.env.HOME, NODE_ENV: 'production', SECRET: 'start-test-secret-0123456789', DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // "listening" comes after the migrations and the seed, if there is one.
    await new Promise<void>((resolve, reject) => {
      const check = () => output.includes('"msg":"listening"') && resolve();
      child!.stdout!.on('data', check);
      child!.once('exit', (code) => reject(new Error(`start exited (${code}):\n${output}`)));
    });

    expect(output).not.toContain('demo seeded');
    expect(existsSync(built)).toBe(false);
    for (const email of [DEMO.agentEmail, DEMO.agent2Email]) {
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: DEMO.agentPassword }),
      });
      expect(login.status).toBe(401);
    }
  });
});
