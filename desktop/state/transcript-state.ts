import type { Message } from '../../protocol/index.ts';

/** A reply the agent sent that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  createdAt: string;
}

/** One conversation's transcript: server messages by seq, then local pending sends. */
export interface TranscriptState {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  /** Highest seq applied: the cursor for `sync`. */
  lastSeq: number;
}

export const emptyTranscript: TranscriptState = { messages: [], pending: [], lastSeq: 0 };

/**
 * Applies server messages: deduplicated by seq, kept in seq order, and any pending
 * send whose clientId came back (by ack or live event, whichever is first) leaves
 * the pending list, so a reply is never shown twice.
 */
export function mergeMessages(state: TranscriptState, incoming: readonly Message[]): TranscriptState {
  if (incoming.length === 0) return state;
  const bySeq = new Map<number, Message>();
  for (const message of state.messages) bySeq.set(message.seq, message);
  let added = false;
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) {
      bySeq.set(message.seq, message);
      added = true;
    }
  }
  const confirmed = new Set(incoming.map((message) => message.clientId).filter((id): id is string => id !== null));
  const pending = state.pending.filter((item) => !confirmed.has(item.clientId));
  if (!added && pending.length === state.pending.length) return state;
  const messages = added ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : state.messages;
  const lastSeq = messages.length > 0 ? Math.max(state.lastSeq, messages[messages.length - 1]!.seq) : state.lastSeq;
  return { messages, pending, lastSeq };
}

export function addPending(state: TranscriptState, item: PendingMessage): TranscriptState {
  if (state.pending.some((p) => p.clientId === item.clientId)) return state;
  if (state.messages.some((m) => m.clientId === item.clientId)) return state;
  return { ...state, pending: [...state.pending, item] };
}

export function removePending(state: TranscriptState, clientId: string): TranscriptState {
  const pending = state.pending.filter((p) => p.clientId !== clientId);
  return pending.length === state.pending.length ? state : { ...state, pending };
}

/** True when a live message skips seqs we never saw: the client must `sync`. */
export function hasGapBefore(state: TranscriptState, message: Message): boolean {
  return state.lastSeq > 0 && message.seq > state.lastSeq + 1;
}
