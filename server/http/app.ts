import { OpenAPIHono } from '@hono/zod-openapi';
import type { BlankEnv } from 'hono/types';
import { z } from 'zod';
import { except } from 'hono/combine';
import type { Logger } from 'pino';
import { AppError } from '../../protocol/index.ts';
import type { Db } from '../db/client.ts';
import type { CredentialCipher } from '../keys/credential-cipher.ts';
import type { Limits } from '../limits/limits.ts';
import type { Services } from '../services/index.ts';
import { rememberClientAddress } from './audit-actor.ts';
import { authorizeRequests } from './authorize.ts';
import { DEFAULT_BODY_LIMIT_BYTES, maxBody } from './body-limits.ts';
import { csrfProtection } from './csrf.ts';
import { createErrorHandler } from './errors.ts';
import { apiDocument, API_DOCUMENT_PATH } from './openapi/document.ts';
import { defineRoute } from './openapi/define.ts';
import { answerValidationFailure } from './openapi/validation.ts';
import { securityHeaders } from './security-headers.ts';
import { attachmentRoutes, type AttachmentRouteDeps } from './routes/attachments.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { MetricsAccess } from '../env.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Readiness } from '../observability/readiness.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { routingRoutes } from './routes/routing.ts';
import { adminRoutes } from './routes/admin.ts';
import { assistantRoutes } from './routes/assistants.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { engagementRoutes } from './routes/engagement.ts';
import { widgetRoutes } from './routes/widget.ts';
import { xChannelsRoutes } from './routes/x-channels.ts';
import { X_WEBHOOK_PATH, xWebhookRoutes } from './routes/x-webhook.ts';
import { mountStatic, type StaticPaths } from './static.ts';

export interface AppDeps {
  db: Db;
  services: Services;
  logger: Logger;
  staticPaths: StaticPaths;
  /** Secure cookies when served over https (PUBLIC_URL). */
  secureCookies: boolean;
  /** PUBLIC_URL as configured (null: the Host header names the server's own origin). */
  publicUrl: string | null;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: webhooks may be saved with loopback/private/link-local hosts. */
  allowPrivateWebhookTargets: boolean;
  /** Encrypts and decrypts the webhooks' signing secrets. */
  credentials: CredentialCipher;
  /** Blob store, visitor token verifier and clock for /api/v1/attachments. */
  attachments: Pick<AttachmentRouteDeps, 'blobs' | 'tokens' | 'clock'>;
  /** /healthz, /readyz and /metrics (as `metricsAccess` allows: a token, closed, or open outside production). */
  ops: { readiness: Readiness; metrics: Metrics; metricsAccess: MetricsAccess };
  /** Abuse limits: every /api request per address, logins, uploads. */
  limits: Limits;
  /** The X channel's webhook: X_CONSUMER_SECRET, null when unset. */
  x?: { consumerSecret: string | null };
}

const documentRoute = defineRoute({
  method: 'get',
  path: API_DOCUMENT_PATH,
  tags: ['operations'],
  summary: 'This description of the REST API (OpenAPI 3.1)',
  responses: { 200: { description: 'The document (also committed as docs/api/openapi.json).', content: { 'application/json': { schema: z.object({ openapi: z.string() }).loose() } } } },
});

/** The HTTP side: JSON API under /api/v1, health, and the static bundles. */
export function createApp(deps: AppDeps): OpenAPIHono<BlankEnv> {
  const app = new OpenAPIHono<BlankEnv>({ defaultHook: answerValidationFailure });
  app.onError(createErrorHandler(deps.logger));

  app.use('*', securityHeaders({ publicUrl: deps.publicUrl, https: deps.secureCookies }));
  // Until the start is over (migrations, demo seed) the API answers UNAVAILABLE (retryable), not
  // "unknown website" or "wrong password" about data that is about to exist.
  app.use('/api/*', async (c, next) => {
    if (!deps.ops.readiness.started) throw new AppError('UNAVAILABLE', 'This server is starting, try again.');
    await next();
  });
  // Abuse limits: every API request counts against its client address (login and uploads have their own too).
  app.use('/api/*', async (c, next) => {
    await deps.limits.apiRequest(deps.limits.addressOfRequest(c));
    await next();
  });
  // Request bodies: 64 KB unless the route sets its own (uploads after authentication, assistant drafts).
  app.use('*', except(['/api/v1/attachments', '/api/v1/assistants/:id/draft'], maxBody(DEFAULT_BODY_LIMIT_BYTES)));
  // Cookie-authenticated writes: JSON from the own origin only (the upload route checks its agents itself).
  // The X webhook carries no cookie: X signs it instead (its route checks, before parsing). The widget's
  // anonymous engagement counters carry no cookie either and check the website's origins themselves.
  app.use('/api/v1/*', except(['/api/v1/attachments', '/api/v1/attachments/*', `/api/v1${X_WEBHOOK_PATH}`, '/api/v1/widget/engagement/counters'], csrfProtection({ publicUrl: deps.publicUrl })));
  // Who may call what: the authorization table (server/auth/policy.ts), before any handler runs.
  app.use('*', authorizeRequests(deps.services.access));
  // The audit log records the client address of every admin change.
  app.use('/api/v1/*', rememberClientAddress(deps.limits.addressOfRequest));

  app.route('/', healthRoutes(deps.ops.readiness));
  app.route('/', metricsRoutes(deps.ops.metrics, deps.ops.metricsAccess));
  app.route('/api/v1/auth', authRoutes(deps.services.auth, { secureCookies: deps.secureCookies, limits: deps.limits }));
  app.route('/api/v1/widget', widgetRoutes(deps.db, deps.services.engagement));
  app.route('/api/v1/attachments', attachmentRoutes({ db: deps.db, access: deps.services.access, publicUrl: deps.publicUrl, ...deps.attachments, limits: deps.limits }));
  app.route('/api/v1', routingRoutes(deps.services));
  app.route('/api/v1', adminRoutes(deps.services));
  app.route('/api/v1', assistantRoutes(deps.services));
  app.route('/api/v1', privacyRoutes(deps.services));
  // The X channel (issue 19): its admin routes, the OAuth callback and X's signed webhook.
  app.route('/api/v1', xChannelsRoutes(deps.services, deps.limits));
  app.route('/api/v1', xWebhookRoutes({ inbound: deps.services.xInbound, consumerSecret: deps.x?.consumerSecret ?? null, logger: deps.logger }));
  app.route('/api/v1', engagementRoutes(deps.services));
  app.route('/api/v1/webhooks', webhookRoutes(deps.db, { allowPrivateWebhookTargets: deps.allowPrivateWebhookTargets, credentials: deps.credentials, audit: deps.services.audit.record }));
  // Built from the routes above on the first request; the same for every node and every start.
  app.openapi(documentRoute, (c) => c.json(apiDocument(app) as { openapi: string }, 200, { 'Cache-Control': 'public, max-age=300' }));
  app.all('/api/*', () => {
    throw new AppError('NOT_FOUND', 'No such API route.');
  });
  mountStatic(app, deps.staticPaths);
  return app;
}
