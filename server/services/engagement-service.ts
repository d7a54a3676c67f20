import { createHash } from 'node:crypto';
import {
  AppError,
  ENGAGEMENT_LIMITS,
  type ActionMapInput,
  type CounterIncrements,
  type EngagementReport,
  type OutcomeInput,
  type ReportQuery,
  type RuleCondition,
  type SegmentInput,
  type WidgetEngagement,
  type WireCondition,
  type WireRule,
} from '../../protocol/index.ts';
import { isOpenAt } from '../core/routing/business-hours.ts';
import { must } from '../db/must.ts';
import type { Tx } from '../db/client.ts';
import type { ActionMapRow } from '../db/schema.ts';
import { agentById } from '../db/stores/agents-store.ts';
import * as E from '../db/stores/engagement-store.ts';
import { attributedHits } from '../db/stores/journeys-store.ts';
import { queuesOfWebsite, readyCount } from '../db/stores/routing-store.ts';
import { websiteById, websiteByKey } from '../db/stores/websites-store.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * Journeys and proactive engagement, the configuration side (issue 20, docs/engagement.md): admin
 * CRUD of rules, outcomes and segments; what the widget fetches (the enabled rules and their
 * queues' state); the anonymous counters; the report. The visitor-side recording is journey-service.ts.
 */
const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);
const DAY_MS = 86_400_000;
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export function createEngagementService({ db, clock, audit }: Pick<ServiceDeps, 'db' | 'clock'> & { audit: RecordAudit }) {
  async function website(tx: Tx, id: string) {
    return must(await websiteById(tx, id), 'UNKNOWN_WEBSITE');
  }

  /** A rule may name only the website's own queues and segments, and an existing agent. */
  async function checkRule(tx: Tx, websiteId: string, input: Partial<ActionMapInput>) {
    const action = input.action;
    if (action?.type === 'offer') {
      if (action.queueId && !(await queuesOfWebsite(tx, websiteId)).some((q) => q.id === action.queueId)) throw invalid('action.queueId', 'Unknown queue for this website.');
      if (action.from.kind === 'agent' && !(await agentById(tx, action.from.agentId))) throw invalid('action.from.agentId', 'Unknown agent.');
    }
    const segmentIds = (input.conditions ?? []).flatMap((c) => (c.type === 'segment' ? [c.segmentId] : []));
    const found = await E.segmentsByIds(tx, segmentIds);
    if (found.length !== new Set(segmentIds).size || found.some((s) => s.websiteId !== websiteId)) throw invalid('conditions', 'Unknown segment for this website.');
  }

  // ——— rules ———
  const listRules = async (websiteId: string) => ({ actionMaps: (await E.listActionMaps(db, (await website(db, websiteId)).id)).map(E.toActionMap) });

  async function createRule(websiteId: string, input: ActionMapInput, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      await website(tx, websiteId);
      if ((await E.countActionMaps(tx, websiteId)) >= ENGAGEMENT_LIMITS.rulesPerWebsite) throw new AppError('CONFLICT', `At most ${ENGAGEMENT_LIMITS.rulesPerWebsite} rules per website.`);
      await checkRule(tx, websiteId, input);
      const created = await E.insertActionMap(tx, websiteId, input);
      await audit(tx, actor, { action: 'action_map.create', targetType: 'action_map', targetId: created.id, changes: { websiteId, ...input } });
      return created;
    });
    return { actionMap: E.toActionMap(row) };
  }

  async function updateRule(id: string, patch: Partial<ActionMapInput>, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const current = must(await E.actionMapById(tx, id), 'NOT_FOUND', 'No such rule.');
      await checkRule(tx, current.websiteId, patch);
      const saved = must(await E.updateActionMap(tx, id, patch, clock.now()), 'NOT_FOUND', 'No such rule.');
      await audit(tx, actor, { action: 'action_map.update', targetType: 'action_map', targetId: id, changes: patch });
      return saved;
    });
    return { actionMap: E.toActionMap(row) };
  }

  async function deleteRule(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      if (!(await E.deleteActionMap(tx, id))) throw new AppError('NOT_FOUND', 'No such rule.');
      await audit(tx, actor, { action: 'action_map.delete', targetType: 'action_map', targetId: id });
    });
    return { ok: true as const };
  }

  // ——— outcomes ———
  const listOutcomes = async (websiteId: string) => ({ outcomes: (await E.listOutcomes(db, (await website(db, websiteId)).id)).map(E.toOutcome) });

  async function createOutcome(websiteId: string, input: OutcomeInput, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      await website(tx, websiteId);
      if ((await E.countOutcomes(tx, websiteId)) >= ENGAGEMENT_LIMITS.outcomesPerWebsite) throw new AppError('CONFLICT', `At most ${ENGAGEMENT_LIMITS.outcomesPerWebsite} outcomes per website.`);
      const created = await E.insertOutcome(tx, websiteId, input);
      await audit(tx, actor, { action: 'outcome.create', targetType: 'outcome', targetId: created.id, changes: { websiteId, ...input } });
      return created;
    });
    return { outcome: E.toOutcome(row) };
  }

  async function updateOutcome(id: string, patch: Partial<OutcomeInput>, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const saved = must(await E.updateOutcome(tx, id, patch), 'NOT_FOUND', 'No such outcome.');
      await audit(tx, actor, { action: 'outcome.update', targetType: 'outcome', targetId: id, changes: patch });
      return saved;
    });
    return { outcome: E.toOutcome(row) };
  }

  async function deleteOutcome(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      if (!(await E.deleteOutcome(tx, id))) throw new AppError('NOT_FOUND', 'No such outcome.');
      await audit(tx, actor, { action: 'outcome.delete', targetType: 'outcome', targetId: id });
    });
    return { ok: true as const };
  }

  // ——— segments ———
  const listSegments = async (websiteId: string) => ({ segments: (await E.listSegments(db, (await website(db, websiteId)).id)).map(E.toSegment) });

  async function checkSegmentQueue(tx: Tx, websiteId: string, queueId: string | null | undefined) {
    if (queueId && !(await queuesOfWebsite(tx, websiteId)).some((q) => q.id === queueId)) throw invalid('queueId', 'Unknown queue for this website.');
  }

  async function createSegment(websiteId: string, input: SegmentInput, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      await website(tx, websiteId);
      await checkSegmentQueue(tx, websiteId, input.queueId);
      if ((await E.countSegments(tx, websiteId)) >= ENGAGEMENT_LIMITS.segmentsPerWebsite) throw new AppError('CONFLICT', `At most ${ENGAGEMENT_LIMITS.segmentsPerWebsite} segments per website.`);
      const created = await E.insertSegment(tx, websiteId, input);
      await audit(tx, actor, { action: 'segment.create', targetType: 'segment', targetId: created.id, changes: { websiteId, ...input } });
      return created;
    });
    return { segment: E.toSegment(row) };
  }

  async function updateSegment(id: string, patch: Partial<SegmentInput>, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const current = must((await E.segmentsByIds(tx, [id]))[0], 'NOT_FOUND', 'No such segment.');
      await checkSegmentQueue(tx, current.websiteId, patch.queueId);
      const saved = must(await E.updateSegment(tx, id, patch), 'NOT_FOUND', 'No such segment.');
      await audit(tx, actor, { action: 'segment.update', targetType: 'segment', targetId: id, changes: patch });
      return saved;
    });
    return { segment: E.toSegment(row) };
  }

  async function deleteSegment(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      const current = await E.segmentsByIds(tx, [id]);
      if (!current[0]) throw new AppError('NOT_FOUND', 'No such segment.');
      if (await E.rulesUsingSegment(tx, current[0].websiteId, id)) throw new AppError('CONFLICT', 'A rule uses this segment; remove it from the rule first.');
      await E.deleteSegment(tx, id);
      await audit(tx, actor, { action: 'segment.delete', targetType: 'segment', targetId: id });
    });
    return { ok: true as const };
  }

  // ——— what the widget fetches ———

  /** A rule as the widget sees it: segments inlined, the agent by name, no queue or agent id. */
  async function toWireRule(tx: Tx, row: ActionMapRow, segmentConditions: Map<string, WireCondition[]>, siteName: string): Promise<WireRule> {
    const conditions = row.conditions.flatMap((c: RuleCondition): WireCondition[] => (c.type === 'segment' ? (segmentConditions.get(c.segmentId) ?? []) : [c]));
    const a = row.action;
    let action: WireRule['action'];
    if (a.type === 'offer') {
      const name = a.from.kind === 'agent' ? ((await agentById(tx, a.from.agentId))?.name ?? '') : siteName;
      action = { type: 'offer', message: a.message, from: { kind: a.from.kind, name } };
    } else action = a.message ? { type: 'open_assistant', message: a.message } : { type: 'open_assistant' };
    return { id: row.id, priority: row.priority, conditions, action, cap: { oncePerSession: row.cap.oncePerSession, dismissCooldownDays: row.cap.dismissCooldownDays } };
  }

  /**
   * The enabled rules of a website and, per rule, whether its queue is open and has a Ready agent.
   * `etag` is a hash of the body: the widget revalidates cheaply. Null rules = nothing to fetch.
   */
  async function forWidget(websiteKey: string): Promise<{ body: WidgetEngagement; etag: string }> {
    const site = must(await websiteByKey(db, websiteKey), 'UNKNOWN_WEBSITE');
    const rows = await E.enabledActionMaps(db, site.id);
    const segmentIds = [...new Set(rows.flatMap((r) => r.conditions.flatMap((c) => (c.type === 'segment' ? [c.segmentId] : []))))];
    const segmentConditions = new Map((await E.segmentsByIds(db, segmentIds)).map((s) => [s.id, s.conditions]));
    const rules = await Promise.all(rows.map((r) => toWireRule(db, r, segmentConditions, site.name)));
    const queues = rows.length ? await queuesOfWebsite(db, site.id) : [];
    const availability: WidgetEngagement['availability'] = {};
    const now = clock.now();
    for (const row of rows) {
      const queueId = row.action.type === 'offer' ? row.action.queueId : null;
      const queue = queues.find((q) => (queueId ? q.id === queueId : q.isDefault)) ?? null;
      availability[row.id] = queue
        ? { open: isOpenAt(queue.businessHours ?? null, now), agentsAvailable: (await readyCount(db, queue.id, queue.channel)) > 0 }
        : { open: true, agentsAvailable: false };
    }
    const body: WidgetEngagement = { rules, availability, trackPages: site.trackPages };
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    return { body, etag };
  }

  /** Whether the website has an enabled rule: the widget's config says so, and only then is the evaluator loaded. */
  const hasRules = async (websiteId: string) => (await E.enabledActionMaps(db, websiteId)).length > 0;

  /** Anonymous aggregate increments (shown, dismissed); ids that are not enabled rules of the website are ignored. */
  async function countAnonymous(websiteKey: string, input: CounterIncrements): Promise<{ counted: number }> {
    const site = must(await websiteByKey(db, websiteKey), 'UNKNOWN_WEBSITE');
    const day = utcDay(clock.now());
    return db.transaction(async (tx) => {
      const known = await E.enabledRuleIdsOf(tx, site.id, input.increments.map((i) => i.ruleId));
      let counted = 0;
      for (const inc of input.increments) {
        if (!known.has(inc.ruleId)) continue;
        await E.addToCounters(tx, inc.ruleId, day, { shown: inc.shown, dismissed: inc.dismissed });
        counted++;
      }
      return { counted };
    });
  }

  // ——— report ———
  async function report(q: ReportQuery): Promise<EngagementReport> {
    if (q.from > q.to) throw invalid('from', '`from` is after `to`.');
    const totals = await E.counterTotals(db, q);
    const from = new Date(`${q.from}T00:00:00Z`);
    const to = new Date(new Date(`${q.to}T00:00:00Z`).getTime() + DAY_MS);
    const ids = totals.map((t) => t.ruleId);
    const hits = await attributedHits(db, from, to, ids);
    return {
      from: q.from,
      to: q.to,
      rows: totals.map((t) => ({
        ruleId: t.ruleId,
        ruleName: t.ruleName,
        queueId: t.queueId,
        shown: t.shown,
        dismissed: t.dismissed,
        accepted: t.accepted,
        conversationsStarted: t.started,
        outcomesReached: hits.get(t.ruleId) ?? 0,
      })),
    };
  }

  return { listRules, createRule, updateRule, deleteRule, listOutcomes, createOutcome, updateOutcome, deleteOutcome, listSegments, createSegment, updateSegment, deleteSegment, forWidget, hasRules, countAnonymous, report };
}

export type EngagementService = ReturnType<typeof createEngagementService>;
