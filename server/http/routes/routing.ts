import { z } from 'zod';
import { SessionState, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import type { AuthorizedEnv } from '../authorize.ts';
import { SessionCardList, SessionDetail } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer } from '../openapi/define.ts';

/**
 * Session cards (GET /sessions, /sessions/:id): agents see their own, supervisors
 * their scope's, admins everyone's (server/auth/policy.ts). Queues, teams and agents moved to routes/admin.ts.
 */
const CardsQuery = z.object({
  queueId: Uuid.optional(),
  state: z.union([SessionState, z.array(SessionState)]).optional().describe('One state, or the parameter repeated for several.'),
  since: z.iso.datetime({ offset: true }).optional(),
});
const tags = ['sessions'];

export const routingApi = {
  cards: defineRoute({
    method: 'get',
    path: '/sessions',
    tags,
    summary: "Session cards in the caller's scope",
    request: { query: CardsQuery },
    responses: { 200: jsonAnswer(SessionCardList, "The cards: agents see their own, supervisors their scope's, admins everyone's.") },
  }),
  detail: defineRoute({
    method: 'get',
    path: '/sessions/{id}',
    tags,
    summary: 'One session: its card, events and durations',
    request: { params: z.object({ id: Uuid }) },
    responses: { 200: jsonAnswer(SessionDetail, 'The session.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
};

export function routingRoutes(services: Services) {
  const app = apiRouter<AuthorizedEnv>();

  app.openapi(routingApi.cards, async (c) => {
    const q = c.req.valid('query');
    const states = q.state === undefined ? undefined : Array.isArray(q.state) ? q.state : [q.state];
    return c.json(await services.directory.cards({ queueId: q.queueId, states, since: q.since }, c.get('caller')), 200);
  });
  // The authorization table already checked that the caller may read this session.
  app.openapi(routingApi.detail, async (c) => c.json(await services.directory.detail(c.req.valid('param').id), 200));

  return app;
}
