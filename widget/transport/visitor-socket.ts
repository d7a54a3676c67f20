import type { ErrorCode } from '../../protocol/errors.ts';
import type { InboundInput, InboundOutput } from '../../protocol/event-map.ts';
import type { Ack } from '../../protocol/result.ts';
import type { VisitorHandshake, VisitorServerEvents, visitorInbound } from '../../protocol/visitor-events.ts';

/**
 * The small socket surface the messenger client needs. The real implementation wraps
 * socket.io-client (socket-io-link.ts); tests pass a fake. Keeping this seam narrow is
 * what lets the outbox, cursor and heartbeat logic be tested without a server.
 */
export type VisitorInbound = typeof visitorInbound;
export type VisitorRequest = keyof VisitorInbound;
export type RequestPayload<K extends VisitorRequest> = InboundInput<VisitorInbound, K>;
export type RequestResult<K extends VisitorRequest> = InboundOutput<VisitorInbound, K>;

export type ServerEvent = keyof VisitorServerEvents;
/**
 * Each server event's payload, and its handler, by event name. Written as maps so that code generic
 * over the event (the cross-tab relay) can store a handler and call it with that event's payload.
 */
export type ServerPayloads = { [E in ServerEvent]: Parameters<VisitorServerEvents[E]>[0] };
export type ServerHandlers = { [E in ServerEvent]: (payload: ServerPayloads[E]) => void };

export type LinkStatus =
  | { type: 'connect' }
  | { type: 'disconnect' }
  /** `code` comes from the server's handshake refusal (`err.data.code`), null for network errors. */
  | { type: 'connect_error'; code: ErrorCode | null; message: string; willRetry: boolean };

export interface VisitorLink {
  readonly connected: boolean;
  /** Emits and waits for the ack; a timeout or a dropped connection answers UNAVAILABLE (retryable). */
  request<K extends VisitorRequest>(event: K, payload: RequestPayload<K>, timeoutMs: number): Promise<Ack<RequestResult<K>>>;
  on<E extends ServerEvent>(event: E, handler: ServerHandlers[E]): void;
  onStatus(handler: (status: LinkStatus) => void): void;
  connect(): void;
  /** Drops the transport so the manager reconnects with backoff (half-open socket detected). */
  forceReconnect(): void;
  close(): void;
}

/** `auth` is read on every (re)connection attempt, so a freshly stored token is used. */
export type LinkFactory = (auth: () => VisitorHandshake) => VisitorLink;

/** Message of the local UNAVAILABLE answer when no ack came in time. */
export const NO_ANSWER = 'No answer from the server.';

export const unavailable = (message: string): Ack<never> => ({ ok: false, error: { code: 'UNAVAILABLE', message } });
