/**
 * `npm run admin:create -- --email you@example.com --name "Your Name" [--force]`: creates an administrator,
 * the way a production server gets its first one (it is never seeded with the demo's). Runs the migrations
 * first, on the configured database: DATABASE_URL, else the embedded PGlite under DATA_DIR (stop the server
 * first: PGlite serves one process at a time). The password is asked on the terminal, not echoed, or read
 * from standard input (first line); never from the command line (shell history, process list), never printed.
 */
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { AppError } from '../protocol/index.ts';
import { openDatabase, targetFromEnv, type Database } from '../server/db/client.ts';
import { loadEnv, type Env } from '../server/env.ts';
import { createAdministrator } from '../server/services/first-admin.ts';
import { readPassword, type PasswordInput } from './read-password.ts';
import { parseCommandArgs, say } from './cli.ts';

const USAGE = `Usage: npm run admin:create -- --email <email> --name <name> [--force]

Creates an administrator of this Parley server (DATABASE_URL, else the embedded database in DATA_DIR;
stop the server first when it uses the embedded one). The password (10 characters or more) is asked
here, or read from standard input: printf '%s\\n' "$PASSWORD" | npm run admin:create -- ...
Refused when an administrator exists, unless --force.
`;

export interface AdminCreateIo {
  argv: string[];
  stdin: PasswordInput;
  stdout: Writable;
  stderr: Writable;
  /** Defaults to the parsed environment. */
  env?: Env;
  /** An open, migrated database to use (tests); otherwise the env's, opened, migrated and closed here. */
  database?: Database;
}

/** Answers the exit code: 0 created, 1 refused, 2 wrong usage. */
export async function runAdminCreate(io: AdminCreateIo): Promise<number> {
  if (io.argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    say(io.stderr, 'The password is never taken from the command line (shell history, process list): type it when asked, or pipe it on standard input.');
    return 2;
  }
  const values = parseCommandArgs(io, { email: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean' } }, USAGE);
  if (!values) return 2;
  if (values.help) return say(io.stdout, USAGE), 0;
  if (!values.email || !values.name) return say(io.stderr, USAGE), 2;

  let database = io.database;
  try {
    const env = io.env ?? loadEnv();
    const password = await readPassword(io.stdin, io.stderr);
    if (!database) {
      database = await openDatabase(targetFromEnv(env));
      await database.migrate();
    }
    const admin = await createAdministrator(database.db, { email: values.email, name: values.name, password }, { evenIfOneExists: values.force ?? false });
    say(io.stdout, `Administrator ${admin.email} created: log in at ${env.publicUrl ? `${env.publicUrl}/desktop/` : '/desktop/ on your server'}.`);
    return 0;
  } catch (err) {
    const details = err instanceof AppError && err.details ? err.details.map((d) => `\n  ${d.path}: ${d.message}`).join('') : '';
    say(io.stderr, `No administrator created: ${err instanceof Error ? err.message : String(err)}${details}`);
    return 1;
  } finally {
    if (database && !io.database) await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAdminCreate({ argv: process.argv.slice(2), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}
