import type { Env, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { AppError, type ErrorCode, Uuid } from '../../../protocol/index.ts';
import { appErrorFromZod } from '../../services/errors.ts';

/**
 * Request validation for every route declared with `createRoute` (server/http/openapi/routes.ts):
 * @hono/zod-openapi validates params, query and JSON bodies with the route's own zod schemas,
 * and this ONE hook turns a failure into the typed answer the API has always given:
 * 400 VALIDATION_FAILED with the issues as `details` (or the code a schema asks for, below).
 */
export function answerValidationFailure(result: { success: true } | { success: false; error: z.ZodError }): void {
  if (result.success) return;
  const asked = result.error.issues.map(appErrorAskedBy).find((e) => e !== null);
  throw asked ?? appErrorFromZod(result.error);
}

/** A schema may ask for another answer than VALIDATION_FAILED: a refinement with `params: { appError, message }`. */
function appErrorAskedBy(issue: z.core.$ZodIssue): AppError | null {
  if (issue.code !== 'custom' || !issue.params || typeof issue.params['appError'] !== 'string') return null;
  return new AppError(issue.params['appError'] as ErrorCode, issue.message);
}

/**
 * An `:id` that is not a UUID names nothing: answered 404 like an id that is not there
 * (the admin and assistant routes), rather than 400.
 */
export const pathIdOr404 = (message: string) =>
  z.string().refine((v) => Uuid.safeParse(v).success, { message, params: { appError: 'NOT_FOUND' } }).meta({ format: 'uuid' });

/**
 * JSON bodies are required: an empty or malformed body is 400 BAD_REQUEST before its shape is
 * checked (the validator would otherwise read a missing body as `{}`). The parsed body stays
 * cached on the request for the validator.
 */
export const requireJsonBody: MiddlewareHandler<Env> = async (c, next) => {
  try {
    await c.req.json();
  } catch {
    throw new AppError('BAD_REQUEST', 'The body is not valid JSON.');
  }
  await next();
};

/**
 * A PATCH body from a resource's input schema: every field optional and without its default
 * (so only the fields sent are changed, never reset), no unknown field, at least one field.
 */
export function patchOf<S extends z.ZodObject>(schema: S) {
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, withoutDefault(field as z.ZodType).optional()]));
  return z
    .strictObject(shape)
    .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update.' }) as unknown as z.ZodType<Partial<z.output<S>>, Partial<z.input<S>>>;
}

/** Peels `.optional()` and `.default()` off a field (zod 4 fills defaults in even under `.optional()`). */
function withoutDefault(field: z.ZodType): z.ZodType {
  const def = field._zod.def as { type: string; innerType?: z.ZodType };
  return (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType ? withoutDefault(def.innerType) : field;
}
