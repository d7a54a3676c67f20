import { z } from 'zod';
import { AppError } from '../../../protocol/index.ts';
import type { Readiness } from '../../observability/readiness.ts';
import { ErrorBody } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer } from '../openapi/define.ts';

/**
 * /healthz: liveness, the process answers (restart it when this fails).
 * /readyz: readiness, the database and Redis answer and the node is not shutting
 * down (send it traffic only when this is 200). A 503 names what failed.
 */
const Check = z.enum(['ok', 'failed', 'skipped']);
const Checks = z.object({ database: Check, redis: Check, accepting: Check });
const tags = ['operations'];

export const healthApi = {
  live: defineRoute({ method: 'get', path: '/healthz', tags, summary: 'Liveness: the process answers', responses: { 200: jsonAnswer(z.object({ ok: z.literal(true) }), 'Alive.') } }),
  ready: defineRoute({
    method: 'get',
    path: '/readyz',
    tags,
    summary: 'Readiness: the database and Redis answer and the node is not shutting down',
    responses: {
      200: jsonAnswer(z.object({ ok: z.literal(true), checks: Checks }), 'Ready: send it traffic.'),
      503: jsonAnswer(z.object({ ok: z.literal(false), checks: Checks, error: ErrorBody.shape.error }), 'Not ready (UNAVAILABLE); the message names the failed checks.'),
    },
  }),
};

export function healthRoutes(readiness: Readiness) {
  const app = apiRouter();
  app.openapi(healthApi.live, (c) => c.json({ ok: true as const }, 200));
  app.openapi(healthApi.ready, async (c) => {
    const report = await readiness.check();
    if (report.ready) return c.json({ ok: true as const, checks: report.checks }, 200);
    const error = new AppError('UNAVAILABLE', `Not ready: ${report.failed.join(', ')} failed.`).toWire();
    return c.json({ ok: false as const, checks: report.checks, error }, 503);
  });
  return app;
}
