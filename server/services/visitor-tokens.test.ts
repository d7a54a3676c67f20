import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import { assertVisitorClaims, VISITOR_TOKEN_TTL_SECONDS } from '../core/visitor-token.ts';
import { createVisitorTokens } from './visitor-tokens.ts';

const SECRET = 'a-test-secret-of-sufficient-length';
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
