import type { IncomingHttpHeaders } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LimitSettings } from '../env.ts';
import { withTimeout } from '../observability/metrics.ts';
import { createAddressSlots, type AddressSlots } from './address-slots.ts';
import { addressKey, clientAddress, trustedProxies } from './client-address.ts';
import { consumeOrRefuse, limiterFactory, type Rule } from './limiter-store.ts';
import { createLoginGuard, type LoginGuard } from './login-guard.ts';
import { createSocketBudget, type SocketBudget } from './socket-budget.ts';

/**
 * Every abuse limit of a node, built once from the LIMIT_* settings (docs/security.md lists
 * them). Per-socket budgets live in memory; what must hold across nodes (per address, per
 * account) lives in Redis when REDIS_URL is set, in this node's memory otherwise.
 */
export interface Limits {
  /** The client address of an HTTP request (X-Forwarded-For only from a trusted proxy). */
  addressOfRequest(c: Context): string;
  /** The client address of a socket handshake, by the same rule. */
  addressOfHandshake(handshake: { address: string; headers: IncomingHttpHeaders }): string;
  /** Every socket event, per socket (the dispatcher asks before handling anything). */
  socketEvents: SocketBudget;
  /** Visitor sockets connected at once per address. */
  visitorSockets: AddressSlots;
  login: LoginGuard;
  /** Each of these takes a point or throws RATE_LIMITED with `retryAfterMs`. */
  handshake(address: string): Promise<void>;
  /** A websocket connection, before any namespace (see `limitTable`). */
  connection(address: string): Promise<void>;
  newConversation(address: string): Promise<void>;
  upload(address: string, uploader: string): Promise<void>;
  apiRequest(address: string): Promise<void>;
  /** The X channel's public OAuth callback (issue 19). */
  xCallback(address: string): Promise<void>;
  close(): Promise<void>;
}

/** The counted limits: name → points per duration (login, sockets and buckets have their own shapes). */
export function limitTable(s: LimitSettings) {
  return {
    handshakes: { points: s.handshakesPerAddressPerMinute, durationSec: 60 },
    // Raw connections that never join a namespace (each held until Socket.IO's connect timeout).
    // Twice the handshakes: a real client, one connection per handshake, meets the typed handshake refusal first.
    connections: { points: 2 * s.handshakesPerAddressPerMinute, durationSec: 60 },
    'new-conversations': { points: s.newConversationsPerAddressPerMinute, durationSec: 60 },
    'uploads-uploader': { points: s.uploadsPerUploaderPerMinute, durationSec: 60 },
    'uploads-address': { points: s.uploadsPerAddressPerMinute, durationSec: 60 },
    'api-requests': { points: s.apiRequestsPerAddressPerMinute, durationSec: 60 },
    'x-callbacks': { points: s.xCallbacksPerAddressPerMinute, durationSec: 60 },
  } satisfies Record<string, Rule>;
}

export interface LimitsOptions {
  settings: LimitSettings;
  trustedProxies: readonly string[];
  /** Shared counters across nodes; null = this node's memory only. */
  redisUrl: string | null;
  logger: Logger;
}

export async function createLimits(options: LimitsOptions): Promise<Limits> {
  const { settings, logger } = options;
  const redis = options.redisUrl ? await connectRedis(options.redisUrl, logger) : null;
  const make = limiterFactory(redis, settings.keyPrefix);
  const table = limitTable(settings);
  const limiters = Object.fromEntries(Object.entries(table).map(([name, rule]) => [name, make(name, rule)])) as Record<keyof typeof table, ReturnType<typeof make>>;
  const isTrusted = trustedProxies(options.trustedProxies);
  const visitorSockets = createAddressSlots({ max: settings.visitorSocketsPerAddress, redis, keyPrefix: settings.keyPrefix, logger });

  return {
    addressOfRequest(c) {
      let peer: string | undefined;
      try {
        peer = getConnInfo(c).remote.address;
      } catch {
        peer = undefined; // not served by @hono/node-server (app.request in a unit test)
      }
      return clientAddress(peer, c.req.header('x-forwarded-for'), isTrusted);
    },
    addressOfHandshake(handshake) {
      return clientAddress(handshake.address, handshake.headers['x-forwarded-for'], isTrusted);
    },
    socketEvents: createSocketBudget({
      events: { burst: settings.socketEventsBurst, perMinute: settings.socketEventsPerMinute },
      typing: { burst: settings.socketTypingBurst, perMinute: settings.socketTypingPerMinute },
    }),
    visitorSockets,
    login: createLoginGuard(make, settings),
    handshake: (address) => consumeOrRefuse(limiters.handshakes, addressKey(address), 'Too many connections from this address; try again later.'),
    connection: (address) => consumeOrRefuse(limiters.connections, addressKey(address)),
    newConversation: (address) => consumeOrRefuse(limiters['new-conversations'], addressKey(address), 'Too many new conversations from this address; try again later.'),
    async upload(address, uploader) {
      await consumeOrRefuse(limiters['uploads-uploader'], uploader, 'Too many uploads; try again later.');
      await consumeOrRefuse(limiters['uploads-address'], addressKey(address), 'Too many uploads from this address; try again later.');
    },
    apiRequest: (address) => consumeOrRefuse(limiters['api-requests'], addressKey(address)),
    xCallback: (address) => consumeOrRefuse(limiters['x-callbacks'], addressKey(address), 'Too many X authorizations from this address; try again later.'),
    async close() {
      await visitorSockets.close();
      if (redis) await withTimeout(redis.quit(), 1_000, 'redis quit').catch(() => redis.disconnect());
    },
  };
}

/**
 * Its own connection: a limit check never waits in a queue behind the adapter's traffic, and a
 * command that cannot be answered fails fast (the memory insurance answers instead).
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1_000 });
  redis.on('error', (err) => logger.warn({ err }, 'limits: redis connection error'));
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  // Not there yet: start anyway; the limits hold per node until it is.
  await withTimeout(ready, 3_000, 'limits redis').catch(() => logger.warn('limits: redis not ready, counting per node until it is'));
  return redis;
}
