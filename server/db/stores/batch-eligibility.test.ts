import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from '../../../protocol/index.ts';
import { takesBatchPath, type AppendSituation } from '../../core/batch-eligibility.ts';
import type { Database } from '../client.ts';
import { conversations } from '../schema.ts';
import { backends } from '../test-backends.ts';
import { ensureAgent } from './agents-store.ts';
import { createConversation } from './conversations-store.ts';
import { writeMessageBatch, type FastAppend } from './message-batch.ts';
import { insertSession } from './sessions-store.ts';
import { createVisitorWithContact } from './visitors-store.ts';
import { upsertWebsite } from './websites-store.ts';

/**
 * The batch statement's copy of the eligibility rule (SQL, migration 0008) against the rule itself
 * (server/core/batch-eligibility.ts): every session state (and none) × author × a pending follow-up or
 * not × who holds the session, each case a conversation of its own, all in one batch statement.
 */
type Holder = 'author' | 'other agent' | 'nobody';
interface Case {
  name: string;
  state: SessionState | null;
  author: 'visitor' | 'agent';
  followUpPending: boolean;
  holder: Holder;
}

const cases: Case[] = [];
for (const state of [null, ...SessionState.options])
  for (const author of ['visitor', 'agent'] as const)
    for (const followUpPending of [false, true])
      for (const holder of ['author', 'other agent', 'nobody'] as const) {
        cases.push({ name: `${state ?? 'no session'} · ${author} · follow-up ${followUpPending ? 'pending' : 'none'} · held by ${holder}`, state, author, followUpPending, holder });
      }

describe.each(backends)('batch eligibility, TypeScript rule and SQL function, on $name', (backend) => {
  let database: Database;
  let ada: string;
  let grace: string;
  const outcomes = new Map<string, boolean>();

  beforeAll(async () => {
    database = await backend.open();
    const db = database.db;
    ada = (await ensureAgent(db, { email: `ada-${randomUUID()}@example.com`, name: 'Ada', role: 'agent', passwordHash: 'x' })).id;
    grace = (await ensureAgent(db, { email: `grace-${randomUUID()}@example.com`, name: 'Grace', role: 'agent', passwordHash: 'x' })).id;
    const site = await upsertWebsite(db, { key: `site-${randomUUID()}`, name: 'Site', allowedOrigins: [] });
    const appends: FastAppend[] = [];
    for (const c of cases) {
      const { contact } = await createVisitorWithContact(db, site.id);
      const conv = await createConversation(db, { websiteId: site.id, contactId: contact.id });
      // The author, when an agent, is Ada; "the visitor" holds nothing, so for them the author case is nobody's.
      const holderId = c.holder === 'author' ? (c.author === 'agent' ? ada : null) : c.holder === 'other agent' ? grace : null;
      const session = c.state ? await insertSession(db, { conversationId: conv.id, websiteId: site.id, state: c.state, queuedAt: new Date(), agentId: holderId }) : null;
      await db.update(conversations).set({ currentSessionId: session?.id ?? null, followUpAgentId: c.followUpPending ? grace : null }).where(eq(conversations.id, conv.id));
      appends.push({ conversationId: conv.id, clientId: randomUUID(), text: c.name, author: c.author === 'agent' ? { kind: 'agent', id: ada, name: 'Ada' } : { kind: 'visitor', id: contact.id, name: null } });
    }
    const written = await writeMessageBatch(db, appends);
    written.forEach((o, i) => outcomes.set(cases[i]!.name, o.kind === 'created'));
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(cases)('$name', (c) => {
    const situation: AppendSituation = {
      openSession: c.state ? { state: c.state, agentId: c.holder === 'author' ? (c.author === 'agent' ? ada : null) : c.holder === 'other agent' ? grace : null } : null,
      author: { kind: c.author, id: c.author === 'agent' ? ada : null },
      followUpPending: c.followUpPending,
    };
    expect(outcomes.get(c.name), 'the SQL function').toBe(takesBatchPath(situation));
  });

  it('lets some of them through and not others (the grid covers both answers)', () => {
    expect(new Set(outcomes.values())).toEqual(new Set([true, false]));
  });
});
