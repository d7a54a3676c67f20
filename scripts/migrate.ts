/**
 * `npm run migrate`: apply the committed migrations to the configured database (DATABASE_URL, else
 * PGlite under DATA_DIR) and exit. The server also applies them at start; this runs them ahead, e.g.
 * before a rolling upgrade. Any number of these and of starting nodes may run at once: they take
 * turns on a Postgres advisory lock (server/db/migration-lock.ts). Output: JSON lines.
 */
import { openDatabase, targetFromEnv } from '../server/db/client.ts';
import { loadEnv } from '../server/env.ts';
import { createNodeLogger } from '../server/observability/logger.ts';
import { describeError } from '../server/observability/root-cause.ts';

const { logger } = createNodeLogger({ level: 'info', port: null });
try {
  const env = loadEnv();
  const database = await openDatabase(targetFromEnv(env));
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  logger.info({ database: database.kind }, 'migrations applied');
} catch (err) {
  logger.fatal({ err }, `migrations failed: ${describeError(err)}`);
  process.exitCode = 1;
}
