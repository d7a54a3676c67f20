import { z } from 'zod';
import { XId } from '../../../protocol/index.ts';
import { XApiError, type XHttp } from './x-http.ts';

/**
 * V2 webhooks and X Activity API subscriptions (brief §2 "Real-time", §6), with the app-only bearer token
 * (X_APP_BEARER_TOKEN). An app has one webhook (pay-per-use allows 1): every connected account subscribes
 * to it, filtered on its own user id. X runs a CRC against the URL at registration and on `PUT`.
 */
export const X_SUBSCRIBED_EVENTS = ['dm.received', 'dm.sent', 'post.mention.create', 'post.reply.create'] as const;

const Webhook = z.object({ id: XId, url: z.string(), valid: z.boolean(), created_at: z.string().optional() });
export type XWebhook = z.infer<typeof Webhook>;
const Subscription = z.object({ subscription_id: z.string(), event_type: z.string(), filter: z.object({ user_id: z.string().optional() }).loose(), webhook_id: z.string().optional() }).loose();
export type XSubscription = z.infer<typeof Subscription>;

/** Whether X refused a CRC (a 400 naming it): the webhook is then invalid, not the request. */
const crcFailure = (err: unknown): string | null =>
  err instanceof XApiError && err.status === 400 && /crc/i.test(`${err.title} ${err.detail ?? ''}`) ? (err.detail ?? err.title) : null;

export function createXWebhooksApi(http: XHttp, appBearer: string) {
  const bearer = appBearer;
  return {
    async list(): Promise<XWebhook[]> {
      const { data } = await http.request({ method: 'GET', path: '/2/webhooks', bearer }, z.object({ data: z.array(Webhook).optional() }).loose().transform((a) => a.data ?? []));
      return data;
    },
    /** Registers `url` (X runs the CRC now): the webhook, or why the CRC failed. */
    async register(url: string): Promise<{ webhook: XWebhook } | { crcFailed: string }> {
      try {
        const { data } = await http.request({ method: 'POST', path: '/2/webhooks', bearer, body: { url } }, z.object({ data: Webhook }));
        return { webhook: data.data };
      } catch (err) {
        const reason = crcFailure(err);
        if (reason) return { crcFailed: reason };
        throw err;
      }
    },
    /** `PUT /2/webhooks/:id`: X runs the CRC again; valid or why not. */
    async revalidate(id: string): Promise<{ valid: true } | { valid: false; reason: string }> {
      try {
        await http.request({ method: 'PUT', path: `/2/webhooks/${encodeURIComponent(id)}`, bearer }, z.unknown());
        return { valid: true };
      } catch (err) {
        const reason = crcFailure(err);
        if (reason) return { valid: false, reason };
        throw err;
      }
    },
    async remove(id: string): Promise<void> {
      await http.request({ method: 'DELETE', path: `/2/webhooks/${encodeURIComponent(id)}`, bearer }, z.unknown());
    },
    /** Subscribes the webhook to one event of one user; an existing identical subscription (409) is as good. */
    async subscribe(p: { eventType: string; userId: string; webhookId: string; tag: string }): Promise<void> {
      try {
        const body = { event_type: p.eventType, filter: { user_id: p.userId }, webhook_id: p.webhookId, tag: p.tag };
        await http.request({ method: 'POST', path: '/2/activity/subscriptions', bearer, body }, z.unknown());
      } catch (err) {
        if (err instanceof XApiError && err.status === 409) return;
        throw err;
      }
    },
    async subscriptions(): Promise<XSubscription[]> {
      const { data } = await http.request({ method: 'GET', path: '/2/activity/subscriptions', bearer }, z.object({ data: z.array(Subscription).optional() }).loose().transform((a) => a.data ?? []));
      return data;
    },
    async unsubscribe(subscriptionId: string): Promise<void> {
      await http.request({ method: 'DELETE', path: `/2/activity/subscriptions/${encodeURIComponent(subscriptionId)}`, bearer }, z.unknown());
    },
  };
}
export type XWebhooksApi = ReturnType<typeof createXWebhooksApi>;
