import { describe, expect, it } from 'vitest';
import { dmConversationIdOf, dmsOfPage, eventsOfWebhook, postsOfMentionsPage, webhookHead } from './inbound-schemas.ts';
import { crcResponse, CRC_TOKEN, signatureOf, verifySignature } from './webhook-signature.ts';
import { dmClientId, postClientId } from './x-ids.ts';

const BRAND = { id: '17200003', username: 'Brand' };

/** The brief's captures (§2), as X sends them. */
const XAA_DM = {
  data: {
    event_uuid: '-6850472171600526495',
    filter: { user_id: BRAND.id },
    event_type: 'dm.received',
    tag: 'dm-inbound',
    payload: {
      direct_message_events: [
        {
          type: 'message_create',
          id: '2080765901528535096',
          created_timestamp: '1784928224372',
          message_create: { target: { recipient_id: BRAND.id }, sender_id: '944480690', message_data: { text: 'hello!', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } } },
        },
      ],
      users: { '944480690': { data: { id: '944480690', username: 'cust', name: 'Cust' } }, [BRAND.id]: { data: { id: BRAND.id, username: 'Brand', name: 'Brand' } } },
    },
  },
};

const XAA_MENTION = {
  data: {
    event_uuid: '2080765813578191303',
    filter: { user_id: BRAND.id },
    event_type: 'post.mention.create',
    tag: 'mentions',
    payload: {
      id: '2080765813578191303',
      text: 'hey @Brand',
      author_id: '944480690',
      conversation_id: '2080765813578191303',
      created_at: '2026-07-24T21:23:23.000Z',
      entities: { mentions: [{ start: 4, end: 10, username: 'Brand', id: BRAND.id }] },
    },
    includes: { users: [{ id: '944480690', username: 'cust', name: 'Cust' }], tweets: [{ id: '2080765813578191303' }] },
  },
};

describe('X inbound payloads', () => {
  it('reads the X Activity API DM envelope (legacy shape): the thread id is computed, times are epoch ms', () => {
    expect(webhookHead(XAA_DM)).toEqual({ shape: 'xaa', eventUuid: '-6850472171600526495', eventType: 'dm.received', userId: BRAND.id });
    const { dms, posts, ignored } = eventsOfWebhook(XAA_DM, BRAND);
    expect(posts).toEqual([]);
    expect(ignored).toEqual([]);
    expect(dms).toEqual([
      {
        eventId: '2080765901528535096',
        dmConversationId: `${BRAND.id}-944480690`,
        sender: { id: '944480690', username: 'cust', name: 'Cust' },
        recipientId: BRAND.id,
        text: 'hello!',
        media: [],
        createdAt: new Date(1784928224372),
      },
    ]);
  });

  it('reads an image DM: the media URL is kept and the t.co link dropped from the text', () => {
    const body = structuredClone(XAA_DM);
    const data = body.data.payload.direct_message_events[0]!.message_create.message_data as Record<string, unknown>;
    data.text = 'look https://t.co/AbC123';
    data.attachment = { type: 'media', media: { id_str: '55', media_url_https: 'https://ton.twitter.com/1.1/ton/data/dm/1/55/x.jpg', type: 'photo' } };
    const [dm] = eventsOfWebhook(body, BRAND).dms;
    expect(dm!.text).toBe('look');
    expect(dm!.media).toEqual([{ mediaKey: '3_55', url: 'https://ton.twitter.com/1.1/ton/data/dm/1/55/x.jpg', type: 'photo' }]);
  });

  it('reads v2 post events: a mention summons the brand, a reply carries what it answers', () => {
    const [post] = eventsOfWebhook(XAA_MENTION, BRAND).posts;
    expect(post).toMatchObject({ id: '2080765813578191303', author: { id: '944480690', username: 'cust', name: 'Cust' }, conversationId: '2080765813578191303', inReplyToPostId: null, summonedBrand: true });
    const reply = structuredClone(XAA_MENTION) as { data: { event_type: string; payload: Record<string, unknown> } };
    reply.data.event_type = 'post.reply.create';
    Object.assign(reply.data.payload, { id: '2080765813578191400', text: 'thanks', entities: undefined, in_reply_to_tweet_id: '2080765813578191303', in_reply_to_user_id: BRAND.id, referenced_tweets: [{ type: 'replied_to', id: '2080765813578191303' }] });
    expect(eventsOfWebhook(reply, BRAND).posts[0]).toMatchObject({ inReplyToPostId: '2080765813578191303', inReplyToUserId: BRAND.id, summonedBrand: false });
  });

  it('reads the old Account Activity body: DMs with v1.1 users, and v1.1 tweets (not the brand\'s own)', () => {
    const body = {
      for_user_id: BRAND.id,
      direct_message_events: XAA_DM.data.payload.direct_message_events,
      users: { '944480690': { id: '944480690', screen_name: 'cust', name: 'Cust' } },
      tweet_create_events: [
        { id_str: '900', text: '@Brand help', created_at: 'Wed Oct 10 20:19:24 +0000 2018', user: { id_str: '944480690', screen_name: 'cust', name: 'Cust' }, entities: { user_mentions: [{ id_str: BRAND.id, screen_name: 'Brand' }] } },
        { id_str: '901', text: 'our own', user: { id_str: BRAND.id, screen_name: 'Brand', name: 'Brand' } },
      ],
    };
    expect(webhookHead(body)).toEqual({ shape: 'aaa', eventUuid: null, eventType: 'aaa', userId: BRAND.id });
    const { dms, posts } = eventsOfWebhook(body, BRAND);
    expect(dms[0]!.sender).toEqual({ id: '944480690', username: 'cust', name: 'Cust' });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ id: '900', conversationId: '900', summonedBrand: true, createdAt: new Date('2018-10-10T20:19:24Z') });
  });

  it('ignores unknown event types and malformed events, never throws', () => {
    const unknown = { data: { ...XAA_DM.data, event_type: 'chat.received', payload: { whatever: 1 } } };
    expect(eventsOfWebhook(unknown, BRAND)).toEqual({ dms: [], posts: [], ignored: ['event type chat.received'] });
    const broken = { data: { ...XAA_DM.data, payload: { direct_message_events: [{ type: 'message_create', id: 'not-an-id' }] } } };
    expect(eventsOfWebhook(broken, BRAND).ignored).toEqual(['direct_message_events: malformed event']);
    expect(eventsOfWebhook('nonsense', BRAND).ignored).toEqual(['unknown body']);
    expect(webhookHead({ data: { event_uuid: 'x' } })).toBeNull();
  });

  it('reads v2 dm_events pages (oldest first) and mentions pages', () => {
    const page = {
      data: [
        { id: '1582838499983564807', event_type: 'MessageCreate', text: 'second', sender_id: BRAND.id, dm_conversation_id: `${BRAND.id}-944480690`, created_at: '2022-10-19T20:59:00.000Z' },
        { id: '1582838499983564806', event_type: 'MessageCreate', text: 'Bonjour', sender_id: '944480690', dm_conversation_id: `${BRAND.id}-944480690`, created_at: '2022-10-19T20:58:00.000Z', attachments: { media_keys: ['3_1'] } },
        { id: '1582838499983564805', event_type: 'ParticipantsJoin', dm_conversation_id: '1582838499983564000' },
      ],
      includes: { users: [{ id: '944480690', name: 'Jo', username: 'jo' }], media: [{ media_key: '3_1', type: 'photo', url: 'https://ton.twitter.com/x.jpg' }] },
      meta: { result_count: 3 },
    };
    const dms = dmsOfPage(page, BRAND.id);
    expect(dms.map((d) => d.text)).toEqual(['Bonjour', 'second']);
    expect(dms[0]).toMatchObject({ sender: { id: '944480690', username: 'jo', name: 'Jo' }, recipientId: BRAND.id, media: [{ mediaKey: '3_1', url: 'https://ton.twitter.com/x.jpg', type: 'photo' }] });
    expect(dms[1]!.recipientId).toBe('944480690');
    const mentions = postsOfMentionsPage({ data: [XAA_MENTION.data.payload], includes: XAA_MENTION.data.includes, meta: { newest_id: '2080765813578191303' } }, BRAND);
    expect(mentions[0]).toMatchObject({ id: '2080765813578191303', summonedBrand: true });
  });

  it('computes 1:1 thread ids as numbers, not strings', () => {
    expect(dmConversationIdOf('944480690', '17200003')).toBe('17200003-944480690');
    expect(dmConversationIdOf('9', '10')).toBe('9-10');
  });

  it('gives the same client id to the same X object, whichever way it came', () => {
    expect(dmClientId('1')).toBe(dmClientId('1'));
    expect(dmClientId('1')).not.toBe(postClientId('1'));
    expect(dmClientId('1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('X webhook signatures', () => {
  it('answers the CRC as X computes it, and only for tokens shaped like X\'s', () => {
    // X's documented example: HMAC-SHA256 base64 of the token.
    expect(crcResponse('secret', 'abcdefghijklmnop')).toEqual({ response_token: signatureOf('secret', 'abcdefghijklmnop') });
    expect(CRC_TOKEN.test('{"data":{"event_uuid":"1"}}')).toBe(false);
    expect(CRC_TOKEN.test('short')).toBe(false);
    expect(() => crcResponse('secret', '{"forged":"body"}')).toThrow();
  });

  it('verifies the raw bytes: any change, another secret or a missing header fails', () => {
    const body = new TextEncoder().encode(JSON.stringify(XAA_DM));
    const header = signatureOf('consumer', body);
    expect(verifySignature('consumer', body, header)).toBe(true);
    expect(verifySignature('other', body, header)).toBe(false);
    expect(verifySignature('consumer', new TextEncoder().encode(JSON.stringify(XAA_DM) + ' '), header)).toBe(false);
    expect(verifySignature('consumer', body, undefined)).toBe(false);
    expect(verifySignature('consumer', body, 'sha256=short')).toBe(false);
  });
});
