import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../protocol/index.ts';
import { fakeClock } from '../core/clock.ts';
import type { Database } from '../db/client.ts';
import { contacts, conversations } from '../db/schema.ts';
import { createConversation } from '../db/stores/conversations-store.ts';
import { ensureDefaultQueue } from '../db/stores/routing-store.ts';
import { insertSession } from '../db/stores/sessions-store.ts';
import { createVisitorWithContact } from '../db/stores/visitors-store.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';
import { backends } from '../db/test-backends.ts';
import { createQueueStatusReader } from './queue-status.ts';

describe.each(backends)('queue status on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('gives every visitor of a queue, in one go, exactly what their own status says', async () => {
    const db = database.db;
    const reader = createQueueStatusReader({ db, clock: fakeClock('2026-11-21T10:00:00Z') });
    const site = await upsertWebsite(db, { key: `site-${randomUUID()}`, name: 'Site', allowedOrigins: [] });
    const queue = await ensureDefaultQueue(db, site.id);
    const base = Date.parse('2026-11-21T09:00:00Z');
    // Queued one minute apart, not in insertion order; one is being offered, one already answered.
    const plan: { state: SessionState; minute: number; email?: string; followUpEmail?: string }[] = [
      { state: 'waiting', minute: 3 },
      { state: 'offered', minute: 1 },
      { state: 'waiting', minute: 2, email: 'ada@example.com' },
      { state: 'active', minute: 0 },
      { state: 'waiting', minute: 5, followUpEmail: 'later@example.com' },
    ];
    const ids: string[] = [];
    for (const p of plan) {
      const { contact } = await createVisitorWithContact(db, site.id);
      if (p.email) await db.update(contacts).set({ email: p.email }).where(eq(contacts.id, contact.id));
      const conv = await createConversation(db, { websiteId: site.id, contactId: contact.id });
      const s = await insertSession(db, { conversationId: conv.id, websiteId: site.id, queueId: queue.id, state: p.state, queuedAt: new Date(base + p.minute * 60_000), followUpEmail: p.followUpEmail ?? null });
      await db.update(conversations).set({ currentSessionId: s.id }).where(eq(conversations.id, conv.id));
      ids.push(conv.id);
    }

    const all = await reader.forQueue(queue.id);
    // Longest waiting first; the answered one is not in the queue any more.
    expect(all.map((e) => e.conversationId)).toEqual([ids[1], ids[2], ids[0], ids[4]]);
    expect(all.map((e) => e.status.position)).toEqual([null, 1, 2, 3]);
    expect(all.map((e) => e.status.followUpEmail)).toEqual([null, 'ada@example.com', null, 'later@example.com']);
    for (const { conversationId, status } of all) expect(status).toEqual(await reader.forConversation(conversationId));
  });
});
