import type { z } from 'zod';
import { AppError, MAX_MESSAGE_LENGTH, type WireError } from '../../protocol/index.ts';

/**
 * Every failure leaves the server as an AppError. A database that is down or
 * unreachable becomes UNAVAILABLE (retryable), so the widget keeps its outbox
 * and tries again; anything else unexpected is INTERNAL.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
const DB_ERROR_NAMES = new Set(['PostgresError', 'DrizzleQueryError', 'TransactionRollbackError']);

export function isDatabaseFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    if (typeof name === 'string' && DB_ERROR_NAMES.has(name)) return true;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|53|57)/.test(code))) return true;
    if (typeof message === 'string' && /PGlite is closed|database system is (shutting down|starting up)/i.test(message)) return true;
  }
  return false;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseFailure(err)) return new AppError('UNAVAILABLE');
  return new AppError('INTERNAL');
}

/** zod issues → the wire's `{ path, message }` details. */
export function zodDetails(error: z.ZodError): NonNullable<WireError['details']> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Bad input → VALIDATION_FAILED; over-long text gets its own code so clients keep the text and say why. */
export function appErrorFromZod(error: z.ZodError): AppError {
  const tooLong = error.issues.some((i) => i.code === 'too_big' && i.path.at(-1) === 'text' && Number(i.maximum) === MAX_MESSAGE_LENGTH);
  if (tooLong) return new AppError('MESSAGE_TOO_LONG', `The message is longer than ${MAX_MESSAGE_LENGTH} characters.`);
  return new AppError('VALIDATION_FAILED', undefined, zodDetails(error));
}
