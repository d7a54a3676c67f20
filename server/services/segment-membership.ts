import type { EngagementMemory } from '../../protocol/index.ts';
import { conditionHolds, type EvalContext } from '../../protocol/engagement-eval.ts';
import type { Tx } from '../db/client.ts';
import { contactById } from '../db/stores/contacts-store.ts';
import { listSegments, routingSegments } from '../db/stores/engagement-store.ts';
import * as J from '../db/stores/journeys-store.ts';
import type { SegmentRow } from '../db/schema.ts';

/**
 * What the server knows of a contact for the evaluator (issue 20): the memory of a web session, and the
 * segments the contact is in, evaluated by the same conditions the widget runs (protocol/engagement-eval.ts).
 * Shared by the journey map and routing by segment.
 */
const HOUR_MS = 3_600_000;
const MEMORY_DAYS = 90;
const TRAIL = 50;

export async function memoryOf(tx: Tx, contactId: string, webSessionId: string, pagesInSession: number, now: Date): Promise<EngagementMemory> {
  const visits = await J.webSessionCount(tx, contactId);
  const trail = await J.webSessionTrail(tx, webSessionId, TRAIL);
  const events = await J.conversationEventsOf(tx, await J.conversationIdsOfContact(tx, contactId), new Date(now.getTime() - MEMORY_DAYS * 24 * HOUR_MS), TRAIL);
  return { pagesInSession, visits, returning: visits > 1, sessionUrls: trail.urls, sessionEvents: trail.events, conversationEvents: events.map((e) => ({ type: e.type, at: e.at.getTime() })) };
}

/**
 * Which of `segments` the contact is in now: on their last page, with their attributes and the memory of their
 * latest web session. Signals only the page knows (scroll depth, time on page, exit intent) do not hold here.
 */
async function matching(tx: Tx, segments: SegmentRow[], contactId: string, now: Date): Promise<SegmentRow[]> {
  if (!segments.length) return [];
  const contact = await contactById(tx, contactId);
  const [latest] = await J.webSessionsOf(tx, contactId, 1);
  const memory = latest ? await memoryOf(tx, contactId, latest.id, latest.pageViews, now) : undefined;
  const ctx: EvalContext = {
    page: { url: memory?.sessionUrls.at(-1) ?? '', timeOnPageSec: 0, scrollPercent: 0, exitIntent: false, events: [], attributes: contact?.attributes ?? {}, shown: [], dismissed: [] },
    locale: 'en',
    defaultLocale: 'en',
    availability: {},
    ...(memory ? { memory: { ...memory, shownThisSession: [], dismissedAt: {} } } : {}),
  };
  return segments.filter((s) => s.conditions.every((c) => conditionHolds(c, ctx, '', now.getTime())));
}

export async function segmentsOfContact(tx: Tx, websiteId: string, contactId: string, now: Date): Promise<{ id: string; name: string }[]> {
  return (await matching(tx, await listSegments(tx, websiteId), contactId, now)).map((s) => ({ id: s.id, name: s.name }));
}

/** Routing by segment: the queue of the first segment (by name) with a queue that the contact is in, or null. */
export async function queueBySegment(tx: Tx, websiteId: string, contactId: string, now: Date): Promise<string | null> {
  const [first] = await matching(tx, await routingSegments(tx, websiteId), contactId, now);
  return first?.queueId ?? null;
}
