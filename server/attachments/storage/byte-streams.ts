import { createHash } from 'node:crypto';
import { AppError } from '../../../protocol/index.ts';
import type { BlobSource } from './blob-store.ts';

/** The pieces of a blob's body as the stores consume them: bounded, digested, re-cut to a fixed size. */

export async function* piecesOf(source: BlobSource): AsyncGenerator<Uint8Array> {
  if (!(source instanceof ReadableStream)) return yield* source;
  const reader = source.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    // Stopped early (too long, a store error): let the source close its file or connection.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

export interface Measured {
  pieces: AsyncGenerator<Uint8Array>;
  /** Size and SHA-256 of what went through, once `pieces` is exhausted. */
  result(): { size: number; sha256: string };
}

/** Counts and hashes the body as it flows; throws MESSAGE_TOO_LONG as soon as it passes `maxBytes`. */
export function measured(source: BlobSource, maxBytes: number): Measured {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | null = null;
  async function* pieces() {
    for await (const piece of piecesOf(source)) {
      size += piece.byteLength;
      if (size > maxBytes) throw new AppError('MESSAGE_TOO_LONG', 'The file is larger than the allowed maximum.');
      hash.update(piece);
      yield piece;
    }
    digest = hash.digest('hex');
  }
  return {
    pieces: pieces(),
    result() {
      if (digest === null) throw new Error('the body was not read to its end');
      return { size, sha256: digest };
    },
  };
}

/** The same bytes in pieces of exactly `size` bytes (the last one shorter). */
export async function* rechunked(pieces: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const piece of pieces) {
    for (let at = 0; at < piece.byteLength; ) {
      const take = Math.min(size - filled, piece.byteLength - at);
      buffer.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** The whole body in one buffer (S3 wants the length up front); bounded by `measured`'s maximum. */
export async function collected(pieces: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const piece of pieces) parts.push(piece);
  return Buffer.concat(parts);
}
