import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from './client.ts';

/**
 * Every database backend a test file should run against: PGlite in memory always,
 * and real Postgres when DATABASE_URL is set. Each `open()` gives a fresh, migrated,
 * isolated database; `close()` drops it. Use with `describe.each(backends)`.
 */
export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

const pglite: TestBackend = {
  name: 'pglite',
  async open() {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.migrate();
    return database;
  },
};

function postgresBackend(baseUrl: string): TestBackend {
  return {
    name: 'postgres',
    async open() {
      const maintenanceUrl = new URL(baseUrl);
      maintenanceUrl.pathname = '/postgres';
      const name = `parley_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
      const admin = postgres(maintenanceUrl.toString(), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end({ timeout: 5 });
      }
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      const database = await openDatabase({ kind: 'postgres', url: url.toString(), max: 10 });
      await database.migrate();
      return {
        ...database,
        async close() {
          await database.close();
          const dropper = postgres(maintenanceUrl.toString(), { max: 1, onnotice: () => {} });
          try {
            await dropper.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          } finally {
            await dropper.end({ timeout: 5 });
          }
        },
      };
    },
  };
}

// The one place tests read the environment: the harness decides which backends exist.
const databaseUrl = process.env.DATABASE_URL;
export const backends: TestBackend[] = databaseUrl ? [pglite, postgresBackend(databaseUrl)] : [pglite];
