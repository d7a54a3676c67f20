import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The environment, parsed once. This module is the only reader of process.env. */
const boolish = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : !['0', 'false', 'no', 'off', ''].includes(v.trim().toLowerCase())));

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
  /** The demo agents' password; required to seed the demo in production (where the public one is refused). */
  DEMO_PASSWORD: z.string().min(10, 'DEMO_PASSWORD must be at least 10 characters').max(200).optional(),
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
  /** Bearer token guarding /metrics; null = /metrics open (keep it off the public proxy). */
  metricsToken: string | null;
  shutdownTimeoutMs: number;
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
  const production = e.NODE_ENV === 'production';
  const demo = {
    nodeEnv: e.NODE_ENV,
    // A known demo password must never appear in production unless asked for.
    seedDemo: e.SEED_DEMO ?? !production,
    demoPassword: e.DEMO_PASSWORD ?? (production ? null : PUBLIC_DEMO_PASSWORD),
  };
  if (demo.seedDemo) demoSeedPassword(demo, (problem) => new Error(`Invalid environment:\n  DEMO_PASSWORD: ${problem}`));
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
    seedDemo: demo.seedDemo,
    demoPassword: demo.demoPassword,
    seedDemoAssistant: e.SEED_DEMO_ASSISTANT,
    redisUrl: e.REDIS_URL ?? null,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
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

/** PUBLIC_URL, else http://localhost:<port actually bound>. */
export function publicUrlFor(env: Pick<Env, 'publicUrl'>, boundPort: number): string {
  return env.publicUrl ?? `http://localhost:${boundPort}`;
}
