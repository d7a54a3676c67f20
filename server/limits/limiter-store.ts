import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../protocol/index.ts';

/**
 * Where counters live. With Redis every node shares them, so a limit per address or per
 * account holds however many nodes the balancer spreads the requests over. Each Redis
 * limiter is insured by one in memory: while Redis is away the limits still hold per node,
 * and nothing is refused or crashes because the counter store is down.
 */
export interface Rule {
  points: number;
  durationSec: number;
}

export type LimiterFactory = (name: string, rule: Rule) => RateLimiterAbstract;

export function limiterFactory(redis: Redis | null, keyPrefix: string): LimiterFactory {
  return (name, { points, durationSec }) => {
    const options = { keyPrefix: `${keyPrefix}:${name}`, points, duration: durationSec };
    const memory = new RateLimiterMemory(options);
    if (!redis) return memory;
    // Not ready (connecting, reconnecting) → the memory limiter answers at once instead of queueing.
    return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory, rejectIfRedisNotReady: true });
  };
}

export const rateLimited = (retryAfterMs: number, message?: string) => new AppError('RATE_LIMITED', message, undefined, { retryAfterMs: Math.max(1, retryAfterMs) });

/**
 * Takes a point for `key`; over the limit, RATE_LIMITED with how long to wait. A counter store
 * failure (insurance already tried) lets the request through: limits guard against abuse and
 * must not turn an outage into a refusal of everyone.
 */
export async function consumeOrRefuse(limiter: RateLimiterAbstract, key: string, message?: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimited(err.msBeforeNext, message);
  }
}
