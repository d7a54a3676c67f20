import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContactHistory, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { api, call, closeSockets, connectAgent, connectVisitor, expectOk, loginCookie, startTestServer } from '../testing/test-kit.ts';

/**
 * Issue 16 finding 7: input Postgres cannot store (a NUL character, half of a surrogate pair) is
 * refused as VALIDATION_FAILED, which clients do not retry, and the visitor's next message goes
 * through. It used to reach the database and come back as a retryable UNAVAILABLE (Postgres) or
 * INTERNAL (PGlite), which kept the widget's outbox resending it forever, with everything after it.
 */
describe.each(backends)('poison input on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('refuses a visitor message with a NUL or a lone surrogate for good, and stores the next one', async () => {
    const socket = await connectVisitor(server);
    const first = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'hello' }));
    for (const text of ['bad \u0000 byte', 'half \uD83D of an emoji']) {
      expect(await call(socket, 'message:send', { clientId: randomUUID(), text })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', details: [{ path: 'text', message: expect.stringMatching(/cannot be stored/) }] },
      });
    }
    const next = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'still here 😀' }));
    expect(next.message).toMatchObject({ kind: 'text', text: 'still here 😀' });
    const { events } = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    const mine = events.filter((m) => m.author.kind === 'visitor').map((m) => (m.kind === 'text' ? m.text : m.kind));
    expect(mine).toEqual(['hello', 'still here 😀']);
    expect(next.message.seq).toBeGreaterThan(first.message.seq);
  });

  it('refuses poison in agent input, record keys and nested JSON alike, never as a server error', async () => {
    const visitor = await connectVisitor(server);
    const { conversationId } = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'hi' }));
    const agent = await connectAgent(server);
    const { contact } = await expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
    for (const patch of [{ name: 'Ada\u0000' }, { attributes: { 'plan\u0000': 'gold' } }, { attributes: { plan: '\uDC00' } }]) {
      expect(await call(agent, 'contact:update', { contactId: contact.id, patch })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await call(visitor, 'attributes:set', { attributes: { plan: 'gold\u0000' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const cookie = await loginCookie(server);
    const tag = await api(server, cookie, 'POST', '/tags', { name: 'vip\u0000' });
    expect(tag).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const { body: created } = await api(server, cookie, 'POST', '/assistants', { name: 'Helper', languages: ['en'] });
    const draft = await api(server, cookie, 'PUT', `/assistants/${created.assistant.id}/draft`, { definition: { start: 'a', steps: [{ id: 'a', text: { en: 'x\u0000' } }] } });
    expect(draft).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'definition.steps.0.text.en' }] } } });
  });
});
