import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { Db } from './client.ts';

/**
 * One fixed SQL text run straight on the driver under `db`, for the hot write path: on
 * Postgres it is a named prepared statement (parsed and planned once per connection) and
 * skips the ORM's query building; PGlite runs in this process, so there it is a plain query.
 * Rows come back with the database's column names, as the driver types them.
 */
export type PreparedQuery = (params: unknown[]) => Promise<Record<string, unknown>[]>;

type PostgresClient = Sql<Record<string, never>>;

const isPostgresJs = (client: unknown): client is PostgresClient => typeof client === 'function' && typeof (client as { unsafe?: unknown }).unsafe === 'function';

export function preparedQuery(db: Db, text: string): PreparedQuery {
  // drizzle exposes the driver as `$client`.
  const client = (db as unknown as { $client: unknown }).$client;
  if (isPostgresJs(client)) return async (params) => [...(await client.unsafe(text, params as never[], { prepare: true }))];
  const pglite = client as PGlite;
  return async (params) => (await pglite.query<Record<string, unknown>>(text, params)).rows;
}
