import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLeftoverUploads } from './leftover-uploads.ts';

/** The start warns about files from before the shared stores only when there are some. */
describe('uploads left on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-leftovers-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sees none in a missing or empty directory, or in empty shards, and sees a file in a shard', async () => {
    expect(await hasLeftoverUploads(join(dir, 'never-created'))).toBe(false);
    expect(await hasLeftoverUploads(dir)).toBe(false);
    await mkdir(join(dir, '8e'));
    expect(await hasLeftoverUploads(dir)).toBe(false);
    await writeFile(join(dir, '8e', '8e8e71e3-50ce-403b-a7e3-b51afeb05c58'), 'bytes');
    expect(await hasLeftoverUploads(dir)).toBe(true);
  });
});
