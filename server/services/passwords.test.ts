import { describe, expect, it, vi } from 'vitest';

/**
 * The node suite hashes at a lower cost (server/testing/worker-setup.ts): production's cost must be
 * what a fresh module hashes with, and hashes of either cost must verify.
 */
describe('password hashing', () => {
  it('hashes at the production cost unless a test lowered it, and never in production', async () => {
    vi.resetModules();
    const fresh = await import('./passwords.ts');
    expect(fresh.PRODUCTION_COST).toEqual({ N: 16384, r: 8, p: 1 });
    const stored = await fresh.hashPassword('correct horse');
    expect(stored.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await fresh.verifyPassword('correct horse', stored)).toBe(true);
    expect(await fresh.verifyPassword('wrong horse', stored)).toBe(false);

    vi.stubEnv('NODE_ENV', 'production');
    try {
      expect(() => fresh.lowerPasswordCostForTests()).toThrow(/never lowered in production/);
    } finally {
      vi.unstubAllEnvs();
    }
    expect((await fresh.hashPassword('x')).startsWith('scrypt$16384$')).toBe(true);
  });

  it('verifies a cheap hash made in a test as well as a production one', async () => {
    const { hashPassword, verifyPassword, lowerPasswordCostForTests } = await import('./passwords.ts');
    lowerPasswordCostForTests();
    const cheap = await hashPassword('parley-demo');
    expect(cheap.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('parley-demo', cheap)).toBe(true);
    expect(await verifyPassword('parley-dem0', cheap)).toBe(false);
  });
});
