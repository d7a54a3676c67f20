/**
 * The closed table of error codes. Services throw `AppError(code)`; exactly two
 * places map codes out: Hono `onError` (status + JSON body) and the socket
 * gateway (`{ ok: false, error }` acks). `retryable` tells clients whether to
 * keep the payload and try again later (the widget's outbox relies on it): only
 * "not now" answers are; INTERNAL is a fault that sending the same again would
 * repeat (the widget shows the message as not sent, with Retry).
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, retryable: false, message: 'The request is malformed.' },
  VALIDATION_FAILED: { status: 400, retryable: false, message: 'The input did not pass validation.' },
  UNKNOWN_EVENT: { status: 400, retryable: false, message: 'This event is not part of the protocol.' },
  MESSAGE_TOO_LONG: { status: 413, retryable: false, message: 'The message is longer than the allowed maximum.' },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, message: 'The request body is larger than this route accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, message: 'The request body must be JSON (Content-Type: application/json).' },
  UNAUTHENTICATED: { status: 401, retryable: false, message: 'Authentication is required.' },
  INVALID_CREDENTIALS: { status: 401, retryable: false, message: 'Email or password is incorrect.' },
  ACCOUNT_DEACTIVATED: { status: 403, retryable: false, message: 'This account has been deactivated by an administrator.' },
  TOKEN_INVALID: { status: 401, retryable: false, message: 'The token is invalid or expired.' },
  TOKEN_REVOKED: { status: 401, retryable: false, message: 'The token has been revoked.' },
  IDENTITY_INVALID: { status: 401, retryable: false, message: "The identity token is malformed, expired, lacks exp, or is not signed with this website's identity secret." },
  FORBIDDEN: { status: 403, retryable: false, message: 'You are not allowed to do this.' },
  ORIGIN_NOT_ALLOWED: { status: 403, retryable: false, message: 'This origin is not allowed for the website.' },
  UNKNOWN_WEBSITE: { status: 404, retryable: false, message: 'No website has this key.' },
  NOT_FOUND: { status: 404, retryable: false, message: 'Not found.' },
  CONVERSATION_TAKEN: { status: 409, retryable: false, message: 'Another agent already handles this conversation.' },
  CONVERSATION_NOT_ACTIVE: { status: 409, retryable: false, message: 'The conversation is not active.' },
  OFFER_GONE: { status: 409, retryable: false, message: 'The offer has expired or was taken.' },
  TRANSFER_TARGET_INVALID: { status: 422, retryable: false, message: 'The transfer target does not exist or has nobody to receive the chat.' },
  CHANNEL_NOT_ALLOWED: { status: 403, retryable: false, message: 'You are not enabled on this channel.' },
  CAPACITY_REACHED: { status: 409, retryable: false, message: 'You already handle as many chats as you are allowed.' },
  WRAP_UP_REQUIRED: { status: 422, retryable: false, message: 'A wrap-up code is required to close this session.' },
  SESSION_STATE_INVALID: { status: 409, retryable: false, message: 'The session is not in a state that allows this.' },
  CONFLICT: { status: 409, retryable: false, message: 'The request conflicts with the current state.' },
  /** Issue 19 (x-public): what X would refuse on the connected account's plan (likes, unsummoned replies). */
  X_NOT_ALLOWED: { status: 422, retryable: false, message: "X does not allow this on the connected account's plan." },
  RATE_LIMITED: { status: 429, retryable: true, message: 'Too many requests; slow down.' },
  UNAVAILABLE: { status: 503, retryable: true, message: 'The service is temporarily unavailable.' },
  INTERNAL: { status: 500, retryable: false, message: 'Unexpected server error.' },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Field-level details, e.g. zod issues flattened to `{ path, message }`. */
  details?: { path: string; message: string }[];
  /** RATE_LIMITED: how long to wait before trying again (HTTP answers also carry `Retry-After`). */
  retryAfterMs?: number;
}

export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}

/** Thrown by services and core; mapped to HTTP/ack by the two edge adapters only. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: WireError['details'];
  readonly retryAfterMs?: number;
  constructor(code: ErrorCode, message?: string, details?: WireError['details'], options: { retryAfterMs?: number } = {}) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, Math.ceil(options.retryAfterMs));
  }
  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message };
    if (this.details) wire.details = this.details;
    if (this.retryAfterMs !== undefined) wire.retryAfterMs = this.retryAfterMs;
    return wire;
  }
}
