import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropRecycledDatabases } from '../db/test-postgres-pool.ts';
import { createPostgresTemplate, dropDatabase, writePgliteDump } from '../db/test-templates.ts';

/**
 * Vitest global setup for the node suite: migrates once per run (a PGlite dump on disk, and a
 * Postgres template database when DATABASE_URL is set) and hands their whereabouts to the test
 * files, whose `backends[…].open()` clone them (server/db/test-backends.ts). Removed at the end.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a migrated PGlite cluster's tarball. */
    pgliteTemplate: string;
    /** Name of a migrated Postgres database to copy, or null without DATABASE_URL. */
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = process.env.DATABASE_URL;
  const dir = await mkdtemp(join(tmpdir(), 'parley-test-templates-'));
  const dumpPath = join(dir, 'pglite.tar');
  // Both at once: the PGlite side is CPU in this process, the Postgres side waits on the server.
  const [, postgresTemplate] = await Promise.all([writePgliteDump(dumpPath), databaseUrl ? createPostgresTemplate(databaseUrl) : Promise.resolve(null)]);
  project.provide('pgliteTemplate', dumpPath);
  project.provide('postgresTemplate', postgresTemplate);
  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (databaseUrl && postgresTemplate) {
      // The databases the workers' pools kept (server/db/test-postgres-pool.ts), then the template.
      await dropRecycledDatabases(databaseUrl, postgresTemplate);
      await dropDatabase(databaseUrl, postgresTemplate);
    }
  };
}
