import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { withTimeout } from './metrics.ts';

/**
 * Readiness: may a load balancer send this node new connections? Yes when the
 * database answers `select 1`, Redis (when configured) answers PING, and the
 * node is not shutting down. Each probe is bounded so a hung dependency makes
 * /readyz answer 503 quickly instead of hanging the health checker.
 */
export type CheckResult = 'ok' | 'failed' | 'skipped';

export interface ReadinessReport {
  ready: boolean;
  checks: { database: CheckResult; redis: CheckResult; accepting: CheckResult };
  /** Names of the failed checks, for the 503 message. */
  failed: string[];
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Set by the gateway once Redis clients exist (null = single node, Redis skipped). */
  setRedisProbe(probe: (() => Promise<void>) | null): void;
  /** From now on the node reports not ready (graceful shutdown). */
  markDraining(): void;
  readonly draining: boolean;
}

export const PROBE_TIMEOUT_MS = 2_000;

export function createReadiness(db: Db, timeoutMs = PROBE_TIMEOUT_MS): Readiness {
  let redisProbe: (() => Promise<void>) | null = null;
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
      const [database, redis] = await Promise.all([
        run(() => db.execute(sql`select 1`), 'database probe'),
        probe ? run(probe, 'redis probe') : Promise.resolve<CheckResult>('skipped'),
      ]);
      const checks = { database, redis, accepting: (draining ? 'failed' : 'ok') as CheckResult };
      const failed = Object.entries(checks)
        .filter(([, v]) => v === 'failed')
        .map(([k]) => k);
      return { ready: failed.length === 0, checks, failed };
    },
    setRedisProbe(probe) {
      redisProbe = probe;
    },
    markDraining() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}
