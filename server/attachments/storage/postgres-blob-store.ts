import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { beginBlob, blobByKey, blobChunk, deleteBlob, finishBlob, insertBlobChunk } from '../../db/stores/blobs-store.ts';
import { assertBlobKey, type BlobStore } from './blob-store.ts';
import { measured, rechunked } from './byte-streams.ts';

/** Small enough that a read holds little memory per request, large enough that a 10 MB file is 40 rows. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Blobs in the database (the default): every node reads them, and a database backup holds them.
 * A put writes the blob row and all of its chunks in one transaction, so a failure rolls back
 * everything; a get reads one chunk per pull, so a download never holds the whole file in memory.
 * Works alike on Postgres and PGlite.
 */
export function postgresBlobStore(db: Db, chunkBytes = CHUNK_BYTES): BlobStore {
  return {
    kind: 'postgres',
    async put(body, options) {
      const key = assertBlobKey(options.key ?? randomUUID());
      const flow = measured(body, options.maxBytes);
      const blob = await db.transaction(async (tx) => {
        await beginBlob(tx, key);
        let index = 0;
        for await (const chunk of rechunked(flow.pieces, chunkBytes)) await insertBlobChunk(tx, key, index++, chunk);
        const written = { ...flow.result(), chunkCount: index };
        await finishBlob(tx, key, written);
        return written;
      });
      return { key, size: blob.size, sha256: blob.sha256 };
    },
    async get(key) {
      const blob = await blobByKey(db, assertBlobKey(key));
      if (!blob) return null;
      let index = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (index >= blob.chunkCount) return controller.close();
          const chunk = await blobChunk(db, key, index++);
          // Deleted while being read: end in an error rather than hand out a truncated file as whole.
          if (!chunk) return controller.error(new Error(`blob ${key} was deleted while being read`));
          controller.enqueue(chunk);
        },
      });
      return { size: blob.size, stream };
    },
    async delete(key, within) {
      await deleteBlob(within ?? db, assertBlobKey(key));
    },
    async exists(key) {
      return (await blobByKey(db, assertBlobKey(key))) !== null;
    },
    async close() {},
  };
}
