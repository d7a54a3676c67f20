import { ERROR_CODES, type ErrorCode, type WireError } from '../../protocol/index.ts';

/**
 * The one error type the desktop's API layer throws: a protocol error code plus
 * the server's message. Network failures and timeouts become UNAVAILABLE so the
 * UI handles every failure the same way.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number | null;
  readonly details: WireError['details'];
  /** RATE_LIMITED: how long the server asks us to wait. */
  retryAfterMs?: number;

  constructor(code: ErrorCode, message?: string, status: number | null = null, details?: WireError['details']) {
    super(message || ERROR_CODES[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  static fromWire(error: unknown, status: number | null = null): ApiError {
    if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && error.code in ERROR_CODES) {
      const wire = error as WireError;
      const apiError = new ApiError(wire.code, typeof wire.message === 'string' ? wire.message : undefined, status, wire.details);
      if (typeof wire.retryAfterMs === 'number' && wire.retryAfterMs >= 0) apiError.retryAfterMs = wire.retryAfterMs;
      return apiError;
    }
    return new ApiError('INTERNAL', undefined, status);
  }
}

export function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('UNAVAILABLE', error instanceof Error ? error.message : undefined);
}
