import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError, SessionState, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { appErrorFromZod } from '../errors.ts';
import { authorize, type Need } from '../guard.ts';

/**
 * Session cards (GET /sessions, /sessions/:id): agents see their own, supervisors
 * and admins everyone's. Queues, teams and agents moved to routes/admin.ts.
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
  const app = new Hono();
  const who = (c: Context, need: Need) => authorize(c, services.auth, need);

  app.get('/sessions', async (c) => {
    const agent = await who(c, 'any');
    const q = parse(CardsQuery, { ...c.req.query(), state: c.req.queries('state') });
    const states = q.state === undefined ? undefined : Array.isArray(q.state) ? q.state : [q.state];
    return c.json(await services.directory.cards({ queueId: q.queueId, states, since: q.since }, agent.role === 'agent' ? agent.id : null));
  });
  app.get('/sessions/:id', async (c) => {
    const agent = await who(c, 'any');
    const detail = await services.directory.detail(parse(Uuid, c.req.param('id')));
    if (agent.role === 'agent' && detail.card.agent?.id !== agent.id) throw new AppError('FORBIDDEN');
    return c.json(detail);
  });

  return app;
}
