import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectMatchesSpec } from './spec.ts';
import { BRAND, connect, CUSTOMER, startFake, type Harness } from './testing.ts';

let h: Harness;
let token: string;
beforeEach(async () => {
  h = await startFake();
  token = (await connect(h)).access_token;
});
afterEach(() => h.close());

const post = (json: unknown) => h.call('POST', '/2/tweets', { token, json });

describe('posts', () => {
  it('creates a post: 201 with id, text and edit history, listed for the test', async () => {
    const res = await post({ text: 'Hello from the brand' });
    expect(res.status).toBe(201);
    expectMatchesSpec('POST', '/2/tweets', 201, res.json);
    expect(res.json.data).toEqual({ id: res.json.data.id, text: 'Hello from the brand', edit_history_tweet_ids: [res.json.data.id] });
    expect(h.control.posts()).toMatchObject([{ id: res.json.data.id, text: 'Hello from the brand', author_id: BRAND.id }]);
  });

  it('refuses text over 280 weighted characters (CJK weighs 2)', async () => {
    expect((await post({ text: 'a'.repeat(280) })).status).toBe(201);
    const long = await post({ text: 'a'.repeat(281) });
    expect(long.status).toBe(400);
    expectMatchesSpec('POST', '/2/tweets', 400, long.json);
    expect((await post({ text: '日'.repeat(140) })).status).toBe(201);
    expect((await post({ text: '日'.repeat(141) })).status).toBe(400);
  });

  it('in self-serve, replies only where the author summoned the brand', async () => {
    const mention = await h.control.injectMention({ from: CUSTOMER, text: 'hey @Brand help' });
    const ok = await post({ text: 'On it!', reply: { in_reply_to_tweet_id: mention.id } });
    expect(ok.status).toBe(201);
    expect(h.control.posts().at(-1)).toMatchObject({ reply: { in_reply_to_tweet_id: mention.id }, conversation_id: mention.id });
    // The customer answers in the thread without naming the brand again: still engaged with the brand.
    const followUp = await h.control.injectMention({ from: CUSTOMER, text: '@Brand thanks', inReplyToTweetId: ok.json.data.id });
    expect(followUp.event_type).toBe('post.reply.create');
    expect((await post({ text: 'welcome', reply: { in_reply_to_tweet_id: followUp.id } })).status).toBe(201);

    const quote = await h.control.injectMention({ from: CUSTOMER, text: 'look at this', quote: true });
    expect((await post({ text: 'thanks for sharing', reply: { in_reply_to_tweet_id: quote.id } })).status).toBe(201);

    // A bystander answers the customer in the thread without naming the brand: out of bounds for self-serve.
    const other = { id: '77', username: 'bystander', name: 'By Stander' };
    const bystander = await h.control.injectMention({ from: other, text: 'me too', inReplyToTweetId: mention.id, mentionBrand: false });
    expect(bystander).toMatchObject({ conversation_id: mention.id, event_type: null });
    const unsummoned = bystander.id;
    const refused = await post({ text: 'hello', reply: { in_reply_to_tweet_id: unsummoned } });
    expect(refused.status).toBe(403);
    expectMatchesSpec('POST', '/2/tweets', 403, refused.json);
    expect(refused.json.detail).toMatch(/not been mentioned or otherwise engaged/);

    h.control.setMode('enterprise');
    expect((await post({ text: 'hello', reply: { in_reply_to_tweet_id: unsummoned } })).status).toBe(201);
  });

  it('looks a post up by id, and answers a missing one with a partial error', async () => {
    const mention = await h.control.injectMention({ from: CUSTOMER, text: '@Brand hi' });
    const res = await h.call('GET', `/2/tweets/${mention.id}?tweet.fields=author_id,conversation_id,created_at,entities&expansions=author_id`, { token });
    expect(res.status).toBe(200);
    expectMatchesSpec('GET', '/2/tweets/{id}', 200, res.json);
    expect(res.json.data).toMatchObject({ id: mention.id, author_id: CUSTOMER.id, conversation_id: mention.id, entities: { mentions: [{ start: 0, end: 6, username: 'Brand', id: BRAND.id }] } });
    expect(res.json.includes.users).toEqual([CUSTOMER]);
    const missing = await h.call('GET', '/2/tweets/123', { token });
    expect(missing.status).toBe(200);
    expectMatchesSpec('GET', '/2/tweets/{id}', 200, missing.json);
    expect(missing.json.errors[0]).toMatchObject({ resource_id: '123', type: 'https://api.x.com/2/problems/resource-not-found' });
  });
});

describe('the mentions timeline', () => {
  it('lists mentions and replies newest first with meta, since_id and pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      h.clock.now += 1000;
      ids.push((await h.control.injectMention({ from: CUSTOMER, text: `@Brand n${i}` })).id);
    }
    const url = `/2/users/${BRAND.id}/mentions?max_results=5&tweet.fields=author_id,conversation_id,created_at,in_reply_to_user_id,referenced_tweets,entities&expansions=author_id`;
    const first = await h.call('GET', url, { token });
    expect(first.status).toBe(200);
    expectMatchesSpec('GET', '/2/users/{id}/mentions', 200, first.json);
    expect(first.json.data.map((p: { id: string }) => p.id)).toEqual(ids.slice(1).reverse());
    expect(first.json.meta).toMatchObject({ result_count: 5, newest_id: ids[5], oldest_id: ids[1] });
    const second = await h.call('GET', `${url}&pagination_token=${first.json.meta.next_token}`, { token });
    expect(second.json.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    const since = await h.call('GET', `/2/users/${BRAND.id}/mentions?since_id=${ids[4]}`, { token });
    expect(since.json.data.map((p: { id: string }) => p.id)).toEqual([ids[5]]);
    const none = await h.call('GET', `/2/users/${BRAND.id}/mentions?since_id=${ids[5]}`, { token });
    expectMatchesSpec('GET', '/2/users/{id}/mentions', 200, none.json);
    expect(none.json).toEqual({ meta: { result_count: 0 } });
    // Mentions are open to the app-only bearer too (2.166's security list).
    const asApp = await h.call('GET', `/2/users/${BRAND.id}/mentions`, { token: h.control.appBearerToken });
    expect(asApp.json.meta.result_count).toBe(6);
    const tooFew = await h.call('GET', `/2/users/${BRAND.id}/mentions?max_results=4`, { token });
    expect(tooFew.status).toBe(400);
    expectMatchesSpec('GET', '/2/users/{id}/mentions', 400, tooFew.json);
  });

  it('threads a reply: conversation_id of the root, replied_to, in_reply_to_user_id', async () => {
    const root = await h.control.injectMention({ from: CUSTOMER, text: '@Brand root' });
    const answer = await post({ text: 'answer', reply: { in_reply_to_tweet_id: root.id } });
    const reply = await h.control.injectMention({ from: CUSTOMER, text: 'more', inReplyToTweetId: answer.json.data.id });
    const res = await h.call('GET', `/2/tweets/${reply.id}?tweet.fields=conversation_id,in_reply_to_user_id,referenced_tweets`, { token });
    expect(res.json.data).toMatchObject({
      conversation_id: root.id,
      in_reply_to_user_id: BRAND.id,
      referenced_tweets: [{ type: 'replied_to', id: answer.json.data.id }],
      text: '@Brand more',
    });
  });
});

describe('likes', () => {
  it('are refused in self-serve and allowed in enterprise', async () => {
    const mention = await h.control.injectMention({ from: CUSTOMER, text: '@Brand like me' });
    const refused = await h.call('POST', `/2/users/${BRAND.id}/likes`, { token, json: { tweet_id: mention.id } });
    expect(refused.status).toBe(403);
    expectMatchesSpec('POST', '/2/users/{id}/likes', 403, refused.json);
    const refusedUnlike = await h.call('DELETE', `/2/users/${BRAND.id}/likes/${mention.id}`, { token });
    expect(refusedUnlike.status).toBe(403);

    h.control.setMode('enterprise');
    const liked = await h.call('POST', `/2/users/${BRAND.id}/likes`, { token, json: { tweet_id: mention.id } });
    expect(liked.status).toBe(200);
    expectMatchesSpec('POST', '/2/users/{id}/likes', 200, liked.json);
    expect(liked.json).toEqual({ data: { liked: true } });
    expect(h.control.likes()).toMatchObject([{ user_id: BRAND.id, tweet_id: mention.id }]);
    const unliked = await h.call('DELETE', `/2/users/${BRAND.id}/likes/${mention.id}`, { token });
    expectMatchesSpec('DELETE', '/2/users/{id}/likes/{tweet_id}', 200, unliked.json);
    expect(unliked.json).toEqual({ data: { liked: false } });
    expect(h.control.likes()).toEqual([]);
  });
});
