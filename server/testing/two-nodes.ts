import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../db/client.ts';
import { websites } from '../db/schema.ts';
import { postgresTemplateName } from '../db/test-backends.ts';
import { startServer, type RunningServer, type StartOptions } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { createScratchDatabase, dropScratchDatabase, type ScratchDatabase } from './scratch.ts';
import { closeSockets } from './test-kit.ts';

/** The SECRET both nodes share (what they encrypt credentials with). */
export const TWO_NODES_SECRET = 'multi-node-test-secret-0123456789';

export interface TwoNodes {
  /** Node A (seeded the demo) and node B, each with its own pool, Socket.IO server and sweeper. */
  nodes: RunningServer[];
  /** Node A's database handle (both nodes share the database). */
  db: () => Database['db'];
}

/**
 * Two server instances in this process on one fresh Postgres database, fanning out through
 * Redis; the demo website accepts both nodes' origins. Registers its own beforeAll/afterAll.
 * `limits` overrides abuse limits on both nodes; `env` sets more of their environment (e.g. a shared `uploadDir`).
 */
export function useTwoNodes(
  databaseUrl: string,
  redisUrl: string,
  poolSize: number,
  limits: NonNullable<StartOptions['env']>['limits'] = {},
  /** Or a function, read when the nodes start (e.g. settings naming a fake API an earlier hook started). */
  env: Omit<NonNullable<StartOptions['env']>, 'limits'> | (() => Omit<NonNullable<StartOptions['env']>, 'limits'>) = {},
  /** More start options for both nodes, read when they start (e.g. the X channel's fake API, started by an earlier hook). */
  options: () => Omit<StartOptions, 'database' | 'env'> = () => ({}),
): TwoNodes {
  const dbs: Database[] = [];
  const nodes: RunningServer[] = [];
  let scratch: ScratchDatabase | null = null;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    // The cluster's own limit counters in the shared Redis: suites running side by side from the same address stay apart.
    const keyPrefix = `parley:test:${randomBytes(6).toString('hex')}`;
    // A copy of the run's migrated template when there is one (the node suite's), else migrated here.
    const template = postgresTemplateName();
    scratch = await createScratchDatabase(databaseUrl, 'parley_nodes', template);
    for (let i = 0; i < 2; i++) dbs.push(await openDatabase({ kind: 'postgres', url: scratch.url, max: poolSize }));
    if (!template) await dbs[0]!.migrate();
    for (const [i, database] of dbs.entries()) {
      // Each node its own disk, as on two machines: only what they share (Postgres, Redis) crosses.
      const dataDir = join(tmpdir(), `parley-node-${keyPrefix.slice(-12)}-${i}`);
      dataDirs.push(dataDir);
      nodes.push(
        await startServer({
          database,
          env: { port: 0, host: '127.0.0.1', publicUrl: null, dataDir, uploadDir: join(dataDir, 'uploads'), seedDemo: i === 0, seedDemoAssistant: false, logLevel: 'silent', secret: TWO_NODES_SECRET, redisUrl, sweepIntervalMs: 100, ...(typeof env === 'function' ? env() : env), limits: { keyPrefix, ...limits } },
          banner: false,
          requireAssets: false,
          ...options(),
        }),
      );
    }
    await dbs[0]!.db.update(websites).set({ allowedOrigins: nodes.map((n) => new URL(n.url).origin) }).where(eq(websites.key, DEMO.websiteKey));
  });

  afterAll(async () => {
    closeSockets();
    for (const n of nodes) await n.close();
    for (const d of dbs) await d.close();
    if (scratch) await dropScratchDatabase(scratch);
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  return { nodes, db: () => dbs[0]!.db };
}
