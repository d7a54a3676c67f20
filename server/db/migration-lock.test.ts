import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { createInProcessLock } from './migration-lock.ts';

/** PGlite: one process owns the database, so its migrations take turns in process (Postgres: scripts/production-entry.test.ts). */
describe('migrations on PGlite', () => {
  it('applies the schema once when several starts migrate at the same time', { timeout: 120_000 }, async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    try {
      await expect(Promise.all([database.migrate(), database.migrate(), database.migrate()])).resolves.toBeDefined();
      const result = await database.db.execute(sql`select count(*)::int as n from pg_type where typname = 'agent_role'`);
      expect((result as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('runs the next turn after one that failed', async () => {
    const lock = createInProcessLock();
    const failed = lock(() => Promise.reject(new Error('migration failed')));
    const next = lock(() => Promise.resolve('applied'));
    await expect(failed).rejects.toThrow('migration failed');
    await expect(next).resolves.toBe('applied');
  });
});
