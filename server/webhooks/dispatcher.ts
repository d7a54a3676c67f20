import type { Logger } from 'pino';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import { CredentialUnreadable, type CredentialCipher } from '../keys/credential-cipher.ts';
import { defaultBackoff, nextRetryAt, type Backoff } from './backoff.ts';
import { claimDueDeliveries, recordAttempt, type ClaimedDelivery } from '../db/stores/webhook-deliveries-store.ts';
import { sendDelivery, type SendResult } from './send.ts';

/**
 * Every node runs one dispatcher: every `intervalMs` it claims due deliveries
 * (any node may take any row; SKIP LOCKED keeps them apart), POSTs them in
 * parallel, and records delivered / retry-with-backoff / failed. Delivery is
 * at-least-once: receivers de-duplicate on the delivery id.
 */
export interface DispatcherOptions {
  db: Db;
  /** Decrypts the webhooks' signing secrets (stored encrypted). */
  credentials: CredentialCipher;
  clock?: Clock;
  logger?: Logger;
  intervalMs?: number;
  batchSize?: number;
  timeoutMs?: number;
  /** How long a claim holds a delivery before another node may take it (> timeoutMs). */
  leaseMs?: number;
  backoff?: Partial<Backoff>;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: also deliver to loopback, private and link-local addresses (default false). */
  allowPrivateTargets?: boolean;
}

export interface WebhookDispatcher {
  /** One claim-and-send round; resolves with the number of deliveries attempted. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the loop and waits for the round in progress. */
  stop(): Promise<void>;
}

export function createWebhookDispatcher(opts: DispatcherOptions): WebhookDispatcher {
  const clock = opts.clock ?? systemClock;
  const intervalMs = opts.intervalMs ?? 500;
  const batchSize = opts.batchSize ?? 20;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const leaseMs = opts.leaseMs ?? Math.max(60_000, timeoutMs * 3);
  const backoff: Backoff = { ...defaultBackoff, ...opts.backoff };

  async function signAndSend(delivery: ClaimedDelivery): Promise<SendResult> {
    let secret: string;
    try {
      secret = opts.credentials.decrypt(delivery.storedSecret);
    } catch (err) {
      // Encrypted under a secret this node lacks (a rotation half rolled out): this attempt fails and is retried,
      // maybe by a node that has it. Nothing is sent unsigned.
      if (err instanceof CredentialUnreadable) return { ok: false, status: null, error: err.message };
      throw err;
    }
    return sendDelivery(delivery, secret, { now: clock.now(), timeoutMs, allowPrivateTargets: opts.allowPrivateTargets ?? false });
  }

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const result = await signAndSend(delivery);
    const now = clock.now();
    const outcome = result.ok ? result : { ...result, retryAt: nextRetryAt(backoff, delivery.attempt, now) };
    await recordAttempt(opts.db, delivery, outcome, now);
    if (!result.ok) opts.logger?.warn({ deliveryId: delivery.id, attempt: delivery.attempt, error: result.error }, 'webhook delivery failed');
  }

  async function runOnce(): Promise<number> {
    const claimed = await claimDueDeliveries(opts.db, { now: clock.now(), limit: batchSize, leaseMs });
    await Promise.all(claimed.map(attempt));
    return claimed.length;
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().then(
        // A full batch means more may be due: go again at once.
        (n) => schedule(n >= batchSize ? 0 : intervalMs),
        (err: unknown) => {
          opts.logger?.error({ err }, 'webhook dispatcher round failed');
          schedule(intervalMs);
        },
      );
    }, delay);
    timer.unref?.();
  };

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
