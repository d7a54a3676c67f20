import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { addressKey } from './client-address.ts';
import { rateLimited, type LimiterFactory } from './limiter-store.ts';

/**
 * Password guessing is throttled three ways, each with a lockout that grows: after `free`
 * failures the next one locks for LIMIT_LOGIN_LOCKOUT_SEC, and each failure after a lockout
 * ends doubles it, up to LIMIT_LOGIN_LOCKOUT_MAX_SEC. While locked, attempts are refused
 * with RATE_LIMITED before the password is even checked, so they teach nothing.
 *
 * - one account from one address: a person who forgot their password (reset by a success);
 * - one account from anywhere: guessing spread over many addresses (reset by a success);
 * - one address, any account: trying many accounts (not reset by a success, or an attacker
 *   with an account of their own could clear it between guesses).
 */
export interface LoginGuardSettings {
  loginFailuresPerAccountAndAddress: number;
  loginFailuresPerAccount: number;
  loginFailuresPerAddressPerHour: number;
  loginLockoutSec: number;
  loginLockoutMaxSec: number;
}

export interface LoginGuard {
  /** RATE_LIMITED (with how long) while the account or the address is locked out. */
  check(email: string, address: string): Promise<void>;
  /** A wrong password: counts, and locks out past the allowance. */
  failed(email: string, address: string): Promise<void>;
  /** A right one: the account's consecutive failures start again from zero. */
  succeeded(email: string, address: string): Promise<void>;
}

const HOUR = 3_600;
/** Consecutive failures are remembered this long after the first one. */
const DAY = 24 * HOUR;

interface Dimension {
  key(account: string, address: string): string;
  free: number;
  resetOnSuccess: boolean;
  failures: RateLimiterAbstract;
  lockouts: RateLimiterAbstract;
}

/** The n-th lockout (1-based) of a key, in seconds. */
export function lockoutSec(n: number, settings: Pick<LoginGuardSettings, 'loginLockoutSec' | 'loginLockoutMaxSec'>): number {
  return Math.min(settings.loginLockoutMaxSec, settings.loginLockoutSec * 2 ** Math.min(Math.max(0, n - 1), 30));
}

export function createLoginGuard(make: LimiterFactory, settings: LoginGuardSettings): LoginGuard {
  const dimension = (name: string, free: number, windowSec: number, resetOnSuccess: boolean, key: Dimension['key']): Dimension => ({
    key,
    free,
    resetOnSuccess,
    failures: make(`${name}:failures`, { points: free, durationSec: windowSec }),
    // Only block() and get() are used: a key is locked while its value is over `points`.
    lockouts: make(`${name}:lockout`, { points: 1, durationSec: 1 }),
  });
  const dimensions = [
    dimension('login-account-address', settings.loginFailuresPerAccountAndAddress, DAY, true, (account, address) => `${account}|${address}`),
    dimension('login-account', settings.loginFailuresPerAccount, DAY, true, (account) => account),
    dimension('login-address', settings.loginFailuresPerAddressPerHour, HOUR, false, (_, address) => address),
  ];
  const keys = (email: string, address: string) => [email.trim().toLowerCase(), addressKey(address)] as const;

  return {
    async check(email, address) {
      const [account, from] = keys(email, address);
      const waits = await Promise.all(
        dimensions.map(async (d) => {
          const res = await d.lockouts.get(d.key(account, from));
          return res && res.consumedPoints > d.lockouts.points ? res.msBeforeNext : 0;
        }),
      );
      const wait = Math.max(...waits);
      if (wait > 0) throw rateLimited(wait, 'Too many failed sign-ins; try again later.');
    },
    async failed(email, address) {
      const [account, from] = keys(email, address);
      await Promise.all(
        dimensions.map(async (d) => {
          const key = d.key(account, from);
          const { consumedPoints } = await d.failures.penalty(key);
          if (consumedPoints > d.free) await d.lockouts.block(key, lockoutSec(consumedPoints - d.free, settings));
        }),
      );
    },
    async succeeded(email, address) {
      const [account, from] = keys(email, address);
      await Promise.all(dimensions.filter((d) => d.resetOnSuccess).map((d) => d.failures.delete(d.key(account, from))));
    },
  };
}
