import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../protocol/index.ts';
import type { Database } from '../../db/client.ts';
import { attachmentBlobChunks, attachmentBlobs } from '../../db/schema.ts';
import { backends } from '../../db/test-backends.ts';
import { startLocalS3, type LocalS3 } from '../../testing/s3-server.ts';
import type { BlobStore } from './blob-store.ts';
import { diskBlobStore } from './disk-blob-store.ts';
import { CHUNK_BYTES, postgresBlobStore } from './postgres-blob-store.ts';
import { s3BlobStore } from './s3-blob-store.ts';

/**
 * The one contract every blob store keeps (issue 18): what is put comes back byte for byte with its
 * size and digest, from a fresh handle too (another node); a refused or failed put leaves nothing.
 * Postgres on PGlite (and real Postgres with DATABASE_URL), S3 on a local s3rver, and disk.
 */
interface Harness {
  name: string;
  open(): Promise<{ store: () => BlobStore; leftovers: () => Promise<number>; close(): Promise<void> }>;
}

const harnesses: Harness[] = [
  ...backends.map<Harness>((backend) => ({
    name: `postgres on ${backend.name}`,
    async open() {
      const database: Database = await backend.open();
      const rows = async (table: typeof attachmentBlobs | typeof attachmentBlobChunks) => (await database.db.select({ n: count() }).from(table))[0]!.n;
      return {
        store: () => postgresBlobStore(database.db),
        leftovers: async () => (await rows(attachmentBlobs)) + (await rows(attachmentBlobChunks)),
        close: () => database.close(),
      };
    },
  })),
  {
    name: 's3 on s3rver',
    async open() {
      const s3: LocalS3 = await startLocalS3();
      const opened: BlobStore[] = [];
      return {
        store: () => {
          const store = s3BlobStore(s3.settings);
          opened.push(store);
          return store;
        },
        leftovers: () => s3.objectCount(),
        async close() {
          for (const store of opened) await store.close();
          await s3.stop();
        },
      };
    },
  },
  {
    name: 'disk',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
      return {
        store: () => diskBlobStore(dir),
        leftovers: async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length,
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];

/** Deterministic, not compressible, not one repeated byte: a swapped or dropped chunk shows. */
function bytesOf(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, seed = 0x12345678; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out[i] = seed >>> 24;
  }
  return out;
}

/** The bytes in uneven pieces, as a network delivers them. */
async function* inPieces(bytes: Uint8Array, size = 70_001): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.slice(at, at + size);
}

async function* failingAfter(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* inPieces(bytes);
  throw new Error('connection reset by the client');
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const LIMIT = 10 * 1024 * 1024;

describe.each(harnesses)('the blob store contract: $name', (harness) => {
  let opened: Awaited<ReturnType<Harness['open']>>;
  let store: BlobStore;
  beforeAll(async () => {
    opened = await harness.open();
    store = opened.store();
  });
  afterAll(async () => {
    await opened?.close();
  });

  it.each([
    ['one byte', 1],
    ['a small image', 3_000],
    ['exactly one chunk', CHUNK_BYTES],
    ['several chunks and a bit', 3 * CHUNK_BYTES + 17],
    ['the whole 10 MB', LIMIT],
  ])('gives back %s byte for byte, with its size and digest, through another handle too', async (_what, length) => {
    const bytes = bytesOf(length);
    const stored = await store.put(inPieces(bytes), { maxBytes: LIMIT });
    expect(stored).toEqual({ key: expect.stringMatching(/^[0-9a-f-]{36}$/), size: length, sha256: sha256(bytes) });
    const other = opened.store(); // another node's handle on the same store
    expect(await other.exists(stored.key)).toBe(true);
    const body = await other.get(stored.key);
    expect(body?.size).toBe(length);
    expect(sha256(await readAll(body!.stream))).toBe(sha256(bytes));
  });

  it('takes a web ReadableStream (a File’s stream) as the body, and keeps a key it is given', async () => {
    const bytes = bytesOf(5_000);
    const key = randomUUID();
    const stored = await store.put(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), { maxBytes: LIMIT, key });
    expect(stored.key).toBe(key);
    expect(await readAll((await store.get(key))!.stream)).toEqual(bytes);
  });

  it('refuses a body over the limit with MESSAGE_TOO_LONG and keeps nothing of it', async () => {
    const before = await opened.leftovers();
    const key = randomUUID();
    await expect(store.put(inPieces(bytesOf(CHUNK_BYTES * 2 + 1)), { maxBytes: CHUNK_BYTES * 2, key })).rejects.toMatchObject({ code: 'MESSAGE_TOO_LONG' } satisfies Partial<AppError>);
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    expect(await opened.leftovers()).toBe(before);
  });

  it('keeps nothing of a body whose stream fails half way', async () => {
    const before = await opened.leftovers();
    const key = randomUUID();
    await expect(store.put(failingAfter(bytesOf(CHUNK_BYTES + 5)), { maxBytes: LIMIT, key })).rejects.toThrow(/connection reset/);
    expect(await store.exists(key)).toBe(false);
    expect(await opened.leftovers()).toBe(before);
  });

  it('deletes a blob for good; an unknown key is absent, and deleting it is no error', async () => {
    const before = await opened.leftovers();
    const { key } = await store.put(inPieces(bytesOf(CHUNK_BYTES + 1)), { maxBytes: LIMIT });
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    expect(await opened.leftovers()).toBe(before);
    await store.delete(randomUUID());
    expect(await store.get(randomUUID())).toBeNull();
  });

  it('never takes a key that is not a UUID (keys become paths and object names)', async () => {
    await expect(store.put(inPieces(bytesOf(10)), { maxBytes: LIMIT, key: '../../etc/passwd' })).rejects.toThrow(/invalid blob key/);
    await expect(store.get('../x')).rejects.toThrow(/invalid blob key/);
  });
});
