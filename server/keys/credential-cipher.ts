import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../protocol/index.ts';
import type { Keyring } from './keyring.ts';

/**
 * Secrets Parley must keep and use again (website identity secrets, webhook signing secrets, later the X channel's
 * tokens) are stored encrypted: `v1.<kid>.<iv>.<ciphertext+tag>` (base64url parts), AES-256-GCM with a random
 * 96-bit IV under the keyring's `credential-encryption` key of the secret `kid` names. GCM's tag refuses any
 * change to the stored text. The key id lets a value sealed under a previous secret be read until
 * `npm run secrets:reencrypt` seals it again under the current one (docs/operations/secrets.md).
 *
 * A stored value without the `v1.` prefix is plain text written before encryption existed (or by a node still on
 * that version during an upgrade): it is read as is, and sealed at the next start or by the command. A sealed
 * value never passes for plain text: base64url has no `.`, so nothing Parley generated in plain starts with `v1.`.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** What a stored value is, without a key: plain text from before encryption, sealed under a key id, or damaged. */
export type StoredForm = { form: 'plaintext' } | { form: 'sealed'; kid: string } | { form: 'malformed' };

export function storedForm(stored: string): StoredForm {
  if (!stored.startsWith(`${VERSION}.`)) return { form: 'plaintext' };
  const match = SEALED.exec(stored);
  return match ? { form: 'sealed', kid: match[1]! } : { form: 'malformed' };
}

/**
 * A stored credential this node cannot read. `UNAVAILABLE` when its key is not in the keyring (during a rolling
 * rotation another node may have it: retry), `INTERNAL` when the stored text was changed or damaged.
 */
export class CredentialUnreadable extends AppError {
  readonly reason: 'unknown-key' | 'damaged';
  readonly kid: string | null;
  constructor(reason: 'unknown-key' | 'damaged', kid: string | null) {
    super(
      reason === 'unknown-key' ? 'UNAVAILABLE' : 'INTERNAL',
      reason === 'unknown-key'
        ? `A stored credential is encrypted with key id ${kid}, which neither SECRET nor SECRET_PREVIOUS provides on this server.`
        : 'A stored credential is damaged: it does not decrypt.',
    );
    this.name = 'CredentialUnreadable';
    this.reason = reason;
    this.kid = kid;
  }
}

export interface CredentialCipher {
  /** Plain text → `v1.<kid>.<iv>.<ciphertext+tag>` under the current secret. */
  encrypt(plaintext: string): string;
  /** A stored value → its plain text (legacy plain text as is); throws `CredentialUnreadable`. */
  decrypt(stored: string): string;
  /** The current secret's key id: a value sealed under it needs no re-encryption. */
  readonly currentKid: string;
}

export function createCredentialCipher(keyring: Keyring): CredentialCipher {
  const purpose = 'credential-encryption';
  return {
    currentKid: keyring.kids.current,
    encrypt(plaintext) {
      const { kid, key } = keyring.current(purpose);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${kid}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    decrypt(stored) {
      const form = storedForm(stored);
      if (form.form === 'plaintext') return stored;
      if (form.form === 'malformed') throw new CredentialUnreadable('damaged', null);
      const key = keyring.byId(purpose, form.kid);
      if (!key) throw new CredentialUnreadable('unknown-key', form.kid);
      const [, , ivText, sealedText] = stored.split('.') as [string, string, string, string];
      const iv = Buffer.from(ivText, 'base64url');
      const sealed = Buffer.from(sealedText, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new CredentialUnreadable('damaged', form.kid);
      }
    },
  };
}
