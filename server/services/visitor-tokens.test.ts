import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/index.ts';
import { fakeClock, type Clock } from '../core/clock.ts';
import { assertVisitorClaims, visitorClaims, VISITOR_TOKEN_TTL_SECONDS } from '../core/visitor-token.ts';
import { createKeyring, keyIdOf } from '../keys/keyring.ts';
import { createVisitorTokens as tokensOfKeyring } from './visitor-tokens.ts';

const SECRET = 'a-test-secret-of-sufficient-length';
/** The tokens of a server whose SECRET is `secret` (no previous secrets). */
const createVisitorTokens = (secret: string, clock: Clock) => tokensOfKeyring(createKeyring(secret), clock);
const visitor = { id: '5b0d2f0e-8d4c-4f43-9d7e-0a4b7a1c2d3e', websiteId: 'c0c4f1b2-6a53-4b6e-8f0f-3d1f7b2a9e10', tokenVersion: 1 };

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | null> {
  try {
    await (typeof p === 'function' ? p() : p);
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
}

describe('visitor tokens', () => {
  it('round-trips the visitor and website it was issued for', async () => {
    const clock = fakeClock();
    const tokens = createVisitorTokens(SECRET, clock);
    const claims = await tokens.verify(await tokens.sign(visitor));
    expect(claims).toMatchObject({ sub: visitor.id, wid: visitor.websiteId, ver: 1 });
    expect(() => assertVisitorClaims(claims, visitor, visitor.websiteId, clock)).not.toThrow();
  });

  it('refuses a token signed with another secret', async () => {
    const clock = fakeClock();
    const token = await createVisitorTokens('another-secret-of-enough-length', clock).sign(visitor);
    expect(await codeOf(createVisitorTokens(SECRET, clock).verify(token))).toBe('TOKEN_INVALID');
  });

  it('refuses a tampered or garbage token', async () => {
    const tokens = createVisitorTokens(SECRET, fakeClock());
    const token = await tokens.sign(visitor);
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'someone-else', wid: visitor.websiteId, ver: 1, exp: 9e9, iat: 0, aud: 'parley:visitor' })).toString('base64url');
    expect(await codeOf(tokens.verify(`${h}.${forged}.${s}`))).toBe('TOKEN_INVALID');
    expect(await codeOf(tokens.verify(`${h}.${p}`))).toBe('TOKEN_INVALID');
    expect(await codeOf(tokens.verify('not-a-token'))).toBe('TOKEN_INVALID');
  });

  it('expires after its lifetime on the injected clock', async () => {
    const clock = fakeClock('2025-03-01T00:00:00Z');
    const tokens = createVisitorTokens(SECRET, clock);
    const token = await tokens.sign(visitor);
    clock.advance((VISITOR_TOKEN_TTL_SECONDS - 60) * 1000);
    await expect(tokens.verify(token)).resolves.toBeTruthy();
    clock.advance(120 * 1000);
    expect(await codeOf(tokens.verify(token))).toBe('TOKEN_INVALID');
  });

  it('is revoked once the visitor token version moves on', async () => {
    const clock = fakeClock();
    const tokens = createVisitorTokens(SECRET, clock);
    const claims = await tokens.verify(await tokens.sign(visitor));
    expect(await codeOf(() => assertVisitorClaims(claims, { ...visitor, tokenVersion: 2 }, visitor.websiteId, clock))).toBe('TOKEN_REVOKED');
  });

  it('is refused on another website or for an unknown visitor', async () => {
    const clock = fakeClock();
    const tokens = createVisitorTokens(SECRET, clock);
    const claims = await tokens.verify(await tokens.sign(visitor));
    expect(await codeOf(() => assertVisitorClaims(claims, visitor, 'another-website-id', clock))).toBe('TOKEN_INVALID');
    expect(await codeOf(() => assertVisitorClaims(claims, null, visitor.websiteId, clock))).toBe('TOKEN_INVALID');
  });
});

describe('visitor tokens across a SECRET rotation', () => {
  const OLD = 'the-old-secret-of-enough-length-01';
  const NEW = 'the-new-secret-of-enough-length-23';
  const rotated = (clock: Clock) => tokensOfKeyring(createKeyring(NEW, [OLD]), clock);

  /** Exactly how tokens were signed before key ids: HS256 with the raw SECRET bytes, no `kid`. */
  function signedBeforeKeyIds(secret: string, clock: Clock) {
    const claims = visitorClaims(visitor, clock);
    return new SignJWT({ wid: claims.wid, ver: claims.ver })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setAudience('parley:visitor')
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
      .sign(new TextEncoder().encode(secret));
  }

  it('names its secret by key id in the header, and is not signed with the raw secret', async () => {
    const token = await createVisitorTokens(NEW, fakeClock()).sign(visitor);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: keyIdOf(NEW) });
    const [, p, sig] = token.split('.');
    const rawSigned = await signedBeforeKeyIds(NEW, fakeClock());
    expect(sig).not.toBe(rawSigned.split('.')[2]);
    // Without its kid, the same token is not accepted as one signed before key ids.
    const stripped = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    expect(await codeOf(createVisitorTokens(NEW, fakeClock()).verify(`${stripped}.${p}.${sig}`))).toBe('TOKEN_INVALID');
  });

  it('stays valid while its secret is in SECRET_PREVIOUS, and is refused once it is retired', async () => {
    const clock = fakeClock();
    const token = await createVisitorTokens(OLD, clock).sign(visitor);
    await expect(rotated(clock).verify(token)).resolves.toMatchObject({ sub: visitor.id });
    expect(await codeOf(createVisitorTokens(NEW, clock).verify(token))).toBe('TOKEN_INVALID');
    // New tokens are signed with the new secret.
    expect(decodeProtectedHeader(await rotated(clock).sign(visitor)).kid).toBe(keyIdOf(NEW));
  });

  it('accepts a token signed before key ids while its secret is current or previous, then refuses it', async () => {
    const clock = fakeClock();
    const legacy = await signedBeforeKeyIds(OLD, clock);
    await expect(createVisitorTokens(OLD, clock).verify(legacy)).resolves.toMatchObject({ sub: visitor.id, wid: visitor.websiteId, ver: 1 });
    await expect(rotated(clock).verify(legacy)).resolves.toMatchObject({ sub: visitor.id });
    expect(await codeOf(createVisitorTokens(NEW, clock).verify(legacy))).toBe('TOKEN_INVALID');
  });

  it('still expires a token signed before key ids', async () => {
    const clock = fakeClock();
    const legacy = await signedBeforeKeyIds(OLD, clock);
    clock.advance((VISITOR_TOKEN_TTL_SECONDS + 60) * 1000);
    expect(await codeOf(rotated(clock).verify(legacy))).toBe('TOKEN_INVALID');
  });

  it('refuses a token whose kid no configured secret has, even with a valid-looking signature', async () => {
    const clock = fakeClock();
    const token = await createVisitorTokens('an-unrelated-secret-0123456789', clock).sign(visitor);
    expect(await codeOf(rotated(clock).verify(token))).toBe('TOKEN_INVALID');
  });
});
