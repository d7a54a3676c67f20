import { and, asc, count, desc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { ActionMap, ActionMapInput, Outcome, OutcomeInput, Segment, SegmentInput } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { actionMaps, engagementCounters, outcomes, segments, type ActionMapRow, type OutcomeRow, type SegmentRow } from '../schema.ts';

/** Engagement configuration (rules, outcomes, segments) and the anonymous counters (issue 20). */

export const toActionMap = (r: ActionMapRow): ActionMap => ({
  id: r.id,
  websiteId: r.websiteId,
  name: r.name,
  enabled: r.enabled,
  priority: r.priority,
  conditions: r.conditions,
  action: r.action,
  cap: r.cap,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
export const toOutcome = (r: OutcomeRow): Outcome => ({
  id: r.id,
  websiteId: r.websiteId,
  name: r.name,
  match: r.match,
  attributionWindowHours: r.attributionWindowHours,
  createdAt: r.createdAt.toISOString(),
});
export const toSegment = (r: SegmentRow): Segment => ({ id: r.id, websiteId: r.websiteId, name: r.name, conditions: r.conditions, queueId: r.queueId, createdAt: r.createdAt.toISOString() });

const queueOf = (action: ActionMapInput['action']) => (action.type === 'offer' ? action.queueId : null);

export async function listActionMaps(tx: Tx, websiteId: string): Promise<ActionMapRow[]> {
  return tx.select().from(actionMaps).where(eq(actionMaps.websiteId, websiteId)).orderBy(desc(actionMaps.priority), asc(actionMaps.id));
}
export async function enabledActionMaps(tx: Tx, websiteId: string): Promise<ActionMapRow[]> {
  return tx
    .select()
    .from(actionMaps)
    .where(and(eq(actionMaps.websiteId, websiteId), eq(actionMaps.enabled, true)))
    .orderBy(desc(actionMaps.priority), asc(actionMaps.id));
}
export async function actionMapById(tx: Tx, id: string): Promise<ActionMapRow | null> {
  const [row] = await tx.select().from(actionMaps).where(eq(actionMaps.id, id));
  return row ?? null;
}
export async function countActionMaps(tx: Tx, websiteId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(actionMaps).where(eq(actionMaps.websiteId, websiteId));
  return Number(row?.n ?? 0);
}
export async function insertActionMap(tx: Tx, websiteId: string, input: ActionMapInput): Promise<ActionMapRow> {
  const [row] = await tx
    .insert(actionMaps)
    .values({ websiteId, ...input, queueId: queueOf(input.action) })
    .returning();
  return row!;
}
export async function updateActionMap(tx: Tx, id: string, patch: Partial<ActionMapInput>, now: Date): Promise<ActionMapRow | null> {
  const set = { ...patch, updatedAt: now, ...(patch.action ? { queueId: queueOf(patch.action) } : {}) };
  const [row] = await tx.update(actionMaps).set(set).where(eq(actionMaps.id, id)).returning();
  return row ?? null;
}
export async function deleteActionMap(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(actionMaps).where(eq(actionMaps.id, id)).returning({ id: actionMaps.id })).length > 0;
}

export async function listOutcomes(tx: Tx, websiteId: string): Promise<OutcomeRow[]> {
  return tx.select().from(outcomes).where(eq(outcomes.websiteId, websiteId)).orderBy(asc(outcomes.createdAt), asc(outcomes.id));
}
export async function countOutcomes(tx: Tx, websiteId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(outcomes).where(eq(outcomes.websiteId, websiteId));
  return Number(row?.n ?? 0);
}
export async function insertOutcome(tx: Tx, websiteId: string, input: OutcomeInput): Promise<OutcomeRow> {
  const [row] = await tx.insert(outcomes).values({ websiteId, ...input }).returning();
  return row!;
}
export async function updateOutcome(tx: Tx, id: string, patch: Partial<OutcomeInput>): Promise<OutcomeRow | null> {
  const [row] = await tx.update(outcomes).set(patch).where(eq(outcomes.id, id)).returning();
  return row ?? null;
}
export async function deleteOutcome(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(outcomes).where(eq(outcomes.id, id)).returning({ id: outcomes.id })).length > 0;
}

export async function listSegments(tx: Tx, websiteId: string): Promise<SegmentRow[]> {
  return tx.select().from(segments).where(eq(segments.websiteId, websiteId)).orderBy(asc(segments.name), asc(segments.id));
}
/** The website's segments that pick a queue, by name. */
export async function routingSegments(tx: Tx, websiteId: string): Promise<SegmentRow[]> {
  return tx.select().from(segments).where(and(eq(segments.websiteId, websiteId), isNotNull(segments.queueId))).orderBy(asc(segments.name), asc(segments.id));
}
export async function segmentsByIds(tx: Tx, ids: string[]): Promise<SegmentRow[]> {
  return ids.length ? tx.select().from(segments).where(inArray(segments.id, ids)) : [];
}
export async function countSegments(tx: Tx, websiteId: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(segments).where(eq(segments.websiteId, websiteId));
  return Number(row?.n ?? 0);
}
export async function insertSegment(tx: Tx, websiteId: string, input: SegmentInput): Promise<SegmentRow> {
  const [row] = await tx.insert(segments).values({ websiteId, ...input }).returning();
  return row!;
}
export async function updateSegment(tx: Tx, id: string, patch: Partial<SegmentInput>): Promise<SegmentRow | null> {
  const [row] = await tx.update(segments).set(patch).where(eq(segments.id, id)).returning();
  return row ?? null;
}
export async function deleteSegment(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(segments).where(eq(segments.id, id)).returning({ id: segments.id })).length > 0;
}
/** Rules of the website that use the segment (a segment in use is not deleted). */
export async function rulesUsingSegment(tx: Tx, websiteId: string, segmentId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(actionMaps)
    .where(and(eq(actionMaps.websiteId, websiteId), sql`${actionMaps.conditions} @> ${JSON.stringify([{ type: 'segment', segmentId }])}::jsonb`));
  return Number(row?.n ?? 0);
}

export type CounterName = 'shown' | 'dismissed' | 'accepted' | 'started';

/** Adds to a rule's counters of one UTC day (an upsert: concurrent increments add up). */
export async function addToCounters(tx: Tx, ruleId: string, day: string, add: Partial<Record<CounterName, number>>): Promise<void> {
  const values = { shown: add.shown ?? 0, dismissed: add.dismissed ?? 0, accepted: add.accepted ?? 0, started: add.started ?? 0 };
  if (!values.shown && !values.dismissed && !values.accepted && !values.started) return;
  await tx
    .insert(engagementCounters)
    .values({ ruleId, day, ...values })
    .onConflictDoUpdate({
      target: [engagementCounters.ruleId, engagementCounters.day],
      set: {
        shown: sql`${engagementCounters.shown} + ${values.shown}`,
        dismissed: sql`${engagementCounters.dismissed} + ${values.dismissed}`,
        accepted: sql`${engagementCounters.accepted} + ${values.accepted}`,
        started: sql`${engagementCounters.started} + ${values.started}`,
      },
    });
}

/** Which of these rule ids are enabled rules of the website (anonymous increments name only those). */
export async function enabledRuleIdsOf(tx: Tx, websiteId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx
    .select({ id: actionMaps.id })
    .from(actionMaps)
    .where(and(eq(actionMaps.websiteId, websiteId), eq(actionMaps.enabled, true), inArray(actionMaps.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export interface CounterTotals {
  ruleId: string;
  ruleName: string;
  queueId: string | null;
  shown: number;
  dismissed: number;
  accepted: number;
  started: number;
}

/** Counter sums per rule over [from, to] (UTC days, inclusive). */
export async function counterTotals(tx: Tx, q: { from: string; to: string; websiteId?: string; ruleId?: string; queueId?: string }): Promise<CounterTotals[]> {
  const rows = await tx
    .select({
      ruleId: actionMaps.id,
      ruleName: actionMaps.name,
      queueId: actionMaps.queueId,
      shown: sql<number>`coalesce(sum(${engagementCounters.shown}), 0)::int`,
      dismissed: sql<number>`coalesce(sum(${engagementCounters.dismissed}), 0)::int`,
      accepted: sql<number>`coalesce(sum(${engagementCounters.accepted}), 0)::int`,
      started: sql<number>`coalesce(sum(${engagementCounters.started}), 0)::int`,
    })
    .from(actionMaps)
    .leftJoin(engagementCounters, and(eq(engagementCounters.ruleId, actionMaps.id), gte(engagementCounters.day, q.from), lte(engagementCounters.day, q.to)))
    .where(
      and(
        q.websiteId ? eq(actionMaps.websiteId, q.websiteId) : undefined,
        q.ruleId ? eq(actionMaps.id, q.ruleId) : undefined,
        q.queueId ? eq(actionMaps.queueId, q.queueId) : undefined,
      ),
    )
    .groupBy(actionMaps.id)
    .orderBy(asc(actionMaps.name), asc(actionMaps.id));
  return rows.map((r) => ({ ...r, shown: Number(r.shown), dismissed: Number(r.dismissed), accepted: Number(r.accepted), started: Number(r.started) }));
}
