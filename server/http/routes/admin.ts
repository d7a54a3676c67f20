import { z } from 'zod';
import {
  AgentCreate,
  AgentUpdate,
  DispositionInput,
  IdentitySecretResponse,
  QueueInput,
  QuickReplyInput,
  TagName,
  Team,
  WebsiteCreate,
  WebsiteInput,
  WebsiteKey,
} from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { auditActor } from '../audit-actor.ts';
import * as A from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';
import { patchOf, pathIdOr404 } from '../openapi/validation.ts';

/**
 * Admin REST under /api/v1 (cookie auth; supervisors read, admins write: server/auth/policy.ts):
 * websites, agents, queues, teams, quick-replies, dispositions, tags.
 * Bodies and answers are `{ <resource> }` / `{ <resources>: [] }`.
 */
const QueueCreate = QueueInput.extend({ websiteKey: WebsiteKey, isDefault: z.boolean().optional() });
const QueuePatch = QueueInput.extend({ isDefault: z.boolean() });
const TeamBody = Team.pick({ name: true, memberIds: true });
const TagBody = z.object({ name: TagName });
const IdParams = z.object({ id: pathIdOr404('No such resource.') });

/** The four shapes of a resource's routes: list, create, change (PATCH or PUT), delete. */
const list = <R extends z.ZodType>(path: string, answer: R, summary: string) =>
  defineRoute({ method: 'get', path, tags: ['admin'], summary, responses: { 200: jsonAnswer(answer, 'The list.') } });
const create = <B extends z.ZodType, R extends z.ZodType>(path: string, body: B, answer: R, summary: string, errors: A.Codes = []) =>
  defineRoute({ method: 'post', path, tags: ['admin'], summary, request: { body: jsonBody(body) }, responses: { 201: jsonAnswer(answer, 'Created.') }, 'x-parley-errors': ['CONFLICT', ...errors] });
const change = <B extends z.ZodType, R extends z.ZodType>(method: 'patch' | 'put', path: string, body: B, answer: R, summary: string, errors: A.Codes = []) =>
  defineRoute({ method, path, tags: ['admin'], summary, request: { params: IdParams, body: jsonBody(body) }, responses: { 200: jsonAnswer(answer, 'Saved.') }, 'x-parley-errors': ['NOT_FOUND', 'CONFLICT', ...errors] });
const remove = (path: string, summary: string) =>
  defineRoute({ method: 'delete', path, tags: ['admin'], summary, request: { params: IdParams }, responses: { 200: jsonAnswer(A.Ok, 'Deleted.') }, 'x-parley-errors': ['NOT_FOUND', 'CONFLICT'] });

const WebsitePatch = patchOf(WebsiteInput);
const AgentPatch = patchOf(AgentUpdate);
const QueuePatchBody = patchOf(QueuePatch);
const QuickReplyPatch = patchOf(QuickReplyInput);
const DispositionPatch = patchOf(DispositionInput);

export const adminApi = {
  listWebsites: list('/websites', A.WebsiteList, 'List the websites'),
  createWebsite: create('/websites', WebsiteCreate, A.WebsiteAnswer, 'Create a website'),
  updateWebsite: change('patch', '/websites/{id}', WebsitePatch, A.WebsiteAnswer, 'Change a website (only the fields sent)'),
  rotateIdentitySecret: defineRoute({
    method: 'post',
    path: '/websites/{id}/identity-secret',
    tags: ['admin'],
    summary: "Rotate a website's identity secret (answered once, in full)",
    request: { params: IdParams },
    responses: { 200: jsonAnswer(IdentitySecretResponse, 'The new secret.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  listAgents: list('/agents', A.AgentList, 'List the agents'),
  createAgent: create('/agents', AgentCreate, A.AgentAnswer, 'Create an agent'),
  updateAgent: change('patch', '/agents/{id}', AgentPatch, A.AgentAnswer, 'Change an agent (only the fields sent)'),
  listQueues: list('/queues', A.QueueList, 'List the queues'),
  createQueue: create('/queues', QueueCreate, A.QueueAnswer, "Create a queue on a website (by key)", ['UNKNOWN_WEBSITE']),
  updateQueue: change('patch', '/queues/{id}', QueuePatchBody, A.QueueAnswer, 'Change a queue (only the fields sent)'),
  deleteQueue: remove('/queues/{id}', 'Delete a queue (refused while a published assistant hands off to it)'),
  listTeams: list('/teams', A.TeamList, 'List the teams'),
  createTeam: create('/teams', TeamBody, A.TeamAnswer, 'Create a team'),
  saveTeam: change('put', '/teams/{id}', TeamBody, A.TeamAnswer, 'Replace a team (name and members)'),
  deleteTeam: remove('/teams/{id}', 'Delete a team'),
  listQuickReplies: list('/quick-replies', A.QuickReplyList, 'List the quick replies'),
  createQuickReply: create('/quick-replies', QuickReplyInput, A.QuickReplyAnswer, 'Create a quick reply'),
  updateQuickReply: change('patch', '/quick-replies/{id}', QuickReplyPatch, A.QuickReplyAnswer, 'Change a quick reply (only the fields sent)'),
  deleteQuickReply: remove('/quick-replies/{id}', 'Delete a quick reply'),
  listDispositions: list('/dispositions', A.DispositionList, 'List the dispositions (wrap-up codes)'),
  createDisposition: create('/dispositions', DispositionInput, A.DispositionAnswer, 'Create a disposition'),
  updateDisposition: change('patch', '/dispositions/{id}', DispositionPatch, A.DispositionAnswer, 'Change a disposition (only the fields sent)'),
  deleteDisposition: remove('/dispositions/{id}', 'Delete a disposition'),
  listTags: list('/tags', A.TagList, 'List the tags'),
  createTag: create('/tags', TagBody, A.TagAnswer, 'Create a tag'),
  renameTag: change('patch', '/tags/{id}', TagBody, A.TagAnswer, 'Rename a tag'),
  deleteTag: remove('/tags/{id}', 'Delete a tag'),
};

export function adminRoutes(services: Services) {
  const app = apiRouter();
  const { admin, catalogAdmin: lists } = services;
  const r = adminApi;

  app.openapi(r.listWebsites, async (c) => c.json(await admin.listWebsites(), 200));
  app.openapi(r.createWebsite, async (c) => c.json(await admin.createWebsite(c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.updateWebsite, async (c) => c.json(await admin.updateWebsite(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.rotateIdentitySecret, async (c) => c.json(await admin.rotateIdentitySecret(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(r.listAgents, async (c) => c.json(await admin.listAgents(), 200));
  app.openapi(r.createAgent, async (c) => c.json(await admin.createAgent(c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.updateAgent, async (c) => c.json(await admin.updateAgent(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));

  app.openapi(r.listQueues, async (c) => c.json(await admin.listQueues(), 200));
  app.openapi(r.createQueue, async (c) => {
    const { websiteKey, ...input } = c.req.valid('json');
    return c.json(await admin.createQueue(websiteKey, input, auditActor(c)), 201);
  });
  app.openapi(r.updateQueue, async (c) => c.json(await admin.updateQueue(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.deleteQueue, async (c) => c.json(await admin.deleteQueue(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(r.listTeams, async (c) => c.json(await admin.listTeams(), 200));
  app.openapi(r.createTeam, async (c) => c.json(await admin.saveTeam(null, c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.saveTeam, async (c) => c.json(await admin.saveTeam(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.deleteTeam, async (c) => c.json(await admin.deleteTeam(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(r.listQuickReplies, async (c) => c.json(await lists.listQuickReplies(), 200));
  app.openapi(r.createQuickReply, async (c) => c.json(await lists.createQuickReply(c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.updateQuickReply, async (c) => c.json(await lists.updateQuickReply(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.deleteQuickReply, async (c) => c.json(await lists.deleteQuickReply(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(r.listDispositions, async (c) => c.json(await lists.listDispositions(), 200));
  app.openapi(r.createDisposition, async (c) => c.json(await lists.saveDisposition(null, c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.updateDisposition, async (c) => c.json(await lists.saveDisposition(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.deleteDisposition, async (c) => c.json(await lists.deleteDisposition(c.req.valid('param').id, auditActor(c)), 200));

  app.openapi(r.listTags, async (c) => c.json(await lists.listTags(), 200));
  app.openapi(r.createTag, async (c) => c.json(await lists.createTag(c.req.valid('json').name, auditActor(c)), 201));
  app.openapi(r.renameTag, async (c) => c.json(await lists.renameTag(c.req.valid('param').id, c.req.valid('json').name, auditActor(c)), 200));
  app.openapi(r.deleteTag, async (c) => c.json(await lists.deleteTag(c.req.valid('param').id, auditActor(c)), 200));

  return app;
}
