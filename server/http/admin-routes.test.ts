import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAccount, Disposition, Queue, QuickReply, Tag, Team, Website } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { teamMembers } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { closeSockets, loginCookie, startTestServer } from '../testing/test-kit.ts';

describe.each(backends)('admin REST on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
    admin = await loginCookie(server);
    agent = await loginCookie(server, DEMO.agent2Email, DEMO.agentPassword);
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
  });
  const req = async <T = Record<string, unknown>>(cookie: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as T & { error?: { code: string; details?: { path: string }[] } } };
  };

  it('websites: create with a snippet, patch only what is sent, identity secret shown once; agents may not', async () => {
    const created = await req<{ website: Website }>(admin, '/websites', { method: 'POST', body: { key: 'tea-room', name: 'Tea Room', allowedOrigins: ['https://*.tea.example'] } });
    expect(created.status).toBe(201);
    expect(created.body.website).toMatchObject({ key: 'tea-room', defaultLocale: 'en', hasIdentitySecret: false });
    expect(created.body.website.snippet).toBe(`<script async src="${server.url}/widget/loader.js" data-website-key="tea-room"></script>`);
    expect((await req(admin, '/websites', { method: 'POST', body: { key: 'tea-room', name: 'Again', allowedOrigins: [] } })).status).toBe(409);
    expect((await req(admin, '/websites', { method: 'POST', body: { key: 'bad', name: 'Bad', allowedOrigins: ['ftp://x'] } })).body.error?.code).toBe('VALIDATION_FAILED');
    const id = created.body.website.id;
    const patched = await req<{ website: Website }>(admin, `/websites/${id}`, { method: 'PATCH', body: { name: 'Tea Room FR' } });
    expect(patched.body.website).toMatchObject({ name: 'Tea Room FR', allowedOrigins: ['https://*.tea.example'], primaryColor: '#4f46e5' });
    const secret = await req<{ identitySecret: string }>(admin, `/websites/${id}/identity-secret`, { method: 'POST' });
    expect(secret.body.identitySecret.length).toBeGreaterThan(30);
    const listed = await req<{ websites: Website[] }>(admin, '/websites');
    expect(listed.body.websites.find((w) => w.id === id)).toMatchObject({ hasIdentitySecret: true });
    expect(JSON.stringify(listed.body)).not.toContain(secret.body.identitySecret);
    expect((await req(agent, '/websites')).status).toBe(403);
    expect((await req(agent, `/websites/${id}/identity-secret`, { method: 'POST' })).status).toBe(403);
  });

  it('agents: create with a password that logs in, update role/limit/password, keep the last admin, validate', async () => {
    const created = await req<{ agent: AgentAccount }>(admin, '/agents', { method: 'POST', body: { email: 'Linus@demo.shop', name: 'Linus', password: 'correct horse battery' } });
    expect(created.status).toBe(201);
    expect(created.body.agent).toMatchObject({ email: 'linus@demo.shop', role: 'agent', maxConcurrent: 3, channels: ['chat'] });
    expect(JSON.stringify(created.body)).not.toContain('password');
    await loginCookie(server, 'linus@demo.shop', 'correct horse battery');
    expect((await req(admin, '/agents', { method: 'POST', body: { email: 'linus@demo.shop', name: 'L2', password: 'another password' } })).status).toBe(409);
    expect((await req(admin, '/agents', { method: 'POST', body: { email: 'x@demo.shop', name: 'X', password: 'short' } })).status).toBe(400);
    const id = created.body.agent.id;
    const patched = await req<{ agent: AgentAccount }>(admin, `/agents/${id}`, { method: 'PATCH', body: { maxConcurrent: 7, password: 'a brand new password' } });
    // Omitted fields keep their values (no schema defaults sneak in).
    expect(patched.body.agent).toMatchObject({ maxConcurrent: 7, role: 'agent', channels: ['chat'] });
    await loginCookie(server, 'linus@demo.shop', 'a brand new password');
    expect((await req(admin, `/agents/${id}`, { method: 'PATCH', body: { maxConcurrent: 13 } })).status).toBe(400);
    const { agents } = (await req<{ agents: AgentAccount[] }>(admin, '/agents')).body;
    const ada = agents.find((a) => a.email === DEMO.agentEmail)!;
    expect((await req(admin, `/agents/${ada.id}`, { method: 'PATCH', body: { role: 'agent' } })).body.error?.code).toBe('CONFLICT');
    expect((await req(agent, `/agents/${id}`, { method: 'PATCH', body: { maxConcurrent: 2 } })).status).toBe(403);
  });

  it('team update replaces members atomically: an unknown member changes nothing', async () => {
    const { agents } = (await req<{ agents: AgentAccount[] }>(admin, '/agents')).body;
    const [a, b] = agents;
    const team = (await req<{ team: Team }>(admin, '/teams', { method: 'POST', body: { name: 'Evening', memberIds: [a!.id] } })).body.team;
    const bad = await req(admin, `/teams/${team.id}`, { method: 'PUT', body: { name: 'Evening 2', memberIds: [b!.id, randomUUID()] } });
    expect(bad.body.error?.code).toBe('VALIDATION_FAILED');
    const members = await database.db.select().from(teamMembers).where(eq(teamMembers.teamId, team.id));
    expect(members.map((m) => m.agentId)).toEqual([a!.id]);
    const { teams } = (await req<{ teams: Team[] }>(admin, '/teams')).body;
    expect(teams.find((t) => t.id === team.id)?.name).toBe('Evening');
    const ok = await req<{ team: Team }>(admin, `/teams/${team.id}`, { method: 'PUT', body: { name: 'Evening 2', memberIds: [b!.id] } });
    expect(ok.body.team).toMatchObject({ name: 'Evening 2', memberIds: [b!.id] });
  });

  it('queues: website key required; deleting one with open sessions is a CONFLICT', async () => {
    expect((await req(admin, '/queues', { method: 'POST', body: { name: 'VIP' } })).body.error?.code).toBe('VALIDATION_FAILED');
    expect((await req(admin, '/queues', { method: 'POST', body: { name: 'VIP', websiteKey: 'nope' } })).body.error?.code).toBe('UNKNOWN_WEBSITE');
    const { queue } = (await req<{ queue: Queue }>(admin, '/queues', { method: 'POST', body: { name: 'VIP', websiteKey: DEMO.websiteKey, wrapUpRequired: true } })).body;
    const patched = await req<{ queue: Queue }>(admin, `/queues/${queue.id}`, { method: 'PATCH', body: { offerTimeoutSec: 20 } });
    expect(patched.body.queue).toMatchObject({ offerTimeoutSec: 20, wrapUpRequired: true, name: 'VIP' });
    const general = (await req<{ queues: Queue[] }>(admin, '/queues')).body.queues.find((q) => q.isDefault)!;
    expect((await req(admin, `/queues/${general.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await req(admin, `/queues/${queue.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('quick replies: malformed placeholders refused with details; CRUD; supervisors read, agents may not', async () => {
    const listed = (await req<{ quickReplies: QuickReply[] }>(admin, '/quick-replies')).body.quickReplies;
    expect(listed.map((q) => q.title).sort()).toEqual(['Goodbye', 'Greeting', 'Order status', 'Shipping times']);
    const bad = await req(admin, '/quick-replies', { method: 'POST', body: { title: 'Oops', body: 'Hi {{ }} and {{1x}}' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body' }] });
    expect((await req(admin, '/quick-replies', { method: 'POST', body: { title: 'Q', body: 'x', queueId: randomUUID() } })).body.error?.code).toBe('VALIDATION_FAILED');
    const created = await req<{ quickReply: QuickReply }>(admin, '/quick-replies', { method: 'POST', body: { title: 'Refund', body: 'Refund for {{order_number}}' } });
    expect(created.status).toBe(201);
    const id = created.body.quickReply.id;
    const patched = await req<{ quickReply: QuickReply }>(admin, `/quick-replies/${id}`, { method: 'PATCH', body: { title: 'Refunds' } });
    expect(patched.body.quickReply).toMatchObject({ title: 'Refunds', body: 'Refund for {{order_number}}', queueId: null });
    expect((await req(agent, '/quick-replies')).status).toBe(403);
    expect((await req(admin, `/quick-replies/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await req(admin, `/quick-replies/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('dispositions and tags: duplicates CONFLICT, validation, deactivate, delete', async () => {
    const { dispositions } = (await req<{ dispositions: Disposition[] }>(admin, '/dispositions')).body;
    expect(dispositions.map((d) => d.code).sort()).toEqual(['follow_up', 'info_given', 'resolved', 'sale']);
    expect((await req(admin, '/dispositions', { method: 'POST', body: { code: 'sale', label: 'Again' } })).status).toBe(409);
    expect((await req(admin, '/dispositions', { method: 'POST', body: { code: 'Bad Code', label: 'x' } })).status).toBe(400);
    const sale = dispositions.find((d) => d.code === 'sale')!;
    const created = await req<{ disposition: Disposition }>(admin, '/dispositions', { method: 'POST', body: { code: 'refund', label: 'Refund' } });
    expect(created.body.disposition).toMatchObject({ code: 'refund', active: true, queueIds: [] });
    expect((await req(admin, `/dispositions/${created.body.disposition.id}`, { method: 'DELETE' })).status).toBe(200);
    const patched = await req<{ disposition: Disposition }>(admin, `/dispositions/${sale.id}`, { method: 'PATCH', body: { active: false } });
    expect(patched.body.disposition).toMatchObject({ code: 'sale', label: 'Sale', active: false });

    const { tags } = (await req<{ tags: Tag[] }>(admin, '/tags')).body;
    expect(tags.map((t) => t.name)).toEqual(['billing', 'complaint', 'product', 'shipping']);
    expect((await req(admin, '/tags', { method: 'POST', body: { name: 'billing' } })).status).toBe(409);
    const vip = await req<{ tag: Tag }>(admin, '/tags', { method: 'POST', body: { name: 'vip' } });
    expect(vip.status).toBe(201);
    expect((await req(agent, '/tags', { method: 'POST', body: { name: 'x' } })).status).toBe(403);
    expect((await req(admin, `/tags/${vip.body.tag.id}`, { method: 'DELETE' })).status).toBe(200);
  });
});
