import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../db/client.ts';
import type { XAccountRow } from '../../db/schema.ts';
import { allXAccounts, claimPoll, deferPoll, setDmCursor, setMentionsSinceId } from '../../db/stores/x-dm-store.ts';
import type { XInboundSink, XTokenSource } from './contracts.ts';
import { DmEventsPage, dmsOfPage, MentionsPage, postsOfMentionsPage } from './inbound-schemas.ts';
import { XApiError, type XHttp } from './x-http.ts';

/**
 * The polling fallback (brief §3; docs/channels/x.md#receiving): `GET /2/dm_events` and
 * `GET /2/users/:id/mentions?since_id=`, handed to the same sink as the webhook (idempotent: both paths
 * store an X object under the same client id). It runs beside the webhook, as the brief recommends: at
 * the configured intervals for an account whose webhook is not valid, at a fifth of that rate otherwise.
 *
 * One node polls an account at a time: each poll is claimed by moving the account's lease (`x_poll_leases`)
 * forward in one statement. Cursors (`dm_cursor`, `mentions_since_id`) move only after the events up to
 * them were stored, so a restart neither misses nor repeats; a first poll starts at the account's
 * connection (older history is not imported). A 429 pauses that kind of poll until X's reset.
 */
export interface PollerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  http: XHttp;
  tokens: XTokenSource;
  sink: XInboundSink;
  /** Records X's 429 on the account, for Admin › Channels (`xAccounts.noteRateLimited`). */
  noteRateLimited: (accountId: string, until: Date | null) => Promise<void>;
  /** X_POLL_INTERVAL_SEC for DMs (default 60 s) and X_MENTIONS_POLL_INTERVAL_SEC for mentions (default 30 s), in ms. */
  dmIntervalMs?: number;
  mentionsIntervalMs?: number;
  /** How often this node looks for accounts due (ms). */
  tickMs?: number;
}

/** With a valid webhook, polling only catches what the webhook missed: this many times less often. */
const WEBHOOK_SLOWDOWN = 5;
/** Pages read back per poll at most (100 events each): beyond, the next poll continues. */
const MAX_PAGES = 5;

const DM_QUERY = {
  'dm_event.fields': 'id,text,event_type,dm_conversation_id,created_at,sender_id,attachments,participant_ids',
  expansions: 'sender_id,attachments.media_keys',
  'user.fields': 'id,name,username',
  'media.fields': 'media_key,type,url,preview_image_url',
  event_types: 'MessageCreate',
  max_results: 100,
};
const MENTIONS_QUERY = {
  'tweet.fields': 'id,text,author_id,conversation_id,created_at,in_reply_to_user_id,referenced_tweets,entities,attachments',
  expansions: 'author_id,attachments.media_keys,referenced_tweets.id',
  'user.fields': 'id,name,username',
  'media.fields': 'media_key,type,url,preview_image_url',
  max_results: 100,
};

const newer = (a: string, b: string | null) => b === null || BigInt(a) > BigInt(b);

/** Hands items (oldest first) to the sink; when one fails, the cursor moves up to the last one stored, and the failure goes up. */
async function handOver<T>(items: T[], store: (item: T) => Promise<void>, idOf: (item: T) => string, saveCursor: (id: string) => Promise<void>): Promise<void> {
  let stored: string | null = null;
  try {
    for (const item of items) {
      await store(item);
      stored = idOf(item);
    }
  } catch (err) {
    if (stored) await saveCursor(stored);
    throw err;
  }
}

export function createXPoller(opts: PollerOptions) {
  const { db, clock, logger, http, tokens, sink, noteRateLimited } = opts;
  const dmMs = opts.dmIntervalMs ?? 60_000;
  const mentionsMs = opts.mentionsIntervalMs ?? 30_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function pollDms(account: XAccountRow, token: string): Promise<void> {
    const cursor = account.dmCursor;
    const events: NonNullable<DmEventsPage['data']> = [];
    const includes: Required<NonNullable<DmEventsPage['includes']>> = { users: [], media: [], tweets: [] };
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await http.request({ method: 'GET', path: '/2/dm_events', bearer: token, query: { ...DM_QUERY, pagination_token: pageToken } }, DmEventsPage);
      const fresh = (res.data.data ?? []).filter((e) => newer(e.id, cursor));
      events.push(...fresh);
      includes.users.push(...(res.data.includes?.users ?? []));
      includes.media.push(...(res.data.includes?.media ?? []));
      pageToken = res.data.meta?.next_token;
      // Newest first: a page that reached the cursor ends the walk.
      if (!pageToken || fresh.length < (res.data.data ?? []).length) break;
    }
    const since = cursor === null ? account.connectedAt.getTime() : -Infinity;
    const dms = dmsOfPage({ data: events, includes }, account.xUserId).filter((d) => d.createdAt.getTime() >= since);
    await handOver(dms, (dm) => sink.dm(account, dm), (dm) => dm.eventId, (id) => setDmCursor(db, account.id, id));
    // All stored: the cursor moves to the newest event read (other event types included).
    if (events[0] && newer(events[0].id, cursor)) await setDmCursor(db, account.id, events[0].id);
  }

  async function pollMentions(account: XAccountRow, token: string): Promise<void> {
    const sinceId = account.mentionsSinceId;
    const res = await http.request(
      { method: 'GET', path: `/2/users/${account.xUserId}/mentions`, bearer: token, query: { ...MENTIONS_QUERY, ...(sinceId ? { since_id: sinceId } : {}) } },
      MentionsPage,
    );
    const since = sinceId === null ? account.connectedAt.getTime() : -Infinity;
    const posts = postsOfMentionsPage(res.data, { id: account.xUserId, username: account.username }).filter((p) => p.createdAt.getTime() >= since);
    await handOver(posts, (post) => sink.post(account, post), (post) => post.id, (id) => setMentionsSinceId(db, account.id, id));
    const newest = res.data.meta?.newest_id ?? res.data.data?.[0]?.id;
    if (newest && newer(newest, sinceId)) await setMentionsSinceId(db, account.id, newest);
  }

  async function pollAccount(account: XAccountRow): Promise<void> {
    const now = clock.now();
    if (account.tokenExpired) return;
    const slow = account.webhookValid ? WEBHOOK_SLOWDOWN : 1;
    const wantDms = await claimPoll(db, account.id, 'dm', now, dmMs * slow);
    const wantMentions = await claimPoll(db, account.id, 'mentions', now, mentionsMs * slow);
    if (!wantDms && !wantMentions) return;
    const token = await tokens.accessToken(account).catch((err: unknown) => {
      logger.warn({ err, accountId: account.id }, 'X polling: no token');
      return null;
    });
    if (!token) return;
    if (wantDms) await guarded(account, 'dm', () => pollDms(account, token));
    if (wantMentions) await guarded(account, 'mentions', () => pollMentions(account, token));
  }

  /** A 429 defers that kind's polls until X's reset (each endpoint has its own limit); other failures wait for the next interval. */
  async function guarded(account: XAccountRow, kind: 'dm' | 'mentions', poll: () => Promise<void>): Promise<void> {
    try {
      await poll();
    } catch (err) {
      if (err instanceof XApiError && err.rateLimited) {
        const until = err.rateLimit.resetAt ?? new Date(clock.now().getTime() + 15 * 60_000);
        await deferPoll(db, account.id, kind, until);
        await noteRateLimited(account.id, until);
        logger.info({ accountId: account.id, kind, until }, 'X rate limit: polling paused');
        return;
      }
      logger.warn({ err, accountId: account.id, kind }, 'X polling failed; tried again at the next interval');
    }
  }

  /** One round over every connected account (whatever is due on it). */
  async function tick(): Promise<void> {
    for (const account of await allXAccounts(db)) await pollAccount(account);
  }

  function start(): void {
    timer = setInterval(() => {
      running ??= tick()
        .catch((err: unknown) => logger.warn({ err }, 'X polling round failed'))
        .finally(() => (running = null));
    }, opts.tickMs ?? 1_000);
    timer.unref();
  }

  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = null;
    await running;
  }

  return { tick, pollAccount, start, stop };
}
export type XPoller = ReturnType<typeof createXPoller>;
