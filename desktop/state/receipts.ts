import { signal } from '@preact/signals';
import type { Message, Receipts } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';

export type DeliveryState = 'delivered' | 'read';

/** An agent message is delivered once stored (it has a seq), read once the visitor's read cursor reaches it. */
export function deliveryState(message: Message, receipts: Receipts | undefined): DeliveryState {
  return receipts && receipts.visitorReadSeq >= message.seq ? 'read' : 'delivered';
}

/**
 * Read cursors per conversation, from `ConversationDetail.receipts` and live
 * `receipt` pushes (only ever moving forward), and the agent's own `read` sends.
 */
export function createReceipts(client: AgentClient) {
  const all = signal<ReadonlyMap<string, Receipts>>(new Map());
  const sent = new Map<string, number>();

  function apply(conversationId: string, receipts: Receipts): void {
    const current = all.value.get(conversationId);
    const next = {
      visitorReadSeq: Math.max(current?.visitorReadSeq ?? 0, receipts.visitorReadSeq),
      agentReadSeq: Math.max(current?.agentReadSeq ?? 0, receipts.agentReadSeq),
    };
    if (current && current.visitorReadSeq === next.visitorReadSeq && current.agentReadSeq === next.agentReadSeq) return;
    all.value = new Map(all.value).set(conversationId, next);
  }

  /** Tells the server the agent has seen up to `seq` (once per seq, never backwards). */
  function markRead(conversationId: string, seq: number): void {
    const known = Math.max(sent.get(conversationId) ?? 0, all.value.get(conversationId)?.agentReadSeq ?? 0);
    if (seq <= known) return;
    sent.set(conversationId, seq);
    client.request('read', { conversationId, seq }).catch(() => sent.delete(conversationId));
  }

  const off = client.on('receipt', ({ conversationId, ...receipts }) => apply(conversationId, receipts));
  return { all, apply, markRead, get: (id: string) => all.value.get(id), dispose: off };
}

export type ReceiptStore = ReturnType<typeof createReceipts>;
