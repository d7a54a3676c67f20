import { describe, expect, it } from 'vitest';
import { createKeyring, KEY_PURPOSES, keyIdOf } from './keyring.ts';

const A = 'secret-a-of-sufficient-length-0123';
const B = 'secret-b-of-sufficient-length-4567';

describe('keyring', () => {
  it('gives each secret a short key id that does not reveal it, the same on every node', () => {
    const kid = keyIdOf(A);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(A).not.toContain(kid);
    expect(keyIdOf(A)).toBe(kid);
    expect(keyIdOf(B)).not.toBe(kid);
    expect(createKeyring(B, [A]).kids).toEqual({ current: keyIdOf(B), previous: [kid] });
  });

  it('derives a different key per purpose, none of them the secret itself', () => {
    const keyring = createKeyring(A);
    const keys = KEY_PURPOSES.map((purpose) => keyring.current(purpose).key.toString('hex'));
    expect(new Set(keys).size).toBe(KEY_PURPOSES.length);
    for (const key of keys) expect(key).not.toBe(Buffer.from(A).toString('hex'));
    expect(keyring.current('visitor-token').key).toHaveLength(32);
  });

  it('signs with the current secret and finds a previous one by its key id, for every purpose', () => {
    const old = createKeyring(A);
    const rotated = createKeyring(B, [A]);
    expect(rotated.current('visitor-token').kid).toBe(keyIdOf(B));
    for (const purpose of KEY_PURPOSES) {
      expect(rotated.byId(purpose, keyIdOf(A))).toEqual(old.current(purpose).key);
      expect(rotated.byId(purpose, keyIdOf(B))).toEqual(rotated.current(purpose).key);
    }
  });

  it('knows no key for a retired or unknown key id', () => {
    const retired = createKeyring(B);
    expect(retired.byId('credential-encryption', keyIdOf(A))).toBeNull();
    expect(retired.byId('credential-encryption', 'AAAAAAAA')).toBeNull();
  });

  it('keeps the raw secrets, current first, only for tokens signed before key ids', () => {
    const raw = createKeyring(B, [A]).legacyRawKeys().map((k) => new TextDecoder().decode(k));
    expect(raw).toEqual([B, A]);
  });

  it('refuses short secrets, the current secret among the previous ones, and duplicates', () => {
    expect(() => createKeyring('too-short')).toThrow(/SECRET: every secret must be at least 16/);
    expect(() => createKeyring(B, ['too-short'])).toThrow(/SECRET_PREVIOUS: every secret must be at least 16/);
    expect(() => createKeyring(A, [A])).toThrow(/must not contain the current SECRET/);
    expect(() => createKeyring(B, [A, A])).toThrow(/listed twice/);
  });
});
