import { AppError, type ErrorCode } from '../../protocol/index.ts';

/**
 * The row a read was expected to find. A row can vanish between two statements (an admin deletes
 * it, another node wins a race), and a `!` would turn that into a TypeError, answered INTERNAL; this
 * answers the typed error the caller names instead (NOT_FOUND unless told otherwise).
 */
export function must<T>(row: T | null | undefined, code: ErrorCode = 'NOT_FOUND', message?: string): T {
  if (row === null || row === undefined) throw new AppError(code, message);
  return row;
}
