import { access } from 'node:fs/promises';
import type { Db } from '../db/client.ts';
import { pingDatabase } from '../db/stores/metrics-store.ts';
import { withTimeout } from './metrics.ts';

/**
 * Readiness: may a load balancer send this node new connections? Yes when its start has
 * finished (migrations, and the demo seed when enabled), the front-end bundles it serves exist,
 * the database answers `select 1`, Redis (when configured) answers PING, and the node is not
 * shutting down. Each probe is bounded so a hung dependency makes /readyz answer 503 quickly
 * instead of hanging the health checker.
 */
export type CheckResult = 'ok' | 'failed' | 'skipped';

export interface ReadinessChecks {
  database: CheckResult;
  redis: CheckResult;
  /** The widget and desktop bundles (`npm run build`) are where the node serves them from. */
  assets: CheckResult;
  /** Migrations applied and the demo seeded (when enabled): until then a widget would meet "unknown website". */
  startup: CheckResult;
  accepting: CheckResult;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessChecks;
  /** Names of the failed checks, for the 503 message. */
  failed: string[];
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Set by the gateway once Redis clients exist (null = single node, Redis skipped). */
  setRedisProbe(probe: (() => Promise<void>) | null): void;
  /** The start has finished: from now on the node may report ready. */
  markStarted(): void;
  readonly started: boolean;
  /** From now on the node reports not ready (graceful shutdown). */
  markDraining(): void;
  readonly draining: boolean;
  /** Started and not draining: sockets may connect and events be handled. */
  readonly accepting: boolean;
}

export const PROBE_TIMEOUT_MS = 2_000;

export interface ReadinessOptions {
  /** Files that must exist for the node to serve its front-end; empty = not checked ("skipped"). */
  assets?: readonly string[];
  timeoutMs?: number;
}

export function createReadiness(db: Db, options: ReadinessOptions = {}): Readiness {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const assets = options.assets ?? [];
  let redisProbe: (() => Promise<void>) | null = null;
  let started = false;
  let draining = false;
  const run = async (probe: () => Promise<unknown>, what: string): Promise<CheckResult> => {
    try {
      await withTimeout(probe(), timeoutMs, what);
      return 'ok';
    } catch {
      return 'failed';
    }
  };
  return {
    async check() {
      const probe = redisProbe;
      const [database, redis, assetsResult] = await Promise.all([
        run(() => pingDatabase(db), 'database probe'),
        probe ? run(probe, 'redis probe') : Promise.resolve<CheckResult>('skipped'),
        assets.length ? run(() => Promise.all(assets.map((file) => access(file))), 'assets probe') : Promise.resolve<CheckResult>('skipped'),
      ]);
      const checks: ReadinessChecks = {
        database,
        redis,
        assets: assetsResult,
        startup: started ? 'ok' : 'failed',
        accepting: draining ? 'failed' : 'ok',
      };
      const failed = Object.entries(checks)
        .filter(([, v]) => v === 'failed')
        .map(([k]) => k);
      return { ready: failed.length === 0, checks, failed };
    },
    setRedisProbe(probe) {
      redisProbe = probe;
    },
    markStarted() {
      started = true;
    },
    markDraining() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    get started() {
      return started;
    },
    get accepting() {
      return started && !draining;
    },
  };
}
