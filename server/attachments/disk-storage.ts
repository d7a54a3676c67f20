import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes on disk under UPLOAD_DIR, addressed by a server-chosen key (the attachment
 * id), sharded by its first two characters so no directory grows without bound.
 */
export interface BlobStorage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[0-9a-f-]{36}$/;

export function diskStorage(uploadDir: string): BlobStorage {
  const pathOf = (key: string) => {
    // Keys are uuids we generate; anything else is a bug, never a path to follow.
    if (!SAFE_KEY.test(key)) throw new Error(`invalid storage key: ${key}`);
    return join(uploadDir, key.slice(0, 2), key);
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(join(uploadDir, key.slice(0, 2)), { recursive: true });
      await writeFile(path, bytes, { flag: 'wx', mode: 0o640 });
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
