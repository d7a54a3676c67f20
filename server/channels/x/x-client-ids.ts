import { createHash } from 'node:crypto';

/**
 * Client ids of messages that mirror X objects (issue 19): a UUID v5 of `x-post:<id>` (or `x-dm:<id>`),
 * so the same post stored by the webhook, by polling or by a duplicate delivery lands on the same
 * `(conversation_id, client_id)` and is written once. RFC 9562 §5.5, in a namespace of Parley's own.
 */
const NAMESPACE = 'a4f0c3de-5b1e-4c57-9b7e-2f1d6a0c8e91';

export function uuidV5(name: string, namespace = NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const postClientId = (postId: string) => uuidV5(`x-post:${postId}`);
