import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../protocol/index.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { apiRouter, defineRoute } from '../openapi/define.ts';

/**
 * GET /metrics, the Prometheus exposition of this node. With a token
 * (METRICS_TOKEN) the scraper must send `Authorization: Bearer <token>`;
 * without one, keep /metrics off the public proxy (docs/operations/health-and-metrics.md).
 */
export const metricsApi = {
  metrics: defineRoute({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: "This node's Prometheus metrics",
    description: 'With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>`; without it, keep /metrics off the public proxy.',
    responses: { 200: { description: 'The Prometheus text exposition format.', content: { 'text/plain': { schema: z.string() } } } },
    'x-parley-errors': ['UNAUTHENTICATED'],
  }),
};

export function metricsRoutes(metrics: Metrics, token: string | null) {
  const app = apiRouter();
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  app.openapi(metricsApi.metrics, async (c) => {
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
