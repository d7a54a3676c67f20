import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import type { SessionState } from '../../protocol/index.ts';
import { conversations, messages } from '../db/schema.ts';
import { backends } from '../db/test-backends.ts';
import { waitFor } from '../testing/wait-for.ts';
import { ensureAgent } from '../db/stores/agents-store.ts';
import { createConversation } from '../db/stores/conversations-store.ts';
import type { FastAppend, FastOutcome } from '../db/stores/message-batch.ts';
import { createMessageBatcher, type BatchInfo } from './message-batcher.ts';
import { appendMessage, messagesAfter } from '../db/stores/messages-store.ts';
import { insertSession } from '../db/stores/sessions-store.ts';
import { createVisitorWithContact } from '../db/stores/visitors-store.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';

const textOf = (o: FastOutcome) => (o.kind === 'ineligible' ? null : o.row.body);

/**
 * The database, counting the write path's statements running at once: the batch statement goes
 * straight to the driver under drizzle (`$client`), so that is where they are counted.
 */
function countingStatements(db: Database['db']) {
  const statements = { running: 0, most: 0 };
  const client = (db as unknown as { $client: object }).$client;
  const counted = (run: (...args: unknown[]) => PromiseLike<unknown>) => async (...args: unknown[]) => {
    statements.running++;
    statements.most = Math.max(statements.most, statements.running);
    try {
      return await run(...args);
    } finally {
      statements.running--;
    }
  };
  const driver = new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      return (prop === 'unsafe' || prop === 'query') && typeof value === 'function' ? counted(value.bind(target) as (...args: unknown[]) => PromiseLike<unknown>) : value;
    },
  });
  const wrapped = new Proxy(db, { get: (target, prop, receiver) => (prop === '$client' ? driver : Reflect.get(target, prop, receiver)) });
  return { db: wrapped, statements };
}

describe.each(backends)('batched message writes on $name', (backend) => {
  let database: Database;
  let agentId: string;

  /** A conversation whose open session is in `state` (none: no session), held by `holder` when given. */
  async function conversation(state: SessionState | null = 'waiting', holder: string | null = null, followUpAgentId: string | null = null) {
    const db = database.db;
    const site = await upsertWebsite(db, { key: `site-${randomUUID()}`, name: 'Site', allowedOrigins: [] });
    const { contact } = await createVisitorWithContact(db, site.id);
    const conv = await createConversation(db, { websiteId: site.id, contactId: contact.id });
    if (state) {
      const s = await insertSession(db, { conversationId: conv.id, websiteId: site.id, state, queuedAt: new Date(), agentId: holder });
      await db.update(conversations).set({ currentSessionId: s.id, followUpAgentId }).where(eq(conversations.id, conv.id));
    } else if (followUpAgentId) {
      await db.update(conversations).set({ followUpAgentId }).where(eq(conversations.id, conv.id));
    }
    return { id: conv.id, contactId: contact.id };
  }
  const fromVisitor = (conversationId: string, text: string, clientId: string = randomUUID()): FastAppend => ({
    conversationId,
    clientId,
    text,
    author: { kind: 'visitor', id: null, name: null },
  });
  const fromAgent = (conversationId: string, text: string, id = agentId): FastAppend => ({
    conversationId,
    clientId: randomUUID(),
    text,
    author: { kind: 'agent', id, name: 'Ada' },
  });
  const transcript = async (conversationId: string) => (await messagesAfter(database.db, conversationId, 0, 500)).events.map((m) => ({ seq: m.seq, text: m.kind === 'text' ? m.text : null }));
  const stored = async (conversationId: string) => (await database.db.select().from(messages).where(eq(messages.conversationId, conversationId))).length;
  const until = (condition: () => boolean) => waitFor(condition, { timeoutMs: 5_000, intervalMs: 5 });

  beforeAll(async () => {
    database = await backend.open();
    agentId = (await ensureAgent(database.db, { email: `ada-${randomUUID()}@example.com`, name: 'Ada', role: 'agent', passwordHash: 'x' })).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('groups concurrent sends into few batches with gap-free seqs in each sender’s order', async () => {
    const batches: BatchInfo[] = [];
    const batcher = createMessageBatcher(database.db, { windowMs: 2, maxBatch: 256, onBatch: (b) => batches.push(b) });
    const convs = await Promise.all([conversation('waiting'), conversation('active', agentId), conversation('offered')]);
    const sends: Promise<FastOutcome>[] = [];
    for (let i = 0; i < 30; i++) {
      for (const c of convs) sends.push(batcher.append(fromVisitor(c.id, `v${i}`)));
      sends.push(batcher.append(fromAgent(convs[1]!.id, `a${i}`)));
    }
    const outcomes = await Promise.all(sends);
    expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
    expect(batches.length).toBeLessThan(sends.length);
    expect(Math.max(...batches.map((b) => b.size))).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(sends.length);

    for (const c of convs) {
      const rows = await transcript(c.id);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const visitorTexts = rows.map((r) => r.text).filter((t) => t?.startsWith('v'));
      expect(visitorTexts).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
    }
    const agentTexts = (await transcript(convs[1]!.id)).map((r) => r.text).filter((t) => t?.startsWith('a'));
    expect(agentTexts).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`));
    // The conversation's cursor and preview moved with the batch: the list shows the last message.
    const [row] = await database.db.select().from(conversations).where(eq(conversations.id, convs[1]!.id));
    expect(row!.lastSeq).toBe(60);
    expect(row!.lastMessageText).toBe('a29');
    expect(row!.lastMessageAuthorKind).toBe('agent');
  });

  it('with several batches in flight keeps each conversation in one of them: every sender’s order, gap-free seqs', async () => {
    const batches: BatchInfo[] = [];
    const batcher = createMessageBatcher(database.db, { windowMs: 0, maxBatch: 5, maxInFlight: 3, onBatch: (b) => batches.push(b) });
    const convs = await Promise.all([conversation('waiting'), conversation('active', agentId), conversation('offered'), conversation('waiting')]);
    const sends: Promise<FastOutcome>[] = [];
    // Arriving over many event-loop turns while earlier batches are still being written.
    for (let i = 0; i < 25; i++) {
      for (const c of convs) sends.push(batcher.append(fromVisitor(c.id, `v${i}`)));
      if (i % 3 === 0) sends.push(batcher.append(fromAgent(convs[1]!.id, `a${i}`)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.all(sends);
    expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
    expect(batches.length).toBeGreaterThan(convs.length);
    for (const c of convs) {
      const rows = await transcript(c.id);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.map((r) => r.text).filter((t) => t?.startsWith('v'))).toEqual(Array.from({ length: 25 }, (_, i) => `v${i}`));
    }
    const agentTexts = (await transcript(convs[1]!.id)).map((r) => r.text).filter((t) => t?.startsWith('a'));
    expect(agentTexts).toEqual(Array.from({ length: 25 }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => `a${i}`));
  });

  // Postgres only: PGlite has a single connection, so no batch can wait on another transaction's lock there.
  it.runIf(backend.name === 'postgres')('starts a batch alongside one still in flight only once pipelineFrom messages wait', async () => {
    const { db, statements } = countingStatements(database.db);
    const batches: BatchInfo[] = [];
    const batcher = createMessageBatcher(db, { windowMs: 0, maxBatch: 256, maxInFlight: 2, pipelineFrom: 3, onBatch: (b) => batches.push(b) });
    const [held, ...others] = await Promise.all([conversation('waiting'), conversation('waiting'), conversation('waiting'), conversation('waiting')]);
    // Another transaction holds the first conversation's row: the batch that writes to it waits for the lock.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = database.db.transaction(async (tx) => {
      await tx.select().from(conversations).where(eq(conversations.id, held!.id)).for('update');
      locked();
      await released;
    });
    await isLocked;
    const blocked = batcher.append(fromVisitor(held!.id, 'behind the lock'));
    await until(() => statements.running === 1);

    const firstTwo = others.slice(0, 2).map((c) => batcher.append(fromVisitor(c.id, 'waits')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statements.most).toBe(1); // two waiting: they wait for the batch in flight
    const third = batcher.append(fromVisitor(others[2]!.id, 'the third one'));
    await Promise.all([...firstTwo, third]); // three waiting: a second batch went alongside and committed
    expect(statements.most).toBe(2);
    expect(batches.map((b) => b.size)).toEqual([3]);

    release();
    await holder;
    expect(await blocked).toMatchObject({ kind: 'created' });
    expect(batches.map((b) => b.size)).toEqual([3, 1]);
  });

  it('caps a batch at maxBatch and sends the rest in the next one', async () => {
    const batches: BatchInfo[] = [];
    const batcher = createMessageBatcher(database.db, { windowMs: 50, maxBatch: 4, onBatch: (b) => batches.push(b) });
    const c = await conversation('waiting');
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.append(fromVisitor(c.id, `m${i}`))));
    expect(outcomes.map(textOf)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(batches.every((b) => b.size <= 4)).toBe(true);
    expect((await transcript(c.id)).map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('stores a repeated client id once, in one batch, across batches and against the full path, answering the stored row', async () => {
    const batcher = createMessageBatcher(database.db, { windowMs: 2, maxBatch: 256 });
    const c = await conversation('waiting');
    const sameBatch = randomUUID();
    const [a, b, other] = await Promise.all([
      batcher.append(fromVisitor(c.id, 'hello', sameBatch)),
      batcher.append(fromVisitor(c.id, 'hello', sameBatch.toUpperCase())),
      batcher.append(fromVisitor(c.id, 'other')),
    ]);
    expect(a.kind).toBe('created');
    expect(b).toEqual({ kind: 'duplicate', row: a.kind === 'created' ? a.row : null });
    expect(other.kind).toBe('created');

    const again = await batcher.append(fromVisitor(c.id, 'hello', sameBatch));
    expect(again.kind).toBe('duplicate');
    expect(again.kind !== 'ineligible' && again.row).toEqual(a.kind === 'created' && a.row);

    // The full path and the batch racing with one client id: one row, one seq.
    const raced = randomUUID();
    const [slow, fast] = await Promise.all([
      appendMessage(database.db, c.id, { kind: 'text', text: 'raced', clientId: raced, author: { kind: 'visitor', id: null, name: null } }),
      batcher.append(fromVisitor(c.id, 'raced', raced)),
    ]);
    expect(fast.kind === 'ineligible' ? null : fast.row.id).toBe(slow.message.id);
    expect([slow.created, fast.kind === 'created'].filter(Boolean)).toHaveLength(1);
    const rows = await transcript(c.id);
    expect(rows).toEqual([
      { seq: 1, text: 'hello' },
      { seq: 2, text: 'other' },
      { seq: 3, text: 'raced' },
    ]);
  });

  it('leaves to the full path what needs routing, an assistant, a follow-up or another agent, without holding back the rest', async () => {
    const batcher = createMessageBatcher(database.db, { windowMs: 2, maxBatch: 256 });
    const other = (await ensureAgent(database.db, { email: `grace-${randomUUID()}@example.com`, name: 'Grace', role: 'agent', passwordHash: 'x' })).id;
    const noSession = await conversation(null);
    const bot = await conversation('bot');
    const followUp = await conversation('waiting', null, other);
    const someoneElses = await conversation('active', other);
    const waiting = await conversation('waiting');
    const ended = await conversation('closed');
    const gone = await conversation('waiting');
    await database.db.delete(conversations).where(eq(conversations.id, gone.id));
    const ok = await conversation('wrap_up', agentId);

    const outcomes = await Promise.all([
      batcher.append(fromVisitor(noSession.id, 'first')),
      batcher.append(fromVisitor(bot.id, 'to the bot')),
      batcher.append(fromVisitor(followUp.id, 'answering the follow-up')),
      batcher.append(fromAgent(someoneElses.id, 'not mine')),
      batcher.append(fromAgent(waiting.id, 'taking it')),
      batcher.append(fromVisitor(ended.id, 'reopen')),
      batcher.append(fromVisitor(gone.id, 'into the void')),
      batcher.append(fromAgent(ok.id, 'still in wrap-up')),
      batcher.append(fromVisitor(waiting.id, 'queued')),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ineligible', 'ineligible', 'ineligible', 'ineligible', 'ineligible', 'ineligible', 'ineligible', 'created', 'created']);
    for (const c of [noSession, bot, followUp, someoneElses, ended]) expect(await stored(c.id)).toBe(0);
    expect((await transcript(waiting.id)).map((r) => r.text)).toEqual(['queued']);
  });

  it('never acks a batch that did not commit: a message the statement refuses sends its whole batch to the full path', async () => {
    const c = await conversation('waiting');
    const batcher = createMessageBatcher(database.db, { windowMs: 2, maxBatch: 256 });
    const outcomes = await Promise.all([batcher.append(fromVisitor(c.id, 'fine')), batcher.append(fromVisitor(c.id, 'nul \u0000 byte')), batcher.append(fromVisitor(c.id, 'also fine'))]);
    expect(outcomes.map((o) => o.kind)).toEqual(['ineligible', 'ineligible', 'ineligible']);
    expect(await stored(c.id)).toBe(0);
    // The next batch is not affected.
    expect((await batcher.append(fromVisitor(c.id, 'later'))).kind).toBe('created');
  });

  // Opens a second database of its own, which is slow on a busy machine.
  it('rejects every caller of a batch whose database is gone', { timeout: 90_000 }, async () => {
    const lost = await backend.open();
    const db = lost.db;
    const site = await upsertWebsite(db, { key: 'lost', name: 'Lost', allowedOrigins: [] });
    const { contact } = await createVisitorWithContact(db, site.id);
    const conv = await createConversation(db, { websiteId: site.id, contactId: contact.id });
    const s = await insertSession(db, { conversationId: conv.id, websiteId: site.id, state: 'waiting', queuedAt: new Date() });
    await db.update(conversations).set({ currentSessionId: s.id }).where(eq(conversations.id, conv.id));
    await lost.close();
    const cut = createMessageBatcher(db, { windowMs: 2, maxBatch: 256 });
    const sends = [cut.append(fromVisitor(conv.id, 'one')), cut.append(fromVisitor(conv.id, 'two'))];
    expect(await Promise.all(sends.map((p) => p.then(() => 'acked', () => 'rejected')))).toEqual(['rejected', 'rejected']);
    await cut.drain();
  });

  it('drains what is pending and in flight', async () => {
    const batcher = createMessageBatcher(database.db, { windowMs: 30, maxBatch: 256 });
    const c = await conversation('waiting');
    const sends = Array.from({ length: 5 }, (_, i) => batcher.append(fromVisitor(c.id, `d${i}`)));
    await batcher.drain();
    expect(await stored(c.id)).toBe(5);
    expect((await Promise.all(sends)).every((o) => o.kind === 'created')).toBe(true);
  });
});
