import { AppError, type Attachment } from '../../protocol/index.ts';
import type { Tx } from '../db/client.ts';
import { visitorById } from '../db/stores/visitors-store.ts';
import { attachmentById, toAttachment } from '../db/stores/attachments-store.ts';

/**
 * Checks that an upload may become part of an `image` message, inside the
 * sender's transaction; returns its wire form for the message payload.
 *
 * - it exists and was uploaded to this conversation;
 * - the sender uploaded it: same kind, and the same agent id, or for visitors the
 *   visitor id (or that visitor's contact id, the id messages use as author);
 * - reuse is allowed within the same conversation (a retried send, or the same
 *   image shown twice, exposes nothing new to anyone), so there is no "used" state.
 *
 * Anything else is NOT_FOUND, so a foreign id reveals nothing.
 */
export interface AttachImageInput {
  attachmentId: string;
  conversationId: string;
  uploader: { kind: 'visitor' | 'agent'; id: string };
}

export async function attachImage(tx: Tx, input: AttachImageInput): Promise<Attachment> {
  const row = await attachmentById(tx, input.attachmentId);
  const notFound = () => new AppError('NOT_FOUND', 'No such attachment in this conversation.');
  if (!row || row.conversationId !== input.conversationId || row.uploaderKind !== input.uploader.kind) throw notFound();
  if (row.uploaderId !== input.uploader.id) {
    const visitor = row.uploaderKind === 'visitor' ? await visitorById(tx, row.uploaderId) : null;
    if (!visitor || visitor.contactId !== input.uploader.id) throw notFound();
  }
  return toAttachment(row);
}
