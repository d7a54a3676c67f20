import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X's webhook security (brief §6, docs/security.md#x-webhooks): the CRC answer and the signature of a
 * delivery are both `sha256=` + base64(HMAC-SHA256(consumer secret, …)), so the CRC endpoint could sign
 * any body an attacker chose. The token is therefore held to the shape X sends (`CRC_TOKEN`): a short
 * run of base64/base64url characters, which no JSON body matches.
 */
export const CRC_TOKEN = /^[A-Za-z0-9+/=_-]{16,128}$/;

const sign = (secret: string, data: string | Uint8Array) => `sha256=${createHmac('sha256', secret).update(data).digest('base64')}`;

/** The CRC answer for a token that matched `CRC_TOKEN`. */
export function crcResponse(secret: string, crcToken: string): { response_token: string } {
  if (!CRC_TOKEN.test(crcToken)) throw new Error('crc_token of the wrong shape');
  return { response_token: sign(secret, crcToken) };
}

/** Whether `header` is X's signature of exactly these bytes; constant time in the signature's content. */
export function verifySignature(secret: string, rawBody: Uint8Array, header: string | undefined): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(sign(secret, rawBody));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Tests and the fake's twin: the header X would send for `body`. */
export const signatureOf = (secret: string, body: string | Uint8Array) => sign(secret, body);
