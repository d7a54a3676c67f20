import type { Db } from '../db/client.ts';
import { agentByEmail, ensureAgent } from '../db/stores/agents-store.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';
import { hashPassword } from './passwords.ts';

/** The demo the README promises; idempotent, re-run at every start (origins follow the port). */
export const DEMO = {
  websiteKey: 'demo-shop',
  websiteName: 'Demo Shop',
  agentEmail: 'agent@demo.shop',
  agentPassword: 'parley-demo',
  agentName: 'Ada Lovelace',
} as const;

export function demoOrigins(publicUrl: string, port: number): string[] {
  const origins = [new URL(publicUrl).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`];
  return [...new Set(origins)];
}

export async function seedDemo(db: Db, opts: { publicUrl: string; port: number }): Promise<void> {
  await upsertWebsite(db, {
    key: DEMO.websiteKey,
    name: DEMO.websiteName,
    allowedOrigins: demoOrigins(opts.publicUrl, opts.port),
    defaultLocale: 'en',
    theme: { primaryColor: '#4f46e5' },
  });
  // Only hashed when missing: scrypt is deliberately slow and the agent may have changed it.
  if (await agentByEmail(db, DEMO.agentEmail)) return;
  await ensureAgent(db, { email: DEMO.agentEmail, name: DEMO.agentName, role: 'admin', passwordHash: await hashPassword(DEMO.agentPassword) });
}
