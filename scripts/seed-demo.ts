/**
 * `npx tsx scripts/seed-demo.ts`: migrate the configured database (DATABASE_URL,
 * else PGlite under DATA_DIR) and seed the demo website and agent, without serving.
 * `npm start` does the same at every start; this is for preparing a database ahead.
 */
import { openDatabase, targetFromEnv } from '../server/db/client.ts';
import { loadEnv, publicUrlFor } from '../server/env.ts';
import { DEMO, seedDemo } from '../server/services/seed-demo.ts';

const env = loadEnv();
const database = await openDatabase(targetFromEnv(env));
try {
  await database.migrate();
  await seedDemo(database.db, { publicUrl: publicUrlFor(env, env.port), port: env.port });
  process.stdout.write(`Seeded website "${DEMO.websiteKey}", queues General + Billing, team Support, agents ${DEMO.agentEmail} and ${DEMO.agent2Email} / ${DEMO.agentPassword}\n`);
} finally {
  await database.close();
}
