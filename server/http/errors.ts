import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../protocol/index.ts';
import { appErrorFromZod, toAppError, worthLogging } from '../services/errors.ts';

/** The one HTTP error mapper: AppError code → status + `{ error }`; unknown → INTERNAL, logged, no stack out. */
export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    let appError: AppError;
    if (err instanceof z.ZodError) appError = appErrorFromZod(err);
    else if (err instanceof HTTPException && !(err instanceof AppError)) {
      // Hono's own (e.g. malformed JSON body) keep their status with a generic code.
      appError = new AppError(err.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', err.message || undefined);
    } else appError = toAppError(err);
    if (worthLogging(appError)) logger.error({ err, path: c.req.path }, 'request failed');
    // RATE_LIMITED: the standard header (whole seconds, rounded up) besides the body's retryAfterMs.
    const headers = appError.retryAfterMs === undefined ? undefined : { 'Retry-After': String(Math.max(1, Math.ceil(appError.retryAfterMs / 1000))) };
    return c.json({ error: appError.toWire() }, ERROR_CODES[appError.code].status as ContentfulStatusCode, headers);
  };
}
