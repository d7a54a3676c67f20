import { randomUUID } from 'node:crypto';
import { AppError, MAX_ATTACHMENT_BYTES, type Attachment } from '../../protocol/index.ts';
import type { Db, Tx } from '../db/client.ts';
import type { AttachmentRow } from '../db/schema.ts';
import { attachmentById, insertAttachment, toAttachment } from '../db/stores/attachments-store.ts';
import { sanitizeFileName } from './file-name.ts';
import { SNIFF_BYTES, sniffImage } from './sniff.ts';
import type { BlobBody, BlobStore } from './storage/index.ts';

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
  /** The uploaded file (a File from the multipart body): its size, first bytes and stream are read. */
  file: Blob;
}

export function createAttachmentService(db: Db, blobs: BlobStore) {
  async function upload(input: UploadInput): Promise<Attachment> {
    const { file } = input;
    if (file.size === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty.');
    if (file.size > MAX_ATTACHMENT_BYTES) throw new AppError('MESSAGE_TOO_LONG', 'The file is larger than 10 MB.');
    // Typed from its first bytes before anything is stored: a refused file never reaches the store.
    const sniffed = sniffImage(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
    if (!sniffed) throw new AppError('VALIDATION_FAILED', 'unsupported image type');
    // The blob is keyed by the attachment's id, as files on disk always were: one name for both.
    const id = randomUUID();
    const blob = await blobs.put(file.stream(), { maxBytes: MAX_ATTACHMENT_BYTES, key: id });
    try {
      const row = await insertAttachment(db, {
        id,
        conversationId: input.conversationId,
        uploaderKind: input.uploader.kind,
        uploaderId: input.uploader.id,
        originalName: sanitizeFileName(input.fileName),
        type: sniffed.type,
        size: blob.size,
        sha256: blob.sha256,
        width: sniffed.width,
        height: sniffed.height,
        storageKey: blob.key,
      });
      return toAttachment(row);
    } catch (err) {
      // No orphan blob when the row could not be written.
      await blobs.delete(blob.key).catch(() => {});
      throw err;
    }
  }

  /** The row and a stream of its bytes, if `mayRead` its conversation; else NOT_FOUND. */
  async function read(id: string, mayRead: (conversationId: string) => Promise<boolean>): Promise<{ row: AttachmentRow; body: BlobBody }> {
    const row = await attachmentById(db, id);
    // Same answer for "missing" and "not yours": existence is not leaked.
    if (!row || !(await mayRead(row.conversationId))) throw new AppError('NOT_FOUND');
    const body = await blobs.get(row.storageKey);
    if (!body) throw new AppError('NOT_FOUND');
    return { row, body };
  }

  /**
   * Deletes the stored bytes of attachments whose rows are being deleted (erasure, retention). Called
   * inside the deleting transaction: should it fail, the rows stay and the next attempt retries.
   */
  async function removeBytes(storageKeys: readonly string[], tx: Tx): Promise<void> {
    for (const key of storageKeys) await blobs.delete(key, tx);
  }

  return { upload, read, removeBytes };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
