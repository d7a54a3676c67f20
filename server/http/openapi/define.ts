import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { z } from 'zod';
import type { ErrorCode } from '../../../protocol/index.ts';
import { answerValidationFailure, requireJsonBody } from './validation.ts';

/**
 * How a REST route is declared: `createRoute` with the zod schemas it reads and answers
 * (from `protocol/`), mounted with `app.openapi(route, handler)` on a router made by
 * `apiRouter()`. The same declaration validates the request (one hook, validation.ts) and
 * describes the route in the OpenAPI document (document.ts), so neither can drift.
 */

/** A router whose declared routes validate with the API's one validation hook. */
export const apiRouter = <E extends Env = Env>() => new OpenAPIHono<E>({ defaultHook: answerValidationFailure });

/** What a route declares beyond OpenAPI's own fields: the error codes its handler itself can answer. */
type ParleyRoute = RouteConfig & {
  /** Codes the handler answers besides those the document derives (authorization, CSRF, validation, limits). */
  'x-parley-errors'?: ErrorCode[];
};

/** `createRoute`, plus: a JSON body is required (empty or malformed → 400 BAD_REQUEST). */
export function defineRoute<R extends ParleyRoute>(config: R) {
  const content = config.request?.body?.content ?? {};
  const json = 'application/json' in content;
  // After the route's own middleware (e.g. a larger body limit): the body is read only once that let it through.
  const middleware = json ? [...asArray(config.middleware), requireJsonBody] : config.middleware;
  return createRoute({ ...config, ...(middleware ? { middleware } : {}) } as R);
}
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A required JSON request body. */
export const jsonBody = <S extends z.ZodType>(schema: S, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

/** A JSON answer. */
export const jsonAnswer = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
