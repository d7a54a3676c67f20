/**
 * `npx tsx scripts/seed-demo.ts`: migrate the configured database (DATABASE_URL,
 * else PGlite under DATA_DIR) and seed the demo website and agents, without serving.
 * `npm start` does the same at every start outside production; this is for preparing a
 * database ahead. In production it needs DEMO_PASSWORD (never the public demo password).
 */
import { openDatabase, targetFromEnv } from '../server/db/client.ts';
import { demoSeedPassword, loadEnv, PUBLIC_DEMO_PASSWORD, publicUrlFor } from '../server/env.ts';
import { DEMO, seedDemo } from '../server/services/seed-demo.ts';

const env = loadEnv();
let password: string;
try {
  password = demoSeedPassword(env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
const database = await openDatabase(targetFromEnv(env));
try {
  await database.migrate();
  await seedDemo(database.db, { publicUrl: publicUrlFor(env, env.port), port: env.port, password });
  // A password of the operator's own choosing stays out of the terminal's scrollback and logs.
  const shown = password === PUBLIC_DEMO_PASSWORD ? password : '(DEMO_PASSWORD)';
  process.stdout.write(`Seeded website "${DEMO.websiteKey}", queues General + Billing, team Support, agents ${DEMO.agentEmail} and ${DEMO.agent2Email} / ${shown}\n`);
} finally {
  await database.close();
}
