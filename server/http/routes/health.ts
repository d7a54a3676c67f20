import { Hono } from 'hono';
import { AppError } from '../../../protocol/index.ts';
import type { Readiness } from '../../observability/readiness.ts';

/**
 * /healthz: liveness, the process answers (restart it when this fails).
 * /readyz: readiness, the database and Redis answer and the node is not shutting
 * down (send it traffic only when this is 200). A 503 names what failed.
 */
export function healthRoutes(readiness: Readiness) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const report = await readiness.check();
    if (report.ready) return c.json({ ok: true, checks: report.checks });
    const error = new AppError('UNAVAILABLE', `Not ready: ${report.failed.join(', ')} failed.`).toWire();
    return c.json({ ok: false, checks: report.checks, error }, 503);
  });
  return app;
}
