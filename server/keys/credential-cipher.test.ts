import { describe, expect, it } from 'vitest';
import { createCredentialCipher, CredentialUnreadable, storedForm } from './credential-cipher.ts';
import { createKeyring, keyIdOf } from './keyring.ts';

const A = 'secret-a-of-sufficient-length-0123';
const B = 'secret-b-of-sufficient-length-4567';
const CREDENTIAL = 'whsec_8i1ZrV2k3c6mXQ0lNfJt7w9Yb4uAe5Hs2Dq1Po0Ly3G';

function unreadable(fn: () => unknown): { reason: string; code: string; kid: string | null } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof CredentialUnreadable)) throw err;
    return { reason: err.reason, code: err.code, kid: err.kid };
  }
}

describe('credential cipher', () => {
  it('stores a credential as v1.<kid>.<iv>.<ciphertext>, never in clear, and reads it back', () => {
    const cipher = createCredentialCipher(createKeyring(A));
    const sealed = cipher.encrypt(CREDENTIAL);
    expect(sealed).toMatch(new RegExp(`^v1\\.${keyIdOf(A)}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain(CREDENTIAL.slice(6, 20));
    expect(storedForm(sealed)).toEqual({ form: 'sealed', kid: keyIdOf(A) });
    expect(cipher.decrypt(sealed)).toBe(CREDENTIAL);
    // A fresh IV each time: the same credential never looks the same twice.
    expect(cipher.encrypt(CREDENTIAL)).not.toBe(sealed);
  });

  it('reads a value sealed under a previous secret, and seals new ones under the current one', () => {
    const sealedUnderA = createCredentialCipher(createKeyring(A)).encrypt(CREDENTIAL);
    const rotated = createCredentialCipher(createKeyring(B, [A]));
    expect(rotated.decrypt(sealedUnderA)).toBe(CREDENTIAL);
    expect(storedForm(rotated.encrypt(CREDENTIAL))).toEqual({ form: 'sealed', kid: keyIdOf(B) });
    expect(rotated.currentKid).toBe(keyIdOf(B));
  });

  it('refuses a value whose secret was retired: UNAVAILABLE, naming the key id', () => {
    const sealedUnderA = createCredentialCipher(createKeyring(A)).encrypt(CREDENTIAL);
    expect(unreadable(() => createCredentialCipher(createKeyring(B)).decrypt(sealedUnderA))).toEqual({ reason: 'unknown-key', code: 'UNAVAILABLE', kid: keyIdOf(A) });
  });

  it('refuses a tampered ciphertext, IV or key id, and a truncated value', () => {
    const cipher = createCredentialCipher(createKeyring(B, [A]));
    const sealed = cipher.encrypt(CREDENTIAL);
    const [v, kid, iv, body] = sealed.split('.') as [string, string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    expect(unreadable(() => cipher.decrypt([v, kid, iv, flip(body, 3)].join('.')))).toMatchObject({ reason: 'damaged', code: 'INTERNAL' });
    expect(unreadable(() => cipher.decrypt([v, kid, flip(iv, 2), body].join('.')))).toMatchObject({ reason: 'damaged' });
    // The same bytes presented as sealed under the other secret of the keyring do not decrypt either.
    expect(unreadable(() => cipher.decrypt([v, keyIdOf(A), iv, body].join('.')))).toMatchObject({ reason: 'damaged' });
    expect(unreadable(() => cipher.decrypt([v, kid, iv].join('.')))).toMatchObject({ reason: 'damaged', kid: null });
    expect(unreadable(() => cipher.decrypt(`${v}.${kid}.${iv}.${body.slice(0, 10)}`))).toMatchObject({ reason: 'damaged' });
  });

  it('keeps the credential purpose apart: a value sealed with another purpose key does not decrypt', async () => {
    // Seal by hand with the visitor-token key: the cipher must not accept it.
    const { createCipheriv, randomBytes } = await import('node:crypto');
    const keyring = createKeyring(A);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', keyring.current('visitor-token').key, iv);
    const body = Buffer.concat([c.update(CREDENTIAL), c.final(), c.getAuthTag()]);
    const forged = `v1.${keyIdOf(A)}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    expect(unreadable(() => createCredentialCipher(keyring).decrypt(forged))).toMatchObject({ reason: 'damaged' });
  });

  it('reads a value stored in clear before encryption as it is (it is sealed at the next start)', () => {
    const cipher = createCredentialCipher(createKeyring(A));
    expect(storedForm(CREDENTIAL)).toEqual({ form: 'plaintext' });
    expect(cipher.decrypt(CREDENTIAL)).toBe(CREDENTIAL);
    expect(storedForm('v1.garbage')).toEqual({ form: 'malformed' });
  });
});
