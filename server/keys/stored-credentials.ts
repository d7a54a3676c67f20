import type { Tx } from '../db/client.ts';
import { discardStoredCredential, replaceStoredCredential, storedCredentials, type StoredCredential } from '../db/stores/credentials-store.ts';
import { CredentialUnreadable, storedForm, type CredentialCipher } from './credential-cipher.ts';
import type { Keyring } from './keyring.ts';

/**
 * The stored credentials as a whole, for the server's start and `npm run secrets:reencrypt`:
 *
 * - at every start (`prepareStoredCredentials`), a credential this node cannot read stops it: it would otherwise
 *   fail later, one identify or webhook at a time, for a reason far from its cause (a secret missing from
 *   `SECRET_PREVIOUS`). Then credentials still in plain text (written before encryption existed) are encrypted
 *   under the current secret (`encryptStoredCredentials` with `only: 'plaintext'`). Values under a previous secret
 *   are left alone there: nodes still on the old configuration during a rolling restart could not read them;
 * - the command re-encrypts everything under the current secret, once every node has it (`only: 'all'`).
 */
export interface UnreadableCredential {
  credential: StoredCredential;
  reason: CredentialUnreadable['reason'];
  kid: string | null;
}

export interface EncryptionReport {
  /** Already under the current secret. */
  current: number;
  /** Moved from a previous secret to the current one. */
  reencrypted: number;
  /** Were in plain text, now encrypted. */
  encrypted: number;
  /** Under a previous secret and left there (start-up only encrypts plain text). */
  underPrevious: number;
  /** Replaced by someone else between read and write (an admin's new identity secret): left as they set it. */
  changedMeanwhile: number;
  unreadable: UnreadableCredential[];
  /** Unreadable ones removed, when asked (`--discard-unreadable`). */
  discarded: UnreadableCredential[];
}

function tryDecrypt(cipher: CredentialCipher, credential: StoredCredential): { plaintext: string } | UnreadableCredential {
  try {
    return { plaintext: cipher.decrypt(credential.stored) };
  } catch (err) {
    if (!(err instanceof CredentialUnreadable)) throw err;
    return { credential, reason: err.reason, kid: err.kid };
  }
}

export async function encryptStoredCredentials(
  db: Tx,
  cipher: CredentialCipher,
  options: { only: 'plaintext' | 'all'; discardUnreadable?: boolean },
): Promise<EncryptionReport> {
  const report: EncryptionReport = { current: 0, reencrypted: 0, encrypted: 0, underPrevious: 0, changedMeanwhile: 0, unreadable: [], discarded: [] };
  for (const credential of await storedCredentials(db)) {
    const read = tryDecrypt(cipher, credential);
    if (!('plaintext' in read)) {
      if (!options.discardUnreadable) report.unreadable.push(read);
      else if (await discardStoredCredential(db, credential)) report.discarded.push(read);
      else report.changedMeanwhile++;
      continue;
    }
    const form = storedForm(credential.stored);
    if (form.form === 'sealed' && form.kid === cipher.currentKid) {
      report.current++;
      continue;
    }
    if (form.form === 'sealed' && options.only === 'plaintext') {
      report.underPrevious++;
      continue;
    }
    if (!(await replaceStoredCredential(db, credential, cipher.encrypt(read.plaintext)))) report.changedMeanwhile++;
    else if (form.form === 'plaintext') report.encrypted++;
    else report.reencrypted++;
  }
  return report;
}

/** Every credential this keyring cannot read, or none. */
export async function unreadableCredentials(db: Tx, cipher: CredentialCipher): Promise<UnreadableCredential[]> {
  return (await storedCredentials(db)).map((c) => tryDecrypt(cipher, c)).filter((r): r is UnreadableCredential => !('plaintext' in r));
}

/** What an operator reads when credentials cannot be read: which, why, and what to do. */
export function explainUnreadable(unreadable: UnreadableCredential[], keyring: Keyring): string {
  const { current, previous } = keyring.kids;
  const lines = [
    `${unreadable.length} stored credential(s) cannot be read with this server's secrets (SECRET has key id ${current}; SECRET_PREVIOUS: ${previous.length ? previous.join(', ') : 'none'}):`,
    ...unreadable.map(({ credential, reason, kid }) => `  - ${credential.kind} of ${credential.label}: ${reason === 'unknown-key' ? `encrypted with key id ${kid}, which no configured secret has` : 'damaged, it does not decrypt'}`),
  ];
  const missing = [...new Set(unreadable.filter((u) => u.reason === 'unknown-key').map((u) => u.kid))];
  if (missing.length) {
    lines.push(`Add the secret with key id ${missing.join(', ')} to SECRET_PREVIOUS (\`npm run secrets:reencrypt -- --status\` shows the key ids of the configured secrets), then run \`npm run secrets:reencrypt\`.`);
  }
  lines.push('If that secret is lost, `npm run secrets:reencrypt -- --discard-unreadable` removes these credentials: identity secrets are cleared (generate new ones in Admin › Websites), webhooks are deleted (create them again), X accounts show "token expired" (reconnect them in Admin › Channels) and X authorizations under way are dropped.');
  return lines.join('\n');
}

/** Start-up: stops the server when a credential cannot be read, then encrypts what is still in plain text. */
export async function prepareStoredCredentials(db: Tx, cipher: CredentialCipher, keyring: Keyring): Promise<EncryptionReport> {
  const unreadable = await unreadableCredentials(db, cipher);
  if (unreadable.length) throw new Error(explainUnreadable(unreadable, keyring));
  return encryptStoredCredentials(db, cipher, { only: 'plaintext' });
}

/** How many stored credentials each configured secret encrypts, how many are in plain text, which are unreadable. */
export interface CredentialStatus {
  total: number;
  byKid: Map<string, number>;
  plaintext: number;
  unreadable: UnreadableCredential[];
}

export async function credentialStatus(db: Tx, cipher: CredentialCipher): Promise<CredentialStatus> {
  const status: CredentialStatus = { total: 0, byKid: new Map(), plaintext: 0, unreadable: [] };
  for (const credential of await storedCredentials(db)) {
    status.total++;
    const read = tryDecrypt(cipher, credential);
    const form = storedForm(credential.stored);
    if (!('plaintext' in read)) status.unreadable.push(read);
    else if (form.form === 'sealed') status.byKid.set(form.kid, (status.byKid.get(form.kid) ?? 0) + 1);
    else status.plaintext++;
  }
  return status;
}
