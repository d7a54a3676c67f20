import { inject } from 'vitest';
import { openDatabase, type Database } from './client.ts';
import { createPglitePool } from './test-pglite-pool.ts';
import { createPostgresPool } from './test-postgres-pool.ts';
import { createDatabase, databaseUrl, dropDatabase, migratedPgliteDump, readPgliteDump, uniqueDatabaseName } from './test-templates.ts';

/**
 * Every database backend a test file should run against: PGlite in memory always,
 * and real Postgres when DATABASE_URL is set. Each `open()` gives a fresh, migrated,
 * isolated database; `close()` drops it. Use with `describe.each(backends)`.
 *
 * Fresh but not re-migrated: each `open()` clones a template migrated once per run by the
 * vitest global setup (server/testing/global-setup.ts). Without that setup (another config),
 * the PGlite template is migrated once per process and Postgres databases migrate one by one.
 * With the global setup, databases are recycled within a process, emptied between tests
 * (test-pglite-pool.ts, test-postgres-pool.ts).
 */
export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

/** What the global setup provided, or undefined when this process runs without it. */
function provided<K extends 'pgliteTemplate' | 'postgresTemplate'>(key: K) {
  try {
    return inject(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The run's migrated Postgres template, when the global setup made one: copy it instead of migrating. */
export const postgresTemplateName = (): string | undefined => provided('postgresTemplate') ?? undefined;

let pgliteDump: Promise<Blob> | undefined;
/** The migrated PGlite cluster test databases start from (the run's, else one migrated in this process). */
export function pgliteTemplate(): Promise<Blob> {
  const path = provided('pgliteTemplate');
  pgliteDump ??= path ? readPgliteDump(path) : migratedPgliteDump();
  return pgliteDump;
}

const pglitePool = createPglitePool(pgliteTemplate);
const pglite: TestBackend = { name: 'pglite', open: () => pglitePool.open() };

function postgresBackend(baseUrl: string): TestBackend {
  const template = postgresTemplateName();
  // The run's global teardown drops what a pool kept; without one, every database is dropped on close.
  if (template) return { name: 'postgres', open: createPostgresPool(baseUrl, template).open };
  return {
    name: 'postgres',
    async open() {
      const name = uniqueDatabaseName('parley_test');
      await createDatabase(baseUrl, name);
      const database = await openDatabase({ kind: 'postgres', url: databaseUrl(baseUrl, name), max: 10 });
      await database.migrate();
      return {
        ...database,
        async close() {
          await database.close();
          await dropDatabase(baseUrl, name);
        },
      };
    },
  };
}

// The one place tests read the environment: the harness decides which backends exist.
const url = process.env.DATABASE_URL;
export const backends: TestBackend[] = url ? [pglite, postgresBackend(url)] : [pglite];
