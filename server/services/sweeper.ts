import type { Logger } from 'pino';
import type { Services } from './index.ts';

/**
 * Each node's sweeper: every tick it claims due timers (offer expiry, presence
 * lapse) with SKIP LOCKED, so any node may run any timer exactly once; every few
 * ticks it also dispatches, a safety net should a node die between a commit and
 * its follow-up dispatch. Every 60 ticks it asks for the daily retention sweep
 * (retention-service.ts), run beside the ticks so a long sweep never delays an
 * offer's expiry. Stopped (and awaited) on close.
 */
export function startSweeper(services: Services, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let retention: Promise<unknown> | null = null;
  let ticks = 0;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    ticks++;
    if (ticks % 60 === 1 && !retention) {
      retention = services.retention
        .runDaily()
        .catch((err) => logger.warn({ err }, 'retention sweep failed'))
        .finally(() => {
          retention = null;
        });
    }
    running = (async () => {
      await services.routing.sweep();
      if (ticks % 8 === 0) await services.routing.dispatch();
    })()
      .catch((err) => logger.warn({ err }, 'sweep failed'))
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(tick, intervalMs);
  handle.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(handle);
      await Promise.all([running, retention]);
    },
  };
}
