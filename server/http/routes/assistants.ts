import { Hono, type Context } from 'hono';
import { AppError, MAX_ASSISTANT_DRAFT_BYTES, AssistantInput, AssistantSettingsInput, PreviewInput, PublishAssistantInput, RollbackInput, SaveDraftInput, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { maxBody } from '../body-limits.ts';
import { auditActor } from '../audit-actor.ts';
import { jsonBody } from '../errors.ts';

/**
 * Assistants REST under /api/v1/assistants (issue 5; cookie auth, supervisors
 * read, admins write): list, create, detail, settings, delete, save draft, publish, rollback, preview.
 */
const idParam = (c: Context) => {
  const r = Uuid.safeParse(c.req.param('id'));
  if (!r.success) throw new AppError('NOT_FOUND', 'No such assistant.');
  return r.data;
};

export function assistantRoutes(services: Services) {
  const app = new Hono();
  const a = services.assistants;

  app.get('/assistants', async (c) => c.json(await a.list()));
  app.post('/assistants', async (c) => c.json(await a.create(await jsonBody(c, AssistantInput), auditActor(c)), 201));
  app.get('/assistants/:id', async (c) => c.json(await a.get(idParam(c))));
  app.patch('/assistants/:id', async (c) => c.json(await a.updateSettings(idParam(c), await jsonBody(c, AssistantSettingsInput), auditActor(c))));
  app.delete('/assistants/:id', async (c) => c.json(await a.remove(idParam(c), auditActor(c))));
  // Above the app-wide body limit: a whole flow (+ the `{ definition }` envelope), checked again by SaveDraftInput.
  app.put('/assistants/:id/draft', maxBody(MAX_ASSISTANT_DRAFT_BYTES + 1024), async (c) => c.json(await a.saveDraft(idParam(c), (await jsonBody(c, SaveDraftInput)).definition, auditActor(c))));
  app.post('/assistants/:id/publish', async (c) => c.json(await a.publish(idParam(c), (await jsonBody(c, PublishAssistantInput)).channels, auditActor(c))));
  app.post('/assistants/:id/rollback', async (c) => c.json(await a.rollback(idParam(c), (await jsonBody(c, RollbackInput)).version, auditActor(c))));
  // Preview only runs the draft, but it is part of editing: admins only, like the other writes.
  app.post('/assistants/:id/preview', async (c) => c.json(await a.preview(idParam(c), await jsonBody(c, PreviewInput))));
  return app;
}
