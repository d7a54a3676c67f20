import { z } from 'zod';
import {
  AssistantInput,
  AssistantSettingsInput,
  MAX_ASSISTANT_DRAFT_BYTES,
  PreviewInput,
  PreviewResult,
  PublishAssistantInput,
  RollbackInput,
  SaveDraftInput,
} from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { maxBody } from '../body-limits.ts';
import { auditActor } from '../audit-actor.ts';
import { AssistantAnswer, AssistantDetail, AssistantList, Ok } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';
import { pathIdOr404 } from '../openapi/validation.ts';

/**
 * Assistants REST under /api/v1/assistants (issue 5; cookie auth, supervisors
 * read, admins write): list, create, detail, settings, delete, save draft, publish, rollback, preview.
 */
const IdParams = z.object({ id: pathIdOr404('No such assistant.') });
const tags = ['assistants'];
const detail = { 200: jsonAnswer(AssistantDetail, 'The assistant, its draft with its issues, and its versions.') };

export const assistantApi = {
  list: defineRoute({ method: 'get', path: '/assistants', tags, summary: 'List the assistants', responses: { 200: jsonAnswer(AssistantList, 'The assistants.') } }),
  create: defineRoute({
    method: 'post',
    path: '/assistants',
    tags,
    summary: 'Create an assistant',
    request: { body: jsonBody(AssistantInput) },
    responses: { 201: jsonAnswer(AssistantAnswer, 'Created; read it for its starter draft.') },
  }),
  get: defineRoute({ method: 'get', path: '/assistants/{id}', tags, summary: 'Read an assistant', request: { params: IdParams }, responses: detail, 'x-parley-errors': ['NOT_FOUND'] }),
  updateSettings: defineRoute({
    method: 'patch',
    path: '/assistants/{id}',
    tags,
    summary: 'Change its name, brand or channels',
    request: { params: IdParams, body: jsonBody(AssistantSettingsInput) },
    responses: detail,
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/assistants/{id}',
    tags,
    summary: 'Delete an assistant',
    request: { params: IdParams },
    responses: { 200: jsonAnswer(Ok, 'Deleted.') },
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
  saveDraft: defineRoute({
    method: 'put',
    path: '/assistants/{id}/draft',
    tags,
    summary: 'Save the draft (saved even when invalid; its issues come back)',
    description: `Bodies up to ${MAX_ASSISTANT_DRAFT_BYTES / 1024} KB (plus the envelope), above the API's usual 64 KB.`,
    // Above the app-wide body limit: a whole flow (+ the `{ definition }` envelope), checked again by SaveDraftInput.
    middleware: [maxBody(MAX_ASSISTANT_DRAFT_BYTES + 1024)],
    request: { params: IdParams, body: jsonBody(SaveDraftInput) },
    responses: detail,
    'x-parley-errors': ['NOT_FOUND'],
  }),
  publish: defineRoute({
    method: 'post',
    path: '/assistants/{id}/publish',
    tags,
    summary: 'Publish the draft as a new version on these websites',
    request: { params: IdParams, body: jsonBody(PublishAssistantInput) },
    responses: detail,
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
  rollback: defineRoute({
    method: 'post',
    path: '/assistants/{id}/rollback',
    tags,
    summary: 'Make an earlier version the draft and publish it',
    request: { params: IdParams, body: jsonBody(RollbackInput) },
    responses: detail,
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
  // Preview only runs the draft; nothing is stored.
  preview: defineRoute({
    method: 'post',
    path: '/assistants/{id}/preview',
    tags,
    summary: 'Run one step of the draft (nothing stored)',
    request: { params: IdParams, body: jsonBody(PreviewInput) },
    responses: { 200: jsonAnswer(PreviewResult, 'What the assistant would answer.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
};

export function assistantRoutes(services: Services) {
  const app = apiRouter();
  const a = services.assistants;
  const r = assistantApi;

  app.openapi(r.list, async (c) => c.json(await a.list(), 200));
  app.openapi(r.create, async (c) => c.json(await a.create(c.req.valid('json'), auditActor(c)), 201));
  app.openapi(r.get, async (c) => c.json(await a.get(c.req.valid('param').id), 200));
  app.openapi(r.updateSettings, async (c) => c.json(await a.updateSettings(c.req.valid('param').id, c.req.valid('json'), auditActor(c)), 200));
  app.openapi(r.remove, async (c) => c.json(await a.remove(c.req.valid('param').id, auditActor(c)), 200));
  app.openapi(r.saveDraft, async (c) => c.json(await a.saveDraft(c.req.valid('param').id, c.req.valid('json').definition, auditActor(c)), 200));
  app.openapi(r.publish, async (c) => c.json(await a.publish(c.req.valid('param').id, c.req.valid('json').channels, auditActor(c)), 200));
  app.openapi(r.rollback, async (c) => c.json(await a.rollback(c.req.valid('param').id, c.req.valid('json').version, auditActor(c)), 200));
  app.openapi(r.preview, async (c) => c.json(await a.preview(c.req.valid('param').id, c.req.valid('json')), 200));
  return app;
}
