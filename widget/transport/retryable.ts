import type { ErrorCode } from '../../protocol/errors.ts';

/**
 * The retryable codes of protocol/errors.ts (checked equal by retryable.browser.test.ts):
 * importing that table would ship every error message in the widget (~0.9 KB gzip).
 * An unknown code (newer server) is not retryable.
 */
const RETRYABLE: readonly string[] = ['RATE_LIMITED', 'UNAVAILABLE'] satisfies ErrorCode[];

export const isRetryable = (code: string): boolean => RETRYABLE.includes(code);

/** The server no longer knows this visitor's token: start anonymous (pending messages open a new session). */
export const isTokenRefused = (code: string): boolean => code === 'TOKEN_INVALID' || code === 'TOKEN_REVOKED';
