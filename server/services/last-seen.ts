import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { touchVisitors } from '../db/stores/visitors-store.ts';

/**
 * `visitors.last_seen_at`, written in the background: a reconnecting widget does not wait for a
 * write, and a storm of reconnects costs one UPDATE per interval instead of one per socket.
 */
export function createLastSeen(db: Db, logger: Logger, intervalMs = 1_000) {
  let seen = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  async function flush(): Promise<void> {
    timer = null;
    const ids = [...seen];
    seen = new Set();
    try {
      await touchVisitors(db, ids);
    } catch (err) {
      // Informational only: the next handshake marks the visitor again.
      logger.debug({ err }, 'last-seen update failed');
    }
  }

  return {
    touch(visitorId: string): void {
      seen.add(visitorId);
      timer ??= setTimeout(() => void flush(), intervalMs).unref();
    },
  };
}
