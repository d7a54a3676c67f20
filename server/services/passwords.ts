import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Password hashing with scrypt (per-user random salt), stored as `scrypt$N$r$p$salt$hash`. */
export const PRODUCTION_COST = { N: 16384, r: 8, p: 1 } as const;
let PARAMS: { N: number; r: number; p: number } = PRODUCTION_COST;

/**
 * Tests only (server/testing/worker-setup.ts): every test server seeds two agents and most tests log in,
 * and at production cost those hashes were a good part of the node suite's CPU. A cost stored in each
 * hash is what verification reads, so cheap hashes stay verifiable and production ones are unaffected.
 */
export function lowerPasswordCostForTests(): void {
  if (process.env.NODE_ENV === 'production') throw new Error('the password cost is never lowered in production');
  PARAMS = { N: 1024, r: 8, p: 1 };
}
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compared against when the email is unknown, so both paths cost one scrypt. */
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
