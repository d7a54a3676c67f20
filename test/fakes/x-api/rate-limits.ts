import type { Context } from 'hono';
import type { FakeX } from './state.ts';

// X's per-user limits (brief §0 and §2, docs "rate limits"): each bucket has one or two sliding windows.
// Every /2 response carries x-rate-limit-limit/-remaining/-reset for the 15-minute window; DM sends and posts
// also carry X's x-user-limit-24hour-* headers for the daily one.

const MIN15 = 15 * 60_000;
const DAY = 24 * 3_600_000;

interface Window {
  limit: number;
  ms: number;
}

export interface Bucket {
  name: string;
  method: string;
  /** Matches the request path. */
  path: RegExp;
  windows: [Window] | [Window, Window];
}

export const BUCKETS: Bucket[] = [
  { name: 'dm_send', method: 'POST', path: /^\/2\/dm_conversations\/(with\/[^/]+|[^/]+)\/messages$/, windows: [{ limit: 15, ms: MIN15 }, { limit: 1440, ms: DAY }] },
  { name: 'dm_lookup', method: 'GET', path: /^\/2\/(dm_events|dm_conversations\/.+\/dm_events)$/, windows: [{ limit: 15, ms: MIN15 }] },
  { name: 'tweets_create', method: 'POST', path: /^\/2\/tweets$/, windows: [{ limit: 100, ms: MIN15 }, { limit: 10_000, ms: DAY }] },
  { name: 'tweet_lookup', method: 'GET', path: /^\/2\/tweets\/[^/]+$/, windows: [{ limit: 900, ms: MIN15 }] },
  { name: 'mentions', method: 'GET', path: /^\/2\/users\/[^/]+\/mentions$/, windows: [{ limit: 300, ms: MIN15 }] },
  { name: 'users_me', method: 'GET', path: /^\/2\/users\/me$/, windows: [{ limit: 75, ms: MIN15 }] },
  { name: 'users_lookup', method: 'GET', path: /^\/2\/users\/(by\/username\/[^/]+|[0-9]+)$/, windows: [{ limit: 900, ms: MIN15 }] },
  { name: 'likes', method: '*', path: /^\/2\/users\/[^/]+\/likes(\/[^/]+)?$/, windows: [{ limit: 50, ms: MIN15 }, { limit: 1000, ms: DAY }] },
  { name: 'media', method: '*', path: /^\/2\/media\/upload/, windows: [{ limit: 500, ms: MIN15 }] },
  { name: 'webhooks', method: '*', path: /^\/2\/webhooks/, windows: [{ limit: 50, ms: MIN15 }] },
  { name: 'subscriptions', method: '*', path: /^\/2\/activity\/subscriptions/, windows: [{ limit: 50, ms: MIN15 }] },
];

export function bucketFor(method: string, path: string): Bucket | undefined {
  return BUCKETS.find((b) => (b.method === '*' || b.method === method) && b.path.test(path));
}

/** `endpoint` in the control API: a bucket name ("dm_send") or "METHOD /path" ("POST /2/tweets"). */
export function resolveBucket(endpoint: string): Bucket | undefined {
  const byName = BUCKETS.find((b) => b.name === endpoint);
  if (byName) return byName;
  const [method, path] = endpoint.includes(' ') ? endpoint.split(/\s+/, 2) : ['GET', endpoint];
  return bucketFor((method ?? 'GET').toUpperCase(), path ?? '');
}

/**
 * Counts the request against its bucket for `who` (a user id, or "app") and sets the headers. Returns false,
 * with the headers of the exhausted window set, when the request must be answered 429.
 */
export function takeRateLimit(fake: FakeX, c: Context, who: string): boolean {
  const bucket = bucketFor(c.req.method, c.req.path);
  if (!bucket) return true;
  const now = fake.now();
  const key = `${bucket.name}:${who}`;
  const [short, long] = bucket.windows;
  const override = fake.state.overrides.get(bucket.name);
  const forced = override && override.resetAt > now ? override : undefined;
  if (override && !forced) fake.state.overrides.delete(bucket.name);
  if (forced && forced.remaining <= 0) {
    setHeaders(c, 'x-rate-limit', short.limit, 0, forced.resetAt);
    return false;
  }
  const all = (fake.state.hits.get(key) ?? []).filter((t) => t > now - (long ?? short).ms);
  const inShort = all.filter((t) => t > now - short.ms);
  const shortReset = (inShort[0] ?? now) + short.ms;
  const longReset = (all[0] ?? now) + (long?.ms ?? 0);
  const shortLeft = short.limit - inShort.length;
  const longLeft = long ? long.limit - all.length : Infinity;
  setHeaders(c, 'x-rate-limit', short.limit, Math.max(0, shortLeft - 1), shortReset);
  if (long) setHeaders(c, 'x-user-limit-24hour', long.limit, Math.max(0, longLeft - 1), longReset);
  if (shortLeft <= 0 || longLeft <= 0) {
    if (shortLeft <= 0) setHeaders(c, 'x-rate-limit', short.limit, 0, shortReset);
    if (long && longLeft <= 0) setHeaders(c, 'x-user-limit-24hour', long.limit, 0, longReset);
    fake.state.hits.set(key, all);
    return false;
  }
  all.push(now);
  fake.state.hits.set(key, all);
  if (forced) {
    forced.remaining -= 1;
    setHeaders(c, 'x-rate-limit', short.limit, forced.remaining, forced.resetAt);
  }
  return true;
}

function setHeaders(c: Context, prefix: string, limit: number, remaining: number, resetAtMs: number): void {
  c.header(`${prefix}-limit`, String(limit));
  c.header(`${prefix}-remaining`, String(remaining));
  // Epoch seconds, rounded up so that a client waiting until then is never early.
  c.header(`${prefix}-reset`, String(Math.ceil(resetAtMs / 1000)));
}
