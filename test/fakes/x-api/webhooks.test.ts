import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../server/testing/wait-for.ts';
import { GOLDEN_DM_RECEIVED, GOLDEN_POST_MENTION, missingFields } from './golden.ts';
import { expectMatchesSpec } from './spec.ts';
import { BRAND, connect, CONSUMER_SECRET, CUSTOMER, startFake, startReceiver, subscribe, type Harness } from './testing.ts';

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let app: string;
beforeEach(async () => {
  h = await startFake();
  receiver = await startReceiver();
  app = h.control.appBearerToken;
  await connect(h);
});
afterEach(async () => {
  await h.close();
  await receiver.close();
});

const IDS = { BRAND: BRAND.id, CUST: CUSTOMER.id };

describe('webhook registration', () => {
  it('runs a real CRC against the receiver and registers the webhook', async () => {
    const res = await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } });
    expect(res.status).toBe(200);
    expectMatchesSpec('POST', '/2/webhooks', 200, res.json);
    expect(res.json.data).toMatchObject({ url: receiver.url, valid: true, created_at: '2026-07-24T21:23:23.000Z' });
    expect(receiver.state.crcTokens).toHaveLength(1);
    expect(receiver.state.crcTokens[0]).toMatch(/^[A-Za-z0-9+/=_-]{16,128}$/);
    const list = await h.call('GET', '/2/webhooks', { token: app });
    expectMatchesSpec('GET', '/2/webhooks', 200, list.json);
    expect(list.json.data).toEqual([res.json.data]);
  });

  it('refuses a receiver whose CRC answer is wrong, or a redirect', async () => {
    receiver.state.crc = 'wrong';
    const wrong = await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } });
    expect(wrong.status).toBe(400);
    expectMatchesSpec('POST', '/2/webhooks', 400, wrong.json);
    expect(wrong.json.detail).toMatch(/CRC/);
    receiver.state.crc = 'redirect';
    expect((await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } })).status).toBe(400);
    const empty = await h.call('GET', '/2/webhooks', { token: app });
    expect(empty.json).toEqual({ meta: { result_count: 0 } });
  });

  it('re-validates on PUT, marks the webhook invalid when CRC fails, and deletes', async () => {
    const id = (await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } })).json.data.id;
    const put = await h.call('PUT', `/2/webhooks/${id}`, { token: app });
    expect(put.status).toBe(200);
    expectMatchesSpec('PUT', '/2/webhooks/{webhook_id}', 200, put.json);
    receiver.state.crc = 'wrong';
    expect((await h.call('PUT', `/2/webhooks/${id}`, { token: app })).status).toBe(400);
    expect((await h.call('GET', '/2/webhooks', { token: app })).json.data[0].valid).toBe(false);
    const del = await h.call('DELETE', `/2/webhooks/${id}`, { token: app });
    expectMatchesSpec('DELETE', '/2/webhooks/{webhook_id}', 200, del.json);
    expect(del.json).toEqual({ data: { deleted: true } });
    expect((await h.call('DELETE', `/2/webhooks/${id}`, { token: app })).status).toBe(404);
  });

  it('needs the app-only bearer token', async () => {
    const user = (await connect(h)).access_token;
    const res = await h.call('POST', '/2/webhooks', { token: user, json: { url: receiver.url } });
    expect(res.status).toBe(403);
    expectMatchesSpec('POST', '/2/webhooks', 403, res.json);
    expect((await h.call('GET', '/2/webhooks')).status).toBe(401);
  });
});

describe('X Activity API subscriptions', () => {
  it('creates, lists and deletes subscriptions in X\'s shapes', async () => {
    const webhookId = (await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } })).json.data.id;
    const body = { event_type: 'dm.received', filter: { user_id: BRAND.id }, webhook_id: webhookId, tag: 'dm-inbound' };
    const created = await h.call('POST', '/2/activity/subscriptions', { token: app, json: body });
    expect(created.status).toBe(200);
    expectMatchesSpec('POST', '/2/activity/subscriptions', 200, created.json);
    expect(created.json.data.subscription).toMatchObject({ event_type: 'dm.received', filter: { user_id: BRAND.id }, webhook_id: webhookId, tag: 'dm-inbound' });
    expect((await h.call('POST', '/2/activity/subscriptions', { token: app, json: body })).status).toBe(409);
    const listed = await h.call('GET', '/2/activity/subscriptions', { token: app });
    expectMatchesSpec('GET', '/2/activity/subscriptions', 200, listed.json);
    expect(listed.json.meta.result_count).toBe(1);
    const deleted = await h.call('DELETE', `/2/activity/subscriptions/${created.json.data.subscription.subscription_id}`, { token: app });
    expectMatchesSpec('DELETE', '/2/activity/subscriptions/{subscription_id}', 200, deleted.json);
    expect(deleted.json).toMatchObject({ data: { deleted: true }, meta: { total_subscriptions: 0 } });
  });

  it('refuses private events for a user who has not authorized the app, and unknown event types', async () => {
    const webhookId = (await h.call('POST', '/2/webhooks', { token: app, json: { url: receiver.url } })).json.data.id;
    const stranger = await h.call('POST', '/2/activity/subscriptions', { token: app, json: { event_type: 'dm.received', filter: { user_id: '42' }, webhook_id: webhookId } });
    expect(stranger.status).toBe(403);
    expectMatchesSpec('POST', '/2/activity/subscriptions', 403, stranger.json);
    const unknown = await h.call('POST', '/2/activity/subscriptions', { token: app, json: { event_type: 'dm.nope', filter: { user_id: BRAND.id }, webhook_id: webhookId } });
    expect(unknown.status).toBe(400);
    expectMatchesSpec('POST', '/2/activity/subscriptions', 400, unknown.json);
  });
});

describe('deliveries', () => {
  it('delivers dm.received in the legacy shape of the brief, signed with the consumer secret', async () => {
    await subscribe(h, receiver.url, ['dm.received']);
    const injected = await h.control.injectDm({ from: CUSTOMER, text: 'hello!' });
    expect(receiver.state.received).toHaveLength(1);
    const got = receiver.state.received[0]!;
    expect(got.signatureValid).toBe(true);
    // The reference check, spelled out: base64 HMAC-SHA256 of the raw body, prefixed.
    expect(got.headers['x-twitter-webhooks-signature']).toBe(`sha256=${createHmac('sha256', CONSUMER_SECRET).update(got.raw).digest('base64')}`);
    expect(missingFields(GOLDEN_DM_RECEIVED, got.body, IDS)).toEqual([]);
    const dm = got.body.data.payload.direct_message_events[0];
    expect(dm).toMatchObject({ id: injected.dm_event_id, created_timestamp: String(h.clock.now), message_create: { sender_id: CUSTOMER.id, target: { recipient_id: BRAND.id }, message_data: { text: 'hello!' } } });
    expect(dm).not.toHaveProperty('dm_conversation_id');
    expect(got.body.data.payload.users[CUSTOMER.id]).toEqual({ data: CUSTOMER });
    expect(got.body.data).toMatchObject({ event_uuid: injected.event_uuids[0], filter: { user_id: BRAND.id }, event_type: 'dm.received', tag: 'dm-inbound' });
    expect(got.body.data.event_uuid).toMatch(/^-?[0-9]{1,19}$/);
  });

  it('delivers post.mention.create and post.reply.create as v2 posts with includes, as in the brief', async () => {
    await subscribe(h, receiver.url, ['post.mention.create', 'post.reply.create']);
    const mention = await h.control.injectMention({ from: CUSTOMER, text: 'hey @Brand' });
    const got = receiver.state.received[0]!;
    expect(got.signatureValid).toBe(true);
    expect(missingFields(GOLDEN_POST_MENTION, got.body, IDS)).toEqual([]);
    expect(got.body.data.payload).toMatchObject({ id: mention.id, text: 'hey @Brand', author_id: CUSTOMER.id, conversation_id: mention.id, entities: { mentions: [{ start: 4, end: 10, username: 'Brand', id: BRAND.id }] } });
    expect(got.body.data.includes.users[0]).toEqual(CUSTOMER);
    // The payload is a v2 Post: it must pass 2.166's Tweet schema (through the lookup answer that holds one).
    expectMatchesSpec('GET', '/2/tweets/{id}', 200, { data: got.body.data.payload, includes: got.body.data.includes });

    const token = h.control.authorize().access_token;
    const answer = await h.call('POST', '/2/tweets', { token, json: { text: 'Hi Jo', reply: { in_reply_to_tweet_id: mention.id } } });
    const reply = await h.control.injectMention({ from: CUSTOMER, text: '@Brand thanks', inReplyToTweetId: answer.json.data.id });
    expect(reply.event_type).toBe('post.reply.create');
    const second = receiver.state.received[1]!;
    expect(second.body.data.event_type).toBe('post.reply.create');
    expect(second.body.data.payload).toMatchObject({
      in_reply_to_tweet_id: answer.json.data.id,
      in_reply_to_user_id: BRAND.id,
      referenced_tweets: [{ type: 'replied_to', id: answer.json.data.id }],
      conversation_id: mention.id,
    });
  });

  it('delivers the same event again on demand, byte for byte with the same event_uuid', async () => {
    await subscribe(h, receiver.url, ['dm.received']);
    const { event_uuids } = await h.control.injectDm({ from: CUSTOMER, text: 'twice' });
    const again = await h.call('POST', '/__fake/deliver-again', { json: { event_uuid: event_uuids[0] } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, ok: true, status: 200 });
    expect(receiver.state.received).toHaveLength(2);
    expect(receiver.state.received[1]!.raw).toBe(receiver.state.received[0]!.raw);
    expect(receiver.state.received[1]!.signatureValid).toBe(true);
  });

  it('records a receiver that fails or redirects, and retries it', async () => {
    await h.close();
    h = await startFake({ retryDelaysMs: [1, 1] });
    await connect(h);
    await subscribe(h, receiver.url, ['dm.received']);
    receiver.state.postStatus = 500;
    await h.control.injectDm({ from: CUSTOMER, text: 'lost?' });
    const attempts = await waitFor(() => (h.control.deliveries().length === 3 ? h.control.deliveries() : undefined), { what: 'three attempts' });
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([[1, 500, false], [2, 500, false], [3, 500, false]]);
    receiver.state.postStatus = 302;
    await h.control.injectDm({ from: CUSTOMER, text: 'redirected' });
    const redirected = await waitFor(() => h.control.deliveries().find((d) => d.status === 302), { what: 'the redirected attempt' });
    expect(redirected).toMatchObject({ ok: false, error: 'redirect refused' });
    receiver.state.postStatus = 204;
    await h.control.injectDm({ from: CUSTOMER, text: 'no content' });
    expect(await waitFor(() => h.control.deliveries().find((d) => d.status === 204), { what: 'the 204 attempt' })).toMatchObject({ ok: false });
  });

  it('records a receiver that does not answer in time', async () => {
    await h.close();
    h = await startFake({ deliveryTimeoutMs: 100 });
    await connect(h);
    await subscribe(h, receiver.url, ['dm.received']);
    receiver.state.hang = true;
    await h.control.injectDm({ from: CUSTOMER, text: 'anyone?' });
    expect(h.control.deliveries()).toMatchObject([{ status: null, ok: false, error: 'no answer within 0.1 s' }]);
  });
});
