import postgres from 'postgres';
import { openDatabase, type Database } from './client.ts';
import { emptyingStatements, type Emptying } from './test-emptying.ts';
import { createDatabase, databaseUrl, dropDatabase, uniqueDatabaseName } from './test-templates.ts';

/**
 * Postgres test databases, recycled within a test process. `CREATE DATABASE … TEMPLATE` and
 * `DROP DATABASE` per test cost the server most of a second each (the template copied through
 * the WAL, files created and removed); emptying the tables of a database a test has let go costs
 * a few milliseconds. So `open()` lends an idle database when there is one, else copies the
 * template, and `close()` ends the test's connections, ends any other connection still on that
 * database (as DROP … WITH (FORCE) did), empties its tables (test-emptying.ts) and keeps it for the next test.
 *
 * Every database is named after the run's template (`<template>_<random>`), so the run's global
 * teardown drops whatever its workers kept (`dropRecycledDatabases`). What a test sees is still a
 * fresh copy of the template: the same emptying as PGlite's (test-emptying.ts), and no session
 * survives, so no lock, setting or LISTEN either.
 */

/** More idle databases than tests that hold several at once would only take room. */
const MAX_IDLE = 2;

export function createPostgresPool(baseUrl: string, template: string): { open(): Promise<Database> } {
  const idle: string[] = [];
  let empty: Promise<Emptying> | undefined;

  async function onDatabase<T>(name: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(databaseUrl(baseUrl, name), { max: 1, onnotice: () => {} });
    try {
      return await run(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  async function giveBack(name: string): Promise<void> {
    try {
      await onDatabase(name, async (sql) => {
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
        // DELETE, not TRUNCATE (most of a second here): autovacuum takes care of the dead rows.
        await sql.unsafe((await empty!).quick).simple();
      });
    } catch {
      // Not emptied (cut off by its test, or the statement failed): not reused.
      await dropDatabase(baseUrl, name).catch(() => {});
      return;
    }
    if (idle.length < MAX_IDLE) idle.push(name);
    else await dropDatabase(baseUrl, name);
  }

  return {
    async open() {
      let name = idle.pop();
      if (!name) {
        name = uniqueDatabaseName(template);
        await createDatabase(baseUrl, name, template);
        // Made (and the template checked) on a copy no test has touched yet.
        const copy = name;
        empty ??= onDatabase(copy, (sql) => emptyingStatements((text) => sql.unsafe(text)));
        await empty;
      }
      const database = await openDatabase({ kind: 'postgres', url: databaseUrl(baseUrl, name), max: 10 });
      let lent = true;
      return {
        ...database,
        async close() {
          if (!lent) return;
          lent = false;
          await database.close();
          await giveBack(name);
        },
      };
    },
  };
}

/** Drops every database the pools of a run kept (named after its template); the run's global teardown calls it. */
export async function dropRecycledDatabases(baseUrl: string, template: string): Promise<void> {
  const sql = postgres(databaseUrl(baseUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`SELECT datname FROM pg_database WHERE starts_with(datname, ${`${template}_`})`;
    for (const { datname } of rows) await dropDatabase(baseUrl, datname);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
