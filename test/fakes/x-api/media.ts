import type { App, Ctx } from './env.ts';
import { jsonBody, userWith } from './env.ts';
import { invalidRequest, notFound, unauthorized } from './problems.ts';
import type { FakeX, Media } from './state.ts';
import { ID } from './state.ts';

// Chunked media upload (initialize, append, finalize, STATUS), kept byte for byte so a test can read what the
// product sent, and the download of inbound DM images, which X serves only with the user's token.

const CATEGORIES = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video', 'dm_gif', 'dm_image', 'dm_video', 'subtitles'];
const TYPES = ['video/mp4', 'video/webm', 'video/mp2t', 'video/quicktime', 'text/srt', 'text/vtt', 'image/jpeg', 'image/gif', 'image/bmp', 'image/png', 'image/webp', 'image/pjpeg', 'image/tiff'];
const EXPIRES_AFTER_S = 86_400;
const MAX_BYTES = 512 * 1024 * 1024;

/** X's media key prefixes: 3_ photo, 7_ video, 16_ animated GIF. */
export const mediaKeyOf = (id: string, mediaType: string) =>
  `${mediaType === 'image/gif' ? 16 : mediaType.startsWith('video/') ? 7 : 3}_${id}`;

export const mediaBytes = (m: Media): Buffer =>
  Buffer.concat([...m.segments.entries()].sort(([a], [b]) => a - b).map(([, b]) => b));

export function registerMedia(app: App, fake: FakeX): void {
  app.post('/2/media/upload/initialize', async (c) => {
    const me = userWith(c, ['media.write']);
    if (me instanceof Response) return me;
    const body = await jsonBody(c);
    const mediaType = body?.media_type;
    const total = body?.total_bytes;
    const category = body?.media_category ?? 'tweet_image';
    if (typeof mediaType !== 'string' || !TYPES.includes(mediaType)) return invalidRequest(c, `media_type must be one of ${TYPES.join(', ')}.`);
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 1 || total > MAX_BYTES) return invalidRequest(c, 'total_bytes must be a positive integer.');
    if (typeof category !== 'string' || !CATEGORIES.includes(category)) return invalidRequest(c, `media_category must be one of ${CATEGORIES.join(', ')}.`);
    const id = fake.nextId();
    const media: Media = { id, key: mediaKeyOf(id, mediaType), ownerId: me.userId, mediaType, category, totalBytes: total, segments: new Map(), state: 'initialized', createdAt: fake.now() };
    fake.state.media.set(id, media);
    return c.json({ data: { id, media_key: media.key, expires_after_secs: EXPIRES_AFTER_S } });
  });

  app.post('/2/media/upload/:id/append', async (c) => {
    const me = userWith(c, ['media.write']);
    if (me instanceof Response) return me;
    const media = owned(fake, c.req.param('id'), me.userId);
    if (!media) return notFound(c, 'media', 'id', c.req.param('id'));
    if (media.state !== 'initialized') return invalidRequest(c, 'This upload is already finalized.');
    const segment = await readSegment(c);
    if (!segment) return invalidRequest(c, 'Send media (a file, or base64 in JSON) and segment_index (0 to 999).');
    media.segments.set(segment.index, segment.bytes);
    const size = mediaBytes(media).length;
    if (size > media.totalBytes) return invalidRequest(c, `The segments hold ${size} bytes, more than total_bytes (${media.totalBytes}).`);
    return c.json({ data: { expires_at: Math.floor(media.createdAt / 1000) + EXPIRES_AFTER_S } });
  });

  app.post('/2/media/upload/:id/finalize', (c) => {
    const me = userWith(c, ['media.write']);
    if (me instanceof Response) return me;
    const media = owned(fake, c.req.param('id'), me.userId);
    if (!media) return notFound(c, 'media', 'id', c.req.param('id'));
    const size = mediaBytes(media).length;
    if (size !== media.totalBytes) return invalidRequest(c, `File size mismatch: received ${size} bytes, total_bytes was ${media.totalBytes}.`);
    media.state = 'finalized';
    return c.json({ data: statusJson(media, false) });
  });

  app.get('/2/media/upload', (c) => {
    const me = userWith(c, ['media.write']);
    if (me instanceof Response) return me;
    const id = c.req.query('media_id') ?? '';
    const command = c.req.query('command');
    if (command !== undefined && command !== 'STATUS') return invalidRequest(c, 'command must be STATUS.');
    if (!ID.test(id)) return invalidRequest(c, 'media_id must be a media id.');
    const media = owned(fake, id, me.userId);
    if (!media) return notFound(c, 'media', 'media_id', id);
    return c.json({ data: statusJson(media, true) });
  });

  // Inbound DM images, at the address X gives in includes.media[].url and in the webhook's attachment.
  app.get('/1.1/ton/data/dm/:dm_id/:media_id/:name', (c) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const caller = token ? fake.state.accessTokens.get(token) : undefined;
    if (!caller || caller.expiresAt <= fake.now()) return unauthorized(c);
    const media = fake.state.media.get(c.req.param('media_id'));
    const dm = media?.dmEventId && fake.state.dms.find((e) => e.id === media.dmEventId);
    if (!media || !dm || (dm.senderId !== caller.userId && dm.recipientId !== caller.userId)) return c.body('Not found', 404);
    return c.body(new Uint8Array(mediaBytes(media)), 200, { 'content-type': media.mediaType });
  });
}

function owned(fake: FakeX, id: string, userId: string): Media | undefined {
  const media = fake.state.media.get(id);
  return media && media.ownerId === userId ? media : undefined;
}

function statusJson(media: Media, withProcessing: boolean) {
  const size = mediaBytes(media).length;
  const needsProcessing = !media.mediaType.startsWith('image/') || media.mediaType === 'image/gif';
  const base = { id: media.id, media_key: media.key, size, expires_after_secs: EXPIRES_AFTER_S };
  // Video and GIFs go through processing on X; the fake finishes it at once.
  return needsProcessing || withProcessing ? { ...base, processing_info: { state: media.state === 'finalized' ? 'succeeded' : 'pending', progress_percent: media.state === 'finalized' ? 100 : 0 } } : base;
}

async function readSegment(c: Ctx): Promise<{ index: number; bytes: Buffer } | undefined> {
  const type = c.req.header('content-type') ?? '';
  let media: unknown;
  let index: unknown;
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await c.req.parseBody().catch(() => undefined);
    if (!form) return undefined;
    media = form.media ?? form.media_data;
    index = form.segment_index;
    if (media instanceof File) media = Buffer.from(await media.arrayBuffer());
  } else {
    const body = await jsonBody(c);
    media = body?.media;
    index = body?.segment_index;
  }
  const i = typeof index === 'string' ? Number(index) : index;
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 999) return undefined;
  if (Buffer.isBuffer(media)) return { index: i, bytes: media };
  if (typeof media === 'string' && /^[A-Za-z0-9+/=\s]*$/.test(media)) return { index: i, bytes: Buffer.from(media, 'base64') };
  return undefined;
}
