import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { startLocalS3 } from '../../server/testing/s3-server.ts';
import { createScratchDatabase, dropScratchDatabase, freePort, type ScratchDatabase } from '../../server/testing/scratch.ts';
import { checkAllowedOrigins } from './database.ts';
import { checkConfig, type ConfigReport } from './check.ts';
import { checkStorage } from './storage.ts';

/** `npm run config:check`: one test per misconfiguration it reports. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'parley-config-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A production configuration with nothing to say about it (on embedded PGlite: one warning, its own). */
const production = {
  NODE_ENV: 'production',
  SECRET: 'a-production-secret-of-32-chars!',
  PUBLIC_URL: 'https://chat.example.com',
  TRUSTED_PROXIES: '10.0.0.2',
  METRICS_TOKEN: 'a-metrics-token-0123456789',
  DATA_DIR: join(dir, 'data'),
};

const check = (env: Record<string, string | undefined>) => checkConfig(env, { timeoutMs: 1_500 });
const errors = (r: ConfigReport) => r.problems.filter((p) => p.level === 'error').map((p) => `${p.setting}: ${p.message}`);
const warnings = (r: ConfigReport) => r.problems.filter((p) => p.level === 'warning').map((p) => `${p.setting}: ${p.message}`);
/** A file where a directory is expected: not writable even by root. */
const underAFile = () => {
  const file = join(dir, `file-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, '');
  return join(file, 'uploads');
};

describe('config check: the settings', () => {
  it('accepts a sound production configuration (PGlite only warned about)', async () => {
    const report = await check(production);
    expect(report.ok).toBe(true);
    expect(errors(report)).toEqual([]);
    expect(warnings(report)).toEqual([expect.stringMatching(/^DATABASE_URL: unset: embedded PGlite/)]);
  });

  it('accepts the development defaults (nothing set)', async () => {
    const report = await check({ DATA_DIR: join(dir, 'dev') });
    expect(report).toEqual({ ok: true, problems: [] });
  });

  it('lists every invalid setting, not only the first', async () => {
    const report = await check({ ...production, PORT: '99999', LOG_LEVEL: 'loud', REDIS_URL: 'http://redis:6379', SWEEP_INTERVAL_MS: 'soon' });
    expect(report.ok).toBe(false);
    expect(errors(report).map((e) => e.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL', 'REDIS_URL', 'SWEEP_INTERVAL_MS']);
  });

  it('reports the X channel set partially, and a webhook URL X cannot reach (issue 19)', async () => {
    expect(errors(await check({ ...production, X_CONSUMER_SECRET: 'consumer-secret' }))).toEqual([expect.stringMatching(/^X_CLIENT_ID: required with X_CONSUMER_SECRET/)]);
    expect(errors(await check({ ...production, X_CLIENT_ID: 'client', X_APP_BEARER_TOKEN: 'app-token' }))).toEqual([expect.stringMatching(/^X_CONSUMER_SECRET: required with X_APP_BEARER_TOKEN/)]);
    const x = { ...production, X_CLIENT_ID: 'client', X_CONSUMER_SECRET: 'consumer-secret', X_APP_BEARER_TOKEN: 'app-token' };
    expect((await check(x)).ok).toBe(true);
    expect(warnings(await check(x)).filter((w) => w.startsWith('X_') || w.startsWith('PUBLIC_URL'))).toEqual([]);
    expect(warnings(await check({ ...x, X_WEBHOOK_URL: 'https://chat.example.com:8443/x' }))).toContainEqual(expect.stringMatching(/^X_WEBHOOK_URL: X posts only to webhook URLs without a port/));
    expect(warnings(await check({ ...x, X_APP_BEARER_TOKEN: undefined }))).toContainEqual(expect.stringMatching(/^X_APP_BEARER_TOKEN: unset: no webhook/));
  });

  it('requires SECRET in production', async () => {
    expect(errors(await check({ ...production, SECRET: undefined }))).toEqual([expect.stringMatching(/^SECRET: required in production/)]);
  });

  it('refuses a SECRET shorter than 16 characters', async () => {
    expect(errors(await check({ ...production, SECRET: 'too-short' }))).toEqual(['SECRET: SECRET must be at least 16 characters']);
  });

  it('refuses a previous secret shorter than 16 characters, or the current SECRET among them', async () => {
    expect(errors(await check({ ...production, SECRET_PREVIOUS: 'old-secret-of-24-chars!!,short' }))).toEqual([expect.stringMatching(/^SECRET_PREVIOUS: every previous secret must be at least 16/)]);
    expect(errors(await check({ ...production, SECRET_PREVIOUS: production.SECRET }))).toEqual(['SECRET_PREVIOUS: must not contain the current SECRET']);
  });

  it('refuses seeding the demo in production without a password of its own', async () => {
    expect(errors(await check({ ...production, SEED_DEMO: 'true' }))).toEqual([expect.stringMatching(/^DEMO_PASSWORD: required to seed the demo/)]);
    expect(errors(await check({ ...production, SEED_DEMO: 'true', DEMO_PASSWORD: 'parley-demo' }))).toEqual([expect.stringMatching(/^DEMO_PASSWORD: "parley-demo" is public/)]);
  });

  it('requires PUBLIC_URL in production', async () => {
    expect(errors(await check({ ...production, PUBLIC_URL: undefined }))).toEqual([expect.stringMatching(/^PUBLIC_URL: required in production/)]);
  });

  it('refuses a PUBLIC_URL that is not an origin (a path, a query)', async () => {
    expect(errors(await check({ ...production, PUBLIC_URL: 'https://example.com/chat' }))).toEqual([expect.stringMatching(/^PUBLIC_URL: must be an origin/)]);
    expect(errors(await check({ ...production, PUBLIC_URL: 'https://chat.example.com/?x=1' }))).toEqual([expect.stringMatching(/^PUBLIC_URL: must be an origin/)]);
    expect(errors(await check({ ...production, PUBLIC_URL: 'chat.example.com' }))).toEqual([expect.stringMatching(/^PUBLIC_URL: /)]);
  });

  it('refuses a plain http:// PUBLIC_URL in production (the session cookie would not be Secure)', async () => {
    expect(errors(await check({ ...production, PUBLIC_URL: 'http://chat.example.com' }))).toEqual([expect.stringMatching(/^PUBLIC_URL: must be https:\/\/ in production/)]);
    expect(errors(await check({ NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:3000', DATA_DIR: join(dir, 'dev') }))).toEqual([]);
  });

  it('warns when PUBLIC_URL is https:// but no proxy is trusted', async () => {
    const report = await check({ ...production, TRUSTED_PROXIES: undefined });
    expect(report.ok).toBe(true);
    expect(warnings(report)).toContainEqual(expect.stringMatching(/^TRUSTED_PROXIES: empty while PUBLIC_URL is https/));
  });

  it('refuses TRUSTED_PROXIES that are not addresses', async () => {
    expect(errors(await check({ ...production, TRUSTED_PROXIES: 'nginx.internal' }))).toEqual([expect.stringMatching(/^TRUSTED_PROXIES: must be a comma-separated list/)]);
  });

  it('warns about unscrapable /metrics and private webhook targets in production', async () => {
    const report = await check({ ...production, METRICS_TOKEN: undefined, WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' });
    expect(report.ok).toBe(true);
    expect(warnings(report)).toEqual(expect.arrayContaining([expect.stringMatching(/^METRICS_TOKEN: unset/), expect.stringMatching(/^WEBHOOKS_ALLOW_PRIVATE_TARGETS: on in production/)]));
  });
});

describe('config check: what the settings point at', () => {
  it('reports a database that does not answer', async () => {
    const port = await freePort();
    expect(errors(await check({ ...production, DATABASE_URL: `postgres://parley@127.0.0.1:${port}/parley` }))).toEqual([expect.stringMatching(/^DATABASE_URL: not reachable: .*ECONNREFUSED/)]);
  });

  it('reports a Redis that does not answer', async () => {
    const port = await freePort();
    expect(errors(await check({ ...production, REDIS_URL: `redis://127.0.0.1:${port}` }))).toEqual([expect.stringMatching(/^REDIS_URL: not reachable: .*ECONNREFUSED/)]);
  });

  it('reports attachment storage that cannot be written', async () => {
    expect(errors(await check({ ...production, ATTACHMENTS_STORAGE: 'disk', UPLOAD_DIR: underAFile() }))).toEqual([expect.stringMatching(/^UPLOAD_DIR: attachments .* not writable: ENOTDIR/)]);
    // The default store is the database: no directory is written, whatever UPLOAD_DIR says.
    expect(errors(await check({ ...production, UPLOAD_DIR: underAFile() }))).toEqual([]);
  });

  it('writes, reads back and deletes an object in the S3 bucket, and reports a bucket it cannot use', async () => {
    const s3 = await startLocalS3();
    try {
      const { bucket, endpoint, credentials } = s3.settings;
      const settings = { ATTACHMENTS_STORAGE: 's3', S3_BUCKET: bucket, S3_ENDPOINT: endpoint!, S3_ACCESS_KEY_ID: credentials!.accessKeyId, S3_SECRET_ACCESS_KEY: credentials!.secretAccessKey, S3_FORCE_PATH_STYLE: 'true' };
      expect(errors(await check({ ...production, ...settings }))).toEqual([]);
      expect(await s3.objectCount()).toBe(0);
      expect(errors(await check({ ...production, ...settings, S3_BUCKET: 'no-such-bucket' }))).toEqual([expect.stringMatching(/^S3_BUCKET: attachments \(bucket no-such-bucket\): not writable: /)]);
      // A bucket name too short to be one is reported once, as invalid, not also as missing.
      expect(errors(await check({ ...production, ATTACHMENTS_STORAGE: 's3', S3_BUCKET: 'b' }))).toEqual([expect.stringMatching(/^S3_BUCKET: Too small/)]);
      expect(errors(await check({ ...production, ATTACHMENTS_STORAGE: 's3', S3_ACCESS_KEY_ID: 'key' }))).toEqual([
        'S3_BUCKET: required with ATTACHMENTS_STORAGE=s3',
        'S3_ACCESS_KEY_ID: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
      ]);
    } finally {
      await s3.stop();
    }
  });

  it('reports storage that never answers instead of waiting for it', async () => {
    const hung = { setting: 'UPLOAD_DIR', what: 'attachments (a hung mount)', probe: () => new Promise<void>(() => {}) };
    expect(await checkStorage([hung], 50)).toEqual([{ level: 'error', setting: 'UPLOAD_DIR', message: 'attachments (a hung mount): not writable: no answer within 0.05 s' }]);
  });

  it('warns when several nodes would each keep files on their own disk', async () => {
    const redis = { ...production, REDIS_URL: 'redis://127.0.0.1:6379', ATTACHMENTS_STORAGE: 'disk' };
    expect(warnings(await check(redis))).toContainEqual(expect.stringMatching(/^ATTACHMENTS_STORAGE: disk with REDIS_URL/));
  });

  it('reports a DATA_DIR that cannot be written when the embedded database lives there', async () => {
    const problems = errors(await check({ ...production, DATA_DIR: underAFile() }));
    expect(problems).toContainEqual(expect.stringMatching(/^DATA_DIR: the embedded database .* not writable: ENOTDIR/));
  });

  it('reports allowed origins that are not origins, and plain http:// ones in production', () => {
    const websites = [{ key: 'shop', origins: ['https://shop.example.com', 'https://shop.example.com/path', 'http://shop.example.com', 'http://localhost:3000'] }];
    expect(checkAllowedOrigins(websites, true)).toEqual([
      { level: 'error', setting: 'allowed origins', message: 'website "shop": "https://shop.example.com/path" is not an origin (scheme://host[:port])' },
      { level: 'warning', setting: 'allowed origins', message: 'website "shop": "http://shop.example.com" is plain http:// in production' },
    ]);
    expect(checkAllowedOrigins(websites, false).map((p) => p.level)).toEqual(['error']);
  });
});

describe.runIf(!!process.env.DATABASE_URL)('config check on Postgres and Redis (CI has both)', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(process.env.DATABASE_URL!, 'configcheck');
  });
  afterAll(async () => {
    if (db) await dropScratchDatabase(db);
  });
  const redis = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379';

  it('warns about pending migrations, then is quiet once they are applied; reports origins stored in the database', async () => {
    const before = await check({ ...production, DATABASE_URL: db.url, REDIS_URL: redis });
    expect(before.ok).toBe(true);
    expect(warnings(before)).toEqual([expect.stringMatching(/^DATABASE_URL: \d+ migration\(s\) not applied yet \(0000_init, .*the first node to start applies them$/)]);

    const database = await openDatabase({ kind: 'postgres', url: db.url, max: 1 });
    await database.migrate();
    await database.close();
    expect(await check({ ...production, DATABASE_URL: db.url, REDIS_URL: redis })).toEqual({ ok: true, problems: [] });

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    await sql`insert into websites (key, name, allowed_origins) values ('shop', 'Shop', ${['https://shop.example.com/checkout']})`;
    await sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', ${Date.now() * 10})`;
    await sql.end();
    expect(errors(await check({ ...production, DATABASE_URL: db.url }))).toEqual([
      'DATABASE_URL: the database has migrations this version of Parley does not know: it was migrated by a newer one',
      'allowed origins: website "shop": "https://shop.example.com/checkout" is not an origin (scheme://host[:port])',
    ]);
  });
});

// Each run starts a process through tsx: slow on a busy machine.
describe('npm run config:check', { timeout: 60_000 }, () => {
  const run = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/config-check.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

  it('prints every problem and exits 1; --json gives the same list', () => {
    const bad = { ...production, SECRET: 'short', PUBLIC_URL: 'http://chat.example.com', ATTACHMENTS_STORAGE: 'disk', UPLOAD_DIR: underAFile() };
    const text = run(bad);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/Configuration has 3 error\(s\):/);
    for (const setting of ['SECRET', 'PUBLIC_URL', 'UPLOAD_DIR']) expect(text.stdout).toContain(`error    ${setting}:`);

    const json = run(bad, ['--json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as ConfigReport;
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.level === 'error').map((p) => p.setting)).toEqual(['SECRET', 'PUBLIC_URL', 'UPLOAD_DIR']);
  });

  it('exits 0 on a sound configuration', () => {
    const ok = run(production);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^Configuration OK, with warnings:/);
  });
});
