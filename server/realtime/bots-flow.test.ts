import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantDetail, BotDefinitionInput, BotOutput, ContactHistory, Message, QueueStatus, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import { demoAssistantDefinition } from '../core/bots/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEFAULT_GREETING } from '../services/default-response.ts';
import { api, call, closeSockets, connectAgent, connectVisitor, expectOk, loginCookie, nextEvents, startTestServer, type VisitorSocket } from '../testing/test-kit.ts';

/** Issue 5 on a real server: publishing, version pinning, postbacks, handoff, timers, restart, REST. */

const bubbles = (events: Message[]): BotOutput[] => events.flatMap((m) => (m.kind === 'structured' ? [m.payload] : []));
const bubbleTexts = (events: Message[]) => bubbles(events).map((b) => (b.kind === 'text' || b.kind === 'quick_replies' ? b.text : b.kind));
const transcript = async (socket: VisitorSocket) => (await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }))).events;

/** greet → ask (yes → handoff, no → end), every text tagged so versions are told apart. */
function flow(tag: string, queueId: string, settings: BotDefinitionInput['settings'] = {}): BotDefinitionInput {
  return {
    start: 'greet',
    languages: ['en'],
    steps: [
      { id: 'greet', kind: 'message', text: { en: `Hello from ${tag}` }, next: 'ask' },
      { id: 'ask', kind: 'ask', prompt: { en: `Need a person? (${tag})` }, options: [
        { id: 'y', value: 'yes', label: { en: 'Yes' }, next: 'handoff' },
        { id: 'n', value: 'no', label: { en: 'No' }, next: 'bye' },
      ] },
      { id: 'handoff', kind: 'handoff', queueId, message: { en: `Handing off (${tag})` } },
      { id: 'bye', kind: 'end', message: { en: `Bye from ${tag}` } },
    ],
    settings: { humanHandoff: { enabled: false }, ...settings },
  };
}

/** The session events of a conversation's only session, by type (REST, as an admin). */
async function sessionEventTypes(server: RunningServer, cookie: string, conversationId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const { cards } = (await api(server, cookie, 'GET', '/sessions')).body as { cards: { sessionId: string; conversationId: string }[] };
  const card = cards.find((c) => c.conversationId === conversationId)!;
  return (await api(server, cookie, 'GET', `/sessions/${card.sessionId}`)).body.events;
}

async function firstMessage(server: RunningServer, text = 'Hi', opts: { websiteKey?: string; locale?: 'en' | 'fr' } = {}) {
  const socket = await connectVisitor(server, opts);
  const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }));
  return { socket, token: sent.token!, conversationId: sent.conversationId, sent };
}

describe.each(backends)('assistants on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let cookie: string;
  let generalId: string;
  let siteId: string;

  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database);
    cookie = await loginCookie(server);
    generalId = (await api(server, cookie, 'GET', '/queues')).body.queues.find((q: { name: string }) => q.name === 'General').id;
    siteId = (await api(server, cookie, 'GET', '/websites')).body.websites.find((w: { key: string }) => w.key === 'demo-shop').id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  async function assistant(name: string, definition: unknown): Promise<string> {
    const created = await api(server, cookie, 'POST', '/assistants', { name, languages: ['en'] });
    expect(created.status).toBe(201);
    expect(created.body.assistant).toMatchObject({ name, status: 'draft', channels: [], publishedVersion: null });
    const saved = await api(server, cookie, 'PUT', `/assistants/${created.body.assistant.id}/draft`, { definition });
    expect(saved.status).toBe(200);
    return created.body.assistant.id;
  }
  const publish = (id: string, channels = [siteId]) => api<AssistantDetail>(server, cookie, 'POST', `/assistants/${id}/publish`, { channels });

  it('answers with the default response (greeting in the visitor’s language, once per session) while no assistant is published', async () => {
    const created = await api(server, cookie, 'POST', '/websites', { key: 'plain-shop', name: 'Plain Shop', allowedOrigins: [new URL(server.url).origin] });
    expect(created.status).toBe(201);
    const { socket } = await firstMessage(server, 'Bonjour', { websiteKey: 'plain-shop', locale: 'fr' });
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Vous êtes là ?' }));
    const events = await transcript(socket);
    expect(events.map((m) => (m.kind === 'structured' ? `bot:${m.author.name}:${bubbleTexts([m])[0]}` : m.kind === 'text' ? m.text : m.kind))).toEqual([
      'Bonjour',
      `bot:Plain Shop:${DEFAULT_GREETING.fr}`,
      'Vous êtes là ?',
    ]);
    expect(await expectOk(call<QueueStatus>(socket, 'queue:status', {}))).toMatchObject({ state: 'waiting', position: 1 });
  });

  it('publishing to a channel replaces the assistant there; new sessions meet the new one', async () => {
    const a = await assistant('Assistant A', flow('A', generalId));
    const b = await assistant('Assistant B', flow('B', generalId));
    expect((await publish(a)).status).toBe(200);
    const first = await firstMessage(server);
    expect(bubbleTexts(await transcript(first.socket))).toEqual(['Hello from A', 'Need a person? (A)']);
    expect(await expectOk(call<QueueStatus>(first.socket, 'queue:status', {}))).toMatchObject({ state: 'bot' });

    const published = await publish(b);
    expect(published.body.assistant).toMatchObject({ status: 'active', channels: [siteId], publishedVersion: 1 });
    const list = (await api(server, cookie, 'GET', '/assistants')).body.assistants as { id: string; status: string; channels: string[] }[];
    expect(list.find((x) => x.id === a)).toMatchObject({ status: 'draft', channels: [] });
    const second = await firstMessage(server);
    expect(bubbleTexts(await transcript(second.socket))).toEqual(['Hello from B', 'Need a person? (B)']);
  });

  it('renames an assistant, and disconnects it from a channel (the default response is back there) without stopping a running conversation', async () => {
    const id = await assistant('Helper', flow('S', generalId));
    const settings = (body: unknown) => api<AssistantDetail>(server, cookie, 'PATCH', `/assistants/${id}`, body);
    // A draft cannot be connected before it is published; nothing changes.
    const early = await settings({ channels: [siteId] });
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'channels' }] } });
    expect((await settings({})).status).toBe(400);
    expect((await settings({ name: '   ' })).status).toBe(400);

    expect((await publish(id)).status).toBe(200);
    const renamed = await settings({ name: 'Shop helper', brand: 'Kettle & Leaf' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.assistant).toMatchObject({ name: 'Shop helper', brand: 'Kettle & Leaf', status: 'active', channels: [siteId] });
    const running = await firstMessage(server);
    expect(bubbles(await transcript(running.socket)).length).toBeGreaterThan(0);
    expect((await transcript(running.socket)).find((m) => m.kind === 'structured')?.author.name).toBe('Shop helper');

    const off = await settings({ channels: [], brand: '' });
    expect(off.body.assistant).toMatchObject({ status: 'draft', channels: [], brand: null, publishedVersion: 1 });
    // New visitors on that site meet the default response again…
    const after = await firstMessage(server);
    expect(bubbleTexts(await transcript(after.socket))).toEqual([DEFAULT_GREETING.en]);
    // …while the conversation it was running finishes on its version.
    await expectOk(call(running.socket, 'postback:send', { clientId: randomUUID(), value: 'no', label: 'No' }));
    expect(bubbleTexts(await transcript(running.socket)).at(-1)).toBe('Bye from S');

    // Connected again: the latest published version runs there once more.
    expect((await settings({ channels: [siteId, siteId] })).body.assistant).toMatchObject({ status: 'active', channels: [siteId] });
    expect(bubbleTexts(await transcript((await firstMessage(server)).socket))[0]).toBe('Hello from S');
    expect((await settings({ channels: [randomUUID()] })).status).toBe(400);
  });

  it('deletes an assistant only once it is disconnected and runs no conversation; its messages stay in the transcripts', async () => {
    const id = await assistant('Short-lived', flow('D', generalId));
    expect((await publish(id)).status).toBe(200);
    const remove = () => api(server, cookie, 'DELETE', `/assistants/${id}`);
    expect((await remove()).body).toMatchObject({ error: { code: 'CONFLICT' } });
    const running = await firstMessage(server);
    await api(server, cookie, 'PATCH', `/assistants/${id}`, { channels: [] });
    const refused = await remove();
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('1 conversation');
    // The visitor answers "no": the flow ends, and the assistant runs nothing any more.
    await expectOk(call(running.socket, 'postback:send', { clientId: randomUUID(), value: 'no', label: 'No' }));
    expect(await remove()).toMatchObject({ status: 200, body: { ok: true } });
    expect((await api(server, cookie, 'GET', `/assistants/${id}`)).status).toBe(404);
    expect(((await api(server, cookie, 'GET', '/assistants')).body.assistants as { id: string }[]).map((a) => a.id)).not.toContain(id);
    expect(bubbleTexts(await transcript(running.socket))).toContain('Bye from D');
    expect((await remove()).status).toBe(404);
  });

  it('keeps live behaviour through draft edits, pins running conversations to their version, and rolls back', async () => {
    const id = await assistant('Versioned', flow('v1', generalId));
    await publish(id);
    const early = await firstMessage(server);
    await api(server, cookie, 'PUT', `/assistants/${id}/draft`, { definition: flow('v2', generalId) });
    const duringDraft = await firstMessage(server);
    expect(bubbleTexts(await transcript(duringDraft.socket))[0]).toBe('Hello from v1');

    expect((await publish(id)).body.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    expect(bubbleTexts(await transcript((await firstMessage(server)).socket))[0]).toBe('Hello from v2');
    // The conversation that started on v1 finishes on v1.
    await expectOk(call(early.socket, 'postback:send', { clientId: randomUUID(), value: 'no', label: 'No' }));
    const events = await transcript(early.socket);
    expect(bubbleTexts(events).at(-1)).toBe('Bye from v1');
    expect(events.at(-1)).toMatchObject({ kind: 'event', event: { type: 'conversation_ended' } });

    const rolled = await api<AssistantDetail>(server, cookie, 'POST', `/assistants/${id}/rollback`, { version: 1 });
    expect(rolled.status).toBe(200);
    expect(rolled.body.versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect((rolled.body.draft.steps[0] as { text: { en: string } }).text.en).toBe('Hello from v2'); // the draft is untouched
    expect(bubbleTexts(await transcript((await firstMessage(server)).socket))[0]).toBe('Hello from v1');
  });

  it('refuses a button not offered now (nothing stored, flow unchanged), then takes an invalid and a valid email and hands off with it', async () => {
    const id = await assistant('Demo copy', demoAssistantDefinition(generalId));
    await publish(id);
    const { socket, conversationId } = await firstMessage(server, 'Hello');
    const before = await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }));
    const refused = await call(socket, 'postback:send', { clientId: randomUUID(), value: 'yes', label: 'Yes, thanks' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect((await expectOk(call<SyncResult>(socket, 'sync', { afterSeq: 0 }))).lastSeq).toBe(before.lastSeq);

    const clientId = randomUUID();
    const [pressed, again] = await Promise.all([
      expectOk(call<VisitorSendResult>(socket, 'postback:send', { clientId, value: 'order_status', label: 'Order status' })),
      expectOk(call<VisitorSendResult>(socket, 'postback:send', { clientId, value: 'order_status', label: 'Order status' })),
    ]);
    expect(again.message).toEqual(pressed.message);
    expect(pressed.message).toMatchObject({ kind: 'text', text: 'Order status', author: { kind: 'visitor' } });
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'not-an-email' }));
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'ada@example.com' }));
    const events = await transcript(socket);
    expect(events.filter((m) => m.clientId === clientId)).toHaveLength(1);
    expect(bubbleTexts(events)).toEqual([
      expect.stringMatching(/^Hi! I am the .* assistant\.$/),
      expect.stringContaining('What can we help you with?'),
      'What email address did you order with?',
      'That does not look like an email address. Could you check it?',
      'Thanks! I am passing you to our team.',
    ]);
    expect(events.find((m) => m.kind === 'structured')!.author).toMatchObject({ kind: 'bot', id, name: 'Demo copy' });
    expect(await expectOk(call<QueueStatus>(socket, 'queue:status', {}))).toMatchObject({ state: 'waiting' });

    const agent = await connectAgent(server);
    const h = await expectOk(call<ContactHistory>(agent, 'contact:history', { conversationId }));
    expect(h.contact).toMatchObject({ email: 'ada@example.com', attributes: { email: 'ada@example.com', topic: 'order_status', reason: 'Order status' } });
    expect((await call(socket, 'postback:send', { clientId: randomUUID(), value: 'order_status', label: 'Order status' })).ok).toBe(false);
  });

  it('hands off at once when the visitor asks for a person; the session records the assistant, then the queue', async () => {
    const id = await assistant('Demo human', demoAssistantDefinition(generalId));
    await publish(id);
    const { socket, conversationId } = await firstMessage(server, 'Hello');
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'I want to talk to a human please' }));
    expect(bubbleTexts(await transcript(socket)).at(-1)).toBe('Sure, let me get you a person.');
    expect(await expectOk(call<QueueStatus>(socket, 'queue:status', {}))).toMatchObject({ state: 'waiting' });
    expect((await sessionEventTypes(server, cookie, conversationId)).map((e) => [e.type, e.data.assistantId, e.data.from ?? null])).toEqual([
      ['bot_started', id, null],
      ['queued', id, 'bot'],
    ]);
  });

  it('an answer to an agent’s follow-up goes straight to the queue: the assistant does not start over', async () => {
    await publish(await assistant('Follow-up', flow('F', generalId)));
    const { socket, conversationId } = await firstMessage(server, 'Hello');
    await expectOk(call(socket, 'postback:send', { clientId: randomUUID(), value: 'yes', label: 'Yes' }));
    const agent = await connectAgent(server);
    await expectOk(call(agent, 'conversation:take', { conversationId }));
    const { session } = await expectOk(call<{ session: { sessionId: string } }>(agent, 'session:end', { conversationId }));
    await expectOk(call(agent, 'session:wrap-up', { sessionId: session.sessionId }));
    await expectOk(call(agent, 'message:send', { conversationId, clientId: randomUUID(), text: 'Your refund went out today.' }));
    const before = bubbleTexts(await transcript(socket));

    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'Great, thank you!' }));
    const after = await transcript(socket);
    expect(bubbleTexts(after)).toEqual(before);
    expect(after.at(-1)).toMatchObject({ kind: 'text', text: 'Great, thank you!' });
    expect(await expectOk(call<QueueStatus>(socket, 'queue:status', {}))).toMatchObject({ state: 'waiting' });

    // Without a follow-up to answer, the next visit meets the assistant again.
    await expectOk(call(agent, 'conversation:take', { conversationId }));
    const second = await expectOk(call<{ session: { sessionId: string } }>(agent, 'session:end', { conversationId }));
    await expectOk(call(agent, 'session:wrap-up', { sessionId: second.session.sessionId }));
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'One more question' }));
    expect(bubbleTexts(await transcript(socket)).slice(before.length)).toEqual(['Hello from F', 'Need a person? (F)']);
  });

  it('saves an invalid draft with its issues but refuses to publish it, with details per step', async () => {
    const broken = flow('broken', generalId);
    (broken.steps[0] as { next: string }).next = 'nowhere';
    const id = await assistant('Broken', broken);
    const got = await api<AssistantDetail>(server, cookie, 'GET', `/assistants/${id}`);
    expect(got.body.issues).toContainEqual(expect.objectContaining({ stepId: 'greet', code: 'DANGLING_NEXT', level: 'error' }));
    const refused = await api(server, cookie, 'POST', `/assistants/${id}/publish`, { channels: [siteId] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ path: 'greet' })]) });
    const after = await api<AssistantDetail>(server, cookie, 'GET', `/assistants/${id}`);
    expect(after.body).toMatchObject({ versions: [], assistant: { status: 'draft', publishedVersion: null } });
  });

  it('refuses to delete a queue a published flow hands off to, naming the flow', async () => {
    const q = await api(server, cookie, 'POST', '/queues', { websiteKey: 'demo-shop', name: 'Returns desk' });
    expect(q.status).toBe(201);
    await publish(await assistant('Returns bot', flow('returns', q.body.queue.id)));
    const refused = await api(server, cookie, 'DELETE', `/queues/${q.body.queue.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'assistants', message: 'Returns bot' }] });
  });

  it('previews the draft without storing anything; a button not offered comes back as an error with the cursor unchanged', async () => {
    const id = await assistant('Previewed', flow('preview', generalId));
    const run = (body: unknown) => api(server, cookie, 'POST', `/assistants/${id}/preview`, body);
    const started = await run({ cursor: null, input: { kind: 'start' }, locale: 'en' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ outputs: [{ kind: 'text', text: 'Hello from preview' }, { kind: 'quick_replies' }], handoff: null, ended: false, error: null });
    const refused = await run({ cursor: started.body.cursor, input: { kind: 'postback', value: 'maybe', label: 'Maybe' }, locale: 'en' });
    expect(refused.body).toMatchObject({ cursor: started.body.cursor, outputs: [], error: { code: 'VALIDATION_FAILED' } });
    const handed = await run({ cursor: started.body.cursor, input: { kind: 'postback', value: 'yes', label: 'Yes' }, locale: 'en' });
    expect(handed.body).toMatchObject({ handoff: { queueId: generalId }, outputs: [{ kind: 'text', text: 'Handing off (preview)' }] });
    expect((await api(server, cookie, 'GET', `/assistants/${id}`)).body.versions).toEqual([]);
  });

  it('lets supervisors read but only admins write', async () => {
    const res = await fetch(`${server.url}/api/v1/assistants`);
    expect(res.status).toBe(401);
    const grace = await loginCookie(server, 'agent2@demo.shop', 'parley-demo');
    expect((await api(server, grace, 'GET', '/assistants')).status).toBe(403);
    expect((await api(server, grace, 'PATCH', `/assistants/${randomUUID()}`, { name: 'Mine now' })).status).toBe(403);
  });
});

describe.each(backends)('assistant runtime across restarts and timers on $name', (backend) => {
  afterEach(() => closeSockets());

  it('resumes mid-flow at the same step after a restart (demo assistant seeded)', async () => {
    const database = await backend.open();
    try {
      const first = await startTestServer(database, { seedDemoAssistant: true });
      const { socket, token } = await firstMessage(first, 'Hello');
      await expectOk(call(socket, 'postback:send', { clientId: randomUUID(), value: 'order_status', label: 'Order status' }));
      expect(bubbleTexts(await transcript(socket)).at(-1)).toBe('What email address did you order with?');
      await first.close();

      const second = await startTestServer(database, { seedDemoAssistant: true });
      try {
        const back = await connectVisitor(second, { token });
        await expectOk(call(back, 'message:send', { clientId: randomUUID(), text: 'grace@example.com' }));
        expect(bubbleTexts(await transcript(back)).at(-1)).toBe('Thanks! I am passing you to our team.');
        expect(await expectOk(call<QueueStatus>(back, 'queue:status', {}))).toMatchObject({ state: 'waiting' });
      } finally {
        await second.close();
      }
    } finally {
      await database.close();
    }
  });

  it('reminds a silent visitor once, then closes as the flow says', async () => {
    const database = await backend.open();
    const clock = fakeClock(new Date());
    const server = await startTestServer(database, { sweepIntervalMs: 20 }, { clock });
    try {
      const cookie = await loginCookie(server);
      const generalId = (await api(server, cookie, 'GET', '/queues')).body.queues.find((q: { name: string }) => q.name === 'General').id;
      const siteId = (await api(server, cookie, 'GET', '/websites')).body.websites[0].id;
      const def = flow('timers', generalId, { reminderAfterSec: 10, closeAfterSec: 20, onTimeout: 'end', timeoutMessage: { en: 'Closing for now.' } });
      const id = (await api(server, cookie, 'POST', '/assistants', { name: 'Timers', languages: ['en'] })).body.assistant.id;
      await api(server, cookie, 'PUT', `/assistants/${id}/draft`, { definition: def });
      expect((await api(server, cookie, 'POST', `/assistants/${id}/publish`, { channels: [siteId] })).status).toBe(200);

      const { socket, conversationId } = await firstMessage(server, 'Hello');
      const reminder = nextEvents<Message>(socket, 'message');
      clock.advance(11_000);
      expect(bubbleTexts(await reminder)).toEqual(['Need a person? (timers)']);
      const closing = nextEvents<Message>(socket, 'message', 2);
      clock.advance(10_000);
      const [bye, ended] = await closing;
      expect(bubbleTexts([bye!])).toEqual(['Closing for now.']);
      expect(ended).toMatchObject({ kind: 'event', event: { type: 'conversation_ended' } });
      expect(await expectOk(call<QueueStatus>(socket, 'queue:status', {}))).toMatchObject({ state: 'closed' });
      expect((await sessionEventTypes(server, cookie, conversationId)).map((e) => [e.type, e.data.assistantId])).toEqual([
        ['bot_started', id],
        ['bot_ended', id],
      ]);
    } finally {
      await server.close();
      await database.close();
    }
  });
});
