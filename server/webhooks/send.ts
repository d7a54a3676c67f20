import type { ClaimedDelivery } from './delivery-store.ts';
import { webhookHeaders } from './sign.ts';

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

const MAX_ERROR_LENGTH = 300;

/**
 * One POST of a delivery, signed at send time (the timestamp is the attempt's, so a
 * retry is not stale). Redirects are not followed: a 3xx counts as a failure, so a
 * receiver cannot bounce signed payloads elsewhere. Never throws.
 */
export async function sendDelivery(
  delivery: ClaimedDelivery,
  opts: { now: Date; timeoutMs: number; fetch?: typeof fetch },
): Promise<SendResult> {
  const rawBody = JSON.stringify(delivery.payload);
  const headers = webhookHeaders({ secret: delivery.secret, rawBody, deliveryId: delivery.id, event: delivery.event, now: opts.now });
  try {
    const res = await (opts.fetch ?? fetch)(delivery.url, {
      method: 'POST',
      headers,
      body: rawBody,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    // A short excerpt of the answer helps the admin see why it failed; the rest is discarded.
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const reason = res.status >= 300 && res.status < 400 ? 'redirect not followed' : `HTTP ${res.status}`;
    return { ok: false, status: res.status, error: truncate(text ? `${reason}: ${text}` : reason) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const message = e.name === 'TimeoutError' ? `timed out after ${opts.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, status: null, error: truncate(message) };
  }
}

const truncate = (s: string) => (s.length > MAX_ERROR_LENGTH ? `${s.slice(0, MAX_ERROR_LENGTH)}…` : s);
