import type { Message } from '../../protocol/message.ts';
import type { KeyValueStore } from './storage.ts';

/** How far the agent side has read one conversation (from the server's `receipt` event). */
export interface AgentRead {
  conversationId: string;
  seq: number;
}

/** Storage key (under `parley:<websiteKey>:`): a reload keeps the "Read" marks. */
export const RECEIPT_KEY = 'agentRead';

/**
 * Read receipts of the agent side, as the visitor sees them on their own messages.
 * Kept per conversation, so a receipt of an earlier conversation never marks the
 * messages of a new one; only moves forward (events can arrive out of order).
 */
export class ReadReceipts {
  constructor(private readonly store: KeyValueStore) {}

  get current(): AgentRead | null {
    const saved = this.store.get<AgentRead>(RECEIPT_KEY);
    return saved && typeof saved.conversationId === 'string' && Number.isInteger(saved.seq) ? saved : null;
  }

  /** Takes a `receipt` event (unvalidated wire data); true when the read mark moved. */
  accept(event: unknown): boolean {
    const e = event as { conversationId?: unknown; agentReadSeq?: unknown } | null;
    if (typeof e?.conversationId !== 'string' || !Number.isInteger(e.agentReadSeq) || (e.agentReadSeq as number) < 0) return false;
    const seq = e.agentReadSeq as number;
    const now = this.current;
    if (now && now.conversationId === e.conversationId && now.seq >= seq) return false;
    this.store.set(RECEIPT_KEY, { conversationId: e.conversationId, seq } satisfies AgentRead);
    return true;
  }
}

/** Whether the agent side has read this stored message. */
export const isReadBy = (read: AgentRead | null, m: Message): boolean => !!read && read.conversationId === m.conversationId && m.seq <= read.seq;
