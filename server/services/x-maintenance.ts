import type { Logger } from 'pino';
import type { XAccountsService } from './x-accounts-service.ts';

/**
 * The X accounts' upkeep on every node (issue 19): X's verdict on the webhook read back, expired pending
 * authorizations removed. One `GET /2/webhooks` per interval per node: cheap, and idempotent across nodes.
 */
export const X_MAINTENANCE_INTERVAL_MS = 10 * 60_000;

export function startXMaintenance(x: XAccountsService, logger: Logger, intervalMs = X_MAINTENANCE_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= x
      .maintain()
      .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'X accounts upkeep failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
