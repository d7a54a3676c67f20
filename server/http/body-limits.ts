import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../protocol/index.ts';

/**
 * Request body limits. Every route gets DEFAULT_BODY_LIMIT_BYTES unless it declares
 * its own: a declared Content-Length over the limit is refused before anything is
 * read, a chunked body as soon as it passes the limit (never buffered whole), with
 * 413 PAYLOAD_TOO_LARGE.
 */

/** The largest JSON body a route needs (an admin form, a login, a queue's business hours) is a few KB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export function maxBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${Math.floor(maxBytes / 1024)} KB.`);
    },
  });
}
