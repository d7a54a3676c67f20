import type { Message, XDelivery } from '../../protocol/index.ts';

/** One conversation's transcript: server messages by seq (what the agent has not sent yet is in the outbox). */
export interface TranscriptState {
  messages: readonly Message[];
  /** Highest seq applied: the cursor for `sync`. */
  lastSeq: number;
}

export const emptyTranscript: TranscriptState = { messages: [], lastSeq: 0 };

/** Applies server messages: deduplicated by seq, kept in seq order. */
export function mergeMessages(state: TranscriptState, incoming: readonly Message[]): TranscriptState {
  if (incoming.length === 0) return state;
  const bySeq = new Map<number, Message>();
  for (const message of state.messages) bySeq.set(message.seq, message);
  let added = false;
  for (const message of incoming) {
    const known = bySeq.get(message.seq);
    // A message to X seen again (sync, open) may carry a newer delivery state than the one shown.
    if (!known || (message.xDelivery && !sameDelivery(known.xDelivery, message.xDelivery))) {
      bySeq.set(message.seq, message);
      added = true;
    }
  }
  if (!added) return state;
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const lastSeq = messages.length > 0 ? Math.max(state.lastSeq, messages[messages.length - 1]!.seq) : state.lastSeq;
  return { messages, lastSeq };
}

/** Whether the server's messages include this client id (an outbox entry already stored). */
export function hasClientId(state: TranscriptState, clientId: string): boolean {
  return state.messages.some((message) => message.clientId === clientId);
}

/** True when a live message skips seqs we never saw: the client must `sync`. */
export function hasGapBefore(state: TranscriptState, message: Message): boolean {
  return state.lastSeq > 0 && message.seq > state.lastSeq + 1;
}

const sameDelivery = (a: Message['xDelivery'], b: Message['xDelivery']) => a?.state === b?.state && a?.retryAt === b?.retryAt && a?.reason === b?.reason;

/** An agent's message to X changed delivery state (`x:delivery`): the message shows it; unknown messages are left to the next sync. */
export function applyXDelivery(state: TranscriptState, delivery: XDelivery): TranscriptState {
  const at = state.messages.findIndex((m) => m.id === delivery.messageId);
  if (at < 0) return state;
  const current = state.messages[at]!;
  const next = { state: delivery.state, retryAt: delivery.retryAt, reason: delivery.reason };
  if (sameDelivery(current.xDelivery, next)) return state;
  const messages = [...state.messages];
  messages[at] = { ...current, xDelivery: next };
  return { ...state, messages };
}
