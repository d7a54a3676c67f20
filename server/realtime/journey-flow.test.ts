import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionMap, EngagementReport, Journey, Outcome, PageViewResult, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { agents, contacts, conversations, journeyEvents, outcomeHits, pageViews, sessions, webSessions, websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, call, closeSockets, connectAgent, connectVisitor, expectOk, loginCookie, startTestServer } from '../testing/test-kit.ts';

/**
 * Journeys over the visitor socket (issue 20): nothing is stored for a visitor without a session;
 * with one, page views and events group into web sessions (30 minutes idle ends one), the ack
 * carries the evaluator's memory, outcomes are recorded once per web session and attributed to
 * the rule whose offer started the conversation, and agents read the journey map.
 */
describe.each(backends)('journeys on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let websiteId: string;
  const clock = fakeClock(new Date('2026-12-07T10:00:00Z'));
  const shop = 'https://shop.example';

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database, {}, { clock });
    admin = await loginCookie(server);
    const [site] = await database.db.select().from(websites).where(eq(websites.key, DEMO.websiteKey));
    websiteId = site!.id;
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
  });

  const rows = async () => ({
    webSessions: Number((await database.db.select({ n: count() }).from(webSessions))[0]!.n),
    pageViews: Number((await database.db.select({ n: count() }).from(pageViews))[0]!.n),
    events: Number((await database.db.select({ n: count() }).from(journeyEvents))[0]!.n),
  });

  it('stores nothing for a visitor without a session', async () => {
    const before = await rows();
    const socket = await connectVisitor(server);
    expect(await expectOk(call(socket, 'page:view', { url: `${shop}/tea/`, title: 'Teas' }))).toEqual({ recorded: false, memory: null });
    expect(await expectOk(call(socket, 'event:track', { name: 'cart', data: { sku: 'x' } }))).toEqual({ recorded: false });
    expect(await rows()).toEqual(before);
  });

  it('refuses malformed input with a typed error', async () => {
    const socket = await connectVisitor(server);
    const bad = await call(socket, 'page:view', { url: 'javascript:alert(1)' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const long = await call(socket, 'event:track', { name: 'x'.repeat(65) });
    expect(long).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('groups page views into web sessions, answers the memory, and shows agents the journey map', async () => {
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'Hello' }));
    const first = await expectOk(call<PageViewResult>(socket, 'page:view', { url: `${shop}/`, title: 'Home', referrer: 'https://search.example/' }));
    expect(first).toMatchObject({ recorded: true, memory: { pagesInSession: 1, visits: 1, returning: false, sessionUrls: [`${shop}/`] } });
    clock.advance(20_000);
    const second = await expectOk(call<PageViewResult>(socket, 'page:view', { url: `${shop}/tea/`, title: 'Teas', timeOnPrevSec: 20 }));
    expect(second.memory).toMatchObject({ pagesInSession: 2, visits: 1, sessionUrls: [`${shop}/`, `${shop}/tea/`] });
    await expectOk(call(socket, 'event:track', { name: 'added_to_cart', data: { sku: 'sencha' }, url: `${shop}/tea/` }));
    clock.advance(31 * 60_000);
    const later = await expectOk(call<PageViewResult>(socket, 'page:view', { url: `${shop}/tea/`, title: 'Teas' }));
    expect(later.memory).toMatchObject({ pagesInSession: 1, visits: 2, returning: true, sessionUrls: [`${shop}/tea/`], sessionEvents: [] });

    const teaLover = await api<{ segment: { id: string } }>(server, admin, 'POST', '/admin/engagement/segments', { websiteId, name: 'Tea lover', conditions: [{ type: 'visited', pattern: '/tea/*' }, { type: 'returning_visitor', is: true }] });
    await api(server, admin, 'POST', '/admin/engagement/segments', { websiteId, name: 'Gold', conditions: [{ type: 'attribute', key: 'plan', op: 'equals', value: 'gold' }] });
    const agent = await connectAgent(server);
    const journey = await expectOk(call<Journey>(agent, 'journey:get', { conversationId: sent.conversationId }));
    expect(journey.segments).toEqual([{ id: teaLover.body.segment.id, name: 'Tea lover' }]);
    await expectOk(call(socket, 'attributes:set', { attributes: { plan: 'gold' } }));
    const withPlan = await expectOk(call<Journey>(agent, 'journey:get', { conversationId: sent.conversationId }));
    expect(withPlan.segments.map((s) => s.name).sort()).toEqual(['Gold', 'Tea lover']);
    expect(journey.webSessions).toHaveLength(2);
    expect(journey.webSessions[0]).toMatchObject({ entryUrl: `${shop}/`, referrer: 'https://search.example/', pageViews: 2, events: 1 });
    const trail = journey.entries.filter((e) => e.kind !== 'conversation_event').map((e) => [e.kind, e.url, e.name]);
    expect(trail).toEqual([
      ['page_view', `${shop}/`, null],
      ['page_view', `${shop}/tea/`, null],
      ['custom_event', `${shop}/tea/`, 'added_to_cart'],
      ['page_view', `${shop}/tea/`, null],
    ]);
    expect(journey.entries.find((e) => e.url === `${shop}/`)?.timeOnPageSec).toBe(20);
    expect(journey.chatStarts).toHaveLength(1);
    expect(journey.chatStarts[0]).toMatchObject({ origin: 'visitor', ruleId: null });
    expect(await call(agent, 'journey:get', { conversationId: randomUUID() })).toMatchObject({ ok: false });
  });

  it('records an outcome once per web session, attributed to the rule whose offer started the conversation', async () => {
    const outcome = await api<{ outcome: Outcome }>(server, admin, 'POST', '/admin/engagement/outcomes', { websiteId, name: 'Bought', match: { type: 'url', pattern: '/checkout/thanks*' }, attributionWindowHours: 2 });
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', {
      websiteId,
      name: 'Tea offer',
      conditions: [{ type: 'url', pattern: '/tea*' }],
      action: { type: 'offer', message: { en: 'Hi!' }, from: { kind: 'assistant' } },
    });
    const socket = await connectVisitor(server);
    await expectOk(call<VisitorSendResult>(socket, 'offer:accept', { ruleId: rule.body.actionMap.id, clientId: randomUUID(), locale: 'en' }));
    await expectOk(call(socket, 'page:view', { url: `${shop}/checkout/thanks?order=1`, title: 'Thanks' }));
    await expectOk(call(socket, 'page:view', { url: `${shop}/checkout/thanks?order=1`, title: 'Thanks' }));
    const hits = await database.db.select().from(outcomeHits).where(eq(outcomeHits.outcomeId, outcome.body.outcome.id));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: rule.body.actionMap.id });

    const day = clock.now().toISOString().slice(0, 10);
    const report = await api<EngagementReport>(server, admin, 'GET', `/admin/engagement/report?from=${day}&to=${day}&ruleId=${rule.body.actionMap.id}`);
    expect(report.body.rows[0]).toMatchObject({ conversationsStarted: 1, outcomesReached: 1 });

    // Past the window, a new web session's outcome is recorded but attributed to no rule.
    clock.advance(3 * 3_600_000);
    await expectOk(call(socket, 'page:view', { url: `${shop}/checkout/thanks?order=2`, title: 'Thanks' }));
    const after = await database.db.select().from(outcomeHits).where(eq(outcomeHits.outcomeId, outcome.body.outcome.id));
    expect(after.map((h) => h.ruleId).sort()).toEqual([rule.body.actionMap.id, null].sort());
  });

  it('starts a conversation from an accepted offer: nothing stored before, the offer as the agent’s first message, the session’s origin set', async () => {
    const [ada] = await database.db.select().from(agents).where(eq(agents.email, DEMO.agentEmail));
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', {
      websiteId,
      name: 'Accept me',
      conditions: [],
      action: { type: 'offer', message: { en: 'Can I help?', fr: 'Je peux aider ?' }, from: { kind: 'agent', agentId: ada!.id } },
    });
    const ruleId = rule.body.actionMap.id;
    const people = async () => Number((await database.db.select({ n: count() }).from(contacts))[0]!.n);
    const before = await people();
    const socket = await connectVisitor(server);
    // Shown and dismissed are anonymous counters: still no row about anyone.
    expect(await people()).toBe(before);
    expect(await call(socket, 'offer:accept', { ruleId: randomUUID(), clientId: randomUUID(), locale: 'en' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await people()).toBe(before);

    const clientId = randomUUID();
    const accepted = await expectOk(call<VisitorSendResult>(socket, 'offer:accept', { ruleId, clientId, locale: 'fr' }));
    expect(accepted.token).toEqual(expect.any(String));
    expect(accepted.message).toMatchObject({ text: 'Je peux aider ?', author: { kind: 'agent', id: ada!.id, name: DEMO.agentName } });
    expect(await people()).toBe(before + 1);
    const [session] = await database.db.select().from(sessions).where(eq(sessions.conversationId, accepted.conversationId));
    expect(session).toMatchObject({ origin: 'proactive_offer', actionMapId: ruleId, state: 'waiting' });

    // A retry answers the stored message; the visitor's reply joins the same session.
    const again = await expectOk(call<VisitorSendResult>(socket, 'offer:accept', { ruleId, clientId, locale: 'fr' }));
    expect(again.message.id).toBe(accepted.message.id);
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Oui, le sencha' }));
    const synced = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    expect(synced.events.filter((e) => e.kind === 'text').map((e) => e.text)).toEqual(['Je peux aider ?', 'Oui, le sencha']);
    expect(await database.db.select().from(sessions).where(eq(sessions.conversationId, accepted.conversationId))).toHaveLength(1);

    const day = clock.now().toISOString().slice(0, 10);
    const report = await api<EngagementReport>(server, admin, 'GET', `/admin/engagement/report?from=${day}&to=${day}&ruleId=${ruleId}`);
    expect(report.body.rows[0]).toMatchObject({ accepted: 1, conversationsStarted: 1 });

    await api(server, admin, 'PATCH', `/admin/engagement/rules/${ruleId}`, { enabled: false });
    const other = await connectVisitor(server);
    expect(await call(other, 'offer:accept', { ruleId, clientId: randomUUID(), locale: 'en' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('routes a new session of a contact in a segment with a queue to that queue', async () => {
    const vip = await api<{ queue: { id: string } }>(server, admin, 'POST', '/queues', { websiteKey: DEMO.websiteKey, name: 'VIP' });
    expect(vip.status).toBe(201);
    expect((await api(server, admin, 'POST', '/admin/engagement/segments', { websiteId, name: 'Bad', conditions: [{ type: 'exit_intent' }], queueId: randomUUID() })).status).toBe(400);
    const segment = await api(server, admin, 'POST', '/admin/engagement/segments', { websiteId, name: 'VIP customers', conditions: [{ type: 'attribute', key: 'plan', op: 'equals', value: 'vip' }], queueId: vip.body.queue.id });
    expect(segment.status).toBe(201);
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', { websiteId, name: 'Any page', conditions: [], action: { type: 'offer', message: { en: 'Hello' }, from: { kind: 'assistant' } } });
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'Hi' }));
    await expectOk(call(socket, 'attributes:set', { attributes: { plan: 'vip' } }));
    await expectOk(call(socket, 'conversation:end', {}));
    await expectOk(call(socket, 'offer:accept', { ruleId: rule.body.actionMap.id, clientId: randomUUID(), locale: 'en' }));
    const all = await database.db.select().from(sessions).where(eq(sessions.conversationId, sent.conversationId));
    const offered = all.find((s) => s.origin === 'proactive_offer')!;
    expect(offered.queueId).toBe(vip.body.queue.id);
    await api(server, admin, 'DELETE', `/admin/engagement/rules/${rule.body.actionMap.id}`);
  });

  it('erasing the contact deletes its journey', async () => {
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'Forget me later' }));
    await expectOk(call(socket, 'page:view', { url: `${shop}/tea/` }));
    await expectOk(call(socket, 'event:track', { name: 'viewed_price' }));
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    const contactId = conv!.contactId;
    const mine = async () => (await database.db.select().from(webSessions).where(eq(webSessions.contactId, contactId))).length;
    expect(await mine()).toBe(1);
    const exported = (await (await fetch(`${server.url}/api/v1/admin/contacts/${contactId}/export`, { headers: { cookie: admin } })).json()) as { webSessions: { entryUrl: string; entries: { kind: string; name?: string }[] }[] };
    expect(exported.webSessions).toHaveLength(1);
    expect(exported.webSessions[0]!.entryUrl).toBe(`${shop}/tea/`);
    expect(exported.webSessions[0]!.entries.map((e) => e.kind)).toEqual(['page_view', 'custom_event']);
    await expectOk(call(socket, 'conversation:end', {}));
    const erased = await api(server, admin, 'POST', `/admin/contacts/${contactId}/erase`, { confirm: contactId });
    expect(erased.status).toBe(200);
    expect(await mine()).toBe(0);
    expect(await database.db.select().from(pageViews).where(eq(pageViews.contactId, contactId))).toEqual([]);
    expect(await database.db.select().from(journeyEvents).where(eq(journeyEvents.contactId, contactId))).toEqual([]);
  });

  it('stores no page view when the website turned page tracking off', async () => {
    await database.db.update(websites).set({ trackPages: false }).where(eq(websites.id, websiteId));
    try {
      const socket = await connectVisitor(server);
      await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Hi' }));
      const before = await rows();
      expect(await expectOk(call(socket, 'page:view', { url: `${shop}/` }))).toEqual({ recorded: false, memory: null });
      expect(await rows()).toEqual(before);
    } finally {
      await database.db.update(websites).set({ trackPages: true }).where(eq(websites.id, websiteId));
    }
  });
});
