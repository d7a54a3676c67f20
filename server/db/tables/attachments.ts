import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { ImageType } from '../../../protocol/index.ts';
import { conversations } from './core.ts';

/**
 * Uploaded files (issue 4/6): one row per upload, the bytes on disk under
 * UPLOAD_DIR by `storage_key` (never the user's file name). Re-exported by schema.ts.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** 'visitor' (visitor id) or 'agent' (agent id): who may attach it to a message. */
    uploaderKind: text('uploader_kind').$type<'visitor' | 'agent'>().notNull(),
    uploaderId: uuid('uploader_id').notNull(),
    /** The sanitized original file name, shown and used in Content-Disposition only. */
    originalName: text('original_name').notNull(),
    /** Sniffed from the bytes, never taken from the request. */
    type: text('type').$type<ImageType>().notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    width: integer('width'),
    height: integer('height'),
    storageKey: text('storage_key').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('attachments_conversation_idx').on(t.conversationId),
    check('attachments_uploader_kind', sql`${t.uploaderKind} in ('visitor', 'agent')`),
    check('attachments_size_positive', sql`${t.size} > 0`),
  ],
);

export type AttachmentRow = typeof attachments.$inferSelect;
