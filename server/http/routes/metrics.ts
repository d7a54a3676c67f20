import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../../../protocol/index.ts';
import type { MetricsAccess } from '../../env.ts';
import type { Metrics } from '../../observability/metrics.ts';

/**
 * GET /metrics, the Prometheus exposition of this node, as `access` allows (server/env.ts `metricsAccess`):
 * with a token (METRICS_TOKEN) the scraper must send `Authorization: Bearer <token>`; closed, it is not
 * served here at all (production without a token, or a private METRICS_LISTEN serves it instead).
 */
export function metricsRoutes(metrics: Metrics, access: MetricsAccess) {
  const app = new Hono();
  const expected = access.kind === 'token' ? Buffer.from(`Bearer ${access.token}`) : null;
  app.get('/metrics', async (c) => {
    if (access.kind === 'closed') throw new AppError('NOT_FOUND', 'Metrics are not served on this address (METRICS_TOKEN or METRICS_LISTEN).');
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
