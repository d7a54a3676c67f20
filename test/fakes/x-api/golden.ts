// The webhook envelopes as channels/x/BRIEF.md §2 documents them, verbatim (they are not in the OpenAPI file).
// The tests compare the fake's deliveries with these field by field: every field here, at the same place, of
// the same JSON type.

export const GOLDEN_POST_MENTION = {
  data: {
    event_uuid: '2080765813578191303',
    filter: { user_id: 'BRAND' },
    event_type: 'post.mention.create',
    tag: 'mentions',
    payload: {
      id: '2080765813578191303',
      text: 'hey @Brand',
      author_id: 'CUST',
      conversation_id: '2080765813578191303',
      created_at: '2026-07-24T21:23:23.000Z',
      entities: { mentions: [{ start: 4, end: 10, username: 'Brand', id: 'BRAND' }] },
    },
    includes: { users: [{ id: 'CUST', username: 'cust', name: 'Cust' }], tweets: [{ id: '2080765813578191303' }] },
  },
};

export const GOLDEN_DM_RECEIVED = {
  data: {
    event_uuid: '-6850472171600526495',
    filter: { user_id: 'BRAND' },
    event_type: 'dm.received',
    tag: 'dm-inbound',
    payload: {
      direct_message_events: [
        {
          type: 'message_create',
          id: '2080765901528535096',
          created_timestamp: '1784928224372',
          message_create: {
            target: { recipient_id: 'BRAND' },
            sender_id: 'CUST',
            message_data: { text: 'hello!', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
          },
        },
      ],
      users: { CUST: { data: { id: 'CUST', username: 'cust', name: 'Cust' } } },
    },
  },
};

/**
 * The paths of `golden` missing from `actual` or of another JSON type. Placeholder keys ("CUST", "BRAND") in
 * the `users` map stand for real ids, given in `ids`.
 */
export function missingFields(golden: unknown, actual: unknown, ids: Record<string, string>, path = ''): string[] {
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(golden) !== kind(actual)) return [`${path || '/'}: ${kind(golden)} expected, ${kind(actual)} found`];
  if (Array.isArray(golden)) {
    const a = actual as unknown[];
    if (golden.length && !a.length) return [`${path}: empty`];
    return golden.length ? missingFields(golden[0], a[0], ids, `${path}[0]`) : [];
  }
  if (golden && typeof golden === 'object') {
    return Object.entries(golden).flatMap(([k, v]) => {
      const key = ids[k] ?? k;
      const here = `${path}/${key}`;
      return key in (actual as object) ? missingFields(v, (actual as Record<string, unknown>)[key], ids, here) : [`${here}: missing`];
    });
  }
  return [];
}
