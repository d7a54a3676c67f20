import { z } from 'zod';
import { AppError, SessionEventType, Uuid, WebhookInput, WebsiteKey } from '../../../protocol/index.ts';
import type { Db } from '../../db/client.ts';
import type { CredentialCipher } from '../../keys/credential-cipher.ts';
import { websiteById, websiteByKey } from '../../db/stores/websites-store.ts';
import {
  deleteWebhook,
  insertWebhook,
  listWebhooks,
  recentDeliveries,
  redeliver,
  toDeliveryView,
  toWebhook,
  updateWebhook,
  webhookById,
} from '../../db/stores/webhooks-store.ts';
import { refusedHostOf } from '../../webhooks/target-policy.ts';
import type { RecordAudit } from '../../services/audit.ts';
import { auditActor } from '../audit-actor.ts';
import { Ok, WebhookAnswer, WebhookDeliveryAnswer, WebhookDeliveryList, WebhookList } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';

/**
 * Admin REST for outgoing webhooks, under /api/v1/webhooks; admin role only (server/auth/policy.ts).
 * Agents are not scoped to one website, so a webhook names its website by id or key.
 */
const WebsiteRef = z.object({ websiteId: Uuid.optional(), websiteKey: WebsiteKey.optional() });
const CreateBody = WebhookInput.extend(WebsiteRef.shape).refine((b) => b.websiteId || b.websiteKey, {
  message: 'websiteId or websiteKey is required',
  path: ['websiteId'],
});
// Spelled out rather than WebhookInput.partial(): zod 4 would apply the defaults and reset omitted fields.
const PatchBody = z
  .object({ url: WebhookInput.shape.url, events: z.array(SessionEventType).max(20), active: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to update.' });
const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

/** Saving a webhook whose host is itself a refused address (the name's addresses are checked at delivery). */
function assertAllowedTarget(url: string | undefined, allowPrivate: boolean): void {
  const refused = url && !allowPrivate ? refusedHostOf(url) : null;
  if (refused) {
    const message = 'Webhooks may not target loopback, private, link-local or reserved addresses.';
    throw new AppError('VALIDATION_FAILED', message, [{ path: 'url', message }]);
  }
}

const IdParams = z.object({ id: Uuid });
const tags = ['webhooks'];

export const webhookApi = {
  list: defineRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List the webhooks (of one website, by id or key, or of all)',
    request: { query: WebsiteRef },
    responses: { 200: jsonAnswer(WebhookList, 'The webhooks, their secrets shortened to the last 4 characters.') },
    'x-parley-errors': ['UNKNOWN_WEBSITE'],
  }),
  create: defineRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Create a webhook (its signing secret is answered in full this once)',
    request: { body: jsonBody(CreateBody) },
    responses: { 201: jsonAnswer(WebhookAnswer, 'Created, with the whole secret.') },
    'x-parley-errors': ['UNKNOWN_WEBSITE'],
  }),
  update: defineRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Change a webhook (only the fields sent)',
    request: { params: IdParams, body: jsonBody(PatchBody) },
    responses: { 200: jsonAnswer(WebhookAnswer, 'Saved.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/{id}',
    tags,
    summary: 'Delete a webhook',
    request: { params: IdParams },
    responses: { 200: jsonAnswer(Ok, 'Deleted.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  deliveries: defineRoute({
    method: 'get',
    path: '/{id}/deliveries',
    tags,
    summary: 'Recent deliveries of a webhook, newest first',
    request: { params: IdParams, query: DeliveriesQuery },
    responses: { 200: jsonAnswer(WebhookDeliveryList, 'The deliveries.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  redeliver: defineRoute({
    method: 'post',
    path: '/{id}/deliveries/{deliveryId}/redeliver',
    tags,
    summary: 'Send a delivery again',
    request: { params: z.object({ id: Uuid, deliveryId: Uuid }) },
    responses: { 202: jsonAnswer(WebhookDeliveryAnswer, 'Queued again.') },
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
};

export function webhookRoutes(db: Db, opts: { allowPrivateWebhookTargets: boolean; credentials: CredentialCipher; audit: RecordAudit }) {
  const { credentials } = opts;
  const app = apiRouter();

  async function resolveWebsite(ref: z.infer<typeof WebsiteRef>) {
    const website = ref.websiteId ? await websiteById(db, ref.websiteId) : ref.websiteKey ? await websiteByKey(db, ref.websiteKey) : null;
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    return website;
  }

  async function existing(id: string) {
    const row = await webhookById(db, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such webhook.');
    return row;
  }

  app.openapi(webhookApi.list, async (c) => {
    const query = c.req.valid('query');
    const websiteId = query.websiteId || query.websiteKey ? (await resolveWebsite(query)).id : undefined;
    const rows = await listWebhooks(db, websiteId);
    return c.json({ webhooks: rows.map((r) => toWebhook(r, credentials)) }, 200);
  });

  app.openapi(webhookApi.create, async (c) => {
    const body = c.req.valid('json');
    assertAllowedTarget(body.url, opts.allowPrivateWebhookTargets);
    const website = await resolveWebsite(body);
    const { row, secret } = await db.transaction(async (tx) => {
      const created = await insertWebhook(tx, credentials, { websiteId: website.id, url: body.url, events: body.events, active: body.active });
      const changes = { websiteId: website.id, url: body.url, events: body.events, active: body.active, secret: created.secret };
      await opts.audit(tx, auditActor(c), { action: 'webhook.create', targetType: 'webhook', targetId: created.row.id, changes });
      return created;
    });
    // The only time the secret leaves the server in full.
    return c.json({ webhook: toWebhook(row, credentials, secret) }, 201);
  });

  app.openapi(webhookApi.update, async (c) => {
    const row = await existing(c.req.valid('param').id);
    const patch = c.req.valid('json');
    assertAllowedTarget(patch.url, opts.allowPrivateWebhookTargets);
    const updated = await db.transaction(async (tx) => {
      const saved = await updateWebhook(tx, row.id, patch);
      if (!saved) throw new AppError('NOT_FOUND', 'No such webhook.');
      await opts.audit(tx, auditActor(c), { action: 'webhook.update', targetType: 'webhook', targetId: row.id, changes: patch });
      return saved;
    });
    return c.json({ webhook: toWebhook(updated, credentials) }, 200);
  });

  app.openapi(webhookApi.remove, async (c) => {
    const row = await existing(c.req.valid('param').id);
    await db.transaction(async (tx) => {
      await deleteWebhook(tx, row.id);
      await opts.audit(tx, auditActor(c), { action: 'webhook.delete', targetType: 'webhook', targetId: row.id, changes: { url: row.url } });
    });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(webhookApi.deliveries, async (c) => {
    const row = await existing(c.req.valid('param').id);
    const { limit } = c.req.valid('query');
    const rows = await recentDeliveries(db, row.id, limit);
    return c.json({ deliveries: rows.map(toDeliveryView) }, 200);
  });

  app.openapi(webhookApi.redeliver, async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    const row = await existing(id);
    const result = await redeliver(db, row.id, deliveryId);
    if (result === 'not_found') throw new AppError('NOT_FOUND', 'No such delivery.');
    if (result === 'in_flight') throw new AppError('CONFLICT', 'This delivery is being sent right now.');
    return c.json({ delivery: toDeliveryView(result) }, 202);
  });

  return app;
}
