import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../protocol/index.ts';
import type { MetricsAccess } from '../../env.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { apiRouter, defineRoute } from '../openapi/define.ts';

/**
 * GET /metrics, the Prometheus exposition of this node, as `access` allows (server/env.ts `metricsAccess`):
 * with a token (METRICS_TOKEN) the scraper must send `Authorization: Bearer <token>`; closed, it is not
 * served here at all (production without a token, or a private METRICS_LISTEN serves it instead).
 */
export const metricsApi = {
  metrics: defineRoute({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: "This node's Prometheus metrics",
    description: 'With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`. Not served here in production without a token (404), nor when METRICS_LISTEN serves it on a private address.',
    responses: { 200: { description: 'The Prometheus text exposition format.', content: { 'text/plain': { schema: z.string() } } } },
    'x-parley-errors': ['UNAUTHENTICATED', 'NOT_FOUND'],
  }),
};

export function metricsRoutes(metrics: Metrics, access: MetricsAccess) {
  const app = apiRouter();
  const expected = access.kind === 'token' ? Buffer.from(`Bearer ${access.token}`) : null;
  app.openapi(metricsApi.metrics, async (c) => {
    if (access.kind === 'closed') throw new AppError('NOT_FOUND', 'Metrics are not served on this address (METRICS_TOKEN or METRICS_LISTEN).');
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        c.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'A metrics token is required.');
      }
    }
    const { contentType, body } = await metrics.render();
    return c.text(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
  return app;
}
