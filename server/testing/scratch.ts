import { createServer } from 'node:net';
import postgres from 'postgres';

/**
 * Throw-away resources for whole-system runs (e2e, chaos, benchmark): a free loopback
 * port, and a fresh Postgres database next to `baseUrl` that the caller drops at the end.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** The maintenance database's URL (where CREATE/DROP DATABASE run). */
  adminUrl: string;
}

/** `template`: a migrated database to copy (the node suite's, server/testing/global-setup.ts); else an empty one. */
export async function createScratchDatabase(baseUrl: string, prefix: string, template?: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } finally {
    await sql.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), adminUrl: admin.toString() };
}

export async function dropScratchDatabase(db: Pick<ScratchDatabase, 'name' | 'adminUrl'>): Promise<void> {
  const sql = postgres(db.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
  } finally {
    await sql.end();
  }
}
