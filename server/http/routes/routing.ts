import { and, eq, inArray } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { AgentRole, AppError, MediaChannel, QueueInput, SessionState, Team, Uuid } from '../../../protocol/index.ts';
import type { Db } from '../../db/client.ts';
import { queueById, queuesOfWebsite, routingProfiles, teamsWithMembers, toQueue } from '../../db/stores/routing-store.ts';
import { websiteByKey } from '../../db/stores/websites-store.ts';
import { agentQueues, agents, queues, teamMembers, teams } from '../../db/schema.ts';
import { SESSION_COOKIE } from '../../services/auth-service.ts';
import type { Services } from '../../services/index.ts';
import { appErrorFromZod, jsonBody } from '../errors.ts';

/**
 * Session cards (GET /sessions, /sessions/:id) and minimal routing admin:
 * queues, teams, agents' role / queues / channels / limit (1..12). Reading is
 * for supervisors and admins (agents see their own cards); writing is admin only.
 */
const CardsQuery = z.object({
  queueId: Uuid.optional(),
  state: z.union([SessionState, z.array(SessionState)]).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
const QueueBody = QueueInput.extend({ websiteKey: z.string().min(1).max(100).optional(), isDefault: z.boolean().optional() });
const TeamBody = Team.pick({ name: true, memberIds: true });
const AgentPatch = z
  .object({
    role: AgentRole,
    maxConcurrent: z.number().int().min(1).max(12),
    channels: z.array(MediaChannel).max(2),
    queueIds: z.array(Uuid).max(100),
    teamIds: z.array(Uuid).max(100),
  })
  .partial();

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const r = schema.safeParse(value);
  if (!r.success) throw appErrorFromZod(r.error);
  return r.data;
};

/** Unknown ids in a list are bad input, not a database error. */
async function assertIds(db: Db, table: typeof agents | typeof queues | typeof teams, ids: string[], path: string) {
  if (!ids.length) return;
  const found = await db.select({ id: table.id }).from(table).where(inArray(table.id, ids));
  if (found.length !== new Set(ids).size) throw new AppError('VALIDATION_FAILED', undefined, [{ path, message: 'Unknown id.' }]);
}

export function routingRoutes(db: Db, services: Services) {
  const app = new Hono();
  const who = async (c: Context, need: 'any' | 'supervisor' | 'admin') => {
    const agent = await services.auth.authenticate(getCookie(c, SESSION_COOKIE));
    const ok = need === 'any' || agent.role === 'admin' || (need === 'supervisor' && agent.role === 'supervisor');
    if (!ok) throw new AppError('FORBIDDEN');
    return agent;
  };

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

  app.get('/queues', async (c) => {
    await who(c, 'supervisor');
    return c.json({ queues: (await queuesOfWebsite(db, null)).map(toQueue) });
  });
  app.post('/queues', async (c) => {
    await who(c, 'admin');
    const body = await jsonBody(c, QueueBody);
    const site = await websiteByKey(db, body.websiteKey ?? 'demo-shop');
    if (!site) throw new AppError('UNKNOWN_WEBSITE');
    const { websiteKey: _k, ...values } = body;
    const [row] = await db.insert(queues).values({ ...values, websiteId: site.id }).onConflictDoNothing().returning();
    if (!row) throw new AppError('CONFLICT', 'A queue with this name exists.');
    return c.json({ queue: toQueue(row) }, 201);
  });
  app.patch('/queues/:id', async (c) => {
    await who(c, 'admin');
    const id = parse(Uuid, c.req.param('id'));
    const body = await jsonBody(c, QueueInput.partial());
    if (!(await queueById(db, id))) throw new AppError('NOT_FOUND', 'No such queue.');
    const [row] = await db.update(queues).set(body).where(eq(queues.id, id)).returning();
    return c.json({ queue: toQueue(row!) });
  });
  app.delete('/queues/:id', async (c) => {
    await who(c, 'admin');
    const id = parse(Uuid, c.req.param('id'));
    const q = await queueById(db, id);
    if (!q) throw new AppError('NOT_FOUND', 'No such queue.');
    if (q.isDefault) throw new AppError('CONFLICT', 'The default queue cannot be deleted.');
    await db.delete(queues).where(eq(queues.id, id));
    return c.json({ ok: true });
  });

  app.get('/teams', async (c) => {
    await who(c, 'supervisor');
    return c.json({ teams: await teamsWithMembers(db) });
  });
  const putMembers = async (teamId: string, memberIds: string[]) => {
    await db.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
    if (memberIds.length) await db.insert(teamMembers).values(memberIds.map((agentId) => ({ teamId, agentId }))).onConflictDoNothing();
  };
  app.post('/teams', async (c) => {
    await who(c, 'admin');
    const body = await jsonBody(c, TeamBody);
    await assertIds(db, agents, body.memberIds, 'memberIds');
    const [row] = await db.insert(teams).values({ name: body.name }).onConflictDoNothing().returning();
    if (!row) throw new AppError('CONFLICT', 'A team with this name exists.');
    await putMembers(row.id, body.memberIds);
    return c.json({ team: (await teamsWithMembers(db)).find((t) => t.id === row.id) }, 201);
  });
  app.put('/teams/:id', async (c) => {
    await who(c, 'admin');
    const id = parse(Uuid, c.req.param('id'));
    const body = await jsonBody(c, TeamBody);
    await assertIds(db, agents, body.memberIds, 'memberIds');
    const [row] = await db.update(teams).set({ name: body.name }).where(eq(teams.id, id)).returning();
    if (!row) throw new AppError('NOT_FOUND', 'No such team.');
    await putMembers(id, body.memberIds);
    return c.json({ team: (await teamsWithMembers(db)).find((t) => t.id === id) });
  });
  app.delete('/teams/:id', async (c) => {
    await who(c, 'admin');
    await db.delete(teams).where(eq(teams.id, parse(Uuid, c.req.param('id'))));
    return c.json({ ok: true });
  });

  app.get('/agents', async (c) => {
    await who(c, 'supervisor');
    return c.json({ agents: await routingProfiles(db) });
  });
  app.patch('/agents/:id', async (c) => {
    await who(c, 'admin');
    const id = parse(Uuid, c.req.param('id'));
    const body = await jsonBody(c, AgentPatch);
    await assertIds(db, queues, body.queueIds ?? [], 'queueIds');
    await assertIds(db, teams, body.teamIds ?? [], 'teamIds');
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(agents).where(eq(agents.id, id)).for('update');
      if (!row) throw new AppError('NOT_FOUND', 'No such agent.');
      const { queueIds, teamIds, ...cols } = body;
      if (Object.keys(cols).length) await tx.update(agents).set(cols).where(eq(agents.id, id));
      if (queueIds) {
        await tx.delete(agentQueues).where(eq(agentQueues.agentId, id));
        if (queueIds.length) await tx.insert(agentQueues).values(queueIds.map((queueId) => ({ agentId: id, queueId })));
      }
      if (teamIds) {
        await tx.delete(teamMembers).where(and(eq(teamMembers.agentId, id)));
        if (teamIds.length) await tx.insert(teamMembers).values(teamIds.map((teamId) => ({ teamId, agentId: id })));
      }
    });
    void services.routing.dispatch(); // a raised limit or a new queue may free an offer at once
    const [profile] = await routingProfiles(db, [id]);
    return c.json({ agent: profile });
  });

  return app;
}
