import { cors } from 'hono/cors';
import { AppError, WidgetConfig, WidgetConfigQuery } from '../../../protocol/index.ts';
import { isOriginAllowed } from '../../core/origin.ts';
import type { Db } from '../../db/client.ts';
import { toWidgetConfig, websiteByKey } from '../../db/stores/websites-store.ts';
import { apiRouter, defineRoute, jsonAnswer } from '../openapi/define.ts';

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
};

export function widgetRoutes(db: Db) {
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
      allowMethods: ['GET', 'OPTIONS'],
      maxAge: 600,
    }),
  );

  app.openapi(widgetApi.config, async (c) => {
    const website = await websiteByKey(db, c.req.valid('query').websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    return c.json(toWidgetConfig(website), 200);
  });

  return app;
}
