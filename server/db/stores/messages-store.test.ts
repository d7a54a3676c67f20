import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../client.ts';
import { backends } from '../test-backends.ts';
import { createConversation } from './conversations-store.ts';
import { appendMessage, messagesAfter, type MessageDraft } from './messages-store.ts';
import { createVisitorWithContact } from './visitors-store.ts';
import { upsertWebsite } from './websites-store.ts';

const visitorText = (text: string, clientId: string | null = randomUUID()): MessageDraft => ({
  kind: 'text',
  text,
  clientId,
  author: { kind: 'visitor', id: null, name: null },
});

describe.each(backends)('message log on $name', (backend) => {
  let database: Database;
  const newConversation = async () => {
    const site = await upsertWebsite(database.db, { key: `site-${randomUUID()}`, name: 'Site', allowedOrigins: [] });
    const { contact } = await createVisitorWithContact(database.db, site.id);
    return createConversation(database.db, { websiteId: site.id, contactId: contact.id });
  };

  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('assigns seq 1, 2, 3 in order of arrival', async () => {
    const conv = await newConversation();
    const seqs = [];
    for (const t of ['a', 'b', 'c']) seqs.push((await appendMessage(database.db, conv.id, visitorText(t))).message.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('stores a repeated client id once and consumes no seq for the duplicate', async () => {
    const conv = await newConversation();
    const clientId = randomUUID();
    const first = await appendMessage(database.db, conv.id, visitorText('hello', clientId));
    const again = await appendMessage(database.db, conv.id, visitorText('hello', clientId));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message).toEqual(first.message);
    const next = await appendMessage(database.db, conv.id, visitorText('next'));
    expect(next.message.seq).toBe(2);
    const page = await messagesAfter(database.db, conv.id, 0, 50);
    expect(page.events.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('gives concurrent senders gap-free seqs and concurrent duplicates one row', async () => {
    const conv = await newConversation();
    const dup = randomUUID();
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => appendMessage(database.db, conv.id, visitorText(`m${i}`))),
      ...Array.from({ length: 5 }, () => appendMessage(database.db, conv.id, visitorText('dup', dup))),
    ]);
    const dupResults = results.slice(10);
    expect(dupResults.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(dupResults.map((r) => r.message.id)).size).toBe(1);
    const page = await messagesAfter(database.db, conv.id, 0, 100);
    expect(page.events.map((m) => m.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(page.lastSeq).toBe(11);
  });

  it('replays what follows a cursor, ascending and paged with hasMore', async () => {
    const conv = await newConversation();
    for (let i = 1; i <= 7; i++) await appendMessage(database.db, conv.id, visitorText(`t${i}`));
    const first = await messagesAfter(database.db, conv.id, 2, 3);
    expect(first.events.map((m) => (m.kind === 'text' ? m.text : ''))).toEqual(['t3', 't4', 't5']);
    expect(first.hasMore).toBe(true);
    const second = await messagesAfter(database.db, conv.id, 5, 3);
    expect(second.events.map((m) => m.seq)).toEqual([6, 7]);
    expect(second.hasMore).toBe(false);
    expect((await messagesAfter(database.db, conv.id, 7, 3)).events).toEqual([]);
  });
});
