import type { WireError } from '../../protocol/errors.ts';
import type { VisitorSendResult } from '../../protocol/visitor-events.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { isRetryable, isTokenRefused } from './retryable.ts';
import type { SessionControls } from './session-controls.ts';
import type { Transcript } from './transcript.ts';
import type { VisitorLink } from './visitor-socket.ts';

export interface DeliveryDeps {
  outbox: Outbox;
  /** An entry whose client id the transcript already shows was stored (its ack lost): nothing left to send. */
  transcript: Transcript;
  /** A first message (or the first after an end) starts a session: its queue status is asked for. */
  session: SessionControls;
  link: () => VisitorLink | null;
  timeoutMs: () => number;
  /** Retryable failures one entry may have before it shows as not sent (RATE_LIMITED never counts). */
  maxAttempts: number;
  /** Until the visitor has a session (a token), a text carries its first-send proof (protocol `FirstSendProof`). */
  hasSession: () => boolean;
  /** Bumped when identify or logout switches the conversation. */
  generation: () => number;
  /** The server stored an entry (already out of the outbox): the client applies the answer (message, token). */
  stored: (result: VisitorSendResult) => void;
  /** The server answered: a header that says "reconnecting" can say "online" again. */
  markServing: () => void;
  /** Not now (outage, slow down, a session to start again): the client waits it out, the outbox holds. */
  onRequestError: (error: WireError) => void;
  onChange: () => void;
}

export interface Delivery {
  /** Sends the pending entries one at a time, in order (the first one may create the session). */
  flush(): Promise<void>;
  /** Until when the server asked us to hold sends (RATE_LIMITED): a send before then would be refused again. */
  holdUntil: number;
  /** Called when an entry is refused for good (see MessengerClient.onFailure). */
  failed: Set<(entry: OutboxEntry) => void>;
}

/**
 * The outbox's way out: what the visitor wrote (stored in the outbox first) goes to the server one
 * entry at a time, in order, and leaves only on a positive ack. What the server refuses for good is
 * kept as failed (Retry, Delete); what fails for now waits, with the entries after it.
 * Closures rather than a class: the minifier shortens local names, not properties (widget budget).
 */
export function outboxDelivery(deps: DeliveryDeps): Delivery {
  const { outbox } = deps;
  let flushing = false;

  /**
   * Whether a failed send should hold the outbox and try again later. RATE_LIMITED always (the server
   * says when; it never counts). Other retryable errors only up to `maxAttempts` per entry, so that one
   * message the server keeps failing on cannot hold back the others; an answer lost with the
   * connection says nothing about the message and is not counted.
   */
  const worthWaiting = (entry: OutboxEntry, error: WireError): boolean => {
    if (error.code === 'RATE_LIMITED' || isTokenRefused(error.code)) return true;
    if (!isRetryable(error.code)) return false;
    return !deps.link()?.connected || outbox.attempt(entry.clientId) < deps.maxAttempts;
  };

  const delivery: Delivery = {
    holdUntil: 0,
    failed: new Set(),
    async flush() {
      if (flushing || Date.now() < delivery.holdUntil) return;
      flushing = true;
      let sent = false;
      try {
        for (;;) {
          const next = outbox.pending()[0];
          const link = deps.link();
          if (!next || !link?.connected) break;
          const { clientId, text, attachment, postback } = next;
          if (deps.transcript.hasClientId(clientId)) {
            outbox.remove(clientId);
            continue;
          }
          const generation = deps.generation();
          const timeoutMs = deps.timeoutMs();
          const answer = postback
            ? await link.request('postback:send', { clientId, value: postback, label: text }, timeoutMs)
            : await link.request('message:send', attachment ? { clientId, attachmentId: attachment.id, text } : { clientId, text, firstSendProof: deps.hasSession() ? undefined : next.proof }, timeoutMs);
          if (answer.ok) {
            deps.markServing();
            outbox.remove(clientId);
            // Sent before an identify/logout switched the conversation: only the outbox entry is settled.
            if (generation !== deps.generation()) continue;
            sent = true;
            deps.stored(answer.data);
          } else if (worthWaiting(next, answer.error)) {
            deps.onRequestError(answer.error);
            break;
          } else if (postback && answer.error.code === 'VALIDATION_FAILED') {
            // The option is no longer offered: drop the bubble, the UI says why.
            outbox.remove(clientId);
            deps.onChange();
            delivery.failed.forEach((fn) => fn({ ...next, status: 'failed', error: answer.error }));
          } else {
            // Refused for good, or failed too often: shown "Not sent" (Retry, Delete) and the next entry goes.
            outbox.fail(clientId, answer.error);
            deps.markServing();
            deps.onChange();
            const failed = outbox.list().find((e) => e.clientId === clientId);
            if (failed) delivery.failed.forEach((fn) => fn(failed));
          }
        }
      } finally {
        flushing = false;
      }
      if (sent && deps.session.status?.state !== 'active') void deps.session.refresh();
    },
  };
  return delivery;
}
