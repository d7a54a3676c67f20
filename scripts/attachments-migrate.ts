/**
 * `npm run attachments:migrate [-- --from DIR] [--delete-source]`: moves the files that uploads left on disk
 * (UPLOAD_DIR, by default DATA_DIR/uploads) into the store ATTACHMENTS_STORAGE configures (the database by
 * default, or S3), keeping their keys. Idempotent and resumable: run it again after any stop. Runs against
 * DATABASE_URL, else the embedded PGlite under DATA_DIR (stop the server first: PGlite serves one process at a time).
 */
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { diskBlobStore } from '../server/attachments/storage/disk-blob-store.ts';
import { createBlobStore, type BlobStore } from '../server/attachments/storage/index.ts';
import { moveBlobs, type MoveReport } from '../server/attachments/storage/move-blobs.ts';
import { openDatabase, targetFromEnv, type Database } from '../server/db/client.ts';
import { loadEnv, type Env } from '../server/env.ts';
import { parseCommandArgs, say } from './cli.ts';

const USAGE = `Usage: npm run attachments:migrate [-- --from DIR] [--delete-source]

Copies every attachment's file from a directory of uploads into the store ATTACHMENTS_STORAGE names
(postgres or s3), under the same key, checking each copy's SHA-256 against the one recorded at upload.
Safe to run again: what the store has already is skipped. Uses DATABASE_URL, else the embedded database
in DATA_DIR (stop the server first when it uses the embedded one).

  --from DIR         the uploads directory (default: UPLOAD_DIR, else DATA_DIR/uploads)
  --delete-source    remove each file once the store holds a verified copy
`;

export interface AttachmentsMigrateIo {
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  /** Defaults to the parsed environment. */
  env?: Env;
  /** An open, migrated database to use (tests); otherwise the env's, opened, migrated and closed here. */
  database?: Database;
}

function summary(report: MoveReport, target: string): string {
  const lines = [
    `Attachments in the ${target} store: ${report.moved} moved, ${report.alreadyThere} already there; ` +
      `${report.missing.length} missing from the directory, ${report.failed.length} failed` +
      (report.deletedFromSource ? `; ${report.deletedFromSource} files deleted from the directory.` : '.'),
  ];
  for (const id of report.missing) lines.push(`  missing: attachment ${id} (no file: it stays unavailable)`);
  for (const { id, reason } of report.failed) lines.push(`  failed: attachment ${id}: ${reason}`);
  return lines.join('\n');
}

/** Answers the exit code: 0 done (missing files are reported, not an error), 1 some failed, 2 wrong usage. */
export async function runAttachmentsMigrate(io: AttachmentsMigrateIo): Promise<number> {
  const values = parseCommandArgs(io, { from: { type: 'string' }, 'delete-source': { type: 'boolean' } }, USAGE);
  if (!values) return 2;
  if (values.help) return say(io.stdout, USAGE), 0;

  let database = io.database;
  let target: BlobStore | null = null;
  try {
    const env = io.env ?? loadEnv();
    const dir = resolve(values.from ?? env.uploadDir ?? join(env.dataDir, 'uploads'));
    if (env.attachmentsStorage.kind === 'disk') {
      say(io.stderr, 'ATTACHMENTS_STORAGE is disk: files already live in a directory. Set ATTACHMENTS_STORAGE to postgres or s3 to move them there.');
      return 2;
    }
    if (!database) {
      database = await openDatabase(targetFromEnv(env));
      await database.migrate();
    }
    target = createBlobStore(env.attachmentsStorage, { db: database.db, uploadDir: dir });
    say(io.stdout, `Moving attachments from ${dir} into the ${target.kind} store…`);
    const report = await moveBlobs({ db: database.db, from: diskBlobStore(dir), to: target, deleteSource: values['delete-source'] ?? false });
    say(io.stdout, summary(report, target.kind));
    return report.failed.length ? 1 : 0;
  } catch (err) {
    say(io.stderr, `Stopped (run again to resume): ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await target?.close();
    if (database && !io.database) await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAttachmentsMigrate({ argv: process.argv.slice(2), stdout: process.stdout, stderr: process.stderr });
}
