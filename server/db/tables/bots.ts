import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { BotCursor, Locale } from '../../../protocol/index.ts';
import { conversations, websites } from './core.ts';
import { sessions } from './routing.ts';

/**
 * Assistants (issue 5): an editable draft, immutable published versions, the
 * live assistant + version per website (one per channel), and the cursor of
 * every session a bot is running. Re-exported by schema.ts.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const assistants = pgTable('assistants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  brand: text('brand'),
  languages: text('languages').array().$type<Locale[]>().notNull().default(sql`'{en}'::text[]`),
  /** The builder's working copy, saved even when invalid (raw JSON). */
  draft: jsonb('draft').$type<unknown>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const assistantVersions = pgTable(
  'assistant_versions',
  {
    assistantId: uuid('assistant_id').notNull().references(() => assistants.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    /** Validated at publish time; never updated afterwards. */
    definition: jsonb('definition').$type<unknown>().notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.assistantId, t.number] })],
);

/** A website has at most one live assistant: publishing to it replaces the row. */
export const websiteAssistants = pgTable(
  'website_assistants',
  {
    websiteId: uuid('website_id').primaryKey().references(() => websites.id, { onDelete: 'cascade' }),
    assistantId: uuid('assistant_id').notNull().references(() => assistants.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
  },
  (t) => [index('website_assistants_assistant_idx').on(t.assistantId)],
);

/** One per bot session: the pinned version and the cursor, written after every step. */
export const botRuns = pgTable(
  'bot_runs',
  {
    sessionId: uuid('session_id').primaryKey().references(() => sessions.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    assistantId: uuid('assistant_id').notNull().references(() => assistants.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    /** The visitor's locale when the run started, so timer-driven steps speak the same language. */
    locale: text('locale'),
    cursor: jsonb('cursor').$type<BotCursor>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('bot_runs_assistant_idx').on(t.assistantId, t.versionNumber)],
);

export type AssistantRow = typeof assistants.$inferSelect;
export type AssistantVersionRow = typeof assistantVersions.$inferSelect;
export type WebsiteAssistantRow = typeof websiteAssistants.$inferSelect;
export type BotRunRow = typeof botRuns.$inferSelect;
