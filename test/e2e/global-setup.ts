import type { TestProject } from 'vitest/node';
import { createPostgresTemplate, dropDatabase } from '../../server/db/test-templates.ts';

/**
 * Vitest global setup for the end-to-end suite: with DATABASE_URL, one migrated Postgres template
 * per run, so each system's fresh database is a copy instead of 15 migrations at the server's
 * start (test/e2e/system.ts); the server still runs its migrations on start, and finds them
 * applied. Starting on an empty database stays covered: on PGlite here (an empty data directory
 * every time), and on Postgres by scripts/production-entry.test.ts (three nodes at once).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Name of a migrated Postgres database to copy, or null without DATABASE_URL. */
    e2ePostgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = process.env.DATABASE_URL;
  const template = databaseUrl ? await createPostgresTemplate(databaseUrl) : null;
  project.provide('e2ePostgresTemplate', template);
  return async () => {
    if (databaseUrl && template) await dropDatabase(databaseUrl, template);
  };
}
