import type { Message } from '../../../protocol/message.ts';
import type { KeyValueStore } from '../storage.ts';

/** Storage key: the last agent-side message already counted as unread, `{ c: conversationId, s: seq }`. */
export const COUNTED_KEY = 'unreadSeq';

/**
 * Every tab applies the same messages (relayed by the leader, or found again by a sync):
 * returns how many of `incoming` no tab has counted yet, and marks them counted.
 */
export function countOnce(store: KeyValueStore, incoming: readonly Message[]): number {
  const last = incoming.at(-1);
  if (!last) return 0;
  const counted = store.get<{ c?: unknown; s?: unknown }>(COUNTED_KEY);
  const fresh = incoming.filter((m) => counted?.c !== m.conversationId || typeof counted.s !== 'number' || m.seq > counted.s).length;
  store.set(COUNTED_KEY, { c: last.conversationId, s: last.seq });
  return fresh;
}
