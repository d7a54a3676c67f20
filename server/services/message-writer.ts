import type { Message } from '../../protocol/index.ts';
import { conversationSummaries } from '../db/stores/conversations-store.ts';
import type { FastAppend } from '../db/stores/message-batch.ts';
import { createMessageBatcher, type BatchInfo } from './message-batcher.ts';
import { toMessage } from '../db/stores/messages-store.ts';
import type { MessageRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import { publishMessages } from './message-publication.ts';

/**
 * The write path of visitor and agent messages (issue 7). A plain text message into a
 * conversation whose session is already in human hands (or waiting for them) goes
 * through the group-commit batcher; anything else (first message, assistant session,
 * reopen, follow-up, taking a waiting conversation, images) runs the caller's full
 * transaction unchanged. What a committed batch tells the world is what the full path
 * tells for a plain message: the messages to the conversation room (before the acks),
 * then the conversation's new preview to the desks that list it (coalesced: one summary
 * query per round, at most one round per `announceEveryMs`).
 */
export interface WritePathOptions {
  /** How long the first message of a batch waits for company (ms); 0 = the current event-loop turn. */
  windowMs: number;
  /** The most messages one transaction carries. */
  maxBatch: number;
  /** How many batches may be in flight at once, each on its own database connection. */
  maxInFlight: number;
  /** While a batch is in flight, another starts only once this many messages wait (see message-batcher.ts). */
  pipelineFrom: number;
  /**
   * The least time between two rounds of list previews (ms). Under load a conversation then gets one
   * summary per round however many messages it received; the message itself is never delayed, and
   * the desks that receive it move its list row at once. A round is one summary query and a frame
   * per conversation: every 200 ms it cost a loaded node more tail latency than it was worth.
   */
  announceEveryMs: number;
  /**
   * METRICS HOOK: called once per committed batch with its size and transaction time;
   * wire a histogram here (createServices' `writePath` option). Must be cheap; errors are ignored.
   */
  onBatch?: (info: BatchInfo) => void;
}

/**
 * No window: an idle node writes a message at once, and under load batches form by themselves
 * while one is in flight. A second one overlaps only once 32 messages wait: starting it for any
 * waiting message cut batches in half at moderate load (nearly every message its own
 * transaction, a fifth more Postgres CPU at 2,000 msg/s), while never starting it doubled the
 * latency near saturation.
 */
export const DEFAULT_WRITE_PATH: WritePathOptions = { windowMs: 0, maxBatch: 256, maxInFlight: 2, pipelineFrom: 32, announceEveryMs: 1_000 };

export type { BatchInfo, FastAppend };

/** A round of list previews goes out this many conversations at a time, at most this far apart. */
const ANNOUNCE_SLICE = 20;
const ANNOUNCE_SLICE_PAUSE_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function createMessageWriter({ db, publisher, logger }: ServiceDeps, opts: WritePathOptions) {
  /** Messages already built for publishing, handed to the callers as they are. */
  const built = new WeakMap<MessageRow, Message>();
  const dirty = new Set<string>();
  let announcing: Promise<void> | null = null;

  /**
   * One round: the new preview of each conversation, a slice at a time with a pause between
   * slices. Hundreds of summaries at once would hold the event loop (and the database) long
   * enough to show in the messages' tail latency. The pauses never add up to more than the
   * interval, however many conversations a round has.
   */
  async function announceRound(ids: string[]): Promise<void> {
    const pauseMs = Math.min(ANNOUNCE_SLICE_PAUSE_MS, opts.announceEveryMs / Math.ceil(ids.length / ANNOUNCE_SLICE));
    for (let from = 0; from < ids.length; from += ANNOUNCE_SLICE) {
      if (from > 0 && pauseMs > 0) await sleep(pauseMs);
      try {
        for (const summary of await conversationSummaries(db, ids.slice(from, from + ANNOUNCE_SLICE))) publisher.conversationPreview(summary);
      } catch (err) {
        logger.warn({ err }, 'announcing written conversations failed');
      }
    }
  }

  /** Rounds until nothing new was written: a newer round reads newer rows. */
  async function announce(): Promise<void> {
    while (dirty.size) {
      const ids = [...dirty];
      dirty.clear();
      await announceRound(ids);
      // What gets written meanwhile waits for the next round.
      if (opts.announceEveryMs > 0) await sleep(opts.announceEveryMs);
    }
    announcing = null;
  }

  function afterCommit(created: { row: MessageRow; append: FastAppend }[]): void {
    // Seq order within each conversation; the sending socket has its ack.
    for (const { row, append } of [...created].sort((a, b) => a.row.seq - b.row.seq)) {
      const message = toMessage(row);
      built.set(row, message);
      publishMessages(publisher, row.conversationId, [message], { socketId: append.originSocketId, clientId: append.clientId });
      dirty.add(row.conversationId);
    }
    announcing ??= announce();
  }

  const batcher = createMessageBatcher(db, { windowMs: opts.windowMs, maxBatch: opts.maxBatch, maxInFlight: opts.maxInFlight, pipelineFrom: opts.pipelineFrom, onBatch: opts.onBatch, afterCommit });

  /** Conversations with a full-path send running on this node: later sends follow it there, in order. */
  const slowRunning = new Map<string, number>();
  const slowInFlight = new Set<Promise<unknown>>();

  async function runSlow(key: string, slow: () => Promise<Message>): Promise<Message> {
    slowRunning.set(key, (slowRunning.get(key) ?? 0) + 1);
    const run = slow();
    slowInFlight.add(run);
    try {
      return await run;
    } finally {
      slowInFlight.delete(run);
      const left = slowRunning.get(key)! - 1;
      if (left) slowRunning.set(key, left);
      else slowRunning.delete(key);
    }
  }

  /**
   * Stores a text message: through the batch when eligible, else by `slow` (the caller's full
   * transaction). Resolves after commit with the stored message (the first one for a repeated client id).
   */
  async function send(append: FastAppend, slow: () => Promise<Message>): Promise<Message> {
    const key = append.conversationId.toLowerCase();
    if (!slowRunning.has(key)) {
      const outcome = await batcher.append(append);
      if (outcome.kind !== 'ineligible') return built.get(outcome.row) ?? toMessage(outcome.row);
    }
    return runSlow(key, slow);
  }

  /** Waits for pending and in-flight batches, full-path sends that fell back, and the announcements (graceful shutdown). */
  async function drain(): Promise<void> {
    await batcher.drain();
    await Promise.allSettled([...slowInFlight]);
    await announcing;
  }

  return { send, drain };
}
export type MessageWriter = ReturnType<typeof createMessageWriter>;
