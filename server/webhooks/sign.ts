import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../../protocol/index.ts';

/**
 * Webhook signatures (pure, no I/O): `Parley-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "t.rawBody")>`.
 * The timestamp is signed too, so a captured request cannot be replayed after the tolerance window.
 * `verifyWebhookSignature` is what integrators (and our tests) run on the receiving side.
 */

export function computeSignature(secret: string, timestampSec: number, rawBody: string | Buffer): string {
  // Fed in two parts so a Buffer body is signed byte-for-byte, with no re-decoding.
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secret: string, rawBody: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${computeSignature(secret, t, rawBody)}`;
}

/** The headers of one delivery attempt; the body must be sent byte-for-byte as signed. */
export function webhookHeaders(opts: { secret: string; rawBody: string; deliveryId: string; event: string; now: Date }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Parley-Webhooks/1',
    [WEBHOOK_DELIVERY_HEADER]: opts.deliveryId,
    [WEBHOOK_EVENT_HEADER]: opts.event,
    [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(opts.secret, opts.rawBody, opts.now),
  };
}

export type VerifyFailure = 'malformed' | 'stale' | 'mismatch';
export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** Maximum age (either direction) of the signed timestamp; 300 s by default. */
  toleranceSec?: number;
  now?: Date;
}

/**
 * Checks a `Parley-Signature` header against the raw request body (the exact bytes
 * received, before any JSON parsing). Several `v1=` entries are accepted (e.g. during
 * a secret rotation); comparison is constant-time.
 */
export function verifyWebhookSignature(rawBody: string | Buffer, header: string | null | undefined, secret: string, opts: VerifyOptions = {}): VerifyResult {
  const { toleranceSec = 300, now = new Date() } = opts;
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === null || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSec) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'hex');
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
