import { describe, expect, it } from 'vitest';
import type { AgentAccount, AuditEntry, AuditLogPage, Queue, Website } from '../../protocol/index.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, loginCookie, useTestServer } from '../testing/test-kit.ts';

/**
 * The audit log records each admin change with the change, never without it, and never a secret:
 * agents, websites, webhooks, assistants, queues and the desk's lists, as an administrator makes them.
 */
describe.each(backends)('the audit log on $name', (backend) => {
  let server: RunningServer;
  useTestServer(backend, (_db, s) => (server = s), { webhooksAllowPrivateTargets: false });

  const log = async (cookie: string) => (await api<AuditLogPage>(server, cookie, 'GET', '/admin/audit-log?limit=200')).body.entries;
  const find = (entries: AuditEntry[], action: string) => entries.filter((e) => e.action === action);

  it('records agent changes by what they did, without the password', async () => {
    const admin = await loginCookie(server);
    const { agent } = (await api<{ agent: AgentAccount }>(server, admin, 'POST', '/agents', { email: 'grace@demo.shop', name: 'Grace', password: 'first password 1' })).body;
    await api(server, admin, 'PATCH', `/agents/${agent.id}`, { role: 'supervisor' });
    await api(server, admin, 'PATCH', `/agents/${agent.id}`, { password: 'second password 2' });
    await api(server, admin, 'PATCH', `/agents/${agent.id}`, { active: false });
    await api(server, admin, 'PATCH', `/agents/${agent.id}`, { maxConcurrent: 4 });
    const entries = await log(admin);
    for (const action of ['agent.create', 'agent.role_change', 'agent.password_reset', 'agent.deactivate', 'agent.update']) {
      expect(find(entries, action), action).toEqual([expect.objectContaining({ targetType: 'agent', targetId: agent.id, actorName: DEMO.agentName })]);
    }
    expect(find(entries, 'agent.password_reset')[0]!.changes).toEqual({ password: '(changed)' });
    expect(find(entries, 'agent.role_change')[0]!.changes).toEqual({ role: 'supervisor' });
    expect(JSON.stringify(entries)).not.toMatch(/first password|second password/);
  });

  it('records nothing for a change that was refused, and a change to each kind of configuration', async () => {
    const admin = await loginCookie(server);
    const site = (await api<{ websites: Website[] }>(server, admin, 'GET', '/websites')).body.websites[0]!;
    expect((await api(server, admin, 'POST', '/websites', { key: site.key, name: 'Again', allowedOrigins: [] })).status).toBe(409);
    expect((await api(server, admin, 'PATCH', `/websites/${site.id}`, { allowedOrigins: ['https://shop.example.com'] })).status).toBe(200);
    const hook = (await api(server, admin, 'POST', '/webhooks', { websiteKey: site.key, url: 'https://example.com/hook', events: ['connected'] })).body.webhook;
    await api(server, admin, 'DELETE', `/webhooks/${hook.id}`);
    const { queue } = (await api<{ queue: Queue }>(server, admin, 'POST', '/queues', { websiteKey: site.key, name: 'Returns desk' })).body;
    await api(server, admin, 'POST', '/quick-replies', { title: 'Hi', body: 'Hello {{name}}', queueId: null });
    await api(server, admin, 'POST', '/dispositions', { code: 'refund', label: 'Refund' });
    const assistant = (await api(server, admin, 'POST', '/assistants', { name: 'Helper', languages: ['en'] })).body.assistant;
    const draft = (await api(server, admin, 'GET', `/assistants/${assistant.id}`)).body.draft;
    await api(server, admin, 'PUT', `/assistants/${assistant.id}/draft`, { definition: draft });
    expect((await api(server, admin, 'POST', `/assistants/${assistant.id}/publish`, { channels: [site.id] })).status).toBe(200);

    const entries = await log(admin);
    expect(find(entries, 'website.create')).toEqual([]);
    expect(find(entries, 'website.update')[0]).toMatchObject({ targetId: site.id, changes: { allowedOrigins: ['https://shop.example.com'] } });
    expect(find(entries, 'webhook.create')[0]).toMatchObject({ targetId: hook.id, changes: { url: 'https://example.com/hook', secret: '(changed)' } });
    expect(JSON.stringify(entries)).not.toContain(hook.secret);
    expect(find(entries, 'webhook.delete')).toHaveLength(1);
    expect(find(entries, 'queue.create')[0]).toMatchObject({ targetId: queue.id, changes: { name: 'Returns desk' } });
    expect(find(entries, 'quick_reply.create')).toHaveLength(1);
    expect(find(entries, 'disposition.create')).toHaveLength(1);
    expect(find(entries, 'assistant.draft_save')[0]!.changes).toEqual({});
    expect(find(entries, 'assistant.publish')[0]).toMatchObject({ targetId: assistant.id, changes: { channels: [site.id], version: 1 } });
  });
});
