import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { OriginPattern } from '../../protocol/admin.ts';
import { MIGRATIONS_FOLDER } from '../../server/db/client.ts';
import { error, warning, type Problem } from './problems.ts';

interface JournalEntry {
  tag: string;
  when: number;
}

/** The committed migrations, in order (drizzle's journal: a migration is applied when its `when` is past the last applied one). */
export function committedMigrations(): JournalEntry[] {
  return (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: JournalEntry[] }).entries;
}

/**
 * DATABASE_URL: the database answers, its migrations are applied (pending ones are a warning: the first node
 * to start applies them) and the websites' allowed origins are origins.
 */
export async function checkDatabase(url: string, production: boolean, timeoutSec = 3): Promise<Problem[]> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSec, idle_timeout: 1, onnotice: () => {} });
  try {
    try {
      await sql`select 1`;
    } catch (err) {
      return [error('DATABASE_URL', `not reachable: ${describe(err)}`)];
    }
    const problems: Problem[] = [];
    const [row] = await sql<{ table: string | null }[]>`select to_regclass('drizzle.__drizzle_migrations')::text as table`;
    const committed = committedMigrations();
    let lastApplied = 0;
    if (row?.table) {
      const [last] = await sql<{ at: string | null }[]>`select max(created_at)::text as at from drizzle.__drizzle_migrations`;
      lastApplied = Number(last?.at ?? 0);
    }
    const pending = committed.filter((m) => m.when > lastApplied);
    if (pending.length) {
      problems.push(warning('DATABASE_URL', `${pending.length} migration(s) not applied yet (${pending.map((m) => m.tag).join(', ')}): the first node to start applies them`));
    }
    if (lastApplied > (committed.at(-1)?.when ?? 0)) {
      problems.push(error('DATABASE_URL', 'the database has migrations this version of Parley does not know: it was migrated by a newer one'));
    }
    const [websites] = await sql<{ table: string | null }[]>`select to_regclass('public.websites')::text as table`;
    if (websites?.table) problems.push(...checkAllowedOrigins(await sql<{ key: string; origins: string[] }[]>`select key, allowed_origins as origins from websites order by key`, production));
    return problems;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Each website's allowed origins: real origins, and https:// ones in production (localhost aside). */
export function checkAllowedOrigins(websites: { key: string; origins: string[] }[], production: boolean): Problem[] {
  const problems: Problem[] = [];
  for (const { key, origins } of websites) {
    for (const origin of origins) {
      if (!OriginPattern.safeParse(origin).success) problems.push(error('allowed origins', `website "${key}": "${origin}" is not an origin (scheme://host[:port])`));
      else if (production && origin.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin)) {
        problems.push(warning('allowed origins', `website "${key}": "${origin}" is plain http:// in production`));
      }
    }
  }
  return problems;
}

export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}
