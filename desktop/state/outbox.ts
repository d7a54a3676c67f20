import { batch, signal } from '@preact/signals';
import { ERROR_CODES, type Message } from '../../protocol/index.ts';
import { toApiError, type ApiError } from '../api/api-error.ts';
import type { OutboxEntry, OutboxStorage } from './outbox-storage.ts';

export type { OutboxEntry } from './outbox-storage.ts';

/** First wait after a retryable failure while connected; it doubles up to the maximum. */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 30_000;
/**
 * Retryable failures one entry may have while connected before it shows as not sent, as in the widget:
 * one message the server keeps failing on must not hold back the others. RATE_LIMITED and failures
 * while the socket is down (the answer was lost with the connection) are not counted.
 */
export const MAX_ATTEMPTS = 8;

export interface OutboxDeps {
  /** `message:send` with the entry's client id; resolves with the stored message. */
  send(entry: OutboxEntry): Promise<Message>;
  /** Whether the socket is up: a send while it is down would only fail fast. */
  connected(): boolean;
  /** The transcript already holds this client id (stored, its ack lost): nothing left to send. */
  isStored(entry: OutboxEntry): boolean;
  storage: OutboxStorage;
  /** Timers; tests pass one they run by hand. Returns the cancel function. */
  schedule?: (ms: number, run: () => void) => () => void;
  random?: () => number;
}

const timer = (ms: number, run: () => void) => {
  const id = setTimeout(run, ms);
  return () => clearTimeout(id);
};

/**
 * The desktop's outbox: every agent message (chat, Communication follow-up, image) goes through it.
 * Each conversation's entries go one at a time, in the order written, with the client id given when
 * the agent pressed Send, and leave only on a positive ack, so a resend can never store a message
 * twice (the server answers a known client id with the stored message). A retryable failure
 * (UNAVAILABLE: the socket is down, the node restarts, no ack in time; RATE_LIMITED) holds that
 * conversation's queue until the socket is back (`flush`) or a backoff delay passes; a refusal for
 * good (or MAX_ATTEMPTS failures while connected) marks the entry failed (Retry, Delete) and the next
 * one goes.
 */
export function createOutbox(deps: OutboxDeps) {
  const schedule = deps.schedule ?? timer;
  const random = deps.random ?? Math.random;
  const entries = signal<readonly OutboxEntry[]>(deps.storage.load());
  const running = new Set<string>();
  const attempts = new Map<string, number>();
  const storedListeners = new Set<(message: Message) => void>();
  const failedListeners = new Set<(entry: OutboxEntry) => void>();
  let delay = RETRY_BASE_MS;
  let cancelRetry: (() => void) | null = null;
  /** RATE_LIMITED: nothing goes before the server's delay has passed. */
  let held = false;
  let disposed = false;

  const set = (next: readonly OutboxEntry[]) => {
    if (disposed) return;
    entries.value = next;
    deps.storage.save(next);
  };
  const find = (clientId: string) => entries.value.find((entry) => entry.clientId === clientId);
  const drop = (clientId: string) => set(entries.value.filter((entry) => entry.clientId !== clientId));
  const patch = (clientId: string, change: Partial<OutboxEntry>) =>
    set(entries.value.map((entry) => (entry.clientId === clientId ? { ...entry, ...change } : entry)));

  /** Try again later: after the server's delay when it gave one, else with a doubling, jittered backoff. */
  function retryLater(error: ApiError): void {
    if (!deps.connected() && error.code !== 'RATE_LIMITED') return; // the reconnect flushes
    cancelRetry?.();
    let wait: number;
    if (error.code === 'RATE_LIMITED') {
      held = true;
      wait = (error.retryAfterMs ?? delay) + random() * 250;
    } else {
      wait = delay * (0.5 + random() * 0.5);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
    cancelRetry = schedule(wait, () => {
      cancelRetry = null;
      held = false;
      flush();
    });
  }

  /** Whether a retryable failure was one too many for this entry (see MAX_ATTEMPTS). */
  function givesUp(clientId: string, error: ApiError): boolean {
    if (error.code === 'RATE_LIMITED' || !deps.connected()) return false;
    const count = (attempts.get(clientId) ?? 0) + 1;
    attempts.set(clientId, count);
    return count >= MAX_ATTEMPTS;
  }

  /** Sends one conversation's queue, head first, until it is empty or must wait. */
  async function drain(conversationId: string): Promise<void> {
    if (running.has(conversationId)) return;
    running.add(conversationId);
    try {
      for (;;) {
        if (disposed || held || !deps.connected()) return;
        const next = entries.value.find((entry) => entry.conversationId === conversationId && entry.status === 'sending');
        if (!next) return;
        if (deps.isStored(next)) {
          drop(next.clientId);
          continue;
        }
        try {
          const message = await deps.send(next);
          delay = RETRY_BASE_MS;
          attempts.delete(next.clientId);
          batch(() => {
            drop(next.clientId);
            if (!disposed) storedListeners.forEach((listener) => listener(message));
          });
        } catch (cause) {
          const error = toApiError(cause);
          if (ERROR_CODES[error.code].retryable && !givesUp(next.clientId, error)) return retryLater(error);
          attempts.delete(next.clientId);
          const failed = { status: 'failed' as const, error: { code: error.code, message: error.message } };
          patch(next.clientId, failed);
          if (!disposed) failedListeners.forEach((listener) => listener({ ...next, ...failed }));
        }
      }
    } finally {
      running.delete(conversationId);
    }
  }

  /** Sends whatever waits, conversation by conversation (each in its own order). */
  function flush(): void {
    const conversations = new Set(entries.value.filter((entry) => entry.status === 'sending').map((entry) => entry.conversationId));
    conversations.forEach((id) => void drain(id));
  }

  return {
    entries,
    /** A conversation's unstored entries, in the order written. */
    of: (conversationId: string) => entries.value.filter((entry) => entry.conversationId === conversationId),
    /** Queues a message (its client id is given now, once) and sends it when its turn comes. */
    enqueue(entry: Omit<OutboxEntry, 'status' | 'error' | 'createdAt'>): void {
      if (find(entry.clientId)) return;
      set([...entries.value, { ...entry, createdAt: new Date().toISOString(), status: 'sending' }]);
      void drain(entry.conversationId);
    },
    /** A failed entry goes again, in its place, with the same client id. */
    retry(clientId: string): void {
      const entry = find(clientId);
      if (entry?.status !== 'failed') return;
      attempts.delete(clientId);
      set(entries.value.map((e) => (e.clientId === clientId ? { ...withoutError(e), status: 'sending' as const } : e)));
      void drain(entry.conversationId);
    },
    /** Only a failed entry can be deleted: one that is sending may already be stored. */
    remove(clientId: string): void {
      if (find(clientId)?.status === 'failed') drop(clientId);
    },
    /** The socket is back (or the page reloaded): everything waiting goes now. */
    flush(): void {
      if (held) return;
      cancelRetry?.();
      cancelRetry = null;
      delay = RETRY_BASE_MS;
      flush();
    },
    /** Each message the server stored for us (from its ack). */
    onStored(listener: (message: Message) => void): () => void {
      storedListeners.add(listener);
      return () => void storedListeners.delete(listener);
    },
    /** Each entry refused for good (or failing too often), once marked failed. */
    onFailed(listener: (entry: OutboxEntry) => void): () => void {
      failedListeners.add(listener);
      return () => void failedListeners.delete(listener);
    },
    /** Logging out: nothing of this agent's queue stays in the tab. */
    clear(): void {
      entries.value = [];
      deps.storage.clear();
      dispose();
    },
    dispose,
  };

  function dispose(): void {
    disposed = true;
    cancelRetry?.();
    storedListeners.clear();
    failedListeners.clear();
  }
}

const withoutError = ({ error: _error, ...entry }: OutboxEntry): OutboxEntry => entry;

export type Outbox = ReturnType<typeof createOutbox>;
