import type { Attachment } from '../../protocol/attachments.ts';
import type { WireError } from '../../protocol/errors.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';

/**
 * Messages written but not yet acknowledged. An entry is stored BEFORE it is sent
 * and leaves only on a positive ack (or when a sync shows its clientId delivered),
 * so a reload, a crash or a dead socket never loses what the visitor typed.
 * An entry refused for good is kept as `failed` (so every tab, and the page after a
 * reload, shows it "Not sent"): it no longer holds up the others, and leaves when the
 * visitor deletes it or is sent again when they press Retry.
 */
export interface OutboxEntry {
  clientId: string;
  text: string;
  /** An uploaded image this entry sends, `text` being its caption. */
  attachment?: Attachment;
  /** A quick-reply press: the option's value, `text` being its label (sent as `postback:send`). */
  postback?: string;
  /**
   * Sent with the entry while the visitor has no token: whichever entry opens the session, its retries
   * (after a lost ack, or a reload) prove they come from this browser (protocol `FirstSendProof`).
   */
  proof?: string;
  createdAt: string;
  status: 'pending' | 'failed';
  error?: WireError;
  /** Retryable failures so far (capped by the client; Retry starts again from 0). */
  attempts?: number;
}

export class Outbox {
  constructor(private readonly store: KeyValueStore) {}

  /** Read from storage each time, so entries written by another tab are seen too. */
  list(): OutboxEntry[] {
    const entries = this.store.get<OutboxEntry[]>(STORAGE_KEYS.outbox);
    return Array.isArray(entries) ? entries.filter((e) => e && typeof e.clientId === 'string' && typeof e.text === 'string') : [];
  }

  pending(): OutboxEntry[] {
    return this.list().filter((e) => e.status === 'pending');
  }

  add(text: string, clientId: string = crypto.randomUUID(), attachment?: Attachment, postback?: string): OutboxEntry {
    const entry: OutboxEntry = {
      // Two UUIDs: 244 random bits in base64url characters, for a few bytes of code.
      clientId, text, proof: crypto.randomUUID() + crypto.randomUUID(), createdAt: new Date().toISOString(), status: 'pending',
      ...(attachment ? { attachment } : {}), ...(postback ? { postback } : {}),
    };
    this.save([...this.list(), entry]);
    return entry;
  }

  remove(clientId: string): boolean {
    const entries = this.list();
    const rest = entries.filter((e) => e.clientId !== clientId);
    if (rest.length === entries.length) return false;
    this.save(rest);
    return true;
  }

  fail(clientId: string, error: WireError): void {
    this.update(clientId, (e) => ({ ...e, status: 'failed', error }));
  }

  /** Counts one more retryable failure of the entry; answers the count (0 once it has left). */
  attempt(clientId: string): number {
    this.update(clientId, (e) => ({ ...e, attempts: (e.attempts ?? 0) + 1 }));
    return this.list().find((e) => e.clientId === clientId)?.attempts ?? 0;
  }

  /** The visitor pressed Retry: pending again, where it stood in the outbox, with a fresh count. */
  retry(clientId: string): void {
    this.update(clientId, ({ error: _error, attempts: _attempts, ...e }) => ({ ...e, status: 'pending' }));
  }

  private update(clientId: string, change: (entry: OutboxEntry) => OutboxEntry): void {
    this.save(this.list().map((e) => (e.clientId === clientId ? change(e) : e)));
  }

  private save(entries: OutboxEntry[]): void {
    if (entries.length === 0) this.store.remove(STORAGE_KEYS.outbox);
    else this.store.set(STORAGE_KEYS.outbox, entries);
  }
}
