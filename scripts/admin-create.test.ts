import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/client.ts';
import { agents } from '../server/db/schema.ts';
import { backends } from '../server/db/test-backends.ts';
import { loadEnv } from '../server/env.ts';
import type { RunningServer } from '../server/main.ts';
import { verifyPassword } from '../server/services/passwords.ts';
import { loginCookie, startTestServer } from '../server/testing/test-kit.ts';
import { runAdminCreate } from './admin-create.ts';
import { readPassword } from './read-password.ts';

/** Issue 16, finding 9: the documented way to get a first administrator, with no demo seed. */
const PASSWORD = 'correct-horse-battery-staple';

function captured() {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream, text: () => text };
}

/** The command as `printf '%s\n' "$PASSWORD" | npm run admin:create -- …argv` would run it. */
async function adminCreate(argv: string[], options: { database?: Database; dataDir?: string; password?: string } = {}) {
  const stdout = captured();
  const stderr = captured();
  const code = await runAdminCreate({
    argv,
    stdin: Readable.from([`${options.password ?? PASSWORD}\n`]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: loadEnv({ NODE_ENV: 'test', DATA_DIR: options.dataDir ?? tmpdir() }),
    database: options.database,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe.each(backends)('npm run admin:create on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backend.open();
    // No demo seed: a production server's first start.
    server = await startTestServer(database, { seedDemo: false });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const admins = async () => database.db.select().from(agents).where(eq(agents.role, 'admin'));

  it('refuses a password on the command line, or one too short, and creates nothing', async () => {
    const onArgv = await adminCreate(['--email', 'boss@example.com', '--name', 'Boss', `--password=${PASSWORD}`], { database });
    expect(onArgv).toMatchObject({ code: 2, stderr: expect.stringMatching(/never taken from the command line/) });
    const short = await adminCreate(['--email', 'boss@example.com', '--name', 'Boss'], { database, password: 'short' });
    expect(short).toMatchObject({ code: 1, stderr: expect.stringMatching(/password/) });
    expect(await adminCreate(['--name', 'Boss'], { database })).toMatchObject({ code: 2, stderr: expect.stringMatching(/Usage/) });
    expect(await admins()).toEqual([]);
  });

  it('creates the first administrator, who logs in to the desktop; prints nothing secret', async () => {
    const created = await adminCreate(['--email', 'Boss@Example.com', '--name', 'The Boss'], { database });
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/Administrator boss@example\.com created/) });
    expect(created.stdout + created.stderr).not.toContain(PASSWORD);
    const [admin] = await admins();
    expect(admin).toMatchObject({ email: 'boss@example.com', name: 'The Boss', role: 'admin' });
    expect(await verifyPassword(PASSWORD, admin!.passwordHash)).toBe(true);
    await expect(loginCookie(server, 'boss@example.com', PASSWORD)).resolves.toMatch(/=/);
  });

  it('refuses a second administrator unless --force, and an email already taken', async () => {
    const again = await adminCreate(['--email', 'second@example.com', '--name', 'Second'], { database });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/An administrator already exists/) });
    expect(await adminCreate(['--email', 'boss@example.com', '--name', 'Boss again', '--force'], { database })).toMatchObject({ code: 1, stderr: expect.stringMatching(/email exists/) });
    expect(await adminCreate(['--email', 'second@example.com', '--name', 'Second', '--force'], { database })).toMatchObject({ code: 0 });
    expect((await admins()).map((a) => a.email).sort()).toEqual(['boss@example.com', 'second@example.com']);
  });
});

describe('npm run admin:create on a fresh embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-admin-create-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // An embedded database on disk, created and migrated, then opened again: over the default 20 s on a busy machine.
  it('migrates DATA_DIR’s PGlite first, then creates the administrator there', { timeout: 90_000 }, async () => {
    expect(await adminCreate(['--email', 'first@example.com', '--name', 'First'], { dataDir })).toMatchObject({ code: 0 });
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    try {
      expect((await database.db.select().from(agents)).map((a) => [a.email, a.role])).toEqual([['first@example.com', 'admin']]);
    } finally {
      await database.close();
    }
  });
});

describe('reading the password', () => {
  it('on a terminal: asked twice, never echoed; backspace edits; two different answers are refused', async () => {
    const terminal = () => Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const prompts = captured();
    const tty = terminal();
    const read = readPassword(tty, prompts.stream);
    tty.write('secret-passwordX\u007f\r');
    await new Promise((r) => setImmediate(r));
    tty.write('secret-password\r');
    expect(await read).toBe('secret-password');
    expect(prompts.text()).toBe('Password: \nRepeat it: \n');

    const other = terminal();
    const mismatch = readPassword(other, captured().stream);
    other.write('one-password\r');
    await new Promise((r) => setImmediate(r));
    other.write('another-password\r');
    await expect(mismatch).rejects.toThrow(/differ/);
  });
});
