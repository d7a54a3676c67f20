import type { App, Ctx } from './env.ts';
import { jsonBody, list, userWith } from './env.ts';
import { byIdDesc, idLess } from './ids.ts';
import { dmPayload } from './envelopes.ts';
import { publish } from './delivery.ts';
import { invalidRequest, notAuthorizedForResource } from './problems.ts';
import { dmEventJson, mediaJson, usersJson } from './render.ts';
import type { DmEvent, FakeX } from './state.ts';
import { conversationIdOf, ID } from './state.ts';

// Direct messages (brief §2 "DM lookup" and "DM send"): 1:1 conversations only, ids "{smaller}-{larger}".

const THIRTY_DAYS = 30 * 24 * 3_600_000;
const DAY = 24 * 3_600_000;
const READ = ['dm.read', 'tweet.read', 'users.read'];
const WRITE = ['dm.write', 'tweet.read', 'users.read'];

export function registerDms(app: App, fake: FakeX): void {
  app.get('/2/dm_events', (c) => lookup(c, fake, () => true));

  app.get('/2/dm_conversations/with/:participant_id/dm_events', (c) => {
    const other = c.req.param('participant_id');
    if (!ID.test(other)) return invalidRequest(c, `The \`participant_id\` query parameter value [${other}] is not valid`);
    return lookup(c, fake, (e, me) => e.conversationId === conversationIdOf(me, other));
  });

  app.get('/2/dm_conversations/:id/dm_events', (c) => {
    const id = c.req.param('id');
    return lookup(c, fake, (e) => e.conversationId === id);
  });

  app.post('/2/dm_conversations/with/:participant_id/messages', async (c) => {
    const me = userWith(c, WRITE);
    if (me instanceof Response) return me;
    const other = c.req.param('participant_id');
    if (!ID.test(other)) return invalidRequest(c, `The \`participant_id\` path parameter value [${other}] is not valid`);
    if (other === me.userId) return invalidRequest(c, 'You cannot send a Direct Message to yourself.');
    return send(c, fake, me.userId, other);
  });

  app.post('/2/dm_conversations/:dm_conversation_id/messages', async (c) => {
    const me = userWith(c, WRITE);
    if (me instanceof Response) return me;
    const id = c.req.param('dm_conversation_id');
    const pair = /^([0-9]{1,19})-([0-9]{1,19})$/.exec(id);
    if (!pair) {
      if (/^[0-9]{15,19}$/.test(id)) return notAuthorizedForResource(c, 'Group conversations are not modelled by the fake.', 'dm_conversation', id);
      return invalidRequest(c, `The \`dm_conversation_id\` path parameter value [${id}] is not valid`);
    }
    const [, a, b] = pair as unknown as [string, string, string];
    if (a !== me.userId && b !== me.userId) return notAuthorizedForResource(c, 'You are not a participant of this conversation.', 'dm_conversation', id);
    const other = a === me.userId ? b : a;
    if (other === me.userId) return invalidRequest(c, 'You cannot send a Direct Message to yourself.');
    return send(c, fake, me.userId, other);
  });
}

function lookup(c: Ctx, fake: FakeX, match: (e: DmEvent, me: string) => boolean): Response {
  const me = userWith(c, READ);
  if (me instanceof Response) return me;
  const q = c.req.query();
  const max = q.max_results === undefined ? 100 : Number(q.max_results);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    return invalidRequest(c, 'One or more parameters to your request was invalid.', [
      { parameters: { max_results: [q.max_results ?? ''] }, message: `The \`max_results\` query parameter value [${q.max_results}] is not between 1 and 100` },
    ]);
  }
  const types = list(q.event_types);
  if (types.some((t) => !['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'].includes(t))) return invalidRequest(c, 'event_types must be MessageCreate, ParticipantsJoin or ParticipantsLeave.');
  let before: string | undefined;
  if (q.pagination_token !== undefined) {
    before = decodeToken(q.pagination_token);
    if (!before) return invalidRequest(c, 'The `pagination_token` query parameter value is not valid');
  }
  const since = fake.now() - THIRTY_DAYS;
  const all = fake.state.dms
    .filter((e) => (e.senderId === me.userId || e.recipientId === me.userId) && e.createdAt >= since && match(e, me.userId))
    .filter((e) => types.length === 0 || types.includes('MessageCreate'))
    .sort(byIdDesc)
    .filter((e) => !before || idLess(e.id, before));
  const page = all.slice(0, max);
  const fields = list(q['dm_event.fields']);
  const expansions = list(q.expansions);
  if (page.length === 0) return c.json({ meta: { result_count: 0 } });
  const includes: Record<string, unknown[]> = {};
  const userIds = expansions.includes('sender_id') ? page.map((e) => e.senderId) : [];
  if (expansions.includes('participant_ids')) for (const e of page) userIds.push(e.senderId, e.recipientId);
  if (userIds.length) includes.users = usersJson(fake, userIds);
  if (expansions.includes('attachments.media_keys')) {
    const keys = new Set(page.flatMap((e) => e.mediaKeys));
    const media = [...fake.state.media.values()].filter((m) => keys.has(m.key)).map((m) => mediaJson(fake, m, list(q['media.fields']), new URL(c.req.url).origin));
    if (media.length) includes.media = media;
  }
  const last = page[page.length - 1]!;
  const meta: Record<string, unknown> = { result_count: page.length };
  if (all.length > page.length) meta.next_token = encodeToken(last.id);
  return c.json({ data: page.map((e) => dmEventJson(e, fields)), ...(Object.keys(includes).length ? { includes } : {}), meta });
}

async function send(c: Ctx, fake: FakeX, from: string, to: string): Promise<Response> {
  const body = await jsonBody(c);
  if (!body) return invalidRequest(c, 'The body must be a JSON object with text or attachments.');
  const { text, attachments } = body;
  if (text !== undefined && (typeof text !== 'string' || text.length === 0)) return invalidRequest(c, 'text must be a non-empty string.');
  if (attachments !== undefined && !Array.isArray(attachments)) return invalidRequest(c, 'attachments must be an array.');
  const atts = (attachments ?? []) as unknown[];
  if (text === undefined && atts.length === 0) return invalidRequest(c, 'Either text or attachments is required.');
  if (typeof text === 'string' && [...text].length > 10_000) return invalidRequest(c, 'text is longer than 10000 characters.');
  if (atts.length > 1) return invalidRequest(c, 'A Direct Message may carry at most one attachment.');
  const mediaKeys: string[] = [];
  for (const a of atts) {
    const id = (a as { media_id?: unknown } | null)?.media_id;
    const media = typeof id === 'string' ? fake.state.media.get(id) : undefined;
    if (!media || media.state !== 'finalized' || media.ownerId !== from || media.createdAt < fake.now() - DAY) {
      return invalidRequest(c, `media_id ${JSON.stringify(id)} is not a finalized upload by this user from the last 24 hours.`);
    }
    mediaKeys.push(media.key);
  }
  const event = addDm(fake, { senderId: from, recipientId: to, text: typeof text === 'string' ? text : '', mediaKeys, viaApi: true });
  // Ack first, as X does; the echo reaches webhooks right after.
  void publish(fake, { eventType: 'dm.sent', userId: from, payload: dmPayload(fake, event) });
  return c.json({ data: { dm_conversation_id: event.conversationId, dm_event_id: event.id } }, 201);
}

export function addDm(fake: FakeX, e: Omit<DmEvent, 'id' | 'createdAt' | 'conversationId'>): DmEvent {
  const event: DmEvent = { ...e, id: fake.nextId(), createdAt: fake.now(), conversationId: conversationIdOf(e.senderId, e.recipientId) };
  fake.state.dms.push(event);
  return event;
}

// Opaque to clients, as X's tokens are; the fake keeps the last id seen in it.
const encodeToken = (id: string) => Buffer.from(`dm:${id}`).toString('base64url');
function decodeToken(token: string): string | undefined {
  const raw = Buffer.from(token, 'base64url').toString();
  const id = raw.startsWith('dm:') ? raw.slice(3) : '';
  return ID.test(id) ? id : undefined;
}
