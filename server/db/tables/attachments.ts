import { check, customType, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { ImageType } from '../../../protocol/index.ts';
import { conversations } from './core.ts';

/**
 * Uploaded files (issue 4/6): one row per upload; the bytes are in the configured
 * blob store under `storage_key` (never the user's file name): the blob tables
 * below by default, an S3 bucket or UPLOAD_DIR otherwise. Re-exported by schema.ts.
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

/** Raw bytes: Buffer from postgres.js, Uint8Array from PGlite; both are Uint8Arrays. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * The Postgres blob store (server/attachments/storage/postgres-blob-store.ts): one row per
 * blob, written in the same transaction as all of its chunks, so a blob is whole or absent.
 * Not tied to `attachments` by a key: every feature that stores files uses the same store.
 */
export const attachmentBlobs = pgTable(
  'attachment_blobs',
  {
    key: text('key').primaryKey(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    chunkCount: integer('chunk_count').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('attachment_blobs_size', sql`${t.size} >= 0`)],
);

/** The bytes of a blob in fixed-size pieces (the last one shorter), read back one at a time. */
export const attachmentBlobChunks = pgTable(
  'attachment_blob_chunks',
  {
    blobKey: text('blob_key')
      .notNull()
      .references(() => attachmentBlobs.key, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blobKey, t.index] })],
);
