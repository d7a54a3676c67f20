import { createHmac } from 'node:crypto';
import { randomEventUuid } from './ids.ts';
import type { DeliveryAttempt, FakeX, Subscription } from './state.ts';

// Pushing events to subscribed webhooks, signed as X signs them: base64(HMAC-SHA256(consumer secret, raw
// body)), prefixed "sha256=", in x-twitter-webhooks-signature. A receiver must answer 200 within 10 s; any
// other status (a 3xx is never followed), an error or a timeout is a failure, retried a couple of times with
// backoff (X retries too).

const TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES_MS = [1_000, 4_000];

export const signature = (secret: string, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;

export interface Event {
  eventType: string;
  /** Whose activity it is: subscriptions filter on this user id. */
  userId: string;
  payload: unknown;
  includes?: unknown;
}

/** Sends the event to every matching subscription's webhook; resolves once each first attempt is recorded. */
export async function publish(fake: FakeX, event: Event): Promise<string[]> {
  const subs = [...fake.state.subscriptions.values()].filter((s) => s.eventType === event.eventType && s.userId === event.userId);
  const uuids: string[] = [];
  await Promise.all(
    subs.map((sub) => {
      const webhook = fake.state.webhooks.get(sub.webhookId);
      if (!webhook?.valid) return undefined;
      const eventUuid = randomEventUuid();
      uuids.push(eventUuid);
      const body = JSON.stringify({ data: envelope(sub, eventUuid, event) });
      fake.state.recorded.set(eventUuid, { eventUuid, eventType: event.eventType, webhookId: webhook.id, body });
      return attempt(fake, eventUuid, 1, false);
    }),
  );
  return uuids;
}

function envelope(sub: Subscription, eventUuid: string, event: Event) {
  return {
    event_uuid: eventUuid,
    filter: { user_id: sub.userId },
    event_type: event.eventType,
    ...(sub.tag !== undefined ? { tag: sub.tag } : {}),
    payload: event.payload,
    ...(event.includes !== undefined ? { includes: event.includes } : {}),
  };
}

/** Sends a recorded delivery again, byte for byte (X delivers duplicates; receivers deduplicate). */
export async function deliverAgain(fake: FakeX, eventUuid: string): Promise<DeliveryAttempt | undefined> {
  if (!fake.state.recorded.has(eventUuid)) return undefined;
  const n = fake.state.deliveries.filter((d) => d.eventUuid === eventUuid).length + 1;
  return attempt(fake, eventUuid, n, true, false);
}

async function attempt(fake: FakeX, eventUuid: string, n: number, duplicate: boolean, retry = true): Promise<DeliveryAttempt | undefined> {
  const rec = fake.state.recorded.get(eventUuid);
  const webhook = rec && fake.state.webhooks.get(rec.webhookId);
  if (!rec || !webhook) return undefined;
  const stateAtStart = fake.state;
  const result: DeliveryAttempt = {
    eventUuid,
    eventType: rec.eventType,
    webhookId: webhook.id,
    url: webhook.url,
    attempt: n,
    duplicate,
    status: null,
    ok: false,
    at: fake.now(),
  };
  try {
    const res = await (fake.options.webhookFetch ?? fetch)(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature(fake.options.consumerSecret, rec.body) },
      body: rec.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(fake.options.deliveryTimeoutMs ?? TIMEOUT_MS),
    });
    await res.body?.cancel();
    result.status = res.status;
    result.ok = res.status === 200;
    if (!result.ok) result.error = res.status >= 300 && res.status < 400 ? 'redirect refused' : `status ${res.status}`;
  } catch (err) {
    result.error = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${(fake.options.deliveryTimeoutMs ?? TIMEOUT_MS) / 1000} s` : String(err instanceof Error ? err.message : err);
  }
  // A reset while the request was in flight: the old world's attempt is not recorded in the new one.
  if (fake.state !== stateAtStart) return result;
  fake.state.deliveries.push(result);
  const delays = fake.options.retryDelaysMs ?? DEFAULT_RETRIES_MS;
  const delay = delays[n - 1];
  if (!result.ok && retry && !duplicate && delay !== undefined) {
    const timer = setTimeout(() => {
      fake.timers.delete(timer);
      if (fake.state === stateAtStart) void attempt(fake, eventUuid, n + 1, false);
    }, delay);
    timer.unref?.();
    fake.timers.add(timer);
  }
  return result;
}
