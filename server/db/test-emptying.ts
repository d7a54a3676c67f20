/**
 * Recycled test databases (test-pglite-pool.ts, test-postgres-pool.ts) are emptied between tests
 * instead of cloned again. These are the statements that empty one, made after checking that
 * emptying the tables gives back exactly the template: a migration that leaves rows fails here
 * instead of leaking between tests.
 */
export interface Emptying {
  /**
   * DELETE from every table, foreign keys not checked (session_replication_role = replica, so the
   * order does not matter), and every sequence restarted: a few milliseconds on tables a test
   * filled. It leaves dead rows for VACUUM.
   */
  quick: string;
  /** TRUNCATE … RESTART IDENTITY: new files for every table (a quarter of a second on PGlite, most of one on Postgres), nothing dead left. */
  thorough: string;
}

export async function emptyingStatements(query: (text: string) => Promise<Record<string, unknown>[]>): Promise<Emptying> {
  const tables = (await query(`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((r) => String(r.name));
  if (!tables.length) throw new Error('the test database template has no tables: was it migrated?');
  const counts = await query(tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS name, count(*)::int AS n FROM ${t}`).join(' UNION ALL '));
  const filled = counts.filter((r) => Number(r.n) > 0).map((r) => String(r.name));
  if (filled.length) throw new Error(`the test database template has rows in ${filled.join(', ')}: emptying tables between tests would lose them (server/db/test-emptying.ts)`);
  const sequences = (await query(`SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`)).map((r) => String(r.name));
  const [role] = await query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  const thorough = `TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`;
  // Skipping the foreign-key triggers takes a superuser (the tests' `postgres`, PGlite's own); otherwise TRUNCATE every time.
  const quick = role?.rolsuper
    ? ['SET session_replication_role = replica', ...tables.map((t) => `DELETE FROM ${t}`), ...sequences.map((s) => `ALTER SEQUENCE ${s} RESTART`), 'RESET session_replication_role'].join('; ')
    : thorough;
  return { quick, thorough };
}
