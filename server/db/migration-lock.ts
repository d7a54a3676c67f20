import postgres from 'postgres';

/**
 * Migrations never race: several nodes starting together on an empty database would all try
 * `CREATE TYPE …` and all but one fail. On Postgres the migrations run on one dedicated connection
 * holding a session advisory lock, so the others wait for it, then find nothing left to apply.
 * Postgres releases a session lock when its connection ends, so a node that dies mid-migration
 * never leaves the lock behind.
 */

/** The advisory lock key of Parley's migrations (any constant bigint, the same on every node). */
export const MIGRATION_LOCK_KEY = 7_270_411_518_026n;

/** Runs `migrate` on a one-connection client that holds the migration lock throughout. */
export async function withPostgresMigrationLock(url: string, migrate: (client: postgres.Sql) => Promise<void>): Promise<void> {
  // max 1: the lock, the migrations and the unlock all run on the same session.
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    try {
      await migrate(client);
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.catch(() => {});
    }
  } finally {
    // Ending the session releases the lock even when the unlock could not be sent.
    await client.end({ timeout: 5 });
  }
}

/**
 * The same guarantee within one process (PGlite: one process owns its data directory):
 * calls run one after the other.
 */
export function createInProcessLock(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
