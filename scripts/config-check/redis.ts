import { Redis } from 'ioredis';
import { describe } from './database.ts';
import { error, type Problem } from './problems.ts';

/** REDIS_URL answers PING (one attempt, bounded: a check must not hang on an unreachable host). */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<Problem[]> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let cause: unknown = null;
  client.on('error', (err) => (cause ??= err)); // the connection's own error says more than the rejected command
  try {
    await client.connect();
    await client.ping();
    return [];
  } catch (err) {
    return [error('REDIS_URL', `not reachable: ${describe(cause ?? err)}`)];
  } finally {
    client.disconnect();
  }
}
