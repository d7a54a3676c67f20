import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import { createReadiness } from './readiness.ts';

/** /readyz's verdict: a load balancer sends traffic only once the start is over and the bundles exist. */
describe.each(backends)('readiness on $name', (backend) => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await backend.open();
    dir = mkdtempSync(join(tmpdir(), 'parley-readiness-'));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not ready until the start (migrations, demo seed) has finished, nor once draining', async () => {
    const readiness = createReadiness(database.db);
    expect(await readiness.check()).toMatchObject({ ready: false, failed: ['startup'], checks: { startup: 'failed', database: 'ok' } });
    expect(readiness.accepting).toBe(false);
    readiness.markStarted();
    expect(await readiness.check()).toMatchObject({ ready: true, checks: { startup: 'ok', assets: 'skipped' } });
    expect(readiness.accepting).toBe(true);
    readiness.markDraining();
    expect(await readiness.check()).toMatchObject({ ready: false, failed: ['accepting'] });
    expect(readiness.accepting).toBe(false);
  });

  it('is not ready while a front-end bundle is missing, and ready once it is built', async () => {
    const loader = join(dir, 'widget', 'loader.js');
    const readiness = createReadiness(database.db, { assets: [loader] });
    readiness.markStarted();
    expect(await readiness.check()).toMatchObject({ ready: false, failed: ['assets'] });
    mkdirSync(join(dir, 'widget'));
    writeFileSync(loader, '');
    expect(await readiness.check()).toMatchObject({ ready: true, checks: { assets: 'ok' } });
  });
});
