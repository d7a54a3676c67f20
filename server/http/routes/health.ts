import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { AppError } from '../../../protocol/index.ts';
import type { Db } from '../../db/client.ts';

/** Liveness plus a database round trip; 503 UNAVAILABLE when the database does not answer. */
export function healthRoutes(db: Db) {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    try {
      await db.execute(sql`select 1`);
    } catch {
      throw new AppError('UNAVAILABLE', 'The database is unreachable.');
    }
    return c.json({ ok: true });
  });
  return app;
}
