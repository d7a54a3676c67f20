import { createHash, randomUUID } from 'node:crypto';
import { AppError, MAX_ATTACHMENT_BYTES, type Attachment } from '../../protocol/index.ts';
import type { Db } from '../db/client.ts';
import type { AttachmentRow } from '../db/schema.ts';
import { attachmentById, insertAttachment, toAttachment } from '../db/stores/attachments-store.ts';
import type { BlobStorage } from './disk-storage.ts';
import { sanitizeFileName } from './file-name.ts';
import { sniffImage } from './sniff.ts';

/**
 * Upload and download use cases. Who the caller is and which conversation they may
 * touch is decided before (participants.ts); this module trusts only the bytes.
 */
export interface Uploader {
  kind: 'visitor' | 'agent';
  id: string;
}

export interface UploadInput {
  conversationId: string;
  uploader: Uploader;
  fileName: string;
  bytes: Uint8Array;
}

export function createAttachmentService(db: Db, storage: BlobStorage) {
  async function upload(input: UploadInput): Promise<Attachment> {
    const { bytes } = input;
    if (bytes.byteLength === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty.');
    if (bytes.byteLength > MAX_ATTACHMENT_BYTES) throw new AppError('MESSAGE_TOO_LONG', 'The file is larger than 10 MB.');
    const sniffed = sniffImage(bytes);
    if (!sniffed) throw new AppError('VALIDATION_FAILED', 'unsupported image type');
    const id = randomUUID();
    await storage.put(id, bytes);
    try {
      const row = await insertAttachment(db, {
        id,
        conversationId: input.conversationId,
        uploaderKind: input.uploader.kind,
        uploaderId: input.uploader.id,
        originalName: sanitizeFileName(input.fileName),
        type: sniffed.type,
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        width: sniffed.width,
        height: sniffed.height,
        storageKey: id,
      });
      return toAttachment(row);
    } catch (err) {
      // No orphan file when the row could not be written.
      await storage.remove(id).catch(() => {});
      throw err;
    }
  }

  /** The row and bytes, if the attachment exists in one of `conversationIds` (null = any: agents); else NOT_FOUND. */
  async function read(id: string, mayRead: (conversationId: string) => Promise<boolean>): Promise<{ row: AttachmentRow; bytes: Uint8Array }> {
    const row = await attachmentById(db, id);
    // Same answer for "missing" and "not yours": existence is not leaked.
    if (!row || !(await mayRead(row.conversationId))) throw new AppError('NOT_FOUND');
    const bytes = await storage.get(row.storageKey);
    if (!bytes) throw new AppError('NOT_FOUND');
    return { row, bytes };
  }

  return { upload, read };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
