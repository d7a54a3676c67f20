import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS, pgliteDatabase, type Database } from './client.ts';
import { emptyingStatements, type Emptying } from './test-emptying.ts';

/**
 * PGlite test databases, recycled within a test process. Starting a PGlite from the migrated
 * template costs about 0.7 s of CPU (a 40 MB data directory unpacked into memory, Postgres
 * started on it) and was a third of the node suite's CPU; emptying the tables of one that a
 * test has let go costs a few milliseconds (test-emptying.ts). So `open()` lends an idle client
 * when there is one, else starts one from the template, and `close()` gives it back empty.
 *
 * What a test sees is still a database of its own, as fresh as a clone: every public table is
 * emptied and its sequences restarted, and DISCARD ALL drops the session's leftovers (prepared
 * statements, advisory locks, LISTENs, settings). The template is checked when a client starts:
 * a migration that leaves rows fails here instead of leaking between tests. After `close()` the lent handle answers every call as a closed PGlite does
 * ("PGlite is closed"), so a server still running on it fails as before and never writes into
 * the next test's database; work it had already queued runs before the tables are emptied.
 */

interface Idle {
  client: PGlite;
  empty: Emptying;
  /** Times lent since it was last truncated. */
  uses: number;
}

/** More idle clients than tests that hold several at once would only hold memory. */
const MAX_IDLE = 2;
/** PGlite has no autovacuum: every so many tests, TRUNCATE instead of DELETE so dead rows never pile up. */
const TRUNCATE_EVERY = 20;

export function createPglitePool(template: () => Promise<Blob>): { open(): Promise<Database> } {
  const idle: Idle[] = [];

  async function start(): Promise<Idle> {
    const client = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: await template() });
    await client.waitReady;
    try {
      return { client, empty: await emptyingStatements(async (text) => (await client.query<Record<string, unknown>>(text)).rows), uses: 0 };
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  async function giveBack(entry: Idle): Promise<void> {
    try {
      // Each on its own: DISCARD ALL may not run inside the implicit transaction of a multi-statement exec.
      await entry.client.exec('DISCARD ALL');
      const thorough = ++entry.uses >= TRUNCATE_EVERY;
      await entry.client.exec(thorough ? entry.empty.thorough : entry.empty.quick);
      if (thorough) entry.uses = 0;
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
