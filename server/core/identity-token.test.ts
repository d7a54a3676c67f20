import { describe, expect, it } from 'vitest';
import { AppError, IDENTITY_MAX_TTL_SECONDS } from '../../protocol/index.ts';
import { fakeClock } from './clock.ts';
import { contactFieldsFrom, mergeAttributes, parseIdentityClaims } from './identity-token.ts';

const clock = fakeClock('2025-06-01T12:00:00Z');
const now = Math.floor(clock.now().getTime() / 1000);

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('identity claims', () => {
  it('accepts a short-lived token with a subject and keeps only the profile claims present', () => {
    const claims = parseIdentityClaims({ sub: 'user-42', exp: now + 300, iat: now, name: 'Marie Curie', email: 'marie@example.com', iss: 'shop' }, clock);
    expect(claims).toEqual({ sub: 'user-42', exp: now + 300, name: 'Marie Curie', email: 'marie@example.com' });
    expect(contactFieldsFrom(claims)).toEqual({ name: 'Marie Curie', email: 'marie@example.com' });
  });

  it.each([
    ['no exp', { sub: 'u' }, /no exp claim/],
    ['an exp in the past', { sub: 'u', exp: now - 1 }, /expired/],
    ['an exp exactly now', { sub: 'u', exp: now }, /expired/],
    ['an exp too far ahead', { sub: 'u', exp: now + IDENTITY_MAX_TTL_SECONDS + 1 }, /too far ahead/],
    ['no sub', { exp: now + 60 }, /sub/],
    ['an empty sub', { sub: ' ', exp: now + 60 }, /sub/],
    ['a malformed email', { sub: 'u', exp: now + 60, email: 'not-an-email' }, /email/],
    ['a non-numeric exp', { sub: 'u', exp: 'tomorrow' }, /exp/],
  ])('refuses a token with %s as IDENTITY_INVALID', (_what, payload, message) => {
    const err = refusal(() => parseIdentityClaims(payload, clock));
    expect(err.code).toBe('IDENTITY_INVALID');
    expect(err.message).toMatch(message);
  });

  it('accepts an exp exactly at the maximum lifetime', () => {
    expect(parseIdentityClaims({ sub: 'u', exp: now + IDENTITY_MAX_TTL_SECONDS }, clock).sub).toBe('u');
  });
});

describe('attribute merge', () => {
  it('stringifies values, deletes keys set to null and keeps the rest', () => {
    expect(mergeAttributes({ plan: 'free', team: 'blue' }, { plan: 'pro', seats: 3, beta: true, team: null }, 10)).toEqual({ plan: 'pro', seats: '3', beta: 'true' });
  });

  it('refuses name, email and phone in any case, naming the keys', () => {
    const err = refusal(() => mergeAttributes({}, { Email: 'x@example.com', plan: 'pro', name: 'X' }, 10));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.details?.map((d) => d.path)).toEqual(['attributes.Email', 'attributes.name']);
  });

  it('refuses growing past the limit but lets a full contact replace or delete keys', () => {
    const full = { a: '1', b: '2' };
    expect(refusal(() => mergeAttributes(full, { c: '3' }, 2)).code).toBe('VALIDATION_FAILED');
    expect(mergeAttributes(full, { a: 'x', b: null, c: '3' }, 2)).toEqual({ a: 'x', c: '3' });
  });
});
