import { readdir } from 'node:fs/promises';

/**
 * Whether a directory of uploads from before the shared stores still holds files: after an upgrade
 * those images answer 404 until `npm run attachments:migrate` moves them, so the start says so.
 */
export async function hasLeftoverUploads(uploadDir: string): Promise<boolean> {
  try {
    for (const shard of await readdir(uploadDir, { withFileTypes: true })) {
      if (shard.isDirectory() && (await readdir(`${uploadDir}/${shard.name}`)).length > 0) return true;
    }
    return false;
  } catch {
    return false; // no such directory: nothing left behind
  }
}
