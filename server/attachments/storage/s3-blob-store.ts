import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../../env.ts';
import { assertBlobKey, type BlobStore } from './blob-store.ts';
import { collected, measured } from './byte-streams.ts';

/** Objects live under this prefix, so the bucket can hold other things (and later features' files) beside them. */
const PREFIX = 'attachments/';

/** S3 says "nothing there" with a 404 (NoSuchKey for GET, NotFound for HEAD). */
const isMissing = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * Blobs as objects of an S3-compatible bucket (large installs): every node reads them; back the
 * bucket up beside the database. A put buffers the body (at most `maxBytes`, checked as it flows)
 * because a single PutObject needs its length up front, and an object appears whole or not at all.
 */
export function s3BlobStore(settings: S3Settings): BlobStore {
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    // Only the checksums S3 requires: many S3-compatible services reject the SDK's newer default ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const target = (key: string) => ({ Bucket: settings.bucket, Key: PREFIX + assertBlobKey(key) });

  return {
    kind: 's3',
    async put(body, options) {
      const key = options.key ?? randomUUID();
      const flow = measured(body, options.maxBytes);
      const bytes = await collected(flow.pieces);
      const { size, sha256 } = flow.result();
      await client.send(
        new PutObjectCommand({ ...target(key), Body: bytes, ContentLength: size, ContentType: 'application/octet-stream', Metadata: { sha256 } }),
      );
      return { key, size, sha256 };
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand(target(key)));
        if (!object.Body) return null;
        return { size: object.ContentLength ?? 0, stream: object.Body.transformToWebStream() as ReadableStream<Uint8Array> };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand(target(key)));
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand(target(key)));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async close() {
      client.destroy();
    },
  };
}
