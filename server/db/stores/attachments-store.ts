import { eq } from 'drizzle-orm';
import type { Attachment } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { attachments, type AttachmentRow } from '../schema.ts';

/** Rows of the attachments table and their wire form. */

export type AttachmentInsert = typeof attachments.$inferInsert;

export async function insertAttachment(tx: Tx, values: AttachmentInsert): Promise<AttachmentRow> {
  const [row] = await tx.insert(attachments).values(values).returning();
  return row!;
}

export async function attachmentById(tx: Tx, id: string): Promise<AttachmentRow | null> {
  const [row] = await tx.select().from(attachments).where(eq(attachments.id, id));
  return row ?? null;
}

/** Relative to the server; participants fetch it with their credentials (see routes/attachments.ts). */
export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    conversationId: row.conversationId,
    name: row.originalName,
    type: row.type,
    size: row.size,
    width: row.width,
    height: row.height,
    url: attachmentUrl(row.id),
  };
}
