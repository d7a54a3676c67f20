import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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
 * Where attachments are stored under these settings: today a directory (UPLOAD_DIR, else DATA_DIR/uploads).
 * Another attachment store (a blob store in Postgres or S3, chosen by its own settings) adds its probe here:
 * a write, a read back and a delete of a small object.
 */
export function attachmentStorageProbes(s: ParsedSettings): StorageProbe[] {
  const dir = s.UPLOAD_DIR ? resolve(s.UPLOAD_DIR) : join(resolve(s.DATA_DIR ?? './data'), 'uploads');
  return [{ setting: s.UPLOAD_DIR ? 'UPLOAD_DIR' : 'DATA_DIR', what: `attachments (${dir})`, probe: () => probeDirectory(dir) }];
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

export async function checkStorage(probes: StorageProbe[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const p of probes) {
    try {
      await p.probe();
    } catch (err) {
      problems.push(error(p.setting, `${p.what}: not writable: ${describe(err)}`));
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
