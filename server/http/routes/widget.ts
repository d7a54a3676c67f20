import { cors } from 'hono/cors';
import { z } from 'zod';
import { AppError, CounterIncrements, EngagementQuery, WidgetConfig, WidgetConfigQuery, WidgetEngagement } from '../../../protocol/index.ts';
import { isOriginAllowed } from '../../core/origin.ts';
import type { Db } from '../../db/client.ts';
import { toWidgetConfig, websiteByKey } from '../../db/stores/websites-store.ts';
import type { EngagementService } from '../../services/engagement-service.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';

/** Public widget endpoints, readable cross-origin only from the website's allowed origins. */
export const widgetApi = {
  config: defineRoute({
    method: 'get',
    path: '/config',
    tags: ['widget'],
    summary: "A website's public widget settings",
    description: "Readable cross-origin (CORS) only from the website's allowed origins; an unknown key may be told so from anywhere.",
    request: { query: WidgetConfigQuery },
    responses: { 200: jsonAnswer(WidgetConfig, 'The settings.') },
    'x-parley-errors': ['UNKNOWN_WEBSITE'],
  }),
  engagement: defineRoute({
    method: 'get',
    path: '/engagement',
    tags: ['widget'],
    summary: "A website's enabled proactive rules, for the widget's evaluator",
    description:
      'Only what the evaluator needs (no id but the rule id), and per rule whether its queue is open and has a Ready agent. Revalidate with `If-None-Match` (ETag); readable cross-origin only from the allowed origins. Fetched only for websites with rules (docs/engagement.md).',
    request: { query: EngagementQuery },
    responses: { 200: jsonAnswer(WidgetEngagement, 'The rules.'), 304: { description: 'Unchanged since the ETag sent.' } },
    'x-parley-errors': ['UNKNOWN_WEBSITE'],
  }),
  counters: defineRoute({
    method: 'post',
    path: '/engagement/counters',
    tags: ['widget'],
    summary: 'Count offers shown and dismissed, anonymously (aggregates per rule per day)',
    description: 'No visitor, token or cookie: nothing names a person. Ids that are not enabled rules of the website are ignored. Only from the allowed origins.',
    request: { query: EngagementQuery, body: jsonBody(CounterIncrements) },
    responses: { 200: jsonAnswer(z.object({ counted: z.number().int() }), 'How many entries were counted.') },
    'x-parley-errors': ['UNKNOWN_WEBSITE', 'ORIGIN_NOT_ALLOWED'],
  }),
};

export function widgetRoutes(db: Db, engagement: EngagementService) {
  const app = apiRouter();

  app.use(
    '*',
    cors({
      origin: async (origin, c) => {
        const key = c.req.query('websiteKey');
        const website = key ? await websiteByKey(db, key).catch(() => null) : null;
        // An unknown key may be told so from anywhere; a known site's data only to its own origins.
        if (!website) return origin || null;
        return isOriginAllowed(origin, website.allowedOrigins) ? origin : null;
      },
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'If-None-Match'],
      exposeHeaders: ['ETag'],
      maxAge: 600,
    }),
  );

  app.openapi(widgetApi.config, async (c) => {
    const website = await websiteByKey(db, c.req.valid('query').websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    return c.json({ ...toWidgetConfig(website), engagement: await engagement.hasRules(website.id) }, 200);
  });

  app.openapi(widgetApi.engagement, async (c) => {
    const { body, etag } = await engagement.forWidget(c.req.valid('query').websiteKey);
    // Availability changes as agents come and go: always revalidate, usually answered 304.
    const headers = { ETag: etag, 'Cache-Control': 'no-cache' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.json(body, 200, headers);
  });

  app.openapi(widgetApi.counters, async (c) => {
    const { websiteKey } = c.req.valid('query');
    const website = await websiteByKey(db, websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    // Not cookie-authenticated (no CSRF check applies): a browser's write must come from the site itself.
    const origin = c.req.header('origin');
    if (origin !== undefined && !isOriginAllowed(origin, website.allowedOrigins)) throw new AppError('ORIGIN_NOT_ALLOWED');
    return c.json(await engagement.countAnonymous(websiteKey, c.req.valid('json')), 200);
  });

  return app;
}
