import type { Tx } from '../../db/client.ts';

/**
 * Where the bytes of uploaded files live, whichever node serves the request: the one interface
 * behind which the Postgres (default), S3 and disk stores sit (issue 18). Every feature that
 * stores files uses it; the rows that say what a file is (attachments) live elsewhere.
 *
 * A put is all or nothing: a body over `maxBytes`, a stream that fails or a store that fails
 * leaves nothing under the key, and a finished put is readable from every node (disk: this one).
 */
export interface BlobStore {
  readonly kind: 'postgres' | 's3' | 'disk';
  put(body: BlobSource, options: PutOptions): Promise<StoredBlob>;
  /** The blob's bytes as a stream read piece by piece, or null when there is none under `key`. */
  get(key: string): Promise<BlobBody | null>;
  /**
   * Deleting a key that holds nothing is no error. `within`: the caller's open transaction, so that
   * the database store deletes with it (and PGlite, one connection, is not asked to wait for itself);
   * the other stores delete at once, and a failure makes the caller roll back.
   */
  delete(key: string, within?: Tx): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Releases connections the store opened itself (S3); the database is closed by its owner. */
  close(): Promise<void>;
}

/** A web stream (a File's), or pieces in order, sync or async. */
export type BlobSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface PutOptions {
  /** A longer body is refused with MESSAGE_TOO_LONG, and nothing is stored. */
  maxBytes: number;
  /** Store under this key (moving files between stores keeps theirs); otherwise a new UUID. */
  key?: string;
}

export interface StoredBlob {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes, computed while storing them. */
  sha256: string;
}

export interface BlobBody {
  size: number;
  stream: ReadableStream<Uint8Array>;
}

/** Keys are UUIDs the server chose (stores also use them in paths and object names): anything else is a bug. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertBlobKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  return key;
}
