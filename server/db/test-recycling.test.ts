import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../services/errors.ts';
import { PGLITE_OPTIONS, type Database } from './client.ts';
import { contacts, websites } from './schema.ts';
import { createVisitorWithContact } from './stores/visitors-store.ts';
import { upsertWebsite } from './stores/websites-store.ts';
import { createPglitePool } from './test-pglite-pool.ts';
import { backends, pgliteTemplate } from './test-backends.ts';
import { databaseUrl } from './test-templates.ts';

/** Recycled test databases (test-pglite-pool.ts, test-postgres-pool.ts) must still look like fresh clones to every test. */
describe('recycled PGlite test databases', () => {
  const template = pgliteTemplate;

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

describe.runIf(backends.some((b) => b.name === 'postgres'))('recycled Postgres test databases', () => {
  const backend = backends.find((b) => b.name === 'postgres')!;
  const name = async (database: Database) => ((await database.db.execute(sql`SELECT current_database() AS name`)) as unknown as { name: string }[])[0]!.name;

  it('hand the next test the same database emptied, and cut any connection the last test left on it', async () => {
    const first = await backend.open();
    const site = await upsertWebsite(first.db, { key: 'left-behind', name: 'Left behind', allowedOrigins: [] });
    // Rows that reference each other: emptied whatever the order.
    await createVisitorWithContact(first.db, site.id);
    const straggler = postgres(databaseUrl(process.env.DATABASE_URL!, await name(first)), { max: 1, onnotice: () => {} });
    await straggler`SELECT pg_advisory_lock(42)`;
    const used = await name(first);
    await first.close();

    const second = await backend.open();
    expect(await name(second)).toBe(used);
    expect(await second.db.select().from(websites)).toEqual([]);
    expect(await second.db.select().from(contacts)).toEqual([]);
    expect(await second.db.execute(sql`SELECT count(*)::int AS locks FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toEqual([{ locks: 0 }]);
    // (The lock is gone because its connection was ended; postgres.js would open a new one if asked.)
    await straggler.end({ timeout: 1 });
    await second.close();
  });
});
