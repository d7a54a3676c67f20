import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AuthorKind, type Message } from '../../protocol/index.ts';
import type { Db } from '../db/client.ts';
import { offerOutcome } from '../db/schema.ts';
import { offersByOutcome, waitingPerQueue } from '../db/stores/metrics-store.ts';

/**
 * Prometheus metrics of one server instance. Each instance has its own registry
 * (not prom-client's global one), so two nodes in one process (tests) never clash.
 *
 * Per-node figures (sum them across nodes): connected sockets, messages, write
 * batches, ack latency. Cluster-wide figures read from the database on scrape
 * (every node reports the same value: aggregate with max, not sum): queue
 * lengths and offers by outcome.
 *
 * Every counter starts at 0 for each of its label values (author kinds, offer outcomes): an alert on
 * `rate(parley_offers_total{outcome="expired"}[5m])` sees a series from the first scrape, not "no data".
 */
export interface Metrics {
  registry: Registry;
  /** Committed transcript messages (not session events), counted on the node that committed them. */
  countMessages(messages: readonly Message[]): void;
  /** One group-commit batch of the write path was committed (its number of messages). */
  /** A committed write batch: its size, and its transaction's wall time in seconds. */
  observeBatch(size: number, seconds: number): void;
  /** Time from an event received to its ack sent, per namespace and event. */
  observeAck(namespace: string, event: string, seconds: number): void;
  /** Where the connected-socket gauges read their counts (set once the gateway exists). */
  setSocketCounts(read: () => { visitors: number; agents: number }): void;
  /** Where the cluster-wide gauges read from (left unset: they are not reported). */
  setDatabase(db: Db): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Batches are at most a few hundred rows; powers of two show how full they run. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Acks are expected in milliseconds; the tail up to seconds shows a database in trouble. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: { logger?: Logger; defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  let sockets: () => { visitors: number; agents: number } = () => ({ visitors: 0, agents: 0 });
  let db: Db | null = null;

  new Gauge({
    name: 'parley_connected_visitors',
    help: 'Visitor sockets (widget tabs) connected to this node.',
    registers: [registry],
    collect() {
      this.set(sockets().visitors);
    },
  });
  new Gauge({
    name: 'parley_connected_agents',
    help: 'Agent sockets (desktops) connected to this node.',
    registers: [registry],
    collect() {
      this.set(sockets().agents);
    },
  });
  const messages = new Counter({
    name: 'parley_messages_total',
    help: 'Transcript messages committed by this node, by author kind (rate() = messages/s).',
    labelNames: ['author'] as const,
    registers: [registry],
  });
  for (const author of AuthorKind.options) messages.inc({ author }, 0);
  const batches = new Histogram({
    name: 'parley_write_batch_size',
    help: 'Messages per group-commit write batch on this node.',
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'parley_write_batch_duration_seconds',
    help: 'Wall time of a group-commit write batch (its one-round-trip transaction, retries included) on this node.',
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const acks = new Histogram({
    name: 'parley_ack_latency_seconds',
    help: 'Time from a socket event received to its ack sent, by namespace and event.',
    labelNames: ['namespace', 'event'] as const,
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const queueLength = new Gauge({
    name: 'parley_queue_waiting_sessions',
    help: 'Sessions waiting in each queue (cluster-wide, read from the database on scrape).',
    labelNames: ['queue_id', 'queue'] as const,
    registers: [registry],
    async collect() {
      if (!db) return;
      const d = db;
      const rows = await safeRows(() => waitingPerQueue(d), options.logger);
      if (!rows) return;
      queueLength.reset(); // a deleted queue disappears instead of freezing at its last value
      for (const r of rows) queueLength.set({ queue_id: r.id, queue: r.name }, r.waiting);
    },
  });
  const offers = new Counter({
    name: 'parley_offers_total',
    help: 'Offers made to agents by outcome (cluster-wide, read from the database on scrape; pending = not yet decided).',
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      if (!db) return;
      const d = db;
      const rows = await safeRows(() => offersByOutcome(d), options.logger);
      if (!rows) return;
      offers.reset();
      for (const outcome of offerOutcome.enumValues) offers.inc({ outcome }, 0);
      for (const r of rows) offers.inc({ outcome: r.outcome }, r.n);
    },
  });
  for (const outcome of offerOutcome.enumValues) offers.inc({ outcome }, 0);

  return {
    registry,
    countMessages(list) {
      for (const m of list) if (m.kind !== 'event') messages.inc({ author: m.author.kind });
    },
    observeBatch(size, seconds) {
      batches.observe(size);
      batchSeconds.observe(seconds);
    },
    observeAck(namespace, event, seconds) {
      acks.observe({ namespace, event }, seconds);
    },
    setSocketCounts(read) {
      sockets = read;
    },
    setDatabase(database) {
      db = database;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A scrape must answer even when the database does not: the DB-derived series are then left out. */
async function safeRows<T>(query: () => PromiseLike<T[]>, logger?: Logger): Promise<T[] | null> {
  try {
    return await withTimeout(Promise.resolve(query()), 2_000, 'metrics query');
  } catch (err) {
    logger?.warn({ err }, 'metrics: database query failed');
    return null;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
