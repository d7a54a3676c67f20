import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { isProxyEntry } from './limits/client-address.ts';

/**
 * The environment, parsed once. This module is the only reader of process.env.
 * Every setting carries a `.describe()`: docs/operations/configuration.md is generated
 * from this schema (`npm run docs:generate`), and a test fails when one has none.
 */
const boolish = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : !['0', 'false', 'no', 'off', ''].includes(v.trim().toLowerCase())))
  .meta({ constraint: 'a boolean: `0`, `false`, `no` or `off` is false, anything else true' });

/** A positive whole number setting (a limit) with its default. */
function count(defaultValue: number) {
  return z.coerce.number().int().min(1).default(defaultValue);
}

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('`production` turns on the strict checks: `SECRET` is required and the demo is not seeded unless `SEED_DEMO` says so.'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('The HTTP and Socket.IO port (0: any free port).'),
  HOST: z.string().min(1).default('0.0.0.0').describe('The address to bind.'),
  PUBLIC_URL: z.url().optional().describe('The public origin visitors and agents use: the snippet the admin copies, the seeded allowed origins, the only origin the agent socket accepts; `https://` makes the session cookie Secure. Unset: `http://localhost:<bound port>`.'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional().describe('The Postgres database. Unset: embedded PGlite in `DATA_DIR`.'),
  DATA_DIR: z.string().min(1).default('./data').describe('Kept across restarts: the embedded PGlite database, the generated development secret and, by default, the uploads.'),
  ATTACHMENTS_STORAGE: z.enum(['postgres', 's3', 'disk']).default('postgres').describe('Where uploaded files are kept, readable by every node: `postgres` (in the database, in 256 KiB chunks: one backup holds everything), `s3` (an S3-compatible bucket, `S3_*` settings; for large installs), or `disk` (`UPLOAD_DIR`: one node only). Moving files between stores: the attachments page of the operations docs.'),
  UPLOAD_DIR: z.string().min(1).optional().describe('The directory of `ATTACHMENTS_STORAGE=disk` (files by id, never by the uploader\'s file name), and where `npm run attachments:migrate` reads files stored on disk before. Unset: `DATA_DIR/uploads`.'),
  S3_BUCKET: z.string().min(3).max(63).optional().describe('With `ATTACHMENTS_STORAGE=s3`: the bucket (it must exist). Required then.'),
  S3_ENDPOINT: z.url().optional().describe('With `ATTACHMENTS_STORAGE=s3`: the endpoint of an S3-compatible service (MinIO, Ceph, R2, …). Unset: AWS S3 of `S3_REGION`.'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('With `ATTACHMENTS_STORAGE=s3`: the region (S3-compatible services usually accept any).'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional().describe('With `ATTACHMENTS_STORAGE=s3`: the access key id, with `S3_SECRET_ACCESS_KEY`. Unset: the AWS SDK\'s default credentials (its own environment variables, profile, instance role).'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe('With `ATTACHMENTS_STORAGE=s3`: the secret access key, with `S3_ACCESS_KEY_ID`.'),
  S3_FORCE_PATH_STYLE: boolish.default(false).describe('With `ATTACHMENTS_STORAGE=s3`: address the bucket in the path (`endpoint/bucket/key`) rather than as a sub-domain; most self-hosted S3-compatible services need it.'),
  SECRET: z.string().min(16, 'SECRET must be at least 16 characters').optional().describe('The root of the server\'s keys, the same on every node: a key derived from it per use signs visitor tokens and encrypts stored credentials (website identity secrets, webhook signing secrets). Required in production; otherwise, when unset, generated into `DATA_DIR/secret` on first start and reused. Rotating it: `SECRET_PREVIOUS`.'),
  SECRET_PREVIOUS: z
    .string()
    .default('')
    .transform((v) => v.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))
    .refine((secrets) => secrets.every((s) => s.length >= 16), 'every previous secret must be at least 16 characters (separate them with commas or newlines)')
    .meta({ constraint: 'secrets of at least 16 characters, separated by commas or newlines' })
    .describe('Secrets `SECRET` had before a rotation, still accepted: visitor tokens they signed stay valid and credentials they encrypted stay readable until `npm run secrets:reencrypt`. Never the current `SECRET`. Remove one to retire it; the rotation step by step is on the secrets page of the operations docs.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('The pino log level (the tests use `silent`).'),
  SEED_DEMO: boolish.optional().describe('Seed the demo website, agents, queues and lists at start (idempotent). Unset: on, except in production. In production it needs `DEMO_PASSWORD`.'),
  DEMO_PASSWORD: z.string().min(10, 'DEMO_PASSWORD must be at least 10 characters').max(200).optional().describe('The password the demo seed gives new demo agents. Unset: `parley-demo` outside production; required to seed in production, where `parley-demo` is refused.'),
  SEED_DEMO_ASSISTANT: boolish.default(true).describe('With the demo seed: publish the demo assistant on the demo shop (false: the default messaging response answers first).'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional().describe('Fans Socket.IO events out between several nodes (Redis adapter). Unset: this node runs alone.'),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250).describe('How often this node\'s sweeper claims due timers (offer expiry, presence lapse, assistant reminders and closes).'),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000).describe('How long an agent whose last desktop disconnected keeps their presence before going Offline.'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional().describe('When set, `GET /metrics` on the main port requires `Authorization: Bearer <METRICS_TOKEN>`. Unset: the main port serves `/metrics` to anyone outside production, and not at all in production (404); see `METRICS_LISTEN`.'),
  METRICS_LISTEN: z
    .string()
    .refine((v) => parseListenAddress(v) !== null, 'must be host:port, e.g. 127.0.0.1:9464 or [::1]:9464')
    .optional()
    .describe('A private `host:port` (e.g. `10.0.0.5:9464`) where this node also serves `GET /metrics`, without a token: for a scraper on the private network. The main port then serves `/metrics` only with `METRICS_TOKEN`.'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000).describe('How long a graceful shutdown (SIGTERM) waits for in-flight work before closing anyway.'),
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: boolish.default(false).describe('Let outgoing webhooks target loopback, private (RFC 1918, fc00::/7), link-local and CGNAT addresses, by URL or after DNS. Off: refused when the webhook is saved and at every delivery (SSRF). `npm run dev` turns it on; the tests set it where they deliver to a local receiver.'),
  // X channel, receiving (x-dm): the webhook's CRC answers and delivery signatures.
  X_CONSUMER_SECRET: z.string().min(1).optional().describe('The X app\'s consumer secret (API Key Secret): answers X\'s CRC challenges and checks the signature of every event X posts to the X webhook. Unset: the X webhook refuses everything (polling still works).'),

  // Abuse limits (docs/security.md#abuse-limits). Defaults are set so that a real visitor or agent never meets
  // them, even many behind one address (carrier-grade NAT, an office); tests and the benchmark raise them.
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean))
    .refine((entries) => entries.every(isProxyEntry), 'must be a comma-separated list of IP addresses or CIDRs')
    .describe('Comma-separated IPs/CIDRs of our own reverse proxies: only their `X-Forwarded-For` is believed for the client address. Empty: the TCP peer is the client.'),
  LIMIT_KEY_PREFIX: z.string().min(1).default('parley:limits').describe('Prefix of the limits\' Redis keys (deployments sharing one Redis need distinct ones).'),
  LIMIT_SOCKET_EVENTS_BURST: count(150).describe('Per socket: events at once (a reconnecting widget resends its outbox; a desktop resyncs 12 chats).'),
  LIMIT_SOCKET_EVENTS_PER_MINUTE: count(600).describe('Per socket: sustained events per minute (the burst refills at this rate).'),
  LIMIT_SOCKET_TYPING_BURST: count(30).describe('Per socket: typing indicators at once, a budget of their own so typing never holds a message back.'),
  LIMIT_SOCKET_TYPING_PER_MINUTE: count(240).describe('Per socket: sustained typing indicators per minute.'),
  LIMIT_VISITOR_SOCKETS_PER_ADDRESS: count(100).describe('Per client address: visitor sockets connected at once (across nodes with Redis).'),
  LIMIT_HANDSHAKES_PER_ADDRESS_PER_MINUTE: count(600).describe('Per client address: socket handshakes (both namespaces) per minute; raw websocket connections get twice this.'),
  LIMIT_NEW_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: count(60).describe('Per client address: new conversations (a visitor\'s first message) per minute.'),
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: count(5).describe('Login: consecutive failures for one account from one address before a lockout (reset by a success).'),
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT: count(20).describe('Login: consecutive failures for one account from anywhere before a lockout (reset by a success).'),
  LIMIT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR: count(50).describe('Login: failures from one address, whatever the account, per hour before a lockout (not reset by a success).'),
  LIMIT_LOGIN_LOCKOUT_SEC: count(30).describe('Login: the first lockout, in seconds; each further failure doubles it, up to `LIMIT_LOGIN_LOCKOUT_MAX_SEC`.'),
  LIMIT_LOGIN_LOCKOUT_MAX_SEC: count(900).describe('Login: the longest lockout, in seconds.'),
  LIMIT_UPLOADS_PER_UPLOADER_PER_MINUTE: count(30).describe('Attachments: uploads per visitor or agent per minute.'),
  LIMIT_UPLOADS_PER_ADDRESS_PER_MINUTE: count(120).describe('Attachments: uploads per client address per minute.'),
  LIMIT_API_REQUESTS_PER_ADDRESS_PER_MINUTE: count(1200).describe('Every `/api` request, per client address per minute.'),
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
  /** ATTACHMENTS_STORAGE and, for s3, its S3_* settings. */
  attachmentsStorage: AttachmentsStorageSettings;
  /** Explicit SECRET, or null to use/generate DATA_DIR/secret (refused in production). */
  secret: string | null;
  /** SECRET_PREVIOUS: earlier secrets still accepted (tokens they signed, credentials they encrypted). */
  secretPrevious: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  seedDemo: boolean;
  /**
   * The password the demo seed gives new demo agents: DEMO_PASSWORD, else the public one of the README
   * outside production; null in production without DEMO_PASSWORD (the demo is then not seeded).
   */
  demoPassword: string | null;
  /** Whether the demo seed publishes the demo assistant on demo-shop. */
  seedDemoAssistant: boolean;
  /** Redis for multi-node Socket.IO fan-out; null = single node. */
  redisUrl: string | null;
  sweepIntervalMs: number;
  presenceGraceMs: number;
  /** Bearer token guarding /metrics on the main port; null = see `metricsAccess`. */
  metricsToken: string | null;
  /** METRICS_LISTEN: a private listener serving /metrics alone (no token), or null. */
  metricsListen: { host: string; port: number } | null;
  shutdownTimeoutMs: number;
  /** Webhooks may target loopback/private/link-local addresses (SSRF guard off); false unless asked for. */
  webhooksAllowPrivateTargets: boolean;
  /** X_CONSUMER_SECRET: signs X's CRC answers and checks its deliveries; null = the X webhook refuses everything. */
  xConsumerSecret: string | null;
  /** TRUSTED_PROXIES entries (IPs and CIDRs). */
  trustedProxies: string[];
  limits: LimitSettings;
}

/** Where attachments' bytes live (server/attachments/storage/). */
export type AttachmentsStorageSettings = { kind: 'postgres' } | { kind: 'disk' } | ({ kind: 's3' } & S3Settings);

export interface S3Settings {
  bucket: string;
  /** null: AWS S3 of `region`. */
  endpoint: string | null;
  region: string;
  /** null: the AWS SDK's default credential chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  forcePathStyle: boolean;
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
  if (e.SECRET && e.SECRET_PREVIOUS.includes(e.SECRET)) throw new Error('Invalid environment:\n  SECRET_PREVIOUS: must not contain the current SECRET');
  const production = e.NODE_ENV === 'production';
  const demo = {
    nodeEnv: e.NODE_ENV,
    // A known demo password must never appear in production unless asked for.
    seedDemo: e.SEED_DEMO ?? !production,
    demoPassword: e.DEMO_PASSWORD ?? (production ? null : PUBLIC_DEMO_PASSWORD),
  };
  const attachmentsStorage = attachmentsStorageOf(e);
  if (demo.seedDemo) demoSeedPassword(demo, (problem) => new Error(`Invalid environment:\n  DEMO_PASSWORD: ${problem}`));
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: resolve(e.DATA_DIR),
    uploadDir: e.UPLOAD_DIR ? resolve(e.UPLOAD_DIR) : null,
    attachmentsStorage,
    secret: e.SECRET ?? null,
    secretPrevious: e.SECRET_PREVIOUS,
    logLevel: e.LOG_LEVEL,
    seedDemo: demo.seedDemo,
    demoPassword: demo.demoPassword,
    seedDemoAssistant: e.SEED_DEMO_ASSISTANT,
    redisUrl: e.REDIS_URL ?? null,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsListen: e.METRICS_LISTEN ? parseListenAddress(e.METRICS_LISTEN) : null,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    webhooksAllowPrivateTargets: e.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
    xConsumerSecret: e.X_CONSUMER_SECRET ?? null,
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

/** ATTACHMENTS_STORAGE with the S3_* settings it needs, checked together (a half-configured bucket stops the start). */
function attachmentsStorageOf(e: z.infer<typeof EnvSchema>): AttachmentsStorageSettings {
  if (e.ATTACHMENTS_STORAGE !== 's3') return { kind: e.ATTACHMENTS_STORAGE };
  const invalid = (problem: string) => new Error(`Invalid environment:\n  ${problem}`);
  if (!e.S3_BUCKET) throw invalid('S3_BUCKET: required with ATTACHMENTS_STORAGE=s3');
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) throw invalid('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  return {
    kind: 's3',
    bucket: e.S3_BUCKET,
    endpoint: e.S3_ENDPOINT ?? null,
    region: e.S3_REGION,
    credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : null,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
  };
}

/** The demo agents' password printed in the README and at a development start: anyone knows it. */
export const PUBLIC_DEMO_PASSWORD = 'parley-demo';

/**
 * The password the demo seed may give its agents here, or an error saying why the demo may not be seeded.
 * In production the demo is seeded only when asked for (SEED_DEMO=true), and never with the public password:
 * an admin anyone can log in as, on a public server.
 */
export function demoSeedPassword(
  env: Pick<Env, 'nodeEnv' | 'demoPassword'>,
  error: (problem: string) => Error = (problem) => new Error(`The demo cannot be seeded: ${problem}`),
): string {
  if (env.nodeEnv !== 'production') return env.demoPassword ?? PUBLIC_DEMO_PASSWORD;
  if (!env.demoPassword) throw error('required to seed the demo in production (SEED_DEMO=true); choose a password of your own');
  if (env.demoPassword === PUBLIC_DEMO_PASSWORD) throw error(`"${PUBLIC_DEMO_PASSWORD}" is public (README); choose a password of your own in production`);
  return env.demoPassword;
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

/** `host:port` (IPv6 in brackets) → its parts, or null. */
export function parseListenAddress(value: string): { host: string; port: number } | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  return { host: (match[1] ?? match[2])!, port };
}

/**
 * Who may read `/metrics` on the main port: anyone bearing METRICS_TOKEN when set; otherwise
 * nobody when a private METRICS_LISTEN serves it or in production (traffic figures are not
 * public by default), and anyone in development and the demo.
 */
export type MetricsAccess = { kind: 'token'; token: string } | { kind: 'open' } | { kind: 'closed' };

export function metricsAccess(env: Pick<Env, 'metricsToken' | 'metricsListen' | 'nodeEnv'>): MetricsAccess {
  if (env.metricsToken) return { kind: 'token', token: env.metricsToken };
  if (env.metricsListen || env.nodeEnv === 'production') return { kind: 'closed' };
  return { kind: 'open' };
}

/** PUBLIC_URL, else http://localhost:<port actually bound>. */
export function publicUrlFor(env: Pick<Env, 'publicUrl'>, boundPort: number): string {
  return env.publicUrl ?? `http://localhost:${boundPort}`;
}
