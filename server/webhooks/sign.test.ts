import { describe, expect, it } from 'vitest';
import { signatureHeader, verifyWebhookSignature, webhookHeaders } from './sign.ts';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ deliveryId: 'd1', event: 'session.connected', data: { a: 1 } });
const now = new Date('2025-03-01T12:00:00Z');

describe('webhook signatures', () => {
  it('signs t.rawBody and verifies with the same secret', () => {
    const header = signatureHeader(secret, body, now);
    expect(header).toMatch(/^t=1740830400,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(body, header, secret, { now })).toEqual({ ok: true, timestamp: 1740830400 });
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, { now }).ok).toBe(true);
  });

  it('rejects a tampered body', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifyWebhookSignature(body.replace('"a":1', '"a":2'), header, secret, { now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects the wrong secret', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifyWebhookSignature(body, header, 'whsec_other', { now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a stale (or far future) timestamp, within the tolerance it passes', () => {
    const header = signatureHeader(secret, body, now);
    const later = (s: number) => new Date(now.getTime() + s * 1000);
    expect(verifyWebhookSignature(body, header, secret, { now: later(299) }).ok).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, { now: later(301) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature(body, header, secret, { now: later(-301) })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature(body, header, secret, { now: later(3000), toleranceSec: 3600 }).ok).toBe(true);
  });

  it('rejects a re-signed timestamp (the timestamp is part of the signature)', () => {
    const header = signatureHeader(secret, body, now);
    const forged = header.replace(/^t=\d+/, `t=${1740830400 + 10}`);
    expect(verifyWebhookSignature(body, forged, secret, { now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects missing or malformed headers without throwing', () => {
    for (const h of [null, '', 'v1=abc', 't=123', 't=abc,v1=' + 'a'.repeat(64), 't=1,v1=zz'])
      expect(verifyWebhookSignature(body, h, secret, { now })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any matching v1 entry (secret rotation)', () => {
    const good = signatureHeader(secret, body, now);
    const rotated = `${good.split(',')[0]},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect(verifyWebhookSignature(body, rotated, secret, { now }).ok).toBe(true);
  });

  it('sends delivery id, event and signature headers', () => {
    const headers = webhookHeaders({ secret, rawBody: body, deliveryId: 'd1', event: 'session.connected', now });
    expect(headers['parley-delivery']).toBe('d1');
    expect(headers['parley-event']).toBe('session.connected');
    expect(verifyWebhookSignature(body, headers['parley-signature'], secret, { now }).ok).toBe(true);
  });
});
