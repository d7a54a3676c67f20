import type { Db } from '../../db/client.ts';
import type { AttachmentsStorageSettings } from '../../env.ts';
import type { BlobStore } from './blob-store.ts';
import { diskBlobStore } from './disk-blob-store.ts';
import { postgresBlobStore } from './postgres-blob-store.ts';
import { s3BlobStore } from './s3-blob-store.ts';

export type { BlobBody, BlobSource, BlobStore, PutOptions, StoredBlob } from './blob-store.ts';

/** The store ATTACHMENTS_STORAGE names (docs/operations/attachments.md). */
export function createBlobStore(settings: AttachmentsStorageSettings, where: { db: Db; uploadDir: string }): BlobStore {
  switch (settings.kind) {
    case 'postgres':
      return postgresBlobStore(where.db);
    case 's3':
      return s3BlobStore(settings);
    case 'disk':
      return diskBlobStore(where.uploadDir);
  }
}
