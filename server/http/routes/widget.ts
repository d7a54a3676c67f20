import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { AppError, WidgetConfigQuery } from '../../../protocol/index.ts';
import { isOriginAllowed } from '../../core/origin.ts';
import type { Db } from '../../db/client.ts';
import { toWidgetConfig, websiteByKey } from '../../db/stores/websites-store.ts';
import { appErrorFromZod } from '../errors.ts';

/** Public widget endpoints, readable cross-origin only from the website's allowed origins. */
export function widgetRoutes(db: Db) {
  const app = new Hono();

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

  app.get('/config', async (c) => {
    const query = WidgetConfigQuery.safeParse(c.req.query());
    if (!query.success) throw appErrorFromZod(query.error);
    const website = await websiteByKey(db, query.data.websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    return c.json(toWidgetConfig(website));
  });

  return app;
}
