import { Hono, type Context } from 'hono';
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
import { appErrorFromZod, jsonBody } from '../errors.ts';

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

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw appErrorFromZod(parsed.error);
  return parsed.data;
}

/** Saving a webhook whose host is itself a refused address (the name's addresses are checked at delivery). */
function assertAllowedTarget(url: string | undefined, allowPrivate: boolean): void {
  const refused = url && !allowPrivate ? refusedHostOf(url) : null;
  if (refused) {
    const message = 'Webhooks may not target loopback, private, link-local or reserved addresses.';
    throw new AppError('VALIDATION_FAILED', message, [{ path: 'url', message }]);
  }
}

export function webhookRoutes(db: Db, opts: { allowPrivateWebhookTargets: boolean; credentials: CredentialCipher }) {
  const { credentials } = opts;
  const app = new Hono();

  async function resolveWebsite(ref: z.infer<typeof WebsiteRef>) {
    const website = ref.websiteId ? await websiteById(db, ref.websiteId) : ref.websiteKey ? await websiteByKey(db, ref.websiteKey) : null;
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    return website;
  }

  async function existing(c: Context) {
    const id = parse(Uuid, c.req.param('id'));
    const row = await webhookById(db, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such webhook.');
    return row;
  }

  app.get('/', async (c) => {
    const query = parse(WebsiteRef, c.req.query());
    const websiteId = query.websiteId || query.websiteKey ? (await resolveWebsite(query)).id : undefined;
    const rows = await listWebhooks(db, websiteId);
    return c.json({ webhooks: rows.map((r) => toWebhook(r, credentials)) });
  });

  app.post('/', async (c) => {
    const body = await jsonBody(c, CreateBody);
    assertAllowedTarget(body.url, opts.allowPrivateWebhookTargets);
    const website = await resolveWebsite(body);
    const { row, secret } = await insertWebhook(db, credentials, { websiteId: website.id, url: body.url, events: body.events, active: body.active });
    // The only time the secret leaves the server in full.
    return c.json({ webhook: toWebhook(row, credentials, secret) }, 201);
  });

  app.patch('/:id', async (c) => {
    const row = await existing(c);
    const patch = await jsonBody(c, PatchBody);
    assertAllowedTarget(patch.url, opts.allowPrivateWebhookTargets);
    const updated = await updateWebhook(db, row.id, patch);
    if (!updated) throw new AppError('NOT_FOUND', 'No such webhook.');
    return c.json({ webhook: toWebhook(updated, credentials) });
  });

  app.delete('/:id', async (c) => {
    const row = await existing(c);
    await deleteWebhook(db, row.id);
    return c.json({ ok: true });
  });

  app.get('/:id/deliveries', async (c) => {
    const row = await existing(c);
    const { limit } = parse(DeliveriesQuery, c.req.query());
    const rows = await recentDeliveries(db, row.id, limit);
    return c.json({ deliveries: rows.map(toDeliveryView) });
  });

  app.post('/:id/deliveries/:deliveryId/redeliver', async (c) => {
    const row = await existing(c);
    const deliveryId = parse(Uuid, c.req.param('deliveryId'));
    const result = await redeliver(db, row.id, deliveryId);
    if (result === 'not_found') throw new AppError('NOT_FOUND', 'No such delivery.');
    if (result === 'in_flight') throw new AppError('CONFLICT', 'This delivery is being sent right now.');
    return c.json({ delivery: toDeliveryView(result) }, 202);
  });

  return app;
}
