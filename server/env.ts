import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { isProxyEntry } from './limits/client-address.ts';

/** The environment, parsed once. This module is the only reader of process.env. */
const boolish = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : !['0', 'false', 'no', 'off', ''].includes(v.trim().toLowerCase())));

/** A positive whole number setting (a limit) with its default. */
function count(defaultValue: number) {
  return z.coerce.number().int().min(1).default(defaultValue);
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Where uploaded attachments are stored (default DATA_DIR/uploads). */
  UPLOAD_DIR: z.string().min(1).optional(),
  SECRET: z.string().min(16, 'SECRET must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: boolish.optional(),
  /** With the demo seed: publish the demo assistant on demo-shop (false = the default messaging response). */
  SEED_DEMO_ASSISTANT: boolish.default(true),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  /** How often this node's sweeper claims due timers (offer expiry, presence lapse). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Grace period after an agent's last desktop disconnects before they become Offline. */
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** How long a graceful shutdown (SIGTERM) may wait for in-flight work before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),

  // Abuse limits (docs/security.md). Defaults are set so that a real visitor or agent never meets
  // them, even many behind one address (carrier-grade NAT, an office); tests and the benchmark raise them.
  /** Comma-separated IPs/CIDRs of our own reverse proxies: only their X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean))
    .refine((entries) => entries.every(isProxyEntry), 'must be a comma-separated list of IP addresses or CIDRs'),
  /** Prefix of the limits' Redis keys (deployments sharing one Redis need distinct ones). */
  LIMIT_KEY_PREFIX: z.string().min(1).default('parley:limits'),
  /** Per socket: events at once (a reconnecting widget resends its outbox; a desktop resyncs 12 chats). */
  LIMIT_SOCKET_EVENTS_BURST: count(150),
  /** Per socket: sustained events per minute (the burst refills at this rate). */
  LIMIT_SOCKET_EVENTS_PER_MINUTE: count(600),
  /** Per socket: typing indicators at once, a budget of their own so typing never holds a message back. */
  LIMIT_SOCKET_TYPING_BURST: count(30),
  LIMIT_SOCKET_TYPING_PER_MINUTE: count(240),
  /** Per client address: visitor sockets connected at once (across nodes with Redis). */
  LIMIT_VISITOR_SOCKETS_PER_ADDRESS: count(100),
  /** Per client address: socket handshakes (both namespaces) per minute. */
  LIMIT_HANDSHAKES_PER_ADDRESS_PER_MINUTE: count(600),
  /** Per client address: new conversations (a visitor's first message) per minute. */
  LIMIT_NEW_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: count(60),
  /** Login: consecutive failures for one account from one address before a lockout. */
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: count(5),
  /** Login: consecutive failures for one account from anywhere before a lockout. */
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT: count(20),
  /** Login: failures from one address, whatever the account, per hour before a lockout. */
  LIMIT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: count(50),
  /** Login: the first lockout; each further failure after one doubles it, up to LIMIT_LOGIN_LOCKOUT_MAX_SEC. */
  LIMIT_LOGIN_LOCKOUT_SEC: count(30),
  LIMIT_LOGIN_LOCKOUT_MAX_SEC: count(900),
  /** Attachments: uploads per visitor or agent per minute. */
  LIMIT_UPLOADS_PER_UPLOADER_PER_MINUTE: count(30),
  /** Attachments: uploads per client address per minute. */
  LIMIT_UPLOADS_PER_ADDRESS_PER_MINUTE: count(120),
  /** Every /api request, per client address per minute. */
  LIMIT_API_REQUESTS_PER_ADDRESS_PER_MINUTE: count(1200),
});

export interface Env {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Explicit PUBLIC_URL, or null to derive it from the bound port. */
  publicUrl: string | null;
  databaseUrl: string | null;
  dataDir: string;
  /** UPLOAD_DIR, or null for DATA_DIR/uploads. */
  uploadDir: string | null;
  /** Explicit SECRET, or null to use/generate DATA_DIR/secret (refused in production). */
  secret: string | null;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  seedDemo: boolean;
  /** Whether the demo seed publishes the demo assistant on demo-shop. */
  seedDemoAssistant: boolean;
  /** Redis for multi-node Socket.IO fan-out; null = single node. */
  redisUrl: string | null;
  sweepIntervalMs: number;
  presenceGraceMs: number;
  /** Bearer token guarding /metrics; null = /metrics open (keep it off the public proxy). */
  metricsToken: string | null;
  shutdownTimeoutMs: number;
  /** TRUSTED_PROXIES entries (IPs and CIDRs). */
  trustedProxies: string[];
  limits: LimitSettings;
}

/** The abuse limits (LIMIT_* settings); see EnvSchema for what each one counts. */
export interface LimitSettings {
  keyPrefix: string;
  socketEventsBurst: number;
  socketEventsPerMinute: number;
  socketTypingBurst: number;
  socketTypingPerMinute: number;
  visitorSocketsPerAddress: number;
  handshakesPerAddressPerMinute: number;
  newConversationsPerAddressPerMinute: number;
  loginFailuresPerAccountAndAddress: number;
  loginFailuresPerAccount: number;
  loginFailuresPerAddressPerHour: number;
  loginLockoutSec: number;
  loginLockoutMaxSec: number;
  uploadsPerUploaderPerMinute: number;
  uploadsPerAddressPerMinute: number;
  apiRequestsPerAddressPerMinute: number;
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SECRET) throw new Error('Invalid environment:\n  SECRET: required in production');
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: resolve(e.DATA_DIR),
    uploadDir: e.UPLOAD_DIR ? resolve(e.UPLOAD_DIR) : null,
    secret: e.SECRET ?? null,
    logLevel: e.LOG_LEVEL,
    // A known demo password must never appear in production unless asked for.
    seedDemo: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    seedDemoAssistant: e.SEED_DEMO_ASSISTANT,
    redisUrl: e.REDIS_URL ?? null,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trustedProxies: e.TRUSTED_PROXIES,
    limits: {
      keyPrefix: e.LIMIT_KEY_PREFIX,
      socketEventsBurst: e.LIMIT_SOCKET_EVENTS_BURST,
      socketEventsPerMinute: e.LIMIT_SOCKET_EVENTS_PER_MINUTE,
      socketTypingBurst: e.LIMIT_SOCKET_TYPING_BURST,
      socketTypingPerMinute: e.LIMIT_SOCKET_TYPING_PER_MINUTE,
      visitorSocketsPerAddress: e.LIMIT_VISITOR_SOCKETS_PER_ADDRESS,
      handshakesPerAddressPerMinute: e.LIMIT_HANDSHAKES_PER_ADDRESS_PER_MINUTE,
      newConversationsPerAddressPerMinute: e.LIMIT_NEW_CONVERSATIONS_PER_ADDRESS_PER_MINUTE,
      loginFailuresPerAccountAndAddress: e.LIMIT_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
      loginFailuresPerAccount: e.LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
      loginFailuresPerAddressPerHour: e.LIMIT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR,
      loginLockoutSec: e.LIMIT_LOGIN_LOCKOUT_SEC,
      loginLockoutMaxSec: Math.max(e.LIMIT_LOGIN_LOCKOUT_MAX_SEC, e.LIMIT_LOGIN_LOCKOUT_SEC),
      uploadsPerUploaderPerMinute: e.LIMIT_UPLOADS_PER_UPLOADER_PER_MINUTE,
      uploadsPerAddressPerMinute: e.LIMIT_UPLOADS_PER_ADDRESS_PER_MINUTE,
      apiRequestsPerAddressPerMinute: e.LIMIT_API_REQUESTS_PER_ADDRESS_PER_MINUTE,
    },
  };
}

/** The signing secret: SECRET, else one generated into DATA_DIR/secret on first start and reused. */
export function resolveSecret(env: Pick<Env, 'secret' | 'dataDir' | 'nodeEnv'>): string {
  if (env.secret) return env.secret;
  if (env.nodeEnv === 'production') throw new Error('SECRET is required in production');
  const file = join(env.dataDir, 'secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return stored;
  }
  mkdirSync(env.dataDir, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, generated + '\n', { mode: 0o600 });
  return generated;
}

/** PUBLIC_URL, else http://localhost:<port actually bound>. */
export function publicUrlFor(env: Pick<Env, 'publicUrl'>, boundPort: number): string {
  return env.publicUrl ?? `http://localhost:${boundPort}`;
}
