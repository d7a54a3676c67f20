import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../services/errors.ts';
import { PGLITE_OPTIONS, type Database } from './client.ts';
import { websites } from './schema.ts';
import { upsertWebsite } from './stores/websites-store.ts';
import { createPglitePool } from './test-pglite-pool.ts';
import { migratedPgliteDump } from './test-templates.ts';

/** The recycled PGlite test databases must still look like fresh clones to every test. */
describe('recycled PGlite test databases', () => {
  let dump: Promise<Blob> | undefined;
  const template = () => (dump ??= migratedPgliteDump());

  /** The one row of a query on a PGlite database. */
  const one = async <T>(database: Database, query: ReturnType<typeof sql>): Promise<T> => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows[0]!;
  const txid = async (database: Database) => (await one<{ id: number }>(database, sql`SELECT txid_current()::int AS id`)).id;

  it('hands the next test an empty database, on the same client, without the last one’s session state', async () => {
    const pool = createPglitePool(template);
    const first = await pool.open();
    const started = await txid(first);
    await upsertWebsite(first.db, { key: 'left-behind', name: 'Left behind', allowedOrigins: [] });
    await first.db.execute(sql`SELECT pg_advisory_lock(42)`);
    await first.db.execute(sql`SET statement_timeout = '1234ms'`);
    await first.close();

    const second = await pool.open();
    // The same cluster (a clone of the template would start again at the same transaction id)…
    expect(await txid(second)).toBeGreaterThan(started + 1);
    // …emptied, and without the last session's lock and setting.
    expect(await second.db.select().from(websites)).toEqual([]);
    expect(await one(second, sql`SELECT count(*)::int AS locks FROM pg_locks WHERE locktype = 'advisory'`)).toEqual({ locks: 0 });
    expect(await one(second, sql`SHOW statement_timeout`)).toEqual({ statement_timeout: '0' });
    await second.close();
  });

  it('answers a closed handle as a closed PGlite (UNAVAILABLE), even while the client serves another test', async () => {
    const pool = createPglitePool(template);
    const gone = await pool.open();
    await gone.close();
    const next = await pool.open();
    const failure = await gone.db.execute(sql`select 1`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(toAppError(failure).code).toBe('UNAVAILABLE');
    // A write through the old handle never lands in the new database.
    await upsertWebsite(gone.db, { key: 'late', name: 'Late', allowedOrigins: [] }).catch(() => {});
    expect(await next.db.select().from(websites)).toEqual([]);
    await next.close();
  });

  it('refuses a template whose tables are not empty: emptying them would lose rows', async () => {
    const seeded = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: await template() });
    await seeded.exec(`INSERT INTO websites (key, name) VALUES ('seeded', 'Seeded')`);
    const withRows = await seeded.dumpDataDir('none');
    await seeded.close();
    await expect(createPglitePool(async () => withRows).open()).rejects.toThrow('has rows in public.websites');
  });
});
