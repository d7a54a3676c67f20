import { and, asc, eq, gt } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { attachmentBlobChunks, attachmentBlobs, attachments } from '../schema.ts';

/**
 * The SQL of the Postgres blob store (server/attachments/storage/postgres-blob-store.ts) and of moving
 * attachments between stores. A blob is written inside one transaction: its row first (so its chunks
 * can reference it), the chunks, then its size and digest; readers never see it half written.
 */

export interface BlobRow {
  size: number;
  sha256: string;
  chunkCount: number;
}

/** Claims `key` in the caller's transaction; a key taken already is a unique violation. */
export async function beginBlob(tx: Tx, key: string): Promise<void> {
  await tx.insert(attachmentBlobs).values({ key, size: 0, sha256: '', chunkCount: 0 });
}

export async function insertBlobChunk(tx: Tx, key: string, index: number, data: Uint8Array): Promise<void> {
  await tx.insert(attachmentBlobChunks).values({ blobKey: key, index, data });
}

export async function finishBlob(tx: Tx, key: string, blob: BlobRow): Promise<void> {
  await tx.update(attachmentBlobs).set(blob).where(eq(attachmentBlobs.key, key));
}

export async function blobByKey(tx: Tx, key: string): Promise<BlobRow | null> {
  const [row] = await tx
    .select({ size: attachmentBlobs.size, sha256: attachmentBlobs.sha256, chunkCount: attachmentBlobs.chunkCount })
    .from(attachmentBlobs)
    .where(eq(attachmentBlobs.key, key));
  return row ?? null;
}

/** One chunk's bytes, or null when the blob was deleted meanwhile. */
export async function blobChunk(tx: Tx, key: string, index: number): Promise<Uint8Array | null> {
  const [row] = await tx
    .select({ data: attachmentBlobChunks.data })
    .from(attachmentBlobChunks)
    .where(and(eq(attachmentBlobChunks.blobKey, key), eq(attachmentBlobChunks.index, index)));
  return row ? row.data : null;
}

/** Removes the blob and (cascade) its chunks; deleting what is not there is no error. */
export async function deleteBlob(tx: Tx, key: string): Promise<void> {
  await tx.delete(attachmentBlobs).where(eq(attachmentBlobs.key, key));
}

export interface StoredAttachment {
  id: string;
  storageKey: string;
  size: number;
  sha256: string;
}

/** Attachments in id order after `afterId`, a page at a time (`npm run attachments:migrate`). */
export async function attachmentsAfter(tx: Tx, afterId: string | null, limit: number): Promise<StoredAttachment[]> {
  return tx
    .select({ id: attachments.id, storageKey: attachments.storageKey, size: attachments.size, sha256: attachments.sha256 })
    .from(attachments)
    .where(afterId ? gt(attachments.id, afterId) : undefined)
    .orderBy(asc(attachments.id))
    .limit(limit);
}
