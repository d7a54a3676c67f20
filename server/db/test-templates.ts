import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { MIGRATIONS_FOLDER, openDatabase } from './client.ts';

/**
 * Migrated template databases for tests: migrating is the slow part of a fresh test database
 * (and a fresh PGlite cluster runs initdb), so a run migrates once and every `open()` clones.
 * PGlite: one migrated cluster dumped to a tarball each test database loads. Postgres: one
 * migrated database each test database is created from (`CREATE DATABASE … TEMPLATE`).
 */

/** A migrated PGlite cluster as an uncompressed `dumpDataDir()` tarball (loads faster than gzip). */
export async function migratedPgliteDump(): Promise<Blob> {
  const client = new PGlite();
  try {
    await client.waitReady;
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await client.dumpDataDir('none');
    // Read back whole now: the Blob must outlive the instance it came from.
    return new Blob([await dump.arrayBuffer()]);
  } finally {
    await client.close();
  }
}

export async function writePgliteDump(path: string): Promise<void> {
  const dump = await migratedPgliteDump();
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
}

export async function readPgliteDump(path: string): Promise<Blob> {
  return new Blob([await readFile(path)]);
}

export function maintenanceUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export function databaseUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const uniqueDatabaseName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

async function onMaintenance<T>(baseUrl: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(maintenanceUrl(baseUrl), { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Creates and migrates a Postgres template database and closes every connection to it: Postgres
 * refuses to copy a database anyone is connected to. Its name is unique to the run, so concurrent
 * runs (other worktrees, CI) never clone each other's.
 */
export async function createPostgresTemplate(baseUrl: string): Promise<string> {
  const name = uniqueDatabaseName('parley_tpl');
  await onMaintenance(baseUrl, (sql) => sql.unsafe(`CREATE DATABASE "${name}"`));
  const database = await openDatabase({ kind: 'postgres', url: databaseUrl(baseUrl, name), max: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  return name;
}

/** A new database, copied from `template` when given, else empty. */
export async function createDatabase(baseUrl: string, name: string, template?: string): Promise<void> {
  await onMaintenance(baseUrl, (sql) => sql.unsafe(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await onMaintenance(baseUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
