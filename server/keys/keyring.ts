import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The server's keys, all derived from `SECRET` (current) and `SECRET_PREVIOUS` (secrets still accepted while a
 * rotation completes). Each secret has a key id: a short, non-secret fingerprint written next to what it signed or
 * encrypted, so a verifier picks the right key without trying them all. Each use of the secret (a purpose) gets its
 * own key by HKDF-SHA256, so a key that signs visitor tokens never encrypts a credential, and a leak of one derived
 * key gives nothing of the others or of the secret.
 *
 * Pure: no I/O. Rotation is docs/operations/secrets.md.
 */

/** Every use of `SECRET`. A new use adds its name here (the email channel's reply addresses will be one). */
export const KEY_PURPOSES = ['visitor-token', 'credential-encryption'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export const MIN_SECRET_LENGTH = 16;

export interface Keyring {
  /** The key new signatures and ciphertexts use: the current secret's, with its key id. */
  current(purpose: KeyPurpose): { kid: string; key: Buffer };
  /** The key of the secret with this key id (current or previous), or null when no configured secret has it. */
  byId(purpose: KeyPurpose, kid: string): Buffer | null;
  /** Key ids, the current secret's first: safe to print (they say which secret, not what it is). */
  readonly kids: { current: string; previous: string[] };
  /**
   * Each secret's own bytes, current first, not derived: only for visitor tokens signed before key ids existed
   * (they carry no `kid` and were signed with the raw secret). Nothing new is signed with these.
   */
  legacyRawKeys(): Uint8Array[];
}

/** A secret's key id: the first 8 base64url characters of HMAC-SHA256(secret, "parley key id"). */
export function keyIdOf(secret: string): string {
  return createHmac('sha256', secret).update('parley key id').digest('base64url').slice(0, 8);
}

// A fixed, public salt: HKDF's extract step then mixes in something of Parley's own (RFC 5869 §3.1).
const HKDF_SALT = 'parley keyring v1';
const KEY_BYTES = 32;

function derive(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, purpose, KEY_BYTES));
}

/**
 * Throws on a secret shorter than 16 characters, a previous secret equal to the current one, or one listed twice:
 * each would be a configuration mistake that silently weakens or confuses what the keyring accepts.
 */
export function createKeyring(current: string, previous: readonly string[] = []): Keyring {
  const secrets = [current, ...previous];
  for (const [i, secret] of secrets.entries()) {
    const name = i === 0 ? 'SECRET' : 'SECRET_PREVIOUS';
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${name}: every secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (previous.includes(current)) throw new Error('SECRET_PREVIOUS: must not contain the current SECRET (a rotation puts the old secret there and a new one in SECRET)');
  const kids = secrets.map(keyIdOf);
  if (new Set(kids).size !== kids.length) throw new Error('SECRET_PREVIOUS: a secret is listed twice');

  const secretByKid = new Map(kids.map((kid, i) => [kid, secrets[i]!]));
  const derived = new Map<string, Buffer>();
  const keyOf = (kid: string, purpose: KeyPurpose): Buffer | null => {
    const secret = secretByKid.get(kid);
    if (secret === undefined) return null;
    const cacheKey = `${kid}/${purpose}`;
    let key = derived.get(cacheKey);
    if (!key) derived.set(cacheKey, (key = derive(secret, purpose)));
    return key;
  };

  return {
    current: (purpose) => ({ kid: kids[0]!, key: keyOf(kids[0]!, purpose)! }),
    byId: (purpose, kid) => keyOf(kid, purpose),
    kids: { current: kids[0]!, previous: kids.slice(1) },
    legacyRawKeys: () => secrets.map((s) => new TextEncoder().encode(s)),
  };
}
