import type { Message } from '../../protocol/index.ts';
import type { Publisher } from './publisher.ts';

/** The socket that sent a message, and which message it sent: it has that one from its ack. */
export interface Sender {
  socketId?: string;
  clientId: string;
}

/**
 * THE route by which stored messages reach a conversation's room, from either write path (the
 * group commit and the full transaction): in seq order, each to everyone in the room, except the
 * sender's own message to the sending socket, which has it from its ack. Whatever else the same
 * transaction wrote (a reopened marker, the assistant's answer, "agent joined") goes to that
 * socket too, since its ack does not carry them.
 */
export function publishMessages(publisher: Publisher, conversationId: string, messages: Message[], sender?: Sender): void {
  if (!messages.length) return;
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  const own = sender?.socketId ? sorted.findIndex((m) => m.clientId !== null && m.clientId.toLowerCase() === sender.clientId.toLowerCase()) : -1;
  if (own < 0) return publisher.messages(conversationId, sorted);
  if (own > 0) publisher.messages(conversationId, sorted.slice(0, own));
  publisher.messages(conversationId, [sorted[own]!], sender!.socketId);
  if (own < sorted.length - 1) publisher.messages(conversationId, sorted.slice(own + 1));
}
