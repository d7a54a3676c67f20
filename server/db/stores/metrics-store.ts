import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { offers, queues, sessions, type OfferOutcome } from '../schema.ts';

/** The cluster-wide figures the metrics read from the database on scrape (server/observability/metrics.ts). */

/** Sessions waiting in each queue; a queue with none is listed with 0. */
export async function waitingPerQueue(tx: Tx): Promise<{ id: string; name: string; waiting: number }[]> {
  const rows = await tx
    .select({ id: queues.id, name: queues.name, waiting: sql<number>`count(${sessions.id})::int` })
    .from(queues)
    .leftJoin(sessions, and(eq(sessions.queueId, queues.id), eq(sessions.state, 'waiting')))
    .groupBy(queues.id, queues.name);
  return rows.map((r) => ({ ...r, waiting: Number(r.waiting) }));
}

/** Offers made so far, by outcome (outcomes with none are absent). */
export async function offersByOutcome(tx: Tx): Promise<{ outcome: OfferOutcome; n: number }[]> {
  const rows = await tx.select({ outcome: offers.outcome, n: sql<number>`count(*)::int` }).from(offers).groupBy(offers.outcome);
  return rows.map((r) => ({ outcome: r.outcome, n: Number(r.n) }));
}

/** The readiness probe's round trip: the database answers a query. */
export async function pingDatabase(tx: Tx): Promise<void> {
  await tx.execute(sql`select 1`);
}
