import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { s3BlobStore } from '../../server/attachments/storage/s3-blob-store.ts';
import type { BlobStore } from '../../server/attachments/storage/index.ts';
import type { S3Settings } from '../../server/env.ts';
import { describe } from './database.ts';
import { error, type Problem } from './problems.ts';
import type { ParsedSettings } from './settings.ts';

/** One place the server writes to: the check writes a probe there, reads it back and deletes it. */
export interface StorageProbe {
  /** The setting that chooses it, e.g. `UPLOAD_DIR`. */
  setting: string;
  /** What is kept there, for the message. */
  what: string;
  probe(): Promise<void>;
}

/**
 * Where attachments are stored under these settings (ATTACHMENTS_STORAGE): `postgres` needs no probe of its own
 * (the database checks cover it, and DATA_DIR's probe the embedded one); `s3` writes, reads back and deletes a
 * small object through the server's own S3 store; `disk` does the same with a file in UPLOAD_DIR.
 */
export function attachmentStorageProbes(s: ParsedSettings): StorageProbe[] {
  const storage = s.ATTACHMENTS_STORAGE ?? 'postgres';
  if (storage === 's3') {
    // A missing bucket or half a key pair is reported by the settings check.
    if (!s.S3_BUCKET || !s.S3_ACCESS_KEY_ID !== !s.S3_SECRET_ACCESS_KEY) return [];
    const settings: S3Settings = {
      bucket: s.S3_BUCKET,
      endpoint: s.S3_ENDPOINT ?? null,
      region: s.S3_REGION ?? 'us-east-1',
      credentials: s.S3_ACCESS_KEY_ID && s.S3_SECRET_ACCESS_KEY ? { accessKeyId: s.S3_ACCESS_KEY_ID, secretAccessKey: s.S3_SECRET_ACCESS_KEY } : null,
      forcePathStyle: s.S3_FORCE_PATH_STYLE ?? false,
    };
    return [{ setting: 'S3_BUCKET', what: `attachments (bucket ${settings.bucket})`, probe: () => probeBlobStore(s3BlobStore(settings)) }];
  }
  if (storage !== 'disk') return [];
  const dir = s.UPLOAD_DIR ? resolve(s.UPLOAD_DIR) : join(resolve(s.DATA_DIR ?? './data'), 'uploads');
  return [{ setting: s.UPLOAD_DIR ? 'UPLOAD_DIR' : 'DATA_DIR', what: `attachments (${dir})`, probe: () => probeDirectory(dir) }];
}

/** A small blob put, read back and deleted through the store itself. */
async function probeBlobStore(store: BlobStore): Promise<void> {
  const content = randomBytes(16);
  try {
    const { key } = await store.put([content], { maxBytes: content.length });
    try {
      const body = await store.get(key);
      const read = body ? Buffer.from(await new Response(body.stream).arrayBuffer()) : null;
      if (!read?.equals(content)) throw new Error('what was written did not read back');
    } finally {
      await store.delete(key);
    }
  } finally {
    await store.close();
  }
}

/** DATA_DIR, when the server writes there: the embedded database, the generated development secret. */
export function dataDirProbes(s: ParsedSettings): StorageProbe[] {
  // Production never generates a secret (SECRET is required there).
  const generatesSecret = !s.SECRET && s.NODE_ENV !== 'production';
  if (s.DATABASE_URL && !generatesSecret) return [];
  const dir = resolve(s.DATA_DIR ?? './data');
  const what = [!s.DATABASE_URL && 'the embedded database', generatesSecret && 'the generated secret'].filter(Boolean).join(' and ');
  return [{ setting: 'DATA_DIR', what: `${what} (${dir})`, probe: () => probeDirectory(dir) }];
}

/**
 * Each probe within `timeoutMs`: a storage that never answers (a hung network mount, Node's recursive mkdir that
 * spins forever under /proc) is reported, not waited for, so that the check always ends.
 */
export async function checkStorage(probes: StorageProbe[], timeoutMs = 3_000): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const p of probes) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([p.probe(), timeout]);
    } catch (err) {
      problems.push(error(p.setting, `${p.what}: not writable: ${describe(err)}`));
    } finally {
      clearTimeout(timer);
    }
  }
  return problems;
}

async function probeDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `.parley-config-check-${randomBytes(6).toString('hex')}`);
  const content = randomBytes(16).toString('hex');
  try {
    await writeFile(file, content);
    if ((await readFile(file, 'utf8')) !== content) throw new Error('what was written did not read back');
  } finally {
    await rm(file, { force: true });
  }
}
