import { Hono } from 'hono';
import { z } from 'zod';
import { SessionState, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import type { AuthorizedEnv } from '../authorize.ts';
import { appErrorFromZod } from '../errors.ts';

/**
 * Session cards (GET /sessions, /sessions/:id): agents see their own, supervisors
 * their scope's, admins everyone's (server/auth/policy.ts). Queues, teams and agents moved to routes/admin.ts.
 */
const CardsQuery = z.object({
  queueId: Uuid.optional(),
  state: z.union([SessionState, z.array(SessionState)]).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const r = schema.safeParse(value);
  if (!r.success) throw appErrorFromZod(r.error);
  return r.data;
};

export function routingRoutes(services: Services) {
  const app = new Hono<AuthorizedEnv>();

  app.get('/sessions', async (c) => {
    const q = parse(CardsQuery, { ...c.req.query(), state: c.req.queries('state') });
    const states = q.state === undefined ? undefined : Array.isArray(q.state) ? q.state : [q.state];
    return c.json(await services.directory.cards({ queueId: q.queueId, states, since: q.since }, c.get('caller')));
  });
  // The authorization table already checked that the caller may read this session.
  app.get('/sessions/:id', async (c) => c.json(await services.directory.detail(parse(Uuid, c.req.param('id')))));

  return app;
}
