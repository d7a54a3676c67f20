import { z } from 'zod';
import { AppError } from '../../../protocol/index.ts';
import { CRC_TOKEN, crcResponse, verifySignature } from '../../channels/x/webhook-signature.ts';
import type { XInboundService } from '../../services/x-inbound-service.ts';
import { Ok } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer } from '../openapi/define.ts';
import type { Logger } from 'pino';

/**
 * The X webhook (issue 19; docs/channels/x.md#receiving, docs/security.md#x-webhooks), under
 * /api/v1/channels/x/webhook. No cookie and no staff: X proves itself by HMAC-SHA256 with the app's
 * consumer secret (`X_CONSUMER_SECRET`), so the route is a `signed-webhook` in the authorization table
 * and outside the cookie-CSRF rule.
 *
 * - GET `?crc_token=`: X's challenge, answered `{"response_token":"sha256=…"}`. The token must look like
 *   one of X's (CRC_TOKEN): the same key signs deliveries, so an unconstrained endpoint would sign any
 *   body an attacker chose.
 * - POST: the raw bytes are checked against `x-twitter-webhooks-signature` in constant time before
 *   anything is parsed (401, nothing stored); then stored in the inbox (deduplicated by `event_uuid`),
 *   answered 200 at once, and processed in the background (X allows 10 s).
 */
export interface XWebhookDeps {
  inbound: XInboundService;
  /** X_CONSUMER_SECRET; null: nothing is answered nor accepted. */
  consumerSecret: string | null;
  logger: Logger;
}

export const X_WEBHOOK_PATH = '/channels/x/webhook';
const tags = ['channels'];

const CrcQuery = z.object({
  crc_token: z.string().regex(CRC_TOKEN, 'crc_token must be 16 to 128 characters of A-Z a-z 0-9 + / = _ -').describe("X's challenge token."),
});
const CrcAnswer = z.object({ response_token: z.string().describe('`sha256=` and the base64 HMAC-SHA256 of the token with the consumer secret.') });

export const xWebhookApi = {
  crc: defineRoute({
    method: 'get',
    path: X_WEBHOOK_PATH,
    tags,
    summary: "X's CRC challenge (X Activity API webhooks): proves this server holds the app's consumer secret",
    request: { query: CrcQuery },
    responses: { 200: jsonAnswer(CrcAnswer, 'The signed token.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  deliver: defineRoute({
    method: 'post',
    path: X_WEBHOOK_PATH,
    tags,
    summary: 'An X Activity API event (DMs, mentions, replies), signed by X in `x-twitter-webhooks-signature`; answered at once, processed after',
    description:
      'The body is an X Activity API envelope (`data.event_uuid`, `event_type`, `filter.user_id`, `payload`) or an Account Activity API body (`for_user_id`, `direct_message_events`, `tweet_create_events`). The signature (`sha256=` + base64 HMAC-SHA256 of the raw body with the consumer secret) is checked before parsing; a duplicate `event_uuid` is answered 200 and ignored.',
    request: { headers: z.object({ 'x-twitter-webhooks-signature': z.string().optional() }) },
    responses: { 200: jsonAnswer(Ok, 'Accepted (or a duplicate, or an event for no connected account: all ignored alike).') },
    'x-parley-errors': ['UNAUTHENTICATED', 'BAD_REQUEST'],
  }),
};

export function xWebhookRoutes({ inbound, consumerSecret, logger }: XWebhookDeps) {
  const app = apiRouter();

  app.openapi(xWebhookApi.crc, (c) => {
    if (!consumerSecret) throw new AppError('NOT_FOUND', 'The X channel is not configured on this server.');
    return c.json(crcResponse(consumerSecret, c.req.valid('query').crc_token), 200);
  });

  app.openapi(xWebhookApi.deliver, async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!consumerSecret || !verifySignature(consumerSecret, raw, c.req.header('x-twitter-webhooks-signature'))) {
      throw new AppError('UNAUTHENTICATED', 'The X signature is missing or does not match this body.');
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      throw new AppError('BAD_REQUEST', 'The body is not valid JSON.');
    }
    const outcome = await inbound.accept(body, raw);
    if (outcome.kind === 'stored') inbound.processSoon(outcome.inboxId);
    else if (outcome.kind === 'ignored') logger.info({ reason: outcome.reason }, 'X webhook delivery ignored');
    return c.json({ ok: true as const }, 200);
  });

  return app;
}
