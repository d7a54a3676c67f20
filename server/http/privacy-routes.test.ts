import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLogPage, ContactEraseResult, SyncResult, VisitorSendResult, Website } from '../../protocol/index.ts';
import * as img from '../attachments/test-images.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { conversations, sessions } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { api, call, closeSockets, connectVisitor, expectOk, handshakeRefusal, loginCookie, startTestServer, visitorSocket } from '../testing/test-kit.ts';

/**
 * Privacy operations end to end over REST, on a real server: a visitor writes and sends a photo; the
 * admin exports the contact (the message and the photo's bytes are in it), erases it (they are gone,
 * the visitor's token no longer opens anything, the session stays counted), a retention policy sweeps
 * old messages, and the audit log lists every one of those actions.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(backends)('privacy operations on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let uploadDir: string;
  let admin: string;
  const clock = fakeClock(new Date());

  beforeAll(async () => {
    database = await backend.open();
    uploadDir = await mkdtemp(join(tmpdir(), 'parley-privacy-'));
    server = await startTestServer(database, { uploadDir }, { clock });
    admin = await loginCookie(server);
  });
  afterAll(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  /** A visitor who wrote, sent a photo and left a follow-up email; the conversation's contact id. */
  async function visitorWithPhoto(text: string) {
    const socket = await connectVisitor(server);
    const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }));
    const photo = img.png(3, 2);
    const body = new FormData();
    body.set('file', new Blob([photo as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'receipt.png');
    const uploaded = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body, headers: { authorization: `Bearer ${sent.token}` } });
    expect(uploaded.status).toBe(201);
    const { attachment } = (await uploaded.json()) as { attachment: { id: string } };
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), attachmentId: attachment.id }));
    await expectOk(call(socket, 'followup:email', { email: 'ada@example.com' }));
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    return { socket, token: sent.token!, conversationId: sent.conversationId, contactId: conv!.contactId, attachmentId: attachment.id, photo };
  }

  const exportOf = async (contactId: string, cookie = admin) => {
    const res = await fetch(`${server.url}/api/v1/admin/contacts/${contactId}/export`, { headers: { cookie } });
    return { status: res.status, type: res.headers.get('content-type'), body: res.status === 200 ? JSON.parse(await res.text()) : await res.json() };
  };

  it('exports a contact with its messages, sessions and the photo’s bytes; admins only', async () => {
    const v = await visitorWithPhoto('My order 1234 never came');
    const res = await exportOf(v.contactId);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/json');
    expect(res.body.contact).toMatchObject({ id: v.contactId, erasedAt: null });
    expect(res.body.visitors).toHaveLength(1);
    const [conv] = res.body.conversations;
    expect(conv.id).toBe(v.conversationId);
    expect(conv.messages.map((m: { text?: string }) => m.text)).toContain('My order 1234 never came');
    expect(conv.messages.some((m: { kind: string }) => m.kind === 'image')).toBe(true);
    expect(conv.sessions[0]).toMatchObject({ followUpEmail: 'ada@example.com' });
    expect(res.body.attachments).toEqual([expect.objectContaining({ id: v.attachmentId, name: 'receipt.png', type: 'image/png', base64: Buffer.from(v.photo).toString('base64') })]);

    const agent = await loginCookie(server, DEMO.agent2Email);
    expect((await exportOf(v.contactId, agent)).status).toBe(403);
    expect((await exportOf(randomUUID())).body.error.code).toBe('NOT_FOUND');
  });

  it('erases a contact in one go: messages, photo and browsers gone, token dead, session still counted; again is a no-op', async () => {
    const v = await visitorWithPhoto('Please forget me');
    const path = `/admin/contacts/${v.contactId}/erase`;
    expect((await api(server, admin, 'POST', path, { confirm: randomUUID() })).body.error.code).toBe('VALIDATION_FAILED');
    // A conversation still waiting for an agent is being handled: end it first.
    expect((await api(server, admin, 'POST', path, { confirm: v.contactId })).status).toBe(409);
    await expectOk(call(v.socket, 'conversation:end', {}));

    const disconnected = new Promise<string>((resolve) => v.socket.once('disconnect', resolve));
    const erased = await api<ContactEraseResult>(server, admin, 'POST', path, { confirm: v.contactId });
    expect(erased.status).toBe(200);
    expect(erased.body.removed).toEqual({ messages: expect.any(Number), attachments: 1, visitors: 1, conversations: 1 });
    expect(erased.body.removed.messages).toBeGreaterThanOrEqual(2);
    expect(await disconnected).toBe('io server disconnect');

    const after = await exportOf(v.contactId);
    expect(after.body.contact).toMatchObject({ name: null, email: null, attributes: {}, identities: [], erasedAt: erased.body.erasedAt });
    expect(after.body.conversations[0].messages).toEqual([]);
    expect(after.body.conversations[0].sessions[0]).toMatchObject({ followUpEmail: null, notes: null, state: 'abandoned' });
    expect(after.body.attachments).toEqual([]);
    expect(JSON.stringify(after.body)).not.toContain('Please forget me');
    // The photo's URL and the visitor's token open nothing any more.
    expect((await fetch(`${server.url}/api/v1/attachments/${v.attachmentId}`, { headers: { cookie: admin } })).status).toBe(404);
    expect(await handshakeRefusal(visitorSocket(server, { token: v.token }))).toMatch(/^TOKEN_/);
    // The anonymous aggregate stays: the session row with its times and outcome.
    expect(await database.db.select({ state: sessions.state }).from(sessions).where(eq(sessions.conversationId, v.conversationId))).toEqual([{ state: 'abandoned' }]);

    const again = await api<ContactEraseResult>(server, admin, 'POST', path, { confirm: v.contactId });
    expect(again.body).toEqual({ contactId: v.contactId, erasedAt: erased.body.erasedAt, removed: { messages: 0, attachments: 0, visitors: 0, conversations: 0 } });
  });

  it('sweeps messages older than the website’s retention, once a day whichever node asks', async () => {
    const site = (await api<{ websites: Website[] }>(server, admin, 'GET', '/websites')).body.websites.find((w) => w.key === DEMO.websiteKey)!;
    const patched = await api<{ website: Website }>(server, admin, 'PATCH', `/websites/${site.id}`, { messageRetentionDays: 30, attachmentRetentionDays: 7 });
    expect(patched.body.website).toMatchObject({ messageRetentionDays: 30, attachmentRetentionDays: 7 });
    expect((await api(server, admin, 'PATCH', `/websites/${site.id}`, { messageRetentionDays: 0 })).body.error.code).toBe('VALIDATION_FAILED');
    const v = await visitorWithPhoto('Old news');

    clock.advance(8 * DAY_MS);
    const first = await server.services.retention.runDaily();
    expect(first).toMatchObject({ attachments: expect.any(Number), messages: 0 });
    expect(first!.attachments).toBeGreaterThanOrEqual(1);
    // Another node asking the same day does nothing.
    expect(await server.services.retention.runDaily()).toBeNull();

    clock.advance(23 * DAY_MS);
    const second = await server.services.retention.runDaily();
    expect(second!.messages).toBeGreaterThanOrEqual(2);
    const synced = await expectOk(call<SyncResult>(await connectVisitor(server, { token: v.token }), 'sync', { afterSeq: 0 }));
    expect(synced.events.filter((m) => m.kind === 'text' && m.text === 'Old news')).toEqual([]);
    await api(server, admin, 'PATCH', `/websites/${site.id}`, { messageRetentionDays: null, attachmentRetentionDays: null });
  });

  it('lists admin actions newest first, with the actor, paging and filters, never a secret', async () => {
    // The clock moved a month: a fresh login.
    admin = await loginCookie(server);
    const site = (await api<{ websites: Website[] }>(server, admin, 'GET', '/websites')).body.websites[0]!;
    const { identitySecret } = (await api<{ identitySecret: string }>(server, admin, 'POST', `/websites/${site.id}/identity-secret`)).body;
    clock.advance(1_000); // the test's clock stands still otherwise: entries of one instant have no order but their ids
    await api(server, admin, 'POST', '/agents', { email: 'audit@demo.shop', name: 'Audited', password: 'correct horse battery' });

    const all = await api<AuditLogPage>(server, admin, 'GET', '/admin/audit-log?limit=200');
    expect(all.status).toBe(200);
    const actions = all.body.entries.map((e) => e.action);
    for (const action of ['agent.create', 'website.identity_secret_rotate', 'website.retention_update', 'contact.erase', 'contact.export']) expect(actions).toContain(action);
    expect(actions[0]).toBe('agent.create');
    const rotation = all.body.entries.find((e) => e.action === 'website.identity_secret_rotate')!;
    expect(rotation).toMatchObject({ actorName: DEMO.agentName, targetType: 'website', targetId: site.id, changes: { identitySecret: '(changed)' } });
    expect(rotation.ip).toBeTruthy();
    expect(JSON.stringify(all.body)).not.toContain(identitySecret);
    expect(JSON.stringify(all.body)).not.toContain('correct horse battery');

    const page1 = await api<AuditLogPage>(server, admin, 'GET', '/admin/audit-log?limit=2');
    const page2 = await api<AuditLogPage>(server, admin, 'GET', `/admin/audit-log?limit=2&before=${page1.body.nextBefore}`);
    expect([...page1.body.entries, ...page2.body.entries].map((e: AuditEntry) => e.id)).toEqual(all.body.entries.slice(0, 4).map((e) => e.id));
    const contacts = await api<AuditLogPage>(server, admin, 'GET', '/admin/audit-log?targetType=contact');
    expect(new Set(contacts.body.entries.map((e) => e.targetType))).toEqual(new Set(['contact']));
    expect((await api(server, admin, 'GET', '/admin/audit-log?limit=0')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await api(server, await loginCookie(server, DEMO.agent2Email), 'GET', '/admin/audit-log')).status).toBe(403);
  });
});
