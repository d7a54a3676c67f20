import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from '../../protocol/limits.ts';
import { NO_ANSWER, type VisitorLink } from './visitor-socket.ts';

export interface HeartbeatOptions {
  intervalMs?: number;
  timeoutMs?: number;
}

/**
 * App-level heartbeat. A socket can look connected while the path is dead (sleeping
 * laptop, NAT drop): a ping without ack in time forces a reconnect, which then
 * resyncs and flushes the outbox. Returns a stop function.
 */
export function startHeartbeat(link: VisitorLink, options: HeartbeatOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || !link.connected) return;
    busy = true;
    const answer = await link.request('ping', {}, timeoutMs);
    busy = false;
    // Only a missing answer means the path is dead; an error ack still proves it alive.
    if (!answer.ok && answer.error.message === NO_ANSWER && link.connected) link.forceReconnect();
  }, intervalMs);
  return () => clearInterval(timer);
}
