import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { VisitorSendResult } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { conversations, messages, pageViews, webSessions, websites } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from './seed-demo.ts';
import { call, connectVisitor, expectOk, useTestServer } from '../testing/test-kit.ts';
import type { ServiceDeps } from './deps.ts';
import { createRetentionService } from './retention-service.ts';

/** The daily sweep against a real database: bounded batches until nothing old is left, one run a day across nodes. */
const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(backends)('the retention sweep on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  useTestServer(backend, (db, s) => ((database = db), (server = s)));

  /** A node's retention service with its own clock (a month ahead) and tiny batches. */
  function node(clock = fakeClock(new Date(Date.now() + 40 * DAY_MS)), removed: string[] = []) {
    const deps = { db: database.db, clock, logger: pino({ level: 'silent' }) } as unknown as ServiceDeps;
    return createRetentionService({ ...deps, files: { removeBytes: async (keys) => void removed.push(...keys) }, options: { batchSize: 2 } });
  }

  async function conversationWith(texts: string[]): Promise<string> {
    const socket = await connectVisitor(server);
    let conversationId = '';
    for (const text of texts) conversationId = (await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text }))).conversationId;
    socket.disconnect();
    return conversationId;
  }
  const messagesOf = async (conversationId: string) => Number((await database.db.select({ n: count() }).from(messages).where(eq(messages.conversationId, conversationId)))[0]!.n);

  it('deletes every old message of a website with a policy, in batches, and clears the preview; other websites keep theirs', async () => {
    const old = await conversationWith(['one', 'two', 'three', 'four', 'five']);
    expect(await messagesOf(old)).toBeGreaterThanOrEqual(5);
    // Without a policy nothing goes.
    expect(await node().runDaily()).toEqual({ messages: 0, attachments: 0, webSessions: 0 });
    await database.db.update(websites).set({ messageRetentionDays: 30 }).where(eq(websites.key, DEMO.websiteKey));
    const report = await node(fakeClock(new Date(Date.now() + 80 * DAY_MS))).runDaily();
    expect(report!.messages).toBeGreaterThanOrEqual(5);
    expect(await messagesOf(old)).toBe(0);
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.id, old));
    expect(conv!.lastMessageText).toBeNull();
  });

  it('keeps messages younger than the policy', async () => {
    await database.db.update(websites).set({ messageRetentionDays: 60 }).where(eq(websites.key, DEMO.websiteKey));
    const recent = await conversationWith(['still needed']);
    expect(await node().runDaily()).toEqual({ messages: 0, attachments: 0, webSessions: 0 });
    expect(await messagesOf(recent)).toBeGreaterThan(0);
  });

  it('sweeps web sessions idle past the journey retention (90 days by default) with their page views', async () => {
    const socket = await connectVisitor(server);
    await expectOk(call(socket, 'message:send', { clientId: randomUUID(), text: 'hi' }));
    await expectOk(call(socket, 'page:view', { url: 'https://shop.example/tea/' }));
    socket.disconnect();
    const views = async () => Number((await database.db.select({ n: count() }).from(pageViews))[0]!.n);
    expect(await views()).toBe(1);
    // 40 days on: younger than the default 90.
    expect((await node().runDaily())!.webSessions).toBe(0);
    await database.db.update(websites).set({ journeyRetentionDays: 30 }).where(eq(websites.key, DEMO.websiteKey));
    expect((await node(fakeClock(new Date(Date.now() + 80 * DAY_MS))).runDaily())!.webSessions).toBe(1);
    expect(await views()).toBe(0);
    expect(await database.db.select().from(webSessions)).toEqual([]);
  });

  it('runs once a day whichever node asks, and again the next day', async () => {
    const clock = fakeClock(new Date(Date.now() + 40 * DAY_MS));
    const [a, b] = await Promise.all([node(clock).runDaily(), node(clock).runDaily()]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    clock.advance(DAY_MS - 1);
    expect(await node(clock).runDaily()).toBeNull();
    clock.advance(2);
    expect(await node(clock).runDaily()).not.toBeNull();
  });
});
