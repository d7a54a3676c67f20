import type { Attachment } from '../../../protocol/index.ts';
import type { AttachmentService } from '../../attachments/attachment-service.ts';
import type { BlobStore } from '../../attachments/storage/index.ts';
import type { Db } from '../../db/client.ts';
import type { XAccountRow } from '../../db/schema.ts';
import { attachmentById } from '../../db/stores/attachments-store.ts';
import type { XDmMedia } from '../../services/x-dm-service.ts';
import type { XInboundService } from '../../services/x-inbound-service.ts';
import type { XInboundSink, XMediaRef, XTokenSource } from './contracts.ts';
import { downloadMedia } from './dm-media.ts';
import { createDmSender, uploadImage } from './dm-sender.ts';
import { createPostSenders } from './post-senders.ts';
import { createOutboundDispatcher, type OutboundDispatcherOptions } from './outbound-dispatcher.ts';
import { createXPoller } from './poller.ts';
import type { XHttp } from './x-http.ts';

/**
 * The background work of the X channel on one node (main.ts starts it): the outbound dispatcher (DMs,
 * public replies, likes), the polling fallback (DMs and mentions) and the inbox sweep (webhook
 * deliveries a node left unprocessed). Every node runs them; claims in the database keep two nodes
 * from doing one thing twice.
 */
export interface XRuntimeDeps extends Pick<OutboundDispatcherOptions, 'db' | 'clock' | 'logger' | 'publisher' | 'http' | 'tokens' | 'noteRateLimited'> {
  blobs: BlobStore;
  sink: XInboundSink;
  inbound: XInboundService;
  onQueued: (listener: () => void) => void;
  /** X_POLL_INTERVAL_SEC (DMs) and X_MENTIONS_POLL_INTERVAL_SEC (mentions), in ms. */
  dmPollMs?: number;
  mentionsPollMs?: number;
}

const INBOX_SWEEP_MS = 5_000;
const FORGET_EVERY_MS = 3_600_000;

/** Inbound DM images: downloaded with the account's token, then stored as any upload (typed from their bytes). */
export function createXDmMedia(deps: { http: XHttp; tokens: XTokenSource; uploads: Pick<AttachmentService, 'upload'>; fetch?: typeof fetch }): XDmMedia {
  return {
    async store(account: XAccountRow, media: XMediaRef, conversationId: string, contactId: string): Promise<Attachment | null> {
      const token = await deps.tokens.accessToken(account);
      const blob = await downloadMedia(media, token, { apiBaseUrl: deps.http.baseUrl, fetch: deps.fetch });
      if (!blob) return null;
      const ext = blob.type.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'jpg';
      return deps.uploads.upload({ conversationId, uploader: { kind: 'visitor', id: contactId }, fileName: `x-image.${ext}`, file: blob });
    },
  };
}

export async function readAttachmentBytes(db: Db, blobs: BlobStore, attachment: Attachment): Promise<Uint8Array | null> {
  const row = await attachmentById(db, attachment.id);
  const body = row ? await blobs.get(row.storageKey) : null;
  if (!body) return null;
  return new Uint8Array(await new Response(body.stream).arrayBuffer());
}

export function startXRuntime(deps: XRuntimeDeps) {
  const { db, clock, logger, publisher, http, tokens, blobs, sink, inbound, noteRateLimited } = deps;
  const readAttachment = (a: Attachment) => readAttachmentBytes(db, blobs, a);
  const dispatcher = createOutboundDispatcher({
    db,
    clock,
    logger,
    publisher,
    http,
    tokens,
    noteRateLimited,
    senders: {
      dm: createDmSender({ db, readAttachment }),
      ...createPostSenders({
        db,
        uploadMedia: async ({ http: api, token }, attachment) => {
          const bytes = await readAttachment(attachment);
          if (!bytes) throw new Error('the image is no longer stored');
          return uploadImage(api, token, bytes, attachment.type, 'tweet_image');
        },
      }),
    },
  });
  deps.onQueued(dispatcher.kick);
  dispatcher.start();
  const poller = createXPoller({ db, clock, logger, http, tokens, sink, noteRateLimited, dmIntervalMs: deps.dmPollMs, mentionsIntervalMs: deps.mentionsPollMs });
  poller.start();
  let sweeping: Promise<unknown> | null = null;
  let lastForget = 0;
  const sweepTimer = setInterval(() => {
    sweeping ??= (async () => {
      await inbound.sweep();
      if (Date.now() - lastForget > FORGET_EVERY_MS) {
        lastForget = Date.now();
        await inbound.forgetOldEvents();
      }
    })()
      .catch((err: unknown) => logger.warn({ err }, 'X inbox sweep failed'))
      .finally(() => (sweeping = null));
  }, INBOX_SWEEP_MS);
  sweepTimer.unref();

  async function stop(): Promise<void> {
    clearInterval(sweepTimer);
    await Promise.allSettled([dispatcher.stop(), poller.stop(), sweeping, inbound.drain()]);
  }
  return { dispatcher, poller, stop };
}
export type XRuntime = ReturnType<typeof startXRuntime>;
