import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionMap, EngagementReport, Outcome, Segment, WidgetEngagement } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, closeSockets, loginCookie, startTestServer } from '../testing/test-kit.ts';

/**
 * Admin › Engagement over REST on a real server (issue 20): rules, outcomes and segments, what the
 * widget fetches (only what its evaluator needs, revalidated by ETag, from the allowed origins
 * only), the anonymous counters and the report.
 */
describe.each(backends)('engagement REST on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let websiteId: string;
  let agentId: string;
  let origin: string;
  const clock = fakeClock(new Date('2026-12-07T10:00:00Z'));

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database, {}, { clock });
    admin = await loginCookie(server);
    const sites = await api<{ websites: { id: string; key: string; allowedOrigins: string[] }[] }>(server, admin, 'GET', '/websites');
    const demo = sites.body.websites.find((w) => w.key === DEMO.websiteKey)!;
    websiteId = demo.id;
    origin = demo.allowedOrigins[0]!;
    const agents = await api<{ agents: { id: string; email: string }[] }>(server, admin, 'GET', '/agents');
    agentId = agents.body.agents.find((a) => a.email === DEMO.agentEmail)!.id;
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
  });

  const teaRule = () => ({
    websiteId,
    name: 'Tea page help',
    conditions: [{ type: 'url', pattern: '/tea*' }, { type: 'time_on_page', atLeastSec: 10 }, { type: 'agents_available' }],
    action: { type: 'offer', message: { en: 'Questions about our teas?', fr: 'Des questions sur nos thés ?' }, from: { kind: 'agent', agentId } },
  });
  const widget = (headers: Record<string, string> = {}) => fetch(`${server.url}/api/v1/widget/engagement?websiteKey=${DEMO.websiteKey}`, { headers: { origin, ...headers } });
  const count = (body: unknown, from = origin) =>
    fetch(`${server.url}/api/v1/widget/engagement/counters?websiteKey=${DEMO.websiteKey}`, { method: 'POST', headers: { origin: from, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('creates, lists, changes and deletes a rule, with defaults filled', async () => {
    const created = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', teaRule());
    expect(created.status).toBe(201);
    expect(created.body.actionMap).toMatchObject({ name: 'Tea page help', enabled: true, priority: 100, cap: { oncePerSession: true, dismissCooldownDays: 7 } });
    const id = created.body.actionMap.id;
    const listed = await api<{ actionMaps: ActionMap[] }>(server, admin, 'GET', `/admin/engagement/rules?websiteId=${websiteId}`);
    expect(listed.body.actionMaps.map((r) => r.id)).toContain(id);
    const changed = await api<{ actionMap: ActionMap }>(server, admin, 'PATCH', `/admin/engagement/rules/${id}`, { enabled: false });
    expect(changed.body.actionMap).toMatchObject({ enabled: false, name: 'Tea page help', priority: 100 });
    expect((await api(server, admin, 'DELETE', `/admin/engagement/rules/${id}`)).status).toBe(200);
    expect((await api(server, admin, 'DELETE', `/admin/engagement/rules/${id}`)).status).toBe(404);
  });

  it('refuses another website’s queue, an unknown agent or segment, a regex, and agents who are not admins', async () => {
    const bad = async (patch: object) => (await api(server, admin, 'POST', '/admin/engagement/rules', { ...teaRule(), ...patch })).status;
    expect(await bad({ action: { type: 'offer', message: { en: 'x' }, from: { kind: 'assistant' }, queueId: crypto.randomUUID() } })).toBe(400);
    expect(await bad({ action: { type: 'offer', message: { en: 'x' }, from: { kind: 'agent', agentId: crypto.randomUUID() } } })).toBe(400);
    expect(await bad({ conditions: [{ type: 'segment', segmentId: crypto.randomUUID() }] })).toBe(400);
    expect(await bad({ conditions: [{ type: 'url_regex', pattern: '(a+)+$' }] })).toBe(400);
    expect(await bad({ websiteId: crypto.randomUUID() })).toBe(404);
    const grace = await loginCookie(server, DEMO.agent2Email);
    expect((await api(server, grace, 'GET', `/admin/engagement/rules?websiteId=${websiteId}`)).status).toBe(403);
    expect((await api(server, grace, 'POST', '/admin/engagement/rules', teaRule())).status).toBe(403);
  });

  it('serves the widget only what the evaluator needs, revalidated by ETag, with segments inlined', async () => {
    const segment = await api<{ segment: Segment }>(server, admin, 'POST', '/admin/engagement/segments', { websiteId, name: 'Gold', conditions: [{ type: 'attribute', key: 'plan', op: 'equals', value: 'gold' }] });
    expect(segment.status).toBe(201);
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', { ...teaRule(), conditions: [...teaRule().conditions, { type: 'segment', segmentId: segment.body.segment.id }] });
    expect(rule.status).toBe(201);
    const res = await widget();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const body = (await res.json()) as WidgetEngagement;
    const wire = body.rules.find((r) => r.id === rule.body.actionMap.id)!;
    expect(wire.action).toEqual({ type: 'offer', message: { en: 'Questions about our teas?', fr: 'Des questions sur nos thés ?' }, from: { kind: 'agent', name: DEMO.agentName } });
    expect(wire.conditions).toContainEqual({ type: 'attribute', key: 'plan', op: 'equals', value: 'gold' });
    expect(JSON.stringify(body)).not.toContain(agentId);
    expect(JSON.stringify(body)).not.toContain(websiteId);
    // Nobody is Ready: the queue is open but has no agent available.
    expect(body.availability[wire.id]).toEqual({ open: true, agentsAvailable: false });
    const etag = res.headers.get('etag')!;
    expect((await widget({ 'if-none-match': etag })).status).toBe(304);
    // A segment in use stays; the rule goes first.
    expect((await api(server, admin, 'DELETE', `/admin/engagement/segments/${segment.body.segment.id}`)).status).toBe(409);
    await api(server, admin, 'DELETE', `/admin/engagement/rules/${rule.body.actionMap.id}`);
    expect((await api(server, admin, 'DELETE', `/admin/engagement/segments/${segment.body.segment.id}`)).status).toBe(200);
    expect((await widget({ 'if-none-match': etag })).status).toBe(200);
  });

  it('tells the widget’s config whether the website has enabled rules', async () => {
    const config = async () => ((await (await fetch(`${server.url}/api/v1/widget/config?websiteKey=${DEMO.websiteKey}`, { headers: { origin } })).json()) as { engagement?: boolean }).engagement;
    const rules = await api<{ actionMaps: ActionMap[] }>(server, admin, 'GET', `/admin/engagement/rules?websiteId=${websiteId}`);
    for (const r of rules.body.actionMaps) await api(server, admin, 'DELETE', `/admin/engagement/rules/${r.id}`);
    expect(await config()).toBe(false);
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', teaRule());
    expect(await config()).toBe(true);
    await api(server, admin, 'PATCH', `/admin/engagement/rules/${rule.body.actionMap.id}`, { enabled: false });
    expect(await config()).toBe(false);
    await api(server, admin, 'DELETE', `/admin/engagement/rules/${rule.body.actionMap.id}`);
  });

  it('does not hand a website’s rules to another origin', async () => {
    const res = await widget({ origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('counts shown and dismissed anonymously, ignores unknown rules, and reports per rule', async () => {
    const rule = await api<{ actionMap: ActionMap }>(server, admin, 'POST', '/admin/engagement/rules', teaRule());
    const id = rule.body.actionMap.id;
    const first = await count({ increments: [{ ruleId: id, shown: 2 }, { ruleId: crypto.randomUUID(), shown: 1 }] });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ counted: 1 });
    expect((await count({ increments: [{ ruleId: id, shown: 1, dismissed: 1 }] })).status).toBe(200);
    expect((await count({ increments: [{ ruleId: id, shown: 1 }] }, 'https://evil.example')).status).toBe(403);
    // The browser's preflight for the JSON POST is granted to the website's origins only.
    const preflight = (from: string) =>
      fetch(`${server.url}/api/v1/widget/engagement/counters?websiteKey=${DEMO.websiteKey}`, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBe(origin);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await count({ increments: [{ ruleId: id, shown: 1000 }] })).status).toBe(400);
    const report = await api<EngagementReport>(server, admin, 'GET', `/admin/engagement/report?from=2026-12-07&to=2026-12-07&ruleId=${id}`);
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([{ ruleId: id, ruleName: 'Tea page help', queueId: null, shown: 3, dismissed: 1, accepted: 0, conversationsStarted: 0, outcomesReached: 0 }]);
    const before = await api<EngagementReport>(server, admin, 'GET', `/admin/engagement/report?from=2026-12-01&to=2026-12-06&ruleId=${id}`);
    expect(before.body.rows[0]).toMatchObject({ shown: 0, dismissed: 0 });
    expect((await api(server, admin, 'GET', '/admin/engagement/report?from=2026-12-08&to=2026-12-07')).status).toBe(400);
  });

  it('lets an admin turn page tracking off and set the journey retention of a website', async () => {
    const saved = await api<{ website: { trackPages: boolean; journeyRetentionDays: number } }>(server, admin, 'PATCH', `/websites/${websiteId}`, { trackPages: false, journeyRetentionDays: 30 });
    expect(saved.status).toBe(200);
    expect(saved.body.website).toMatchObject({ trackPages: false, journeyRetentionDays: 30 });
    expect(((await (await widget()).json()) as WidgetEngagement).trackPages).toBe(false);
    expect((await api(server, admin, 'PATCH', `/websites/${websiteId}`, { journeyRetentionDays: 0 })).status).toBe(400);
    await api(server, admin, 'PATCH', `/websites/${websiteId}`, { trackPages: true, journeyRetentionDays: 90 });
  });

  it('creates, changes and deletes outcomes', async () => {
    const created = await api<{ outcome: Outcome }>(server, admin, 'POST', '/admin/engagement/outcomes', { websiteId, name: 'Bought', match: { type: 'url', pattern: '/checkout/thanks*' } });
    expect(created.status).toBe(201);
    expect(created.body.outcome.attributionWindowHours).toBe(72);
    const changed = await api<{ outcome: Outcome }>(server, admin, 'PATCH', `/admin/engagement/outcomes/${created.body.outcome.id}`, { attributionWindowHours: 24 });
    expect(changed.body.outcome).toMatchObject({ name: 'Bought', attributionWindowHours: 24 });
    expect((await api(server, admin, 'PATCH', `/admin/engagement/outcomes/${created.body.outcome.id}`, {})).status).toBe(400);
    expect((await api(server, admin, 'DELETE', `/admin/engagement/outcomes/${created.body.outcome.id}`)).status).toBe(200);
  });
});
