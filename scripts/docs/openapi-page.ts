import pino from 'pino';
import { createApp, type AppDeps } from '../../server/http/app.ts';
import { apiDocument } from '../../server/http/openapi/document.ts';
import { ROOT } from './docs-tree.ts';

/**
 * docs/api/openapi.json: the document GET /api/v1/openapi.json serves, from an app built only to
 * be described. Building the app registers its routes and calls no dependency (they are used when
 * a request comes), so every dependency here is an inert stand-in that would fail if called.
 */
export function openApiDocument(): string {
  return `${JSON.stringify(apiDocument(createApp(describeOnlyDeps())), null, 2)}\n`;
}

function describeOnlyDeps(): AppDeps {
  return {
    db: inert('db'),
    services: inert('services'),
    logger: pino({ enabled: false }),
    staticPaths: { widget: ROOT, desktop: ROOT, demo: ROOT },
    secureCookies: false,
    publicUrl: null,
    allowPrivateWebhookTargets: false,
    credentials: inert('credentials'),
    attachments: { blobs: inert('blobs'), tokens: inert('tokens'), clock: inert('clock') },
    ops: { readiness: inert('readiness'), metrics: inert('metrics'), metricsAccess: { kind: 'open' } },
    limits: inert('limits'),
  };
}

/** Any property is another stand-in; calling one throws (a route factory must not use its dependencies while mounting). */
function inert<T>(name: string): T {
  const call = () => {
    throw new Error(`${name} was called while only describing the API`);
  };
  return new Proxy(call, {
    get: (_target, key) => (key === 'then' ? undefined : typeof key === 'symbol' ? undefined : inert(`${name}.${key}`)),
  }) as T;
}
