import { AgentCreate, AppError } from '../../protocol/index.ts';
import type { Db } from '../db/client.ts';
import { insertAgent } from '../db/stores/admin-store.ts';
import { anyAdministrator, lockAdministratorCreation } from '../db/stores/agents-store.ts';
import { appErrorFromZod } from './errors.ts';
import { hashPassword } from './passwords.ts';

export interface AdministratorInput {
  email: string;
  name: string;
  password: string;
}

/**
 * An administrator created from the server's command line (`npm run admin:create`): how a server gets its
 * first one, since production never seeds the demo's. Refused while an administrator exists unless
 * `evenIfOneExists` (whoever runs it can reach the database anyway, but must say so: later accounts are
 * made in the desktop, where they are seen). Same rules as the admin page: AgentCreate, unique email.
 */
export async function createAdministrator(db: Db, input: AdministratorInput, opts: { evenIfOneExists?: boolean } = {}): Promise<{ id: string; email: string }> {
  const parsed = AgentCreate.safeParse({ ...input, role: 'admin' });
  if (!parsed.success) throw appErrorFromZod(parsed.error);
  const { email, name, password, role, maxConcurrent, channels } = parsed.data;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Two runs at once must not both find "no administrator yet".
    await lockAdministratorCreation(tx);
    if ((await anyAdministrator(tx)) && !opts.evenIfOneExists) {
      throw new AppError('CONFLICT', 'An administrator already exists: add accounts in the desktop (Admin › Agents), or pass --force to add one from here anyway.');
    }
    const row = await insertAgent(tx, { email: email.trim().toLowerCase(), name, role, maxConcurrent, channels, passwordHash });
    if (!row) throw new AppError('CONFLICT', 'An agent with this email exists.');
    return { id: row.id, email: row.email };
  });
}
