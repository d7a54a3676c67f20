import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { contacts, conversations, messages, xAccounts, xInbox, xOutbound } from '../../db/schema.ts';
import type { Publisher } from '../../services/publisher.ts';
import { insertEvents, lockConversation } from '../../db/stores/messages-store.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { closeSockets, startTestServer } from '../../testing/test-kit.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { BRAND, connectBrand, CUSTOMER, startFakeX, xEnv, type FakeXHandle, type SentDm } from '../../testing/x-kit.ts';
import { createDmSender } from './dm-sender.ts';
import { createOutboundDispatcher } from './outbound-dispatcher.ts';

/**
 * The outbound queue's promises, one at a time against the fake X API (issue 19): the local budget
 * (15 DMs per 15 minutes) holds before X would refuse; a row claimed again after a crash finds the DM X
 * already has instead of sending it twice; a webhook delivery left in the inbox by a node that died is
 * processed by the sweep. The server's own dispatcher is off (`x: false`): these drive one by hand.
 */
describe.each(backends)('the X outbound queue on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let x: FakeXHandle;
  let accountId: string;
  const published: unknown[] = [];

  beforeEach(async () => {
    x = await startFakeX();
    database = await backend.open();
    server = await startTestServer(database, xEnv(x.url), { x: false });
    accountId = await connectBrand(database, x);
  });
  afterEach(async () => {
    closeSockets();
    await server.close();
    await database.close();
    await x.close();
    published.length = 0;
  });

  const dispatcher = (now: () => Date = () => new Date()) =>
    createOutboundDispatcher({
      db: database.db,
      clock: { now },
      logger: server.logger,
      publisher: { xDelivery: (d: unknown) => published.push(d) } as unknown as Publisher,
      http: server.services.xAccounts.http,
      tokens: server.services.xAccounts.tokens,
      noteRateLimited: server.services.xAccounts.noteRateLimited,
      senders: { dm: createDmSender({ db: database.db, readAttachment: async () => null }) },
    });

  /** A DM thread with the customer and an agent message queued in it, as the agent send path leaves them. */
  async function queued(text: string, extra: Partial<typeof xOutbound.$inferInsert> = {}) {
    const [account] = await database.db.select().from(xAccounts).where(eq(xAccounts.id, accountId));
    let [conv] = await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm'));
    if (!conv) {
      const [contact] = await database.db.insert(contacts).values({ websiteId: account!.websiteId, name: 'Jo' }).returning();
      [conv] = await database.db
        .insert(conversations)
        .values({ websiteId: account!.websiteId, contactId: contact!.id, channel: 'x_dm', xAccountId: accountId, externalThreadId: `${BRAND.id}-${CUSTOMER.id}` })
        .returning();
    }
    const row = await database.db.transaction(async (tx) => {
      const locked = (await lockConversation(tx, conv!.id))!;
      const [m] = await insertEvents(tx, locked, [{ kind: 'text', text, clientId: randomUUID(), author: { kind: 'agent', id: null, name: 'Ada' }, xDelivery: { state: 'pending', retryAt: null, reason: null } }]);
      const [o] = await tx.insert(xOutbound).values({ accountId, conversationId: conv!.id, messageId: m!.id, kind: 'dm', ...extra }).returning();
      return o!;
    });
    return row;
  }
  const sentDms = () => x.control<SentDm[]>('GET', '/__fake/sent-dms');

  it('holds a DM locally once the account sent 15 in 15 minutes, until the oldest leaves the window', async () => {
    const oldest = new Date(Date.now() - 14 * 60_000);
    for (let i = 0; i < 15; i++) await queued(`earlier ${i}`, { state: 'sent', sentAt: new Date(oldest.getTime() + i * 1_000), xId: String(1000 + i) });
    const row = await queued('one too many');
    // Read after the rows were written: a little ahead of the database's clock, which stamped their first attempt time.
    const now = new Date(Date.now() + 1_000);
    await dispatcher(() => now).tick();
    const [after] = await database.db.select().from(xOutbound).where(eq(xOutbound.id, row.id));
    expect(after!.state).toBe('held');
    expect(after!.nextAttemptAt.getTime()).toBe(oldest.getTime() + 15 * 60_000);
    expect(await sentDms()).toEqual([]);
    const [message] = await database.db.select().from(messages).where(eq(messages.id, row.messageId!));
    expect((message!.payload as { xDelivery: unknown }).xDelivery).toEqual({ state: 'held', retryAt: new Date(oldest.getTime() + 15 * 60_000).toISOString(), reason: null });
    // Past the window: sent.
    await dispatcher(() => new Date(oldest.getTime() + 15 * 60_000 + 1)).tick();
    expect((await sentDms()).map((d) => d.text)).toEqual(['one too many']);
  });

  it('a row claimed again after a crash finds the DM X already has, and does not send it twice', async () => {
    // X got the DM (the brand's, same text), then the node died before marking the row.
    const token = x.fake.control.authorize().access_token;
    const res = await fetch(`${x.url}/2/dm_conversations/with/${CUSTOMER.id}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Sent before the crash' }) });
    const { data } = (await res.json()) as { data: { dm_event_id: string } };
    const row = await queued('Sent before the crash', { attempts: 1, createdAt: new Date(Date.now() - 1_000) });
    await dispatcher().tick();
    const [after] = await database.db.select().from(xOutbound).where(eq(xOutbound.id, row.id));
    expect(after).toMatchObject({ state: 'sent', xId: data.dm_event_id });
    expect((await sentDms()).map((d) => d.text)).toEqual(['Sent before the crash']);
    // A first attempt never looks: the same text may be meant twice.
    await queued('Sent before the crash');
    await dispatcher().tick();
    expect((await sentDms()).map((d) => d.text)).toEqual(['Sent before the crash', 'Sent before the crash']);
  });

  it('processes a webhook delivery a node stored but never processed (it died after the 200)', async () => {
    const body = JSON.stringify({
      data: {
        event_uuid: 'left-behind-1',
        event_type: 'dm.received',
        filter: { user_id: BRAND.id },
        payload: {
          direct_message_events: [{ type: 'message_create', id: '2080765901528535096', created_timestamp: String(Date.now()), message_create: { target: { recipient_id: BRAND.id }, sender_id: CUSTOMER.id, message_data: { text: 'left behind' } } }],
          users: { [CUSTOMER.id]: { data: CUSTOMER } },
        },
      },
    });
    // Stored as the route stores it, then "the node dies": no processing.
    const outcome = await server.services.xInbound.accept(JSON.parse(body), new TextEncoder().encode(body));
    expect(outcome.kind).toBe('stored');
    expect(await database.db.select().from(xInbox)).toHaveLength(1);
    await waitFor(async () => (await server.services.xInbound.sweep()) >= 0 && (await database.db.select().from(xInbox)).length === 0, { what: 'the sweep', timeoutMs: 5_000 });
    const [conv] = await database.db.select().from(conversations).where(eq(conversations.channel, 'x_dm'));
    const texts = (await database.db.select().from(messages).where(eq(messages.conversationId, conv!.id))).filter((m) => m.kind === 'text').map((m) => m.body);
    expect(texts).toEqual(['left behind']);
  });
});
