import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  AgentCreate,
  AgentUpdate,
  AppError,
  DispositionInput,
  QueueInput,
  QuickReplyInput,
  TagName,
  Team,
  Uuid,
  WebsiteCreate,
  WebsiteInput,
  WebsiteKey,
} from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { auditActor } from '../audit-actor.ts';
import { appErrorFromZod, jsonBody } from '../errors.ts';

/**
 * Admin REST under /api/v1 (cookie auth; supervisors read, admins write: server/auth/policy.ts):
 * websites, agents, queues, teams, quick-replies, dispositions, tags.
 * Bodies and answers are `{ <resource> }` / `{ <resources>: [] }`.
 */
const QueueCreate = QueueInput.extend({ websiteKey: WebsiteKey, isDefault: z.boolean().optional() });
const QueuePatch = QueueInput.extend({ isDefault: z.boolean() });
const TeamBody = Team.pick({ name: true, memberIds: true });
const TagBody = z.object({ name: TagName });

const idParam = (c: Context) => {
  const r = Uuid.safeParse(c.req.param('id'));
  if (!r.success) throw new AppError('NOT_FOUND', 'No such resource.');
  return r.data;
};

/**
 * A PATCH body: validated field by field, and only the fields sent are kept
 * (zod would otherwise fill the schema's defaults in and reset omitted fields).
 */
async function patchBody<S extends z.ZodObject>(c: Context, schema: S): Promise<Partial<z.output<S>>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError('BAD_REQUEST', 'The body is not valid JSON.');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AppError('VALIDATION_FAILED', 'The body must be an object.');
  const parsed = schema.partial().strict().safeParse(raw);
  if (!parsed.success) throw appErrorFromZod(parsed.error);
  const sent = new Set(Object.keys(raw));
  const out = Object.fromEntries(Object.entries(parsed.data as object).filter(([k]) => sent.has(k)));
  if (!Object.keys(out).length) throw new AppError('VALIDATION_FAILED', 'Nothing to update.');
  return out as Partial<z.output<S>>;
}

export function adminRoutes(services: Services) {
  const app = new Hono();
  const { admin, catalogAdmin: lists } = services;

  app.get('/websites', async (c) => c.json(await admin.listWebsites()));
  app.post('/websites', async (c) => c.json(await admin.createWebsite(await jsonBody(c, WebsiteCreate), auditActor(c)), 201));
  app.patch('/websites/:id', async (c) => c.json(await admin.updateWebsite(idParam(c), await patchBody(c, WebsiteInput), auditActor(c))));
  app.post('/websites/:id/identity-secret', async (c) => c.json(await admin.rotateIdentitySecret(idParam(c), auditActor(c))));

  app.get('/agents', async (c) => c.json(await admin.listAgents()));
  app.post('/agents', async (c) => c.json(await admin.createAgent(await jsonBody(c, AgentCreate), auditActor(c)), 201));
  app.patch('/agents/:id', async (c) => c.json(await admin.updateAgent(idParam(c), await patchBody(c, AgentUpdate), auditActor(c))));

  app.get('/queues', async (c) => c.json(await admin.listQueues()));
  app.post('/queues', async (c) => {
    const { websiteKey, ...input } = await jsonBody(c, QueueCreate);
    return c.json(await admin.createQueue(websiteKey, input, auditActor(c)), 201);
  });
  app.patch('/queues/:id', async (c) => c.json(await admin.updateQueue(idParam(c), await patchBody(c, QueuePatch), auditActor(c))));
  app.delete('/queues/:id', async (c) => c.json(await admin.deleteQueue(idParam(c), auditActor(c))));

  app.get('/teams', async (c) => c.json(await admin.listTeams()));
  app.post('/teams', async (c) => c.json(await admin.saveTeam(null, await jsonBody(c, TeamBody), auditActor(c)), 201));
  app.put('/teams/:id', async (c) => c.json(await admin.saveTeam(idParam(c), await jsonBody(c, TeamBody), auditActor(c))));
  app.delete('/teams/:id', async (c) => c.json(await admin.deleteTeam(idParam(c), auditActor(c))));

  app.get('/quick-replies', async (c) => c.json(await lists.listQuickReplies()));
  app.post('/quick-replies', async (c) => c.json(await lists.createQuickReply(await jsonBody(c, QuickReplyInput), auditActor(c)), 201));
  app.patch('/quick-replies/:id', async (c) => c.json(await lists.updateQuickReply(idParam(c), await patchBody(c, QuickReplyInput), auditActor(c))));
  app.delete('/quick-replies/:id', async (c) => c.json(await lists.deleteQuickReply(idParam(c), auditActor(c))));

  app.get('/dispositions', async (c) => c.json(await lists.listDispositions()));
  app.post('/dispositions', async (c) => c.json(await lists.saveDisposition(null, await jsonBody(c, DispositionInput), auditActor(c)), 201));
  app.patch('/dispositions/:id', async (c) => c.json(await lists.saveDisposition(idParam(c), await patchBody(c, DispositionInput), auditActor(c))));
  app.delete('/dispositions/:id', async (c) => c.json(await lists.deleteDisposition(idParam(c), auditActor(c))));

  app.get('/tags', async (c) => c.json(await lists.listTags()));
  app.post('/tags', async (c) => c.json(await lists.createTag((await jsonBody(c, TagBody)).name, auditActor(c)), 201));
  app.patch('/tags/:id', async (c) => c.json(await lists.renameTag(idParam(c), (await jsonBody(c, TagBody)).name, auditActor(c))));
  app.delete('/tags/:id', async (c) => c.json(await lists.deleteTag(idParam(c), auditActor(c))));

  return app;
}
