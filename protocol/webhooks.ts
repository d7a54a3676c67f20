import { z } from 'zod';
import { IsoDate, Uuid } from './common.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './storable-text.ts';
import { SessionCard, SessionEventType } from './routing.ts';

/**
 * Outgoing webhooks (issue 3 §6). Each delivery is a POST with headers:
 *   Parley-Delivery: <uuid, stable across retries: de-duplicate on it>
 *   Parley-Event: session.<event type>
 *   Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>
 */
export const WEBHOOK_SIGNATURE_HEADER = 'parley-signature';
export const WEBHOOK_DELIVERY_HEADER = 'parley-delivery';
export const WEBHOOK_EVENT_HEADER = 'parley-event';

export const WebhookEventName = z.templateLiteral(['session.', SessionEventType]);
export type WebhookEventName = z.infer<typeof WebhookEventName>;

export const WebhookPayload = z.object({
  deliveryId: Uuid,
  event: WebhookEventName,
  occurredAt: IsoDate,
  websiteId: Uuid,
  session: SessionCard,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const WebhookInput = z.object({
  url: z.url({ protocol: /^https?$/ }).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
  /** Subscribed events; empty = all. */
  events: z.array(SessionEventType).max(20).default([]),
  active: z.boolean().default(true),
});
export const Webhook = z.object({
  id: Uuid,
  websiteId: Uuid,
  url: z.string(),
  events: z.array(SessionEventType),
  active: z.boolean(),
  /** Shown once at creation; afterwards only its last 4 characters. */
  secret: z.string(),
  createdAt: IsoDate,
});
export type Webhook = z.infer<typeof Webhook>;
