import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { assertBlobKey, type BlobStore } from './blob-store.ts';
import { measured } from './byte-streams.ts';

/**
 * Blobs as files under UPLOAD_DIR, sharded by the key's first two characters so no directory grows
 * without bound. ONE NODE ONLY: another node cannot read them (use `postgres` or `s3` for several).
 * Also the layout `npm run attachments:migrate` reads files from. A put writes a temporary file and
 * renames it into place, so a file is whole or absent.
 */
export function diskBlobStore(uploadDir: string): BlobStore {
  const pathOf = (key: string) => join(uploadDir, assertBlobKey(key).slice(0, 2), key);
  const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

  return {
    kind: 'disk',
    async put(body, options) {
      const key = options.key ?? randomUUID();
      const path = pathOf(key);
      await mkdir(join(uploadDir, key.slice(0, 2)), { recursive: true });
      const partial = `${path}.${randomBytes(4).toString('hex')}.part`;
      const file = await open(partial, 'wx', 0o640);
      try {
        const flow = measured(body, options.maxBytes);
        for await (const piece of flow.pieces) await file.write(piece);
        await file.close();
        await rename(partial, path);
        return { key, ...flow.result() };
      } catch (err) {
        await file.close().catch(() => {});
        await rm(partial, { force: true });
        throw err;
      }
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const { size } = await stat(path);
        return { size, stream: Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array> };
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async exists(key) {
      try {
        await stat(pathOf(key));
        return true;
      } catch (err) {
        if (missing(err)) return false;
        throw err;
      }
    },
    async close() {},
  };
}
