import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOLDEN_DM_RECEIVED, missingFields } from './golden.ts';
import { expectMatchesSpec } from './spec.ts';
import { BRAND, connect, CUSTOMER, startFake, type Harness } from './testing.ts';

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startFake();
  token = (await connect(h)).access_token;
});
afterEach(() => h.close());

describe('the control API over HTTP', () => {
  it('injects a DM and a mention, and lists what the brand sent, posted and liked', async () => {
    const dm = await h.call('POST', '/__fake/inject/dm', { json: { from: CUSTOMER, text: 'hi' } });
    expect(dm.status).toBe(200);
    expect(dm.json).toMatchObject({ dm_conversation_id: `${BRAND.id}-${CUSTOMER.id}`, event_uuids: [] });
    const mention = await h.call('POST', '/__fake/inject/mention', { json: { from: CUSTOMER, text: 'help' } });
    expect(mention.json).toMatchObject({ event_type: 'post.mention.create', conversation_id: mention.json.id });

    await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { text: 'hello back' } });
    await h.call('POST', '/2/tweets', { token, json: { text: 'answer', reply: { in_reply_to_tweet_id: mention.json.id } } });
    await h.call('POST', '/__fake/mode', { json: { mode: 'enterprise' } });
    await h.call('POST', `/2/users/${BRAND.id}/likes`, { token, json: { tweet_id: mention.json.id } });

    expect((await h.call('GET', '/__fake/sent-dms')).json).toMatchObject([{ recipient_id: CUSTOMER.id, text: 'hello back' }]);
    expect((await h.call('GET', '/__fake/posts')).json).toMatchObject([{ text: 'answer', reply: { in_reply_to_tweet_id: mention.json.id } }]);
    expect((await h.call('GET', '/__fake/likes')).json).toMatchObject([{ tweet_id: mention.json.id }]);
    expect((await h.call('GET', '/__fake/deliveries')).json).toEqual([]);
  });

  it('answers a bad injection with 400, not a crash', async () => {
    expect((await h.call('POST', '/__fake/inject/dm', { json: { from: { id: 'x' }, text: 'hi' } })).status).toBe(400);
    expect((await h.call('POST', '/__fake/inject/dm', { body: 'not json' })).status).toBe(400);
    expect((await h.call('POST', '/__fake/inject/mention', { json: { from: CUSTOMER, text: 'x', inReplyToTweetId: '1' } })).status).toBe(400);
    expect((await h.call('POST', '/__fake/rate-limit', { json: { endpoint: 'nope' } })).status).toBe(400);
    expect((await h.call('POST', '/__fake/mode', { json: { mode: 'free' } })).status).toBe(400);
  });

  it('forces 429s on an endpoint until the reset it was given', async () => {
    const forced = await h.call('POST', '/__fake/rate-limit', { json: { endpoint: 'POST /2/tweets', remaining: 0, resetInSec: 60 } });
    expect(forced.json).toEqual({ bucket: 'tweets_create' });
    const limited = await h.call('POST', '/2/tweets', { token, json: { text: 'x' } });
    expect(limited.status).toBe(429);
    expectMatchesSpec('POST', '/2/tweets', 429, limited.json);
    expect(limited.headers.get('x-rate-limit-reset')).toBe(String(Math.ceil(h.clock.now / 1000) + 60));
    expect((await h.call('GET', '/2/users/me', { token })).status).toBe(200);
    h.clock.now += 60_000;
    expect((await h.call('POST', '/2/tweets', { token, json: { text: 'x' } })).status).toBe(201);
  });

  it('expires tokens and resets everything', async () => {
    await h.call('POST', '/__fake/expire-tokens');
    expect((await h.call('GET', '/2/users/me', { token })).status).toBe(401);
    await h.call('POST', '/__fake/inject/dm', { json: { from: CUSTOMER, text: 'hi' } });
    await h.call('POST', '/__fake/reset');
    const fresh = h.control.authorize().access_token;
    expect((await h.call('GET', '/2/dm_events', { token: fresh })).json).toEqual({ meta: { result_count: 0 } });
  });

  it('returns an uploaded media\'s bytes', async () => {
    const init = await h.call('POST', '/2/media/upload/initialize', { token, json: { media_type: 'image/png', total_bytes: 3, media_category: 'dm_image' } });
    await h.call('POST', `/2/media/upload/${init.json.data.id}/append`, { token, json: { media: Buffer.from('abc').toString('base64'), segment_index: 0 } });
    const got = await h.call('GET', `/__fake/media/${init.json.data.id}`);
    expect(Buffer.from(got.json.bytes, 'base64').toString()).toBe('abc');
  });
});

describe('the demo page', () => {
  it('posts as a customer through plain forms and shows what was said, escaped', async () => {
    const page = await h.call('GET', '/__fake/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Fake X — post as a customer');
    const sent = await h.call('POST', '/__fake/page/dm', { form: { username: '@mallory', name: '<b>Mal</b>', text: '<script>alert(1)</script>' } });
    expect(sent.status).toBe(302);
    const mention = await h.call('POST', '/__fake/page/mention', { form: { username: 'mallory', name: 'Mal', text: '<img src=x onerror=alert(1)>' } });
    expect(mention.status).toBe(302);
    const after = await h.call('GET', '/__fake/?said=%3Cscript%3E');
    expect(after.text).not.toContain('<img src=x');
    expect(after.text).not.toContain('<script>');
    expect(after.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const dms = await h.call('GET', '/2/dm_events?dm_event.fields=sender_id&expansions=sender_id', { token });
    expect(dms.json.data[0].text).toBe('<script>alert(1)</script>');
    expect(dms.json.includes.users[0].username).toBe('mallory');
  });
});

describe('the golden comparison', () => {
  it('notices a missing or mistyped field', () => {
    expect(missingFields(GOLDEN_DM_RECEIVED, { data: { ...GOLDEN_DM_RECEIVED.data, tag: 3 } }, {})).toEqual(['/data/tag: string expected, number found']);
    const { filter: _filter, ...noFilter } = GOLDEN_DM_RECEIVED.data;
    expect(missingFields(GOLDEN_DM_RECEIVED, { data: noFilter }, {})).toEqual(['/data/filter: missing']);
  });
});
