import type { z } from 'zod';
import { AppError, MAX_MESSAGE_LENGTH, MAX_X_DM_LENGTH, type WireError } from '../../protocol/index.ts';
import { failureKind } from '../db/sql-errors.ts';

/**
 * Every failure leaves the server as an AppError; what a database failure means is decided by
 * the SQLSTATE table in db/sql-errors.ts. A database that is down or unreachable becomes
 * UNAVAILABLE (retryable: the widget keeps its outbox and tries again); data the database
 * refused becomes VALIDATION_FAILED (sending it again cannot work); anything else is INTERNAL,
 * which is not retryable either.
 */
/** The message of data the database refused: no detail of Postgres' goes out. */
export const DATABASE_REFUSAL_MESSAGE = 'The data could not be stored.';

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const kind = failureKind(err);
  if (kind === 'retryable') return new AppError('UNAVAILABLE');
  if (kind === 'internal') return new AppError('INTERNAL');
  const refused = new AppError('VALIDATION_FAILED', DATABASE_REFUSAL_MESSAGE);
  // Kept for the log: input that passed the schemas but not Postgres is a gap in validation to close.
  refused.cause = err;
  return refused;
}

/** What the edges log: server faults, outages, and data the database refused after validation let it through. */
export const worthLogging = (error: AppError): boolean => error.code === 'INTERNAL' || error.code === 'UNAVAILABLE' || error.cause !== undefined;

/** zod issues → the wire's `{ path, message }` details. */
export function zodDetails(error: z.ZodError): NonNullable<WireError['details']> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Bad input → VALIDATION_FAILED; over-long text gets its own code so clients keep the text and say why. */
export function appErrorFromZod(error: z.ZodError): AppError {
  // Web chats' limit, and X DMs' (an agent's message:send takes up to X's 10,000 characters).
  const over = error.issues.find((i) => i.code === 'too_big' && i.path.at(-1) === 'text' && [MAX_MESSAGE_LENGTH, MAX_X_DM_LENGTH].includes(Number(i.maximum)));
  if (over && over.code === 'too_big') return new AppError('MESSAGE_TOO_LONG', `The message is longer than ${Number(over.maximum)} characters.`);
  return new AppError('VALIDATION_FAILED', undefined, zodDetails(error));
}
