import type { Message } from '../../protocol/message.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';

/** How many messages the local cache keeps (older ones are refetched by a full sync). */
const CACHE_LIMIT = 300;

export interface ApplyResult {
  /** Events newly applied, in seq order. */
  applied: Message[];
  /** True when an event skipped ahead of lastSeq + 1: the caller must sync to fill the hole. */
  gap: boolean;
}

/**
 * The cached transcript and the resume cursor. Events are applied strictly in seq
 * order: an already applied seq is a duplicate (live event also seen in a sync
 * answer, or our own ack) and is dropped; a seq beyond lastSeq + 1 is a gap.
 */
export class Transcript {
  messages: Message[];
  lastSeq: number;

  constructor(private readonly store: KeyValueStore) {
    this.messages = [];
    this.lastSeq = 0;
    this.reload();
  }

  /** Takes the cached copy in storage (at start, or after another tab switched the conversation). */
  reload(): void {
    const cached = this.store.get<Message[]>(STORAGE_KEYS.transcript);
    const lastSeq = this.store.get<number>(STORAGE_KEYS.lastSeq);
    this.messages = Array.isArray(cached) ? cached : [];
    this.lastSeq = typeof lastSeq === 'number' && lastSeq >= 0 ? lastSeq : 0;
  }

  apply(events: readonly Message[]): ApplyResult {
    const applied: Message[] = [];
    let gap = false;
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      if (event.seq <= this.lastSeq) continue;
      if (event.seq !== this.lastSeq + 1) {
        gap = true;
        break;
      }
      this.messages.push(event);
      this.lastSeq = event.seq;
      applied.push(event);
    }
    if (applied.length > 0) this.persist();
    return { applied, gap };
  }

  hasClientId(clientId: string): boolean {
    return this.messages.some((m) => m.clientId === clientId);
  }

  /** Forget everything (revoked token: the visitor starts anonymous). */
  reset(): void {
    this.messages = [];
    this.lastSeq = 0;
    this.store.remove(STORAGE_KEYS.transcript);
    this.store.remove(STORAGE_KEYS.lastSeq);
  }

  private persist(): void {
    if (this.messages.length > CACHE_LIMIT) this.messages = this.messages.slice(-CACHE_LIMIT);
    this.store.set(STORAGE_KEYS.transcript, this.messages);
    this.store.set(STORAGE_KEYS.lastSeq, this.lastSeq);
  }
}
