import type { WireError } from '../../protocol/errors.ts';
import type { Message } from '../../protocol/message.ts';
import type { QueueStatus, SessionState } from '../../protocol/routing.ts';
import { isQueueStatus } from './guards.ts';
import type { RequestPayload, VisitorLink } from './visitor-socket.ts';

export type ControlResult = { ok: true } | { ok: false; error: WireError };

/** Session states in which the visitor is still being served (or waiting to be). */
const LIVE: readonly (SessionState | null)[] = ['bot', 'waiting', 'offered', 'active'];

/**
 * Same rule as zod's `z.email()` (the server's check), without shipping zod:
 * refusing inline what the server would refuse saves a round trip.
 */
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
export const isEmail = (text: string): boolean => text.length <= 254 && EMAIL.test(text);

export interface SessionControlsDeps {
  link: () => VisitorLink | null;
  timeoutMs: () => number;
  onChange: () => void;
  /** After the visitor ended: fetch the `conversation_ended` row even if its push was missed. */
  afterEnd: () => void;
}

/**
 * Issue 3's visitor side of routing: the latest queue status (pushed by the server
 * as `queue`, asked for with `queue:status`), ending the conversation, and leaving
 * a follow-up email. Kept apart from the outbox/cursor logic of MessengerClient.
 */
export class SessionControls {
  status: QueueStatus | null = null;
  private refreshing = false;
  private again = false;

  constructor(private readonly deps: SessionControlsDeps) {}

  /** A `queue` push or an answer: malformed payloads are dropped, never trusted. */
  accept(payload: unknown): void {
    if (!isQueueStatus(payload)) return;
    const { state, position, estimatedWaitSec, agent, followUpEmail } = payload;
    this.status = { ...payload, state: state ?? null, position: position ?? null, estimatedWaitSec: estimatedWaitSec ?? null, agent: agent ?? null, followUpEmail: followUpEmail ?? null };
    this.deps.onChange();
  }

  /** Asks where we stand. Failures are silent: the status is a hint, the outbox is the truth. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.again = false;
        const link = this.deps.link();
        if (!link?.connected) return;
        const answer = await link.request('queue:status', {}, this.deps.timeoutMs());
        if (answer.ok) this.accept(answer.data);
      } while (this.again);
    } finally {
      this.refreshing = false;
    }
  }

  /** Whether "End conversation" makes sense: a live session, or (status unknown) a transcript not already ended. */
  canEnd(hasToken: boolean, messages: readonly Message[]): boolean {
    if (!hasToken) return false;
    if (this.status) return LIVE.includes(this.status.state);
    const last = messages.findLast((m) => m.kind === 'event');
    return messages.length > 0 && !(last?.kind === 'event' && last.event.type === 'conversation_ended');
  }

  /** Nobody to answer (no agent Ready, or outside business hours) and no agent on this chat. */
  get away(): boolean {
    const s = this.status;
    return !!s && s.state !== 'active' && s.state !== 'offered' && (!s.agentsAvailable || !s.withinBusinessHours);
  }

  end(): Promise<ControlResult> {
    return this.call('conversation:end', {}).then((result) => {
      if (result.ok) this.deps.afterEnd();
      return result;
    });
  }

  followUp(raw: string): Promise<ControlResult> {
    const email = raw.trim();
    if (!isEmail(email)) return Promise.resolve({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'Invalid email.' } });
    return this.call('followup:email', { email });
  }

  reset(): void {
    this.status = null;
    this.deps.onChange();
  }

  private async call<K extends 'conversation:end' | 'followup:email'>(event: K, payload: RequestPayload<K>): Promise<ControlResult> {
    const link = this.deps.link();
    if (!link?.connected) return { ok: false, error: { code: 'UNAVAILABLE', message: 'Not connected.' } };
    const answer = await link.request(event, payload, this.deps.timeoutMs());
    if (!answer.ok) return answer;
    this.accept(answer.data);
    return { ok: true };
  }
}
