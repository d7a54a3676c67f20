import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS, pgliteDatabase, type Database } from './client.ts';

/**
 * PGlite test databases, recycled within a test process. Starting a PGlite from the migrated
 * template costs about 0.7 s of CPU (a 40 MB data directory unpacked into memory, Postgres
 * started on it) and was a third of the node suite's CPU; emptying the tables of one that a test
 * has let go costs a few milliseconds. So `open()` lends an idle client when there is one, else
 * starts one from the template, and `close()` gives it back empty.
 *
 * What a test sees is still a database of its own, as fresh as a clone: every public table is
 * emptied with its identities restarted, and DISCARD ALL drops the session's leftovers (prepared
 * statements, advisory locks, LISTENs, settings). The template is checked when a client starts:
 * a migration that leaves rows, or a sequence no table owns, fails here instead of leaking
 * between tests. After `close()` the lent handle answers every call as a closed PGlite does
 * ("PGlite is closed"), so a server still running on it fails as before and never writes into
 * the next test's database; work it had already queued runs before the tables are emptied.
 */

interface Idle {
  client: PGlite;
  /** TRUNCATE of every public table. */
  empty: string;
}

/** More idle clients than tests that hold several at once would only hold memory. */
const MAX_IDLE = 2;

export function createPglitePool(template: () => Promise<Blob>): { open(): Promise<Database> } {
  const idle: Idle[] = [];

  async function start(): Promise<Idle> {
    const client = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: await template() });
    await client.waitReady;
    try {
      return { client, empty: await emptyingStatement(client) };
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  async function giveBack(entry: Idle): Promise<void> {
    try {
      // Each on its own: DISCARD ALL may not run inside the implicit transaction of a multi-statement exec.
      await entry.client.exec('DISCARD ALL');
      await entry.client.exec(entry.empty);
    } catch {
      // Left in a state it cannot be reset from (a transaction a test opened by hand…): not reused.
      await entry.client.close().catch(() => {});
      return;
    }
    if (idle.length < MAX_IDLE) idle.push(entry);
    else await entry.client.close();
  }

  return {
    async open() {
      const entry = idle.pop() ?? (await start());
      let lent = true;
      const handle = lentClient(entry.client, () => lent);
      return pgliteDatabase(handle, async () => {
        if (!lent) return;
        lent = false;
        await giveBack(entry);
      });
    },
  };
}

/** The client as long as `isLent()`; afterwards every method rejects and `closed` is true. */
function lentClient(client: PGlite, isLent: () => boolean): PGlite {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'closed') return !isLent() || target.closed;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      // Bound to the client itself: PGlite's methods read its private fields.
      return (...args: unknown[]) => (isLent() ? (value as (...a: unknown[]) => unknown).apply(target, args) : Promise.reject(new Error('PGlite is closed')));
    },
  });
}

/** TRUNCATE of every table in `public`, after checking that emptying them restores the template. */
async function emptyingStatement(client: PGlite): Promise<string> {
  const tables = (await client.query<{ name: string }>(`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.name);
  if (!tables.length) throw new Error('the PGlite template has no tables: was it migrated?');
  const counts = await client.query<{ name: string; n: number }>(tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS name, count(*)::int AS n FROM ${t}`).join(' UNION ALL '));
  const filled = counts.rows.filter((r) => r.n > 0).map((r) => r.name);
  if (filled.length) throw new Error(`the PGlite template has rows in ${filled.join(', ')}: emptying tables between tests would lose them (server/db/test-pglite-pool.ts)`);
  // Sequences a column owns restart with TRUNCATE … RESTART IDENTITY; any other would carry on.
  const loose = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'S' AND n.nspname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
  );
  if (loose.rows.length) throw new Error(`sequences no table owns would not restart between tests: ${loose.rows.map((r) => r.name).join(', ')} (server/db/test-pglite-pool.ts)`);
  return `TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`;
}
