import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClaimedDelivery } from '../db/stores/webhook-deliveries-store.ts';
import { webhookHeaders } from './sign.ts';
import { publicOnlyLookup, refusedAddressIn, TargetRefusedError } from './target-policy.ts';

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

const MAX_ERROR_LENGTH = 300;

export interface SendOptions {
  now: Date;
  timeoutMs: number;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: also send to loopback, private and link-local addresses. */
  allowPrivateTargets: boolean;
}

/**
 * One POST of a delivery, signed at send time with the webhook's secret in clear (the timestamp is the attempt's, so a
 * retry is not stale). Redirects are not followed: a 3xx counts as a failure, so a
 * receiver cannot bounce signed payloads elsewhere. Only the answer's status is kept:
 * its body is never read, so nothing the receiver says (or an internal service
 * would reveal) ends up stored. Never throws.
 */
export async function sendDelivery(delivery: ClaimedDelivery, signingSecret: string, opts: SendOptions): Promise<SendResult> {
  const rawBody = JSON.stringify(delivery.payload);
  const headers = webhookHeaders({ secret: signingSecret, rawBody, deliveryId: delivery.id, event: delivery.event, now: opts.now });
  try {
    if (!opts.allowPrivateTargets) {
      const refused = refusedAddressIn(delivery.url);
      if (refused) throw new TargetRefusedError(refused);
    }
    const status = await post(delivery.url, headers, rawBody, opts);
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: status >= 300 && status < 400 ? 'redirect not followed' : `HTTP ${status}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.name === 'AbortError' ? `timed out after ${opts.timeoutMs} ms` : e instanceof TargetRefusedError ? e.message : (e.code ?? e.message);
    return { ok: false, status: null, error: truncate(message) };
  }
}

/** Resolves with the answer's status once its headers arrive; the connection is then closed unread. */
function post(url: string, headers: Record<string, string>, body: string, opts: SendOptions): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A fresh connection each time: a pooled socket would skip the address check.
        agent: false,
        ...(opts.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }),
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        resolve(res.statusCode!);
        res.destroy();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const truncate = (s: string) => (s.length > MAX_ERROR_LENGTH ? `${s.slice(0, MAX_ERROR_LENGTH)}…` : s);
