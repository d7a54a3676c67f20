import { z } from 'zod';
import type { Attachment } from '../../../protocol/index.ts';
import type { Db } from '../../db/client.ts';
import { messageById, toMessage } from '../../db/stores/messages-store.ts';
import { patchMessageX } from '../../db/stores/x-public-store.ts';
import type { XOutboundSender } from './contracts.ts';
import { XApiError } from './x-http.ts';

/**
 * The outbound queue's senders for public posts (issue 19): `reply` (`POST /2/tweets` threaded
 * with `reply.in_reply_to_tweet_id`, with the image's media id when there is one), `like` and `unlike`
 * (`POST /2/users/:id/likes`, `DELETE /2/users/:id/likes/:tweet_id`). The outbound dispatcher calls
 * them by `x_outbound.kind` and handles what X answers (429 held until the reset, 5xx retried, other
 * 4xx refused with X's reason); a reply's answer `id` is our echo filter, and becomes the message's
 * `x.postId` at once (so it can be answered and liked in its turn).
 */
const Created = z.object({ data: z.object({ id: z.string(), text: z.string().optional() }) });
const Liked = z.object({ data: z.object({ liked: z.boolean() }) });

export type UploadMedia = (ctx: Parameters<XOutboundSender>[0], attachment: Attachment) => Promise<string>;

/** A refusal of our own before X is asked (never worth retrying). */
const refused = (title: string, detail: string) => new XApiError(422, null, title, detail, { limit: null, remaining: null, resetAt: null });

export function createPostSenders({ db, uploadMedia }: { db: Db; uploadMedia?: UploadMedia }): Record<'reply' | 'like' | 'unlike', XOutboundSender> {
  const reply: XOutboundSender = async (ctx) => {
    const { row, token, http } = ctx;
    const stored = row.messageId ? await messageById(db, row.messageId) : null;
    if (!stored || !row.targetPostId) throw refused('Nothing to reply', 'The reply was deleted before it could be sent.');
    const message = toMessage(stored);
    const text = message.kind === 'text' || message.kind === 'image' ? message.text : '';
    let mediaIds: string[] = [];
    if (message.kind === 'image') {
      if (!uploadMedia) throw refused('Images cannot be sent', 'This server cannot upload images to X.');
      mediaIds = [await uploadMedia(ctx, message.attachment)];
    }
    const body = { ...(text ? { text } : {}), reply: { in_reply_to_tweet_id: row.targetPostId }, ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}) };
    const res = await http.request({ method: 'POST', path: '/2/tweets', bearer: token, body }, Created);
    // X sends no event for our own reply (it answers a customer, not the brand): the message learns its post id here.
    await patchMessageX(db, stored.id, { postId: res.data.data.id, postedAt: new Date().toISOString() });
    return { xId: res.data.data.id };
  };

  const like: XOutboundSender = async ({ row, account, token, http }) => {
    if (!row.targetPostId) throw refused('Nothing to like', 'No post named.');
    await http.request({ method: 'POST', path: `/2/users/${account.xUserId}/likes`, bearer: token, body: { tweet_id: row.targetPostId } }, Liked);
    return { xId: null };
  };

  const unlike: XOutboundSender = async ({ row, account, token, http }) => {
    if (!row.targetPostId) throw refused('Nothing to unlike', 'No post named.');
    await http.request({ method: 'DELETE', path: `/2/users/${account.xUserId}/likes/${encodeURIComponent(row.targetPostId)}`, bearer: token }, Liked);
    return { xId: null };
  };

  return { reply, like, unlike };
}
