import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../server/testing/wait-for.ts';
import { expectMatchesSpec } from './spec.ts';
import { BRAND, connect, CUSTOMER, startFake, startReceiver, subscribe, type Harness } from './testing.ts';

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startFake();
  token = (await connect(h)).access_token;
});
afterEach(() => h.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('DM lookup', () => {
  it('lists an injected DM newest first, with the fields and expansions asked for', async () => {
    await h.control.injectDm({ from: CUSTOMER, text: 'first' });
    h.clock.now += 1000;
    await h.control.injectDm({ from: CUSTOMER, text: 'Bonjour' });
    const res = await h.call('GET', '/2/dm_events?dm_event.fields=id,text,sender_id,dm_conversation_id,created_at,event_type&expansions=sender_id', { token });
    expect(res.status).toBe(200);
    expectMatchesSpec('GET', '/2/dm_events', 200, res.json);
    expect(res.json.data.map((e: { text: string }) => e.text)).toEqual(['Bonjour', 'first']);
    expect(res.json.data[0]).toMatchObject({ event_type: 'MessageCreate', sender_id: CUSTOMER.id, dm_conversation_id: `${BRAND.id}-${CUSTOMER.id}`, created_at: '2026-07-24T21:23:24.000Z' });
    expect(res.json.includes.users).toEqual([CUSTOMER]);
    expect(res.json.meta).toEqual({ result_count: 2 });
  });

  it('gives only id, event_type and text by default, and an empty page as meta alone', async () => {
    const empty = await h.call('GET', '/2/dm_events', { token });
    expectMatchesSpec('GET', '/2/dm_events', 200, empty.json);
    expect(empty.json).toEqual({ meta: { result_count: 0 } });
    await h.control.injectDm({ from: CUSTOMER, text: 'hi' });
    const res = await h.call('GET', '/2/dm_events', { token });
    expect(Object.keys(res.json.data[0]).sort()).toEqual(['event_type', 'id', 'text']);
  });

  it('pages with next_token and refuses max_results outside 1–100', async () => {
    for (let i = 0; i < 3; i++) await h.control.injectDm({ from: CUSTOMER, text: `m${i}` });
    const first = await h.call('GET', '/2/dm_events?max_results=2', { token });
    expect(first.json.data.map((e: { text: string }) => e.text)).toEqual(['m2', 'm1']);
    expect(first.json.meta.next_token).toBeTruthy();
    const second = await h.call('GET', `/2/dm_events?max_results=2&pagination_token=${first.json.meta.next_token}`, { token });
    expectMatchesSpec('GET', '/2/dm_events', 200, second.json);
    expect(second.json.data.map((e: { text: string }) => e.text)).toEqual(['m0']);
    expect(second.json.meta.next_token).toBeUndefined();
    const bad = await h.call('GET', '/2/dm_events?max_results=101', { token });
    expect(bad.status).toBe(400);
    expectMatchesSpec('GET', '/2/dm_events', 400, bad.json);
  });

  it('lists one conversation by participant', async () => {
    await h.control.injectDm({ from: CUSTOMER, text: 'from jo' });
    await h.control.injectDm({ from: { id: '55', username: 'other', name: 'Other' }, text: 'from other' });
    const res = await h.call('GET', `/2/dm_conversations/with/${CUSTOMER.id}/dm_events`, { token });
    expectMatchesSpec('GET', '/2/dm_conversations/with/{participant_id}/dm_events', 200, res.json);
    expect(res.json.data.map((e: { text: string }) => e.text)).toEqual(['from jo']);
    const byId = await h.call('GET', `/2/dm_conversations/${BRAND.id}-${CUSTOMER.id}/dm_events`, { token });
    expectMatchesSpec('GET', '/2/dm_conversations/{id}/dm_events', 200, byId.json);
    expect(byId.json.data.map((e: { text: string }) => e.text)).toEqual(['from jo']);
  });

  it('refuses the app-only token on DM endpoints', async () => {
    const res = await h.call('GET', '/2/dm_events', { token: h.control.appBearerToken });
    expect(res.status).toBe(403);
    expectMatchesSpec('GET', '/2/dm_events', 403, res.json);
  });

  it('serves an inbound image behind the user token, at the url in includes.media', async () => {
    const injected = await h.control.injectDm({ from: CUSTOMER, text: 'look', media: { bytes: PNG.toString('base64'), type: 'image/png' } });
    const res = await h.call('GET', '/2/dm_events?dm_event.fields=attachments&expansions=attachments.media_keys&media.fields=url,type', { token });
    expectMatchesSpec('GET', '/2/dm_events', 200, res.json);
    expect(res.json.data[0].attachments).toEqual({ media_keys: [injected.media_key] });
    const media = res.json.includes.media[0];
    expect(media).toMatchObject({ media_key: injected.media_key, type: 'photo' });
    const withToken = await fetch(media.url, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(PNG);
    expect((await fetch(media.url)).status).toBe(401);
  });
});

describe('DM send', () => {
  it('answers 201 with the 1:1 conversation id, and shows the DM to polling and to the test', async () => {
    const res = await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { text: 'Hello Jo' } });
    expect(res.status).toBe(201);
    expectMatchesSpec('POST', '/2/dm_conversations/with/{participant_id}/messages', 201, res.json);
    expect(res.json.data.dm_conversation_id).toBe(`${BRAND.id}-${CUSTOMER.id}`);
    const byConversation = await h.call('POST', `/2/dm_conversations/${res.json.data.dm_conversation_id}/messages`, { token, json: { text: 'again' } });
    expect(byConversation.status).toBe(201);
    expectMatchesSpec('POST', '/2/dm_conversations/{dm_conversation_id}/messages', 201, byConversation.json);
    expect(h.control.sentDms().map((d) => [d.recipient_id, d.text])).toEqual([[CUSTOMER.id, 'Hello Jo'], [CUSTOMER.id, 'again']]);
    const listed = await h.call('GET', '/2/dm_events?dm_event.fields=sender_id', { token });
    expect(listed.json.data[0]).toMatchObject({ text: 'again', sender_id: BRAND.id });
  });

  it('refuses a body without text or attachment, and a conversation the user is not in', async () => {
    const empty = await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: {} });
    expect(empty.status).toBe(400);
    expectMatchesSpec('POST', '/2/dm_conversations/with/{participant_id}/messages', 400, empty.json);
    const notMine = await h.call('POST', '/2/dm_conversations/1-2/messages', { token, json: { text: 'x' } });
    expect(notMine.status).toBe(403);
    expectMatchesSpec('POST', '/2/dm_conversations/{dm_conversation_id}/messages', 403, notMine.json);
  });

  it('answers 429 after 15 sends in 15 minutes, with the reset in epoch seconds, and sends again after it', async () => {
    const send = () => h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { text: 'hi' } });
    for (let i = 0; i < 15; i++) {
      const ok = await send();
      expect(ok.status).toBe(201);
      expect(ok.headers.get('x-rate-limit-remaining')).toBe(String(14 - i));
    }
    const limited = await send();
    expect(limited.status).toBe(429);
    expectMatchesSpec('POST', '/2/dm_conversations/with/{participant_id}/messages', 429, limited.json);
    expect(limited.headers.get('x-rate-limit-limit')).toBe('15');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset).toBe(Math.ceil((h.clock.now + 15 * 60_000) / 1000));
    expect(limited.headers.get('x-user-limit-24hour-limit')).toBe('1440');
    h.clock.now = reset * 1000;
    expect((await send()).status).toBe(201);
    expect(h.control.sentDms()).toHaveLength(16);
  });

  it('sends an uploaded image as the one attachment', async () => {
    const init = await h.call('POST', '/2/media/upload/initialize', { token, json: { media_type: 'image/png', total_bytes: PNG.length, media_category: 'dm_image' } });
    const id = init.json.data.id;
    await h.call('POST', `/2/media/upload/${id}/append`, { token, json: { media: PNG.toString('base64'), segment_index: 0 } });
    await h.call('POST', `/2/media/upload/${id}/finalize`, { token });
    const res = await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { attachments: [{ media_id: id }] } });
    expect(res.status).toBe(201);
    expect(h.control.sentDms()[0]!.media_keys).toEqual([`3_${id}`]);
    const two = await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { text: 'x', attachments: [{ media_id: id }, { media_id: id }] } });
    expect(two.status).toBe(400);
  });

  it('echoes a sent DM to webhooks as dm.sent', async () => {
    const receiver = await startReceiver();
    try {
      await subscribe(h, receiver.url, ['dm.sent', 'dm.received']);
      const res = await h.call('POST', `/2/dm_conversations/with/${CUSTOMER.id}/messages`, { token, json: { text: 'echo me' } });
      const echo = await waitFor(() => receiver.state.received.find((r) => r.body.data.event_type === 'dm.sent'), { what: 'the dm.sent echo' });
      expect(echo.signatureValid).toBe(true);
      const dm = echo.body.data.payload.direct_message_events[0];
      expect(dm).toMatchObject({ id: res.json.data.dm_event_id, message_create: { sender_id: BRAND.id, target: { recipient_id: CUSTOMER.id }, message_data: { text: 'echo me' } } });
      expect(echo.body.data.filter).toEqual({ user_id: BRAND.id });
    } finally {
      await receiver.close();
    }
  });
});
