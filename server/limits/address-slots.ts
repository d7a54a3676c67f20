import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { addressKey } from './client-address.ts';
import { rateLimited } from './limiter-store.ts';

/**
 * Sockets connected at once per client address. A rate limiter cannot count these (a socket
 * holds its slot for hours), so this is a counter taken on connect and given back on disconnect.
 *
 * This node always counts its own sockets in memory. With Redis, each address has a hash of
 * per-node counts that every node checks; a node's counts only count while its heartbeat key
 * lives, so a node that dies without giving its slots back stops holding them ~30 s later.
 * When Redis is away, the node's own count decides alone (the cap then holds per node).
 */
export interface Slot {
  key: string;
  /** Counted in Redis as well (give it back there too). */
  shared: boolean;
}

export interface AddressSlots {
  /** A slot for one more socket of `address`, or RATE_LIMITED when it already holds `max`. */
  acquire(address: string): Promise<Slot>;
  release(slot: Slot): void;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 10_000;
const NODE_TTL_SEC = 30;
/** An address's hash outlives its last connect by this much (a node that died leaves nothing forever). */
const HASH_TTL_SEC = 24 * 3_600;
/** Nobody knows when a socket of that address will leave; the client may try again after this. */
export const SLOT_RETRY_AFTER_MS = 30_000;

/** KEYS[1] the address's hash; ARGV: this node, max, node key prefix, hash TTL. Counts live nodes only, drops dead ones. */
const ACQUIRE = `
local entries = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #entries, 2 do
  if redis.call('EXISTS', ARGV[3] .. entries[i]) == 1 then
    total = total + tonumber(entries[i + 1])
  else
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS[1] the address's hash; ARGV[1] this node. Never below zero (Redis may have restarted empty meanwhile). */
const RELEASE = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left`;

interface SlotCommands {
  parleyAcquireSlot(key: string, node: string, max: number, nodePrefix: string, ttlSec: number): Promise<number>;
  parleyReleaseSlot(key: string, node: string): Promise<number>;
}

export function createAddressSlots(options: { max: number; redis: Redis | null; keyPrefix: string; logger: Logger }): AddressSlots {
  const { max, redis, logger } = options;
  const local = new Map<string, number>();
  const node = randomUUID();
  const nodePrefix = `${options.keyPrefix}:node:`;
  const hashKey = (key: string) => `${options.keyPrefix}:sockets:${key}`;
  const commands = redis as unknown as SlotCommands | null;
  let heartbeat: NodeJS.Timeout | null = null;

  if (redis) {
    redis.defineCommand('parleyAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('parleyReleaseSlot', { numberOfKeys: 1, lua: RELEASE });
    const beat = () => void redis.set(nodePrefix + node, '1', 'EX', NODE_TTL_SEC).catch(() => {});
    beat();
    heartbeat = setInterval(beat, HEARTBEAT_MS);
    heartbeat.unref();
  }

  const countLocally = (key: string, delta: number) => {
    const n = (local.get(key) ?? 0) + delta;
    if (n > 0) local.set(key, n);
    else local.delete(key);
  };
  const refuse = () => rateLimited(SLOT_RETRY_AFTER_MS, 'Too many connections from this address.');

  return {
    async acquire(address) {
      const key = addressKey(address);
      if (commands && redis?.status === 'ready') {
        let granted: number | null = null;
        try {
          granted = await commands.parleyAcquireSlot(hashKey(key), node, max, nodePrefix, HASH_TTL_SEC);
        } catch (err) {
          logger.warn({ err }, 'socket slots: redis failed, counting on this node only');
        }
        if (granted !== null) {
          if (!granted) throw refuse();
          countLocally(key, 1);
          return { key, shared: true };
        }
      }
      if ((local.get(key) ?? 0) >= max) throw refuse();
      countLocally(key, 1);
      return { key, shared: false };
    },
    release(slot) {
      countLocally(slot.key, -1);
      if (slot.shared && commands) commands.parleyReleaseSlot(hashKey(slot.key), node).catch(() => {});
    },
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      // This node's counts stop counting at once, not ~30 s later.
      await redis?.del(nodePrefix + node).catch(() => {});
    },
  };
}
