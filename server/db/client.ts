import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { createInProcessLock, withPostgresMigrationLock } from './migration-lock.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The one database type services and stores see, whichever driver sits below. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle or the database itself: stores accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies the committed migrations (idempotent; never two at once on one database, whatever the number of nodes). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; max?: number }
  | {
      kind: 'pglite';
      dataDir: string | null /** null = in memory */;
      /** Starts from a `dumpDataDir()` tarball instead of an empty cluster (tests clone one migrated template). */
      fromDump?: Blob;
    };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    // A short connect timeout turns a down database into a quick UNAVAILABLE instead of a hung ack.
    const client = postgres(target.url, { max: target.max ?? 10, connect_timeout: 5, onnotice: () => {} });
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      migrate: () =>
        withPostgresMigrationLock(target.url, (locked) => migratePostgres(drizzlePostgres({ client: locked }), { migrationsFolder: MIGRATIONS_FOLDER })),
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const options = { ...PGLITE_OPTIONS, ...(target.fromDump ? { loadDataDir: target.fromDump } : {}) };
  const client = target.dataDir ? new PGlite(target.dataDir, options) : new PGlite(options);
  await client.waitReady;
  return pgliteDatabase(client, async () => {
    if (!client.closed) await client.close();
  });
}

/** A started PGlite client as a Database; `close` is how it is let go (tests lend recycled clients: server/db/test-pglite-pool.ts). */
export function pgliteDatabase(client: PGlite, close: () => Promise<void>): Database {
  const pg = drizzlePglite({ client, schema });
  const migrationLock = createInProcessLock();
  return {
    db: pg as unknown as Db,
    kind: 'pglite',
    migrate: () => migrationLock(() => migratePglite(pg, { migrationsFolder: MIGRATIONS_FOLDER })),
    close,
  };
}

/**
 * PGlite's own bytea codec converts byte by byte in JavaScript (about a second per MB each way), too slow
 * for attachment chunks; Buffer's hex is native. Same text format (`\\x` + hex), same Uint8Array out.
 */
const BYTEA_OID = 17;
/** The options every PGlite client of the server is started with. */
export const PGLITE_OPTIONS = {
  serializers: { [BYTEA_OID]: (v: Uint8Array) => `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}` },
  parsers: { [BYTEA_OID]: (v: string) => new Uint8Array(Buffer.from(v.slice(2), 'hex')) },
};

/** DATABASE_URL → Postgres; unset → embedded PGlite kept under DATA_DIR/pglite. */
export function targetFromEnv(env: { databaseUrl: string | null; dataDir: string }): DatabaseTarget {
  return env.databaseUrl ? { kind: 'postgres', url: env.databaseUrl } : { kind: 'pglite', dataDir: `${env.dataDir}/pglite` };
}
