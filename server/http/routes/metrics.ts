import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../../../protocol/index.ts';
import type { Metrics } from '../../observability/metrics.ts';

/**
 * GET /metrics, the Prometheus exposition of this node. With a token
 * (METRICS_TOKEN) the scraper must send `Authorization: Bearer <token>`;
 * without one, keep /metrics off the public proxy (docs/operations/health-and-metrics.md).
 */
export function metricsRoutes(metrics: Metrics, token: string | null) {
  const app = new Hono();
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  app.get('/metrics', async (c) => {
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        c.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'A metrics token is required.');
      }
    }
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
  return app;
}
