/** Benchmark sizes: `--quick` (a few minutes, a smoke check of the figures) or the full run. */

export interface BenchConfig {
  mode: 'quick' | 'full';
  /** Worker processes driving visitors (one more drives the agents). */
  visitorWorkers: number;
  /** Visitors, each in its own conversation with an agent (agents = visitors / 12, rounded up). */
  visitors: number;
  /** Messages in flight per visitor in the closed-loop throughput phase. */
  window: number;
  warmupMs: number;
  throughputMs: number;
  /** Offered loads (msg/s) of the open-loop latency sweep, ascending. */
  loads: number[];
  levelMs: number;
  idleSockets: number;
  replayMessages: number;
  /** The two-node row (Redis fan-out); needs REDIS_URL. */
  twoNodes: boolean;
}

/** The offered load the headline p99 is quoted at. */
export const HEADLINE_LOAD = 2_000;
export const AGENT_MAX_CHATS = 12;

export const TARGETS = { msgsPerSec: 10_000, p99Ms: 25, idleSockets: 10_000, bytesPerIdleSocket: 20 * 1024 } as const;

export function configFor(args: readonly string[]): BenchConfig {
  const quick = args.includes('--quick');
  const flag = (name: string): number | undefined => {
    const hit = args.find((a) => a.startsWith(`--${name}=`));
    const value = hit ? Number(hit.split('=')[1]) : undefined;
    return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const base: BenchConfig = quick
    ? { mode: 'quick', visitorWorkers: 2, visitors: 96, window: 2, warmupMs: 1_000, throughputMs: 4_000, loads: [500, 1_000, 2_000, 4_000], levelMs: 3_000, idleSockets: 2_000, replayMessages: 1_000, twoNodes: true }
    : { mode: 'full', visitorWorkers: 2, visitors: 240, window: 2, warmupMs: 2_000, throughputMs: 10_000, loads: [500, 1_000, 2_000, 4_000, 6_000, 8_000, 10_000, 12_000], levelMs: 8_000, idleSockets: 10_000, replayMessages: 1_000, twoNodes: true };
  return {
    ...base,
    visitors: flag('visitors') ?? base.visitors,
    visitorWorkers: flag('workers') ?? base.visitorWorkers,
    idleSockets: flag('idle') ?? base.idleSockets,
    twoNodes: base.twoNodes && !args.includes('--no-two-nodes'),
  };
}

export function usage(): string {
  return [
    'npm run bench [-- --quick] [--visitors=N] [--workers=N] [--idle=N] [--no-two-nodes]',
    'Needs DATABASE_URL (a Postgres server; a fresh database is created and dropped) and REDIS_URL for the two-node row',
    '(defaults: postgres://postgres@127.0.0.1:5432/postgres and redis://127.0.0.1:6379).',
  ].join('\n');
}
