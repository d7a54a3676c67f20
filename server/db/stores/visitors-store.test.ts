import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../client.ts';
import { backends } from '../test-backends.ts';
import { createConversation } from './conversations-store.ts';
import { createVisitorWithContact, visitorWithConversation } from './visitors-store.ts';
import { upsertWebsite } from './websites-store.ts';

describe.each(backends)('returning visitors on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('finds each visitor with their own latest conversation, never someone else’s', async () => {
    const db = database.db;
    const site = await upsertWebsite(db, { key: `site-${randomUUID()}`, name: 'Site', allowedOrigins: [] });
    const other = await upsertWebsite(db, { key: `site-${randomUUID()}`, name: 'Other', allowedOrigins: [] });
    const ada = await createVisitorWithContact(db, site.id);
    await createConversation(db, { websiteId: site.id, contactId: ada.contact.id });
    const adaLatest = await createConversation(db, { websiteId: site.id, contactId: ada.contact.id });
    const grace = await createVisitorWithContact(db, site.id);
    const graceOwn = await createConversation(db, { websiteId: site.id, contactId: grace.contact.id });
    const newcomer = await createVisitorWithContact(db, site.id);
    // The newest conversation of all, on another website.
    const elsewhere = await createVisitorWithContact(db, other.id);
    await createConversation(db, { websiteId: other.id, contactId: elsewhere.contact.id });

    expect(await visitorWithConversation(db, ada.visitor.id)).toEqual({ visitor: ada.visitor, conversationId: adaLatest.id });
    expect((await visitorWithConversation(db, grace.visitor.id))?.conversationId).toBe(graceOwn.id);
    expect((await visitorWithConversation(db, newcomer.visitor.id))?.conversationId).toBeNull();
    expect(await visitorWithConversation(db, randomUUID())).toBeNull();
  });
});
