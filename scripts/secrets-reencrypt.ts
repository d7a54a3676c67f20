/**
 * `npm run secrets:reencrypt [-- --status | --discard-unreadable]`: the second step of a SECRET rotation
 * (docs/operations/secrets.md). Encrypts every stored credential (website identity secrets, webhook signing secrets)
 * under the current SECRET, reading those still under a secret of SECRET_PREVIOUS; idempotent. Runs against
 * DATABASE_URL, else the embedded PGlite under DATA_DIR (stop the server first: PGlite serves one process at a time).
 */
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { openDatabase, targetFromEnv, type Database } from '../server/db/client.ts';
import { loadEnv, resolveSecret, type Env } from '../server/env.ts';
import { createCredentialCipher } from '../server/keys/credential-cipher.ts';
import { createKeyring, type Keyring } from '../server/keys/keyring.ts';
import { credentialStatus, encryptStoredCredentials, explainUnreadable, type EncryptionReport } from '../server/keys/stored-credentials.ts';
import { parseCommandArgs, say } from './cli.ts';

const USAGE = `Usage: npm run secrets:reencrypt [-- --status | --discard-unreadable]

Encrypts every stored credential (website identity secrets, webhook signing secrets, X tokens) under the current SECRET,
reading those encrypted under a secret of SECRET_PREVIOUS. Safe to run again. Uses DATABASE_URL, else the
embedded database in DATA_DIR (stop the server first when it uses the embedded one).

  --status               change nothing: the key ids of SECRET and SECRET_PREVIOUS, and what each encrypts
  --discard-unreadable   when a secret is lost: clear the identity secrets, delete the webhooks and clear the X
                         tokens that no configured secret can decrypt (generate, create and reconnect them again)
`;

export interface SecretsReencryptIo {
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  /** Defaults to the parsed environment. */
  env?: Env;
  /** An open, migrated database to use (tests); otherwise the env's, opened, migrated and closed here. */
  database?: Database;
}

function keyringLine(keyring: Keyring): string {
  const { current, previous } = keyring.kids;
  return `Keyring: SECRET has key id ${current}; SECRET_PREVIOUS: ${previous.length ? `key id ${previous.join(', ')}` : 'none'}.`;
}

function summary(report: EncryptionReport, keyring: Keyring): string {
  const done = report.current + report.reencrypted + report.encrypted;
  const parts = [`${report.reencrypted} re-encrypted`, `${report.encrypted} encrypted from plain text`, `${report.current} already under the current secret`];
  if (report.changedMeanwhile) parts.push(`${report.changedMeanwhile} changed by someone else meanwhile (run again)`);
  if (report.discarded.length) parts.push(`${report.discarded.length} discarded`);
  const lines = [`Stored credentials under key id ${keyring.kids.current}: ${done} (${parts.join(', ')}).`];
  for (const { credential } of report.discarded) lines.push(`  discarded: ${credential.kind} of ${credential.label}`);
  return lines.join('\n');
}

/** Answers the exit code: 0 done, 1 something is left unreadable or failed, 2 wrong usage. */
export async function runSecretsReencrypt(io: SecretsReencryptIo): Promise<number> {
  const values = parseCommandArgs(io, { status: { type: 'boolean' }, 'discard-unreadable': { type: 'boolean' } }, USAGE);
  if (!values) return 2;
  if (values.help) return say(io.stdout, USAGE), 0;
  if (values.status && values['discard-unreadable']) return say(io.stderr, USAGE), 2;

  let database = io.database;
  try {
    const env = io.env ?? loadEnv();
    const keyring = createKeyring(resolveSecret(env), env.secretPrevious);
    const cipher = createCredentialCipher(keyring);
    if (!database) {
      database = await openDatabase(targetFromEnv(env));
      await database.migrate();
    }
    say(io.stdout, keyringLine(keyring));
    if (values.status) {
      const status = await credentialStatus(database.db, cipher);
      const lines = [`Stored credentials: ${status.total}.`];
      for (const [kid, count] of status.byKid) lines.push(`  key id ${kid}${kid === keyring.kids.current ? ' (SECRET)' : keyring.kids.previous.includes(kid) ? ' (SECRET_PREVIOUS)' : ''}: ${count}`);
      if (status.plaintext) lines.push(`  in plain text: ${status.plaintext}`);
      say(io.stdout, lines.join('\n'));
      if (status.unreadable.length) say(io.stderr, explainUnreadable(status.unreadable, keyring));
      return status.unreadable.length ? 1 : 0;
    }
    const report = await encryptStoredCredentials(database.db, cipher, { only: 'all', discardUnreadable: values['discard-unreadable'] ?? false });
    say(io.stdout, summary(report, keyring));
    if (report.unreadable.length) {
      say(io.stderr, explainUnreadable(report.unreadable, keyring));
      return 1;
    }
    return 0;
  } catch (err) {
    say(io.stderr, `Nothing more re-encrypted: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    if (database && !io.database) await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runSecretsReencrypt({ argv: process.argv.slice(2), stdout: process.stdout, stderr: process.stderr });
}
