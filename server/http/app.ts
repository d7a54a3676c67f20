import { Hono } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../../protocol/index.ts';
import type { Db } from '../db/client.ts';
import type { Limits } from '../limits/limits.ts';
import type { Services } from '../services/index.ts';
import { createErrorHandler } from './errors.ts';
import { attachmentRoutes, type AttachmentRouteDeps } from './routes/attachments.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Readiness } from '../observability/readiness.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { routingRoutes } from './routes/routing.ts';
import { adminRoutes } from './routes/admin.ts';
import { assistantRoutes } from './routes/assistants.ts';
import { widgetRoutes } from './routes/widget.ts';
import { mountStatic, type StaticPaths } from './static.ts';

export interface AppDeps {
  db: Db;
  services: Services;
  logger: Logger;
  staticPaths: StaticPaths;
  /** Secure cookies when served over https (PUBLIC_URL). */
  secureCookies: boolean;
  /** Upload directory, visitor token verifier and clock for /api/v1/attachments. */
  attachments: Pick<AttachmentRouteDeps, 'uploadDir' | 'tokens' | 'clock'>;
  /** /healthz, /readyz and /metrics (METRICS_TOKEN, when set, guards /metrics). */
  ops: { readiness: Readiness; metrics: Metrics; metricsToken: string | null };
  /** Abuse limits: every /api request per address, logins, uploads. */
  limits: Limits;
}

/** The HTTP side: JSON API under /api/v1, health, and the static bundles. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));

  app.route('/', healthRoutes(deps.ops.readiness));
  app.route('/', metricsRoutes(deps.ops.metrics, deps.ops.metricsToken));
  // Abuse limits: every API request counts against its client address (login and uploads have their own too).
  app.use('/api/*', async (c, next) => {
    await deps.limits.apiRequest(deps.limits.addressOfRequest(c));
    await next();
  });
  app.route('/api/v1/auth', authRoutes(deps.services.auth, { secureCookies: deps.secureCookies, limits: deps.limits }));
  app.route('/api/v1/widget', widgetRoutes(deps.db));
  app.route('/api/v1/attachments', attachmentRoutes({ db: deps.db, auth: deps.services.auth, ...deps.attachments, limits: deps.limits }));
  app.route('/api/v1', routingRoutes(deps.services));
  app.route('/api/v1', adminRoutes(deps.services));
  app.route('/api/v1', assistantRoutes(deps.services));
  app.route('/api/v1/webhooks', webhookRoutes(deps));
  app.all('/api/*', () => {
    throw new AppError('NOT_FOUND', 'No such API route.');
  });
  mountStatic(app, deps.staticPaths);
  return app;
}
