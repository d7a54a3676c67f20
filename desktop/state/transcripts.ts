import { signal } from '@preact/signals';
import type { Message, XDelivery } from '../../protocol/index.ts';
import { applyXDelivery, emptyTranscript, mergeMessages, type TranscriptState } from './transcript-state.ts';

/** Transcripts by conversation id, as one signal so any change re-renders its readers. */
export function createTranscripts() {
  const all = signal<ReadonlyMap<string, TranscriptState>>(new Map());

  function get(conversationId: string): TranscriptState {
    return all.value.get(conversationId) ?? emptyTranscript;
  }

  function has(conversationId: string): boolean {
    return all.value.has(conversationId);
  }

  function update(conversationId: string, change: (state: TranscriptState) => TranscriptState): void {
    const current = get(conversationId);
    const next = change(current);
    if (next === current && all.value.has(conversationId)) return;
    const map = new Map(all.value);
    map.set(conversationId, next);
    all.value = map;
  }

  return {
    all,
    get,
    has,
    merge: (conversationId: string, messages: readonly Message[]) => update(conversationId, (s) => mergeMessages(s, messages)),
    /** X channel: where an agent's message to X stands. */
    xDelivery: (delivery: XDelivery) => {
      if (has(delivery.conversationId)) update(delivery.conversationId, (s) => applyXDelivery(s, delivery));
    },
  };
}

export type Transcripts = ReturnType<typeof createTranscripts>;
