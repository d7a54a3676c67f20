import { ENGAGEMENT_LIMITS, type Journey, type PageViewInput, type PageViewResult, type TrackEventInput } from '../../protocol/index.ts';
import { urlMatches } from '../../protocol/engagement-eval.ts';
import { memoryOf, segmentsOfContact } from './segment-membership.ts';
import type { Tx } from '../db/client.ts';
import { conversationById } from '../db/stores/conversations-store.ts';
import { listOutcomes } from '../db/stores/engagement-store.ts';
import * as J from '../db/stores/journeys-store.ts';
import { must } from '../db/must.ts';
import type { ServiceDeps } from './deps.ts';
import type { VisitorContext } from './visitor-service.ts';

/**
 * Journeys, the visitor side (issue 20, docs/engagement.md): page views and custom events of a
 * visitor WITH a session (they wrote, were identified, or consented), grouped into web sessions
 * (30 minutes of inactivity ends one); outcomes reached, attributed to the rule whose offer started
 * their conversation within the outcome's window; the journey map agents read. A visitor without a
 * session is answered `recorded: false` and nothing is written.
 */
const HOUR_MS = 3_600_000;

type Who = { websiteId: string; contactId: string; visitorId: string };

const who = (ctx: VisitorContext): Who | null => (ctx.visitor ? { websiteId: ctx.website.id, contactId: ctx.visitor.contactId, visitorId: ctx.visitor.id } : null);

export function createJourneyService({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>) {
  /** The contact's current web session (locked), or a new one when the last went idle. */
  async function currentWebSession(tx: Tx, w: Who, at: Date, entry: { url: string | null; referrer: string | null }) {
    const last = await J.latestWebSessionForUpdate(tx, w.contactId);
    if (last && at.getTime() - last.lastActivityAt.getTime() < ENGAGEMENT_LIMITS.webSessionIdleMs) return { row: last, fresh: false };
    return { row: await J.openWebSession(tx, { ...w, at, entryUrl: entry.url, referrer: entry.referrer }), fresh: true };
  }

  /** Records the outcomes this page view or event reaches, once per web session each. */
  async function reachOutcomes(tx: Tx, w: Who, webSessionId: string, at: Date, hit: { url?: string; event?: string }) {
    const reached = (await listOutcomes(tx, w.websiteId)).filter((o) =>
      o.match.type === 'url' ? hit.url !== undefined && urlMatches(o.match.pattern, hit.url) : hit.event === o.match.name,
    );
    if (!reached.length) return;
    const conversationIds = await J.conversationIdsOfContact(tx, w.contactId);
    for (const outcome of reached) {
      const attributed = await J.latestOfferSessionSince(tx, conversationIds, new Date(at.getTime() - outcome.attributionWindowHours * HOUR_MS));
      const recorded = await J.recordOutcomeHit(tx, { outcomeId: outcome.id, websiteId: w.websiteId, contactId: w.contactId, webSessionId, at, ruleId: attributed?.ruleId ?? null, sessionId: attributed?.sessionId ?? null });
      if (recorded) await J.insertJourneyEvent(tx, { ...w, webSessionId, at, kind: 'outcome', name: outcome.name, url: hit.url ?? null, ruleId: attributed?.ruleId ?? null, sessionId: attributed?.sessionId ?? null });
    }
  }

  async function pageView(ctx: VisitorContext, input: PageViewInput): Promise<PageViewResult> {
    const w = who(ctx);
    if (!w || !ctx.website.trackPages) return { recorded: false, memory: null };
    const at = clock.now();
    return db.transaction(async (tx) => {
      const { row, fresh } = await currentWebSession(tx, w, at, { url: input.url, referrer: input.referrer });
      if (!fresh && input.timeOnPrevSec !== undefined) await J.closeLastPageView(tx, row.id, input.timeOnPrevSec);
      await J.insertPageView(tx, { ...w, webSessionId: row.id, at, url: input.url, title: input.title, referrer: input.referrer });
      await J.touchWebSession(tx, row.id, at, { pageViews: 1 });
      await reachOutcomes(tx, w, row.id, at, { url: input.url });
      return { recorded: true, memory: await memoryOf(tx, w.contactId, row.id, row.pageViews + 1, at) };
    });
  }

  async function trackEvent(ctx: VisitorContext, input: TrackEventInput): Promise<{ recorded: boolean }> {
    const w = who(ctx);
    if (!w) return { recorded: false };
    const at = clock.now();
    return db.transaction(async (tx) => {
      const { row } = await currentWebSession(tx, w, at, { url: input.url ?? null, referrer: null });
      await J.insertJourneyEvent(tx, { ...w, webSessionId: row.id, at, kind: 'custom_event', name: input.name, url: input.url ?? null, data: input.data });
      await J.touchWebSession(tx, row.id, at, { events: 1 });
      await reachOutcomes(tx, w, row.id, at, { event: input.name, ...(input.url ? { url: input.url } : {}) });
      return { recorded: true };
    });
  }

  /** The journey map of a conversation's contact: web sessions, pages and events in time order, where each chat began. */
  async function journey(conversationId: string, limit: number): Promise<Journey> {
    const conv = must(await conversationById(db, conversationId), 'NOT_FOUND', 'No such conversation.');
    const conversationIds = await J.conversationIdsOfContact(db, conv.contactId);
    const entries = await J.journeyEntries(db, conv.contactId, limit + 1);
    const triggers = await J.conversationEventsOf(db, conversationIds, new Date(0), limit);
    const webSessions = await J.webSessionsOf(db, conv.contactId, 50);
    const starts = await J.chatStartsOf(db, conversationIds);
    // A conversation event belongs to the web session that was current then (none: the first one's).
    const sessionAt = (at: Date) => webSessions.find((s) => s.startedAt <= at)?.id ?? webSessions.at(-1)?.id;
    const merged = [
      ...entries,
      ...triggers.flatMap((e) => {
        const ws = sessionAt(e.at);
        return ws ? [{ id: e.id, webSessionId: ws, at: e.at.toISOString(), kind: 'conversation_event' as const, url: null, title: null, referrer: null, timeOnPageSec: null, name: e.type, sessionId: e.sessionId, ruleId: null }] : [];
      }),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const hasMore = merged.length > limit;
    const pageAt = (at: Date) => entries.filter((e) => e.kind === 'page_view' && new Date(e.at) <= at).at(-1)?.url ?? null;
    return {
      contactId: conv.contactId,
      webSessions: webSessions.map(J.toWebSession).reverse(),
      entries: merged.slice(-limit),
      segments: await segmentsOfContact(db, conv.websiteId, conv.contactId, clock.now()),
      chatStarts: starts.map((s) => ({ sessionId: s.sessionId, at: s.at.toISOString(), origin: s.origin, ruleId: s.ruleId, url: pageAt(s.at) })),
      hasMore,
    };
  }

  return { pageView, trackEvent, journey };
}

export type JourneyService = ReturnType<typeof createJourneyService>;
