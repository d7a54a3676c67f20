import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { actionMaps, agents, outcomes, websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import { PUBLIC_DEMO_PASSWORD } from '../env.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { agentsWithPublicDemoPassword, DEMO, DEMO_TEA, seedDemo } from './seed-demo.ts';

/** Issue 16, finding 9: the demo agents get the password the environment allows, and a leftover public one is found. */
describe.each(backends)('the demo seed on $name', (backend) => {
  let database: Database;
  beforeEach(async () => {
    database = await backend.open();
  });
  afterEach(async () => {
    await database?.close();
  });
  const site = { publicUrl: 'https://chat.example.com', port: 3000, assistant: false };
  const hashOf = async (email: string) => (await database.db.select().from(agents).where(eq(agents.email, email)))[0]!.passwordHash;

  it('gives the demo agents the chosen password, not the public one', async () => {
    await seedDemo(database.db, { ...site, password: 'our-own-demo-password' });
    for (const email of [DEMO.agentEmail, DEMO.agent2Email]) {
      expect(await verifyPassword('our-own-demo-password', await hashOf(email))).toBe(true);
      expect(await verifyPassword(PUBLIC_DEMO_PASSWORD, await hashOf(email))).toBe(false);
    }
    expect(await agentsWithPublicDemoPassword(database.db)).toEqual([]);
  });

  it('seeds the second website with one rule and one outcome, once', async () => {
    await seedDemo(database.db, { ...site, password: 'pw-one' });
    await seedDemo(database.db, { ...site, password: 'pw-one' });
    const [tea] = await database.db.select().from(websites).where(eq(websites.key, DEMO_TEA.websiteKey));
    const rules = await database.db.select().from(actionMaps).where(eq(actionMaps.websiteId, tea!.id));
    expect(rules.map((r) => r.name)).toEqual([DEMO_TEA.ruleName]);
    expect(rules[0]!.conditions).toContainEqual({ type: 'time_on_page', atLeastSec: 10 });
    expect((await database.db.select().from(outcomes).where(eq(outcomes.websiteId, tea!.id))).map((o) => o.name)).toEqual([DEMO_TEA.outcomeName]);
  });

  it('finds the demo agents a former start left with the public password, until it is changed', async () => {
    await seedDemo(database.db, { ...site, password: PUBLIC_DEMO_PASSWORD });
    expect(await agentsWithPublicDemoPassword(database.db)).toEqual([DEMO.agentEmail, DEMO.agent2Email]);
    await database.db.update(agents).set({ passwordHash: await hashPassword('changed-by-the-admin') }).where(eq(agents.email, DEMO.agentEmail));
    expect(await agentsWithPublicDemoPassword(database.db)).toEqual([DEMO.agent2Email]);
  });
});
