import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { SessionEventType, Webhook } from '../../../protocol/index.ts';
import type { Db } from '../client.ts';
import type { CredentialCipher } from '../../keys/credential-cipher.ts';
import { webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from '../tables/webhooks.ts';
import { must } from '../must.ts';

/** Admin-side queries: webhook CRUD, recent deliveries and manual redelivery. */

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * The wire shape. The secret in full only right after creation (`createdSecret`), otherwise masked to the last 4
 * characters of the clear secret (it is stored encrypted).
 */
export function toWebhook(row: WebhookRow, credentials: CredentialCipher, createdSecret?: string): Webhook {
  return {
    id: row.id,
    websiteId: row.websiteId,
    url: row.url,
    events: row.events,
    active: row.active,
    secret: createdSecret ?? `…${credentials.decrypt(row.secret).slice(-4)}`,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface WebhookDeliveryView {
  id: string;
  event: string;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export function toDeliveryView(row: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const listWebhooks = (db: Db, websiteId?: string) =>
  db.select().from(webhooks).where(websiteId ? eq(webhooks.websiteId, websiteId) : undefined).orderBy(webhooks.createdAt);

export async function webhookById(db: Db, id: string): Promise<WebhookRow | null> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row ?? null;
}

/** A new webhook with a new signing secret, stored encrypted; the clear secret is returned to be shown this once. */
export async function insertWebhook(
  db: Db,
  credentials: CredentialCipher,
  input: { websiteId: string; url: string; events: SessionEventType[]; active: boolean },
): Promise<{ row: WebhookRow; secret: string }> {
  const secret = newWebhookSecret();
  const [row] = await db.insert(webhooks).values({ ...input, secret: credentials.encrypt(secret) }).returning();
  return { row: row!, secret };
}

export async function updateWebhook(
  db: Db,
  id: string,
  patch: Partial<{ url: string; events: SessionEventType[]; active: boolean }>,
): Promise<WebhookRow | null> {
  const [row] = await db.update(webhooks).set({ ...patch, updatedAt: new Date() }).where(eq(webhooks.id, id)).returning();
  return row ?? null;
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
  return rows.length > 0;
}

export const recentDeliveries = (db: Db, webhookId: string, limit: number) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(desc(webhookDeliveries.createdAt)).limit(limit);

/**
 * Makes a delivery due again with a fresh attempt budget, keeping its id (receivers
 * that already processed it will recognise it). A delivery in flight is left alone.
 */
export async function redeliver(db: Db, webhookId: string, deliveryId: string): Promise<WebhookDeliveryRow | 'not_found' | 'in_flight'> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId)))
      .for('update');
    if (!row) return 'not_found';
    if (row.status === 'pending' && row.leaseId) return 'in_flight';
    // Epoch = due at once on any node, whatever its clock says.
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(0), leaseId: null, deliveredAt: null, updatedAt: new Date() })
      .where(eq(webhookDeliveries.id, deliveryId))
      .returning();
    return must(updated, 'NOT_FOUND', 'No such delivery.');
  });
}
