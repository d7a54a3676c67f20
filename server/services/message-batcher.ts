import { performance } from 'node:perf_hooks';
import type { Db } from '../db/client.ts';
import { refusedSomeRow, rerunRaceLosers } from '../db/sql-errors.ts';
import type { MessageRow } from '../db/schema.ts';
import { writeMessageBatch, type FastAppend, type FastOutcome } from '../db/stores/message-batch.ts';

/**
 * Group commit for plain text messages. Appends wait at most `windowMs` for company
 * (a full batch of `maxBatch` goes at once). At most `maxInFlight` batches are in flight
 * per node and the next ones accumulate meanwhile, so under load batches grow by
 * themselves and each costs the same one round trip (see message-batch.ts). A conversation
 * is in at most one batch in flight: its later messages wait for the next one, which keeps
 * each sender's messages in the order they arrived. Callers hear back only after COMMIT:
 * a failed batch rejects every caller in it (or, when the statement refused some message's
 * data, sends each caller to the full path), and none of its rows exist.
 */
export interface BatchInfo {
  /** Distinct appends written by the batch (same conversation + client id counted once). */
  size: number;
  /** Wall time of the batch's transaction, retries included. */
  durationMs: number;
}

export interface MessageBatcherOptions {
  /** How long the first append of a batch waits for others; 0 = until the end of this event-loop turn. */
  windowMs: number;
  /** The most appends one transaction carries. */
  maxBatch: number;
  /** How many batches may be in flight at once (each on its own connection); 1 by default. */
  maxInFlight?: number;
  /**
   * While a batch is in flight, a further one starts only once this many appends wait (1 by
   * default: as soon as any does). Under moderate load the waiting appends then join the next
   * batch instead of each paying a statement of its own; under heavy load batches overlap.
   */
  pipelineFrom?: number;
  /** Metrics hook, once per committed batch. Must not throw (errors are swallowed). */
  onBatch?: (info: BatchInfo) => void;
  /** After commit, before any caller hears back (e.g. publish the created rows, each with what was appended). Must not throw. */
  afterCommit?: (created: { row: MessageRow; append: FastAppend }[]) => void;
}

export interface MessageBatcher {
  append(append: FastAppend): Promise<FastOutcome>;
  /** Resolves once nothing is pending or in flight (graceful shutdown). */
  drain(): Promise<void>;
}

interface Waiter {
  resolve(outcome: FastOutcome): void;
  reject(err: unknown): void;
}
interface Entry {
  append: FastAppend;
  /** Every caller of this conversation + client id in the batch; the first one created the row. */
  waiters: Waiter[];
}

const entryKey = (a: FastAppend) => `${a.conversationId}/${a.clientId}`.toLowerCase();
const conversationKey = (e: Entry) => e.append.conversationId.toLowerCase();

function settle(entry: Entry, outcome: FastOutcome): void {
  entry.waiters.forEach((w, i) => w.resolve(i > 0 && outcome.kind === 'created' ? { kind: 'duplicate', row: outcome.row } : outcome));
}

export function createMessageBatcher(db: Db, opts: MessageBatcherOptions): MessageBatcher {
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  const pipelineFrom = Math.max(1, opts.pipelineFrom ?? 1);
  const pending = new Map<string, Entry>();
  /** Cancels the scheduled flush, when one is scheduled. */
  let cancelTimer: (() => void) | null = null;
  const inFlight = new Set<Promise<void>>();
  /** Conversations with a batch in flight. */
  const busy = new Set<string>();
  /** Room for one more batch now: none in flight, or enough waiting to start an overlapping one. */
  const mayStart = () => inFlight.size === 0 || (inFlight.size < maxInFlight && pending.size >= pipelineFrom);

  async function write(entries: Entry[]): Promise<void> {
    const started = performance.now();
    const appends = entries.map((e) => e.append);
    let outcomes: FastOutcome[];
    try {
      outcomes = await rerunRaceLosers(() => writeMessageBatch(db, appends));
    } catch (err) {
      // Nothing committed, so nobody is acked: the callers retry (database down) or, when one
      // message's data was refused, each takes its own full transaction, where only that one fails.
      if (refusedSomeRow(err)) for (const e of entries) settle(e, { kind: 'ineligible' });
      else for (const e of entries) for (const w of e.waiters) w.reject(err);
      return;
    }
    const created = outcomes.flatMap((o, i) => (o.kind === 'created' ? [{ row: o.row, append: appends[i]! }] : []));
    try {
      if (created.length) opts.afterCommit?.(created);
    } catch {
      // Publishing is best effort; the rows are committed and the callers must hear so.
    }
    entries.forEach((e, i) => settle(e, outcomes[i]!));
    try {
      opts.onBatch?.({ size: entries.length, durationMs: performance.now() - started });
    } catch {
      // A metrics hook never breaks the write path.
    }
  }

  /** Up to maxBatch pending entries whose conversation has no batch in flight, in arrival order. */
  function take(): Entry[] {
    const entries: Entry[] = [];
    for (const [key, entry] of pending) {
      if (entries.length === opts.maxBatch) break;
      if (busy.has(conversationKey(entry))) continue;
      entries.push(entry);
      pending.delete(key);
    }
    return entries;
  }

  function flush(): void {
    cancelTimer?.();
    cancelTimer = null;
    while (pending.size > 0 && mayStart()) {
      const entries = take();
      if (entries.length === 0) return; // everything pending waits for a conversation in flight
      const conversations = new Set(entries.map(conversationKey));
      for (const c of conversations) busy.add(c);
      const batch: Promise<void> = write(entries).finally(() => {
        inFlight.delete(batch);
        for (const c of conversations) busy.delete(c);
        // What accumulated meanwhile has waited long enough: it goes now.
        flush();
      });
      inFlight.add(batch);
    }
  }

  function schedule(): void {
    if (!mayStart()) return; // flushed when a batch in flight commits
    if (pending.size >= opts.maxBatch) return flush();
    if (cancelTimer) return;
    if (opts.windowMs > 0) {
      const t = setTimeout(flush, opts.windowMs);
      cancelTimer = () => clearTimeout(t);
    } else {
      const t = setImmediate(flush);
      cancelTimer = () => clearImmediate(t);
    }
  }

  function append(a: FastAppend): Promise<FastOutcome> {
    return new Promise((resolve, reject) => {
      const key = entryKey(a);
      const entry = pending.get(key);
      if (entry) entry.waiters.push({ resolve, reject });
      else pending.set(key, { append: a, waiters: [{ resolve, reject }] });
      schedule();
    });
  }

  async function drain(): Promise<void> {
    while (inFlight.size || pending.size) {
      flush();
      await Promise.all([...inFlight]);
    }
  }

  return { append, drain };
}
