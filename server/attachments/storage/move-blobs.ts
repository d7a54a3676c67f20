import type { Db } from '../../db/client.ts';
import { attachmentsAfter, type StoredAttachment } from '../../db/stores/blobs-store.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * Moves every attachment's bytes from one store to another under the same key (so no row changes):
 * `npm run attachments:migrate`. Idempotent and resumable: an attachment whose blob the target has is
 * skipped, and each blob is stored whole or not at all, so a run stopped anywhere is simply run again.
 * A copy whose digest differs from the row's is removed from the target and reported, never kept.
 */
export interface MoveReport {
  moved: number;
  alreadyThere: number;
  /** In the database, but no bytes in the source: these stay 404 (listed by attachment id). */
  missing: string[];
  /** Bytes that differ from what was uploaded (digest), or a copy that failed: not moved. */
  failed: { id: string; reason: string }[];
  /** Source files removed after their copy was verified (`deleteSource`). */
  deletedFromSource: number;
}

export interface MoveOptions {
  db: Db;
  from: BlobStore;
  to: BlobStore;
  /** Remove each source blob once the target holds it (verified). */
  deleteSource?: boolean;
  /** Told after each attachment (progress on long runs). */
  onProgress?: (done: number) => void;
  pageSize?: number;
}

export async function moveBlobs(options: MoveOptions): Promise<MoveReport> {
  const { db, from, to } = options;
  const report: MoveReport = { moved: 0, alreadyThere: 0, missing: [], failed: [], deletedFromSource: 0 };
  let done = 0;
  for (let after: string | null = null; ; ) {
    const page: StoredAttachment[] = await attachmentsAfter(db, after, options.pageSize ?? 100);
    if (page.length === 0) return report;
    for (const attachment of page) {
      try {
        const outcome = await moveOne(attachment, from, to);
        if (outcome === 'missing') report.missing.push(attachment.id);
        else {
          if (outcome === 'moved') report.moved++;
          else report.alreadyThere++;
          if (options.deleteSource && (await from.exists(attachment.storageKey))) {
            await from.delete(attachment.storageKey);
            report.deletedFromSource++;
          }
        }
      } catch (err) {
        report.failed.push({ id: attachment.id, reason: err instanceof Error ? err.message : String(err) });
      }
      options.onProgress?.(++done);
    }
    after = page[page.length - 1]!.id;
  }
}

async function moveOne(attachment: StoredAttachment, from: BlobStore, to: BlobStore): Promise<'moved' | 'already there' | 'missing'> {
  const key = attachment.storageKey;
  if (await to.exists(key)) return 'already there';
  const body = await from.get(key);
  if (!body) return 'missing';
  // The row's size bounds the copy: a longer file is not the one that was uploaded.
  const stored = await to.put(body.stream, { maxBytes: attachment.size, key });
  if (stored.sha256 !== attachment.sha256 || stored.size !== attachment.size) {
    await to.delete(key);
    throw new Error('the bytes differ from the uploaded file (SHA-256); not moved');
  }
  return 'moved';
}
