import { createHash } from 'node:crypto';

/**
 * Client ids of X objects: a UUID v5 of `x-dm:<event id>` / `x-post:<post id>`, so that the webhook and
 * polling deliveries of one X object meet on the messages' unique `(conversation_id, client_id)`.
 */
const NAMESPACE = Buffer.from('6f1c1c9e6b0a4d2e9a43b6a3f0c2d7e1', 'hex');

export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const dmClientId = (eventId: string) => uuidV5(`x-dm:${eventId}`);
export const postClientId = (postId: string) => uuidV5(`x-post:${postId}`);
