import type { Logger } from 'pino';
import type { Services } from './index.ts';

/**
 * Each node's sweeper: every tick it claims due timers (offer expiry, presence
 * lapse) with SKIP LOCKED, so any node may run any timer exactly once; every few
 * ticks it also dispatches, a safety net should a node die between a commit and
 * its follow-up dispatch. Stopped (and awaited) on close.
 */
export function startSweeper(services: Services, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let ticks = 0;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    ticks++;
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
      await running;
    },
  };
}
