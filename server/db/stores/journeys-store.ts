import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte, sql } from 'drizzle-orm';
import type { JourneyEntry, JourneyEntryKind, WebSession } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { conversations, journeyEvents, outcomeHits, pageViews, sessionEvents, sessions, webSessions, websites, type WebSessionRow } from '../schema.ts';

/** A visitor's web sessions, page views and journey events, outcome hits, and their retention (issue 20). */

export const toWebSession = (r: WebSessionRow): WebSession => ({
  id: r.id,
  contactId: r.contactId,
  startedAt: r.startedAt.toISOString(),
  lastActivityAt: r.lastActivityAt.toISOString(),
  entryUrl: r.entryUrl,
  referrer: r.referrer,
  pageViews: r.pageViews,
  events: r.events,
});

/** The contact's latest web session, locked: activity on it is serialized per contact. */
export async function latestWebSessionForUpdate(tx: Tx, contactId: string): Promise<WebSessionRow | null> {
  const [row] = await tx.select().from(webSessions).where(eq(webSessions.contactId, contactId)).orderBy(desc(webSessions.lastActivityAt)).limit(1).for('update');
  return row ?? null;
}

export async function openWebSession(tx: Tx, v: { websiteId: string; contactId: string; visitorId: string | null; at: Date; entryUrl: string | null; referrer: string | null }): Promise<WebSessionRow> {
  const [row] = await tx
    .insert(webSessions)
    .values({ websiteId: v.websiteId, contactId: v.contactId, visitorId: v.visitorId, startedAt: v.at, lastActivityAt: v.at, entryUrl: v.entryUrl, referrer: v.referrer || null })
    .returning();
  return row!;
}

export async function touchWebSession(tx: Tx, id: string, at: Date, add: { pageViews?: number; events?: number }): Promise<void> {
  await tx
    .update(webSessions)
    .set({
      lastActivityAt: sql`greatest(${webSessions.lastActivityAt}, ${at.toISOString()}::timestamptz)`,
      pageViews: sql`${webSessions.pageViews} + ${add.pageViews ?? 0}`,
      events: sql`${webSessions.events} + ${add.events ?? 0}`,
    })
    .where(eq(webSessions.id, id));
}

/** Closes the web session's last page view with the time spent on it (when the widget knows it). */
export async function closeLastPageView(tx: Tx, webSessionId: string, seconds: number): Promise<void> {
  const last = tx.select({ id: pageViews.id }).from(pageViews).where(eq(pageViews.webSessionId, webSessionId)).orderBy(desc(pageViews.at)).limit(1);
  await tx.update(pageViews).set({ timeOnPageSec: seconds }).where(and(inArray(pageViews.id, last), sql`${pageViews.timeOnPageSec} is null`));
}

export async function insertPageView(tx: Tx, v: { websiteId: string; contactId: string; webSessionId: string; at: Date; url: string; title: string; referrer: string | null }): Promise<void> {
  await tx.insert(pageViews).values({ ...v, referrer: v.referrer || null });
}

export async function insertJourneyEvent(
  tx: Tx,
  v: { websiteId: string; contactId: string; webSessionId: string; at: Date; kind: JourneyEntryKind; name?: string | null; url?: string | null; data?: unknown; sessionId?: string | null; ruleId?: string | null },
): Promise<void> {
  await tx.insert(journeyEvents).values({ ...v, data: v.data ?? null });
}

/** The web sessions of a contact, newest first. */
export async function webSessionsOf(tx: Tx, contactId: string, limit: number): Promise<WebSessionRow[]> {
  return tx.select().from(webSessions).where(eq(webSessions.contactId, contactId)).orderBy(desc(webSessions.lastActivityAt)).limit(limit);
}

/** The newest `limit` journey entries of a contact (page views and events merged), returned oldest first. */
export async function journeyEntries(tx: Tx, contactId: string, limit: number): Promise<JourneyEntry[]> {
  const views = await tx.select().from(pageViews).where(eq(pageViews.contactId, contactId)).orderBy(desc(pageViews.at)).limit(limit);
  const events = await tx.select().from(journeyEvents).where(eq(journeyEvents.contactId, contactId)).orderBy(desc(journeyEvents.at)).limit(limit);
  const entries: JourneyEntry[] = [
    ...views.map((v) => ({ id: v.id, webSessionId: v.webSessionId, at: v.at.toISOString(), kind: 'page_view' as const, url: v.url, title: v.title, referrer: v.referrer, timeOnPageSec: v.timeOnPageSec, name: null, sessionId: null, ruleId: null })),
    ...events.map((e) => ({
      id: e.id,
      webSessionId: e.webSessionId,
      at: e.at.toISOString(),
      kind: e.kind,
      url: e.url,
      title: null,
      referrer: null,
      timeOnPageSec: null,
      name: e.name,
      ...(e.data === null ? {} : { data: e.data }),
      sessionId: e.sessionId,
      ruleId: e.ruleId,
    })),
  ];
  // At the same instant a page view comes first (an event happens on a page); then by id, for a stable order.
  const rank = (e: JourneyEntry) => (e.kind === 'page_view' ? 0 : 1);
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank(a) - rank(b) || (a.id < b.id ? -1 : 1)));
  return entries.slice(-limit);
}

/** Every page view and journey event of one web session, oldest first (a contact's export). */
export async function webSessionEntries(tx: Tx, webSessionId: string) {
  const views = await tx.select().from(pageViews).where(eq(pageViews.webSessionId, webSessionId)).orderBy(asc(pageViews.at));
  const events = await tx.select().from(journeyEvents).where(eq(journeyEvents.webSessionId, webSessionId)).orderBy(asc(journeyEvents.at));
  return [
    ...views.map((v) => ({ kind: 'page_view' as const, at: v.at.toISOString(), url: v.url, title: v.title, referrer: v.referrer, timeOnPageSec: v.timeOnPageSec })),
    ...events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), name: e.name, url: e.url, data: e.data, ruleId: e.ruleId })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The conversation sessions of a contact's conversations, oldest first: where each chat began. */
export async function chatStartsOf(tx: Tx, conversationIds: string[]) {
  if (!conversationIds.length) return [];
  return tx
    .select({ sessionId: sessions.id, at: sessions.queuedAt, origin: sessions.origin, ruleId: sessions.actionMapId })
    .from(sessions)
    .where(inArray(sessions.conversationId, conversationIds))
    .orderBy(asc(sessions.queuedAt));
}

/** The contact's latest session begun from an offer since `since`, for attributing an outcome. */
export async function latestOfferSessionSince(tx: Tx, conversationIds: string[], since: Date): Promise<{ sessionId: string; ruleId: string } | null> {
  if (!conversationIds.length) return null;
  const [row] = await tx
    .select({ sessionId: sessions.id, ruleId: sessions.actionMapId })
    .from(sessions)
    .where(and(inArray(sessions.conversationId, conversationIds), eq(sessions.origin, 'proactive_offer'), isNotNull(sessions.actionMapId), gte(sessions.queuedAt, since)))
    .orderBy(desc(sessions.queuedAt))
    .limit(1);
  return row?.ruleId ? { sessionId: row.sessionId, ruleId: row.ruleId } : null;
}

/** Records an outcome once per web session; true when this call recorded it. */
export async function recordOutcomeHit(tx: Tx, v: { outcomeId: string; websiteId: string; contactId: string; webSessionId: string; at: Date; ruleId: string | null; sessionId: string | null }): Promise<boolean> {
  const rows = await tx.insert(outcomeHits).values(v).onConflictDoNothing().returning({ id: outcomeHits.id });
  return rows.length > 0;
}

/** Outcome hits attributed per rule over [from, to) (timestamps). */
export async function attributedHits(tx: Tx, from: Date, to: Date, ruleIds: string[]): Promise<Map<string, number>> {
  if (!ruleIds.length) return new Map();
  const rows = await tx
    .select({ ruleId: outcomeHits.ruleId, n: sql<number>`count(*)::int` })
    .from(outcomeHits)
    .where(and(inArray(outcomeHits.ruleId, ruleIds), gte(outcomeHits.at, from), lt(outcomeHits.at, to)))
    .groupBy(outcomeHits.ruleId);
  return new Map(rows.map((r) => [r.ruleId!, Number(r.n)]));
}

/** Retention: deletes up to `limit` web sessions of the website idle since before `cutoff` (their views, events and hits go with them). */
export async function deleteOldWebSessions(tx: Tx, websiteId: string, cutoff: Date, limit: number): Promise<number> {
  const batch = tx
    .select({ id: webSessions.id })
    .from(webSessions)
    .where(and(eq(webSessions.websiteId, websiteId), lt(webSessions.lastActivityAt, cutoff)))
    .limit(limit);
  const rows = await tx.delete(webSessions).where(inArray(webSessions.id, batch)).returning({ id: webSessions.id });
  return rows.length;
}

export async function conversationIdsOfContact(tx: Tx, contactId: string): Promise<string[]> {
  return (await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId))).map((r) => r.id);
}

export const CONVERSATION_TRIGGERS = ['queued', 'connected', 'ended_by_agent', 'abandoned'] as const;

/**
 * The conversation events that are journey events (queued, connected, ended by agent, abandoned),
 * read from the sessions' own events rather than copied: newest `limit` since `since`, oldest first.
 */
export async function conversationEventsOf(tx: Tx, conversationIds: string[], since: Date, limit: number) {
  if (!conversationIds.length) return [];
  const rows = await tx
    .select({ id: sessionEvents.id, sessionId: sessionEvents.sessionId, type: sessionEvents.type, at: sessionEvents.at })
    .from(sessionEvents)
    .innerJoin(sessions, eq(sessions.id, sessionEvents.sessionId))
    .where(and(inArray(sessions.conversationId, conversationIds), inArray(sessionEvents.type, [...CONVERSATION_TRIGGERS]), gte(sessionEvents.at, since)))
    .orderBy(desc(sessionEvents.at))
    .limit(limit);
  return rows.reverse() as { id: string; sessionId: string; type: (typeof CONVERSATION_TRIGGERS)[number]; at: Date }[];
}

export async function webSessionCount(tx: Tx, contactId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(webSessions).where(eq(webSessions.contactId, contactId));
  return Number(row?.n ?? 0);
}

/** The newest `limit` page URLs and event names of a web session, oldest first. */
export async function webSessionTrail(tx: Tx, webSessionId: string, limit: number): Promise<{ urls: string[]; events: string[] }> {
  const urls = await tx.select({ url: pageViews.url }).from(pageViews).where(eq(pageViews.webSessionId, webSessionId)).orderBy(desc(pageViews.at)).limit(limit);
  const events = await tx
    .select({ name: journeyEvents.name })
    .from(journeyEvents)
    .where(and(eq(journeyEvents.webSessionId, webSessionId), eq(journeyEvents.kind, 'custom_event')))
    .orderBy(desc(journeyEvents.at))
    .limit(limit);
  return { urls: urls.map((r) => r.url).reverse(), events: events.map((r) => r.name ?? '').reverse() };
}

export async function journeyRetentionPolicies(tx: Tx): Promise<{ websiteId: string; days: number }[]> {
  return tx.select({ websiteId: websites.id, days: websites.journeyRetentionDays }).from(websites);
}
