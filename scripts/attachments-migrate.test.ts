import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, VisitorSendResult } from '../protocol/index.ts';
import * as img from '../server/attachments/test-images.ts';
import type { Database } from '../server/db/client.ts';
import { backends } from '../server/db/test-backends.ts';
import { loadEnv } from '../server/env.ts';
import { call, closeSockets, connectVisitor, expectOk, startTestServer } from '../server/testing/test-kit.ts';
import { runAttachmentsMigrate } from './attachments-migrate.ts';

/** Issue 18: files that uploads left on one node's disk move into the shared store, once, checked, resumably. */
function captured() {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { stream, text: () => text };
}

describe.each(backends)('npm run attachments:migrate on $name', (backend) => {
  let database: Database;
  let uploadDir: string;
  let token: string;
  const uploads: { attachment: Attachment; bytes: Uint8Array }[] = [];
  const fileOf = (a: Attachment) => join(uploadDir, a.id.slice(0, 2), a.id);

  /** `ATTACHMENTS_STORAGE=postgres UPLOAD_DIR=<dir> npm run attachments:migrate -- …argv` */
  async function migrate(argv: string[] = []) {
    const stdout = captured();
    const stderr = captured();
    const env = loadEnv({ NODE_ENV: 'test', ATTACHMENTS_STORAGE: 'postgres', UPLOAD_DIR: uploadDir, DATA_DIR: uploadDir });
    const code = await runAttachmentsMigrate({ argv, stdout: stdout.stream, stderr: stderr.stream, env, database });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  beforeAll(async () => {
    database = await backend.open();
    uploadDir = await mkdtemp(join(tmpdir(), 'parley-old-uploads-'));
    // As before issue 18: a node keeping uploads on its own disk.
    const server = await startTestServer(database, { attachmentsStorage: { kind: 'disk' }, uploadDir }, { webhooks: false });
    try {
      const visitor = await connectVisitor(server);
      token = (await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'Photos follow' }))).token!;
      for (const bytes of [img.png(3, 2), img.jpeg(640, 480), img.gif(16, 9), img.webp(1024, 768)]) {
        const body = new FormData();
        body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'photo');
        const res = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } });
        uploads.push({ attachment: ((await res.json()) as { attachment: Attachment }).attachment, bytes });
      }
    } finally {
      closeSockets();
      await server.close();
    }
  });
  afterAll(async () => {
    await database?.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  it('moves every file once, verified, resumes after a failure, and the moved images are served again', async () => {
    const [fine, corrupted, lost, alsoFine] = uploads as [(typeof uploads)[0], (typeof uploads)[0], (typeof uploads)[0], (typeof uploads)[0]];
    // One file was lost from the disk; another was damaged (same length, one byte changed).
    await rm(fileOf(lost.attachment));
    const damaged = new Uint8Array(await readFile(fileOf(corrupted.attachment)));
    damaged[damaged.length - 1]! ^= 0xff;
    await writeFile(fileOf(corrupted.attachment), damaged);

    const first = await migrate();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Attachments in the postgres store: 2 moved, 0 already there; 1 missing from the directory, 1 failed.');
    expect(first.stdout).toContain(`missing: attachment ${lost.attachment.id}`);
    expect(first.stdout).toContain(`failed: attachment ${corrupted.attachment.id}: the bytes differ from the uploaded file (SHA-256); not moved`);

    // The damaged file is restored (from a backup): the next run moves it and skips what is there.
    await writeFile(fileOf(corrupted.attachment), corrupted.bytes);
    const second = await migrate();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('1 moved, 2 already there; 1 missing from the directory, 0 failed.');

    // Verified copies only: --delete-source empties the directory of what was moved.
    const third = await migrate(['--delete-source']);
    expect(third.stdout).toContain('0 moved, 3 already there; 1 missing from the directory, 0 failed; 3 files deleted from the directory.');
    for (const { attachment } of [fine, corrupted, alsoFine]) await expect(readFile(fileOf(attachment))).rejects.toMatchObject({ code: 'ENOENT' });

    // A server on the default store serves the moved images byte for byte; the lost one stays 404.
    const server = await startTestServer(database, {}, { webhooks: false });
    try {
      for (const { attachment, bytes } of [fine, corrupted, alsoFine]) {
        const res = await fetch(`${server.url}${attachment.url}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(bytes));
      }
      expect((await fetch(`${server.url}${lost.attachment.url}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses to run when the configured store is the disk itself, and explains its options', async () => {
    const stderr = captured();
    const env = loadEnv({ NODE_ENV: 'test', ATTACHMENTS_STORAGE: 'disk', UPLOAD_DIR: uploadDir, DATA_DIR: uploadDir });
    expect(await runAttachmentsMigrate({ argv: [], stdout: captured().stream, stderr: stderr.stream, env, database })).toBe(2);
    expect(stderr.text()).toMatch(/Set ATTACHMENTS_STORAGE to postgres or s3/);
    expect(await runAttachmentsMigrate({ argv: ['--nope'], stdout: captured().stream, stderr: captured().stream, env, database })).toBe(2);
  });
});
