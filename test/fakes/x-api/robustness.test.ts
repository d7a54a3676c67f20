import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAND, CUSTOMER, startFake, type Harness } from './testing.ts';

// The product's tests will send the fake every mistake a client can make: each must be a 4xx, never a 500.

const ROUTES: Array<[string, string]> = [
  ['POST', '/2/oauth2/token'],
  ['POST', '/2/oauth2/revoke'],
  ['GET', '/2/users/me'],
  ['GET', '/2/dm_events?max_results=abc&pagination_token=%%%'],
  ['GET', `/2/dm_conversations/with/abc/dm_events`],
  ['GET', `/2/dm_conversations/1-2/dm_events?pagination_token=zz`],
  ['POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`],
  ['POST', `/2/dm_conversations/${BRAND.id}-${CUSTOMER.id}/messages`],
  ['POST', '/2/dm_conversations/123456789012345/messages'],
  ['POST', '/2/tweets'],
  ['GET', '/2/tweets/abc'],
  ['GET', `/2/users/${BRAND.id}/mentions?max_results=x&since_id=y&pagination_token=z`],
  ['POST', `/2/users/${BRAND.id}/likes`],
  ['DELETE', `/2/users/${BRAND.id}/likes/abc`],
  ['POST', '/2/media/upload/initialize'],
  ['POST', '/2/media/upload/1/append'],
  ['POST', '/2/media/upload/1/finalize'],
  ['GET', '/2/media/upload?command=NOPE&media_id=x'],
  ['POST', '/2/webhooks'],
  ['PUT', '/2/webhooks/1'],
  ['DELETE', '/2/webhooks/1'],
  ['POST', '/2/activity/subscriptions'],
  ['DELETE', '/2/activity/subscriptions/1'],
  ['GET', '/i/oauth2/authorize?client_id=client-id-for-tests&redirect_uri=javascript:alert(1)'],
  ['POST', '/i/oauth2/authorize'],
  ['GET', '/1.1/ton/data/dm/1/2/3.jpg'],
  ['POST', '/__fake/inject/dm'],
  ['POST', '/__fake/inject/mention'],
  ['POST', '/__fake/deliver-again'],
  ['POST', '/__fake/rate-limit'],
  ['POST', '/__fake/mode'],
  ['POST', '/__fake/page/dm'],
  ['POST', '/__fake/page/mention'],
  ['GET', '/__fake/media/nope'],
];

const BODIES: Array<{ type?: string; body?: string }> = [
  {},
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: '{"text":5,"reply":null,"media":{"media_ids":"x"},"attachments":[null],"url":7,"filter":null,"from":{"id":"1"},"media_type":{},"total_bytes":-1,"segment_index":"x","media":5}' },
  { type: 'application/json', body: '{"text":"x","reply":{"in_reply_to_tweet_id":"1"},"attachments":[{"media_id":"1"}],"event_type":"dm.received","filter":{"user_id":"1"},"webhook_id":"1","tag":""}' },
  { type: 'application/json', body: '{not json' },
  { type: 'application/x-www-form-urlencoded', body: 'grant_type=authorization_code&code=x&code_verifier=y&authorize_url=%00' },
  { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="media"\r\n\r\nabc\r\n--x--\r\n' },
  { type: 'text/plain', body: '\u0000\uffff' },
];

let h: Harness;
let user: string;
beforeAll(async () => {
  h = await startFake();
  user = h.control.authorize().access_token;
});
afterAll(() => h.close());

describe('bad input', () => {
  it.each(ROUTES)('%s %s answers 4xx, never 5xx, to any body and token', async (method, path) => {
    for (const token of [undefined, 'nonsense', user, h.control.appBearerToken]) {
      for (const { type, body } of BODIES) {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (token) headers.authorization = `Bearer ${token}`;
        const res = await fetch(h.url + path, { method, headers, ...(body !== undefined && method !== 'GET' ? { body } : {}), redirect: 'manual' });
        await res.arrayBuffer();
        expect(res.status, `${method} ${path} ${type ?? ''} ${body ?? ''}`).toBeLessThan(500);
      }
    }
    // A forced 429 would hide later answers: limits are not under test here.
    h.control.reset();
    user = h.control.authorize().access_token;
  });
});
