import { randomBytes } from 'node:crypto';
import type { App } from './env.ts';
import { appOnly, appOrUserWith, jsonBody } from './env.ts';
import { signature } from './delivery.ts';
import { conflict, invalidRequest, notFound, problem } from './problems.ts';
import type { FakeX, Subscription, Webhook } from './state.ts';
import { ID, iso } from './state.ts';

// V2 webhooks (app-only bearer) and X Activity API subscriptions. Registering or PUTting a webhook runs a real
// CRC: a GET to url?crc_token=… that must answer {"response_token":"sha256="+base64(HMAC(consumer secret, token))}.

const CRC_TIMEOUT_MS = 10_000;

// The spec's ActivitySubscriptionCreateRequest enum (2.166) plus the post.* events the XAA docs list for the
// brand's mentions and replies (brief §2), which the 2.166 enum does not have yet.
export const EVENT_TYPES = new Set([
  'profile.update.bio', 'profile.update.profile_picture', 'profile.update.banner_picture', 'profile.update.screenname',
  'profile.update.geo', 'profile.update.url', 'profile.update.verified_badge', 'profile.update.affiliate_badge',
  'profile.update.handle', 'news.new', 'follow.follow', 'follow.unfollow', 'spaces.start', 'spaces.end',
  'chat.received', 'chat.sent', 'chat.conversation_join', 'dm.sent', 'dm.received', 'dm.indicate_typing', 'dm.read',
  'post.create', 'post.delete', 'post.mention.create', 'post.reply.create',
]);

/** Events about a user's private activity: X delivers them only if that user authorized the app. */
const PRIVATE = /^(dm|chat|post\.mention|post\.reply)\./;

export type CrcResult = { ok: true } | { ok: false; reason: string };

export async function runCrc(fake: FakeX, url: string): Promise<CrcResult> {
  const token = randomBytes(32).toString('base64url');
  const target = new URL(url);
  target.searchParams.set('crc_token', token);
  try {
    const res = await (fake.options.webhookFetch ?? fetch)(target, { redirect: 'manual', signal: AbortSignal.timeout(CRC_TIMEOUT_MS) });
    const text = await res.text();
    if (res.status >= 300 && res.status < 400) return { ok: false, reason: `the CRC GET was answered ${res.status} (redirects are refused)` };
    if (res.status !== 200) return { ok: false, reason: `the CRC GET was answered ${res.status}` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'the CRC answer is not JSON' };
    }
    const got = (body as { response_token?: unknown })?.response_token;
    return got === signature(fake.options.consumerSecret, token) ? { ok: true } : { ok: false, reason: 'the CRC response_token is wrong' };
  } catch (err) {
    return { ok: false, reason: `the CRC GET failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const webhookJson = (w: Webhook) => ({ id: w.id, url: w.url, valid: w.valid, created_at: iso(w.createdAt) });

const subscriptionJson = (s: Subscription) => ({
  subscription_id: s.id,
  event_type: s.eventType,
  filter: { user_id: s.userId },
  ...(s.tag !== undefined ? { tag: s.tag } : {}),
  webhook_id: s.webhookId,
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

export function registerWebhooks(app: App, fake: FakeX): void {
  app.post('/2/webhooks', async (c) => {
    const ok = appOnly(c);
    if (ok !== true) return ok;
    const url = (await jsonBody(c))?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url)) return invalidRequest(c, 'url must be an absolute https URL.');
    const existing = [...fake.state.webhooks.values()];
    if (existing.some((w) => w.url === url)) return invalidRequest(c, 'DuplicateUrlFailed: a webhook with this url is already registered.');
    if (existing.length >= (fake.options.maxWebhooks ?? 1)) return invalidRequest(c, 'TooManyWebhooks: the app already has as many webhooks as its plan allows.');
    const crc = await runCrc(fake, url);
    if (!crc.ok) return invalidRequest(c, `CrcValidationFailed: ${crc.reason}.`);
    const webhook: Webhook = { id: fake.nextId(), url, valid: true, createdAt: fake.now() };
    fake.state.webhooks.set(webhook.id, webhook);
    return c.json({ data: webhookJson(webhook) }, 200);
  });

  app.get('/2/webhooks', (c) => {
    const ok = appOnly(c);
    if (ok !== true) return ok;
    const all = [...fake.state.webhooks.values()].map(webhookJson);
    return c.json(all.length ? { data: all, meta: { result_count: all.length } } : { meta: { result_count: 0 } });
  });

  app.put('/2/webhooks/:webhook_id', async (c) => {
    const ok = appOnly(c);
    if (ok !== true) return ok;
    const webhook = fake.state.webhooks.get(c.req.param('webhook_id'));
    if (!webhook) return webhookNotFound(c, c.req.param('webhook_id'));
    const crc = await runCrc(fake, webhook.url);
    webhook.valid = crc.ok;
    if (!crc.ok) return invalidRequest(c, `CrcValidationFailed: ${crc.reason}.`);
    return c.json({ data: { attempted: true } });
  });

  app.delete('/2/webhooks/:webhook_id', (c) => {
    const ok = appOnly(c);
    if (ok !== true) return ok;
    const id = c.req.param('webhook_id');
    if (!fake.state.webhooks.delete(id)) return webhookNotFound(c, id);
    for (const [sid, s] of fake.state.subscriptions) if (s.webhookId === id) fake.state.subscriptions.delete(sid);
    return c.json({ data: { deleted: true } });
  });

  app.post('/2/activity/subscriptions', async (c) => {
    const allowed = appOrUserWith(c, ['dm.read', 'tweet.read']);
    if (allowed !== true) return allowed;
    const body = await jsonBody(c);
    if (!body) return invalidRequest(c, 'The body must be a JSON object.');
    const eventType = body.event_type;
    const filter = body.filter as { user_id?: unknown } | undefined;
    const userId = filter?.user_id;
    const webhookId = body.webhook_id;
    const tag = body.tag;
    if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType)) return invalidRequest(c, `event_type ${JSON.stringify(eventType)} is not a supported event type.`);
    if (typeof userId !== 'string' || !ID.test(userId)) return invalidRequest(c, 'filter.user_id must be a user id.');
    if (typeof webhookId !== 'string' || !fake.state.webhooks.has(webhookId)) return invalidRequest(c, 'webhook_id must name one of the app\'s webhooks.');
    if (tag !== undefined && (typeof tag !== 'string' || tag.length < 1 || tag.length > 200)) return invalidRequest(c, 'tag must be 1 to 200 characters.');
    if (PRIVATE.test(eventType) && !authorized(fake, userId)) {
      return problem(c, 403, {
        title: 'Forbidden',
        type: 'about:blank',
        status: 403,
        detail: `${eventType} is a private event: user ${userId} must have authorized this app.`,
      });
    }
    const dup = [...fake.state.subscriptions.values()].find((s) => s.eventType === eventType && s.userId === userId && s.webhookId === webhookId);
    if (dup) return conflict(c, `DuplicateSubscription: ${dup.id} already sends ${eventType} for ${userId} to this webhook.`);
    const now = fake.now();
    const sub: Subscription = { id: fake.nextId(), eventType, userId, webhookId, createdAt: now, updatedAt: now, ...(typeof tag === 'string' ? { tag } : {}) };
    fake.state.subscriptions.set(sub.id, sub);
    const total = fake.state.subscriptions.size;
    return c.json({ data: { subscription: subscriptionJson(sub), total_subscriptions_for_instance_id: total }, meta: { total_subscriptions: total } });
  });

  app.get('/2/activity/subscriptions', (c) => {
    const allowed = appOrUserWith(c, ['tweet.read']);
    if (allowed !== true) return allowed;
    const all = [...fake.state.subscriptions.values()].map(subscriptionJson);
    return c.json({ data: all, meta: { result_count: all.length } });
  });

  app.delete('/2/activity/subscriptions/:subscription_id', (c) => {
    const allowed = appOrUserWith(c, ['dm.read', 'tweet.read']);
    if (allowed !== true) return allowed;
    const id = c.req.param('subscription_id');
    if (!fake.state.subscriptions.delete(id)) return invalidRequest(c, `Subscription ${id} does not exist.`);
    return c.json({ data: { deleted: true }, meta: { total_subscriptions: fake.state.subscriptions.size } });
  });
}

function authorized(fake: FakeX, userId: string): boolean {
  const now = fake.now();
  return (
    [...fake.state.refreshTokens.values()].some((t) => t.userId === userId) ||
    [...fake.state.accessTokens.values()].some((t) => t.userId === userId && t.expiresAt > now)
  );
}

const webhookNotFound = (c: Parameters<typeof problem>[0], id: string) =>
  problem(c, 404, { title: 'Not Found Error', detail: `Could not find webhook with id: [${id}].`, type: 'https://api.x.com/2/problems/resource-not-found' });
