import { z } from 'zod';
import type { Attachment } from '../../../protocol/index.ts';
import type { Db } from '../../db/client.ts';
import { conversationById } from '../../db/stores/conversations-store.ts';
import { messageById, toMessage } from '../../db/stores/messages-store.ts';
import { knownXIds } from '../../db/stores/x-dm-store.ts';
import { must } from '../../db/must.ts';
import type { XOutboundSender } from './contracts.ts';
import { DmEventsPage } from './inbound-schemas.ts';
import type { XHttp } from './x-http.ts';

/**
 * Sends an agent's message of an X DM thread (`x_outbound.kind` = `dm`): text, or one image uploaded
 * first through v2 media upload (initialize, append, finalize; `dm_image`), then
 * `POST /2/dm_conversations/:dm_conversation_id/messages`. X answers the new DM event's id, which the
 * dispatcher records (our echo filter).
 *
 * Never twice: a row claimed again after an attempt (`attempts > 1`: this node or another died after
 * X may have answered, before the row was marked) first looks for the DM among the thread's recent
 * events (the brand's, same text, since the row was queued, not already recorded for another row).
 * Found: it is recorded as sent without sending again.
 */
const DmSendAnswer = z.object({ data: z.object({ dm_conversation_id: z.string(), dm_event_id: z.string() }) });
const MediaInit = z.object({ data: z.object({ id: z.string(), media_key: z.string().optional() }) });
const MediaDone = z.object({ data: z.object({ id: z.string() }).loose() }).loose();

export interface DmSenderDeps {
  db: Db;
  /** The bytes of an attachment an agent sent (the shared blob store). */
  readAttachment(attachment: Attachment): Promise<Uint8Array | null>;
}

export function createDmSender({ db, readAttachment }: DmSenderDeps): XOutboundSender {
  return async ({ row, account, token, http }) => {
    const messageRow = must(await messageById(db, must(row.messageId, 'NOT_FOUND')), 'NOT_FOUND', 'The message is gone.');
    const conv = must(await conversationById(db, row.conversationId), 'NOT_FOUND', 'The conversation is gone.');
    const thread = must(conv.externalThreadId, 'NOT_FOUND', 'The conversation has no X thread.');
    const message = toMessage(messageRow);
    const text = message.kind === 'text' || message.kind === 'image' ? message.text.trim() : '';
    if (row.attempts > 1) {
      const already = await findSentEarlier(http, token, db, { accountId: account.id, brandId: account.xUserId, thread, text, since: row.createdAt });
      if (already) return { xId: already };
    }
    let attachments: { media_id: string }[] | undefined;
    if (message.kind === 'image') {
      const bytes = await readAttachment(message.attachment);
      if (!bytes) throw new Error('the image is no longer stored');
      attachments = [{ media_id: await uploadImage(http, token, bytes, message.attachment.type, 'dm_image') }];
    }
    const answer = await http.request(
      { method: 'POST', path: `/2/dm_conversations/${encodeURIComponent(thread)}/messages`, bearer: token, body: { ...(text ? { text } : {}), ...(attachments ? { attachments } : {}) } },
      DmSendAnswer,
    );
    return { xId: answer.data.data.dm_event_id };
  };
}

/** v2 media upload in one segment (an agent's image is at most the attachments' 10 MB): a DM's (`dm_image`) or a public reply's (`tweet_image`). */
export async function uploadImage(http: XHttp, token: string, bytes: Uint8Array, type: string, category: 'dm_image' | 'tweet_image'): Promise<string> {
  const init = await http.request({ method: 'POST', path: '/2/media/upload/initialize', bearer: token, body: { media_type: type, total_bytes: bytes.byteLength, media_category: category } }, MediaInit);
  const id = init.data.data.id;
  await http.request({ method: 'POST', path: `/2/media/upload/${id}/append`, bearer: token, body: { media: Buffer.from(bytes).toString('base64'), segment_index: 0 } }, z.unknown());
  await http.request({ method: 'POST', path: `/2/media/upload/${id}/finalize`, bearer: token }, MediaDone);
  return id;
}

async function findSentEarlier(http: XHttp, token: string, db: Db, q: { accountId: string; brandId: string; thread: string; text: string; since: Date }): Promise<string | null> {
  const page = await http.request(
    {
      method: 'GET',
      path: `/2/dm_conversations/${encodeURIComponent(q.thread)}/dm_events`,
      bearer: token,
      query: { 'dm_event.fields': 'id,text,sender_id,created_at,event_type', event_types: 'MessageCreate', max_results: 50 },
    },
    DmEventsPage,
  );
  // X keeps seconds; a margin so a DM sent in the same second as the row was queued still counts.
  const from = q.since.getTime() - 2_000;
  const candidates = (page.data.data ?? []).filter((e) => e.sender_id === q.brandId && (e.text ?? '').trim() === q.text && (!e.created_at || Date.parse(e.created_at) >= from));
  const known = await knownXIds(db, q.accountId, candidates.map((e) => e.id));
  return candidates.find((e) => !known.has(e.id))?.id ?? null;
}
