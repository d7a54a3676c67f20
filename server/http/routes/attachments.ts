import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { AppError, IMAGE_TYPES, MAX_ATTACHMENT_BYTES, Uuid, UploadResponse } from '../../../protocol/index.ts';
import { createAttachmentService } from '../../attachments/attachment-service.ts';
import { contentDisposition } from '../../attachments/file-name.ts';
import { bearerOf, createParticipants, type Participant, type ParticipantDeps } from '../../attachments/participants.ts';
import type { BlobStore } from '../../attachments/storage/index.ts';
import { isOriginAllowed } from '../../core/origin.ts';
import { websiteByKey } from '../../db/stores/websites-store.ts';
import type { Limits } from '../../limits/limits.ts';
import { SESSION_COOKIE } from '../../services/auth-service.ts';
import { assertBodyType, assertOwnOrigin } from '../csrf.ts';
import { apiRouter, defineRoute, jsonAnswer } from '../openapi/define.ts';

/**
 * `POST /api/v1/attachments` (multipart `file` [+ `conversationId` for agents]) and
 * `GET /api/v1/attachments/:id`. Agents authenticate with the session cookie;
 * visitors with `Authorization: Bearer <visitor token>`, cross-origin from their
 * website's allowed origins (add `?websiteKey=K` so the CORS preflight knows the site).
 */
export interface AttachmentRouteDeps extends ParticipantDeps {
  /** Where the bytes live (ATTACHMENTS_STORAGE): every node reads the same store. */
  blobs: BlobStore;
  /** PUBLIC_URL as configured: an agent's (cookie) upload must come from the own origin. */
  publicUrl: string | null;
  /** Uploads per uploader and per address. */
  limits: Pick<Limits, 'upload' | 'addressOfRequest'>;
}

/** Room for the multipart envelope around a maximal file; the file itself is checked exactly after parsing. */
const ENVELOPE_BYTES = 64 * 1024;
const tooLarge = () => new AppError('MESSAGE_TOO_LONG', `The file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`);

type Env = { Variables: { who: Participant } };

const tags = ['attachments'];
const WebsiteKeyQuery = z.object({
  websiteKey: z.string().optional().describe("Visitors calling cross-origin: their website's key, so that the CORS preflight knows the site."),
});
/**
 * The multipart body is described here but read by the handler itself (after authentication and
 * under the upload limit), so it is a plain schema rather than a validating zod one.
 */
type FormSchema = { type: 'object'; required: string[]; properties: Record<string, { type: 'string'; format: string; description: string }> };
const UPLOAD_FORM: FormSchema = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: `The image (${IMAGE_TYPES.join(', ')}; its bytes decide the type), at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.` },
    conversationId: { type: 'string', format: 'uuid', description: "Agents: the conversation it goes to. Visitors: ignored (their token's conversation)." },
  },
};

export const attachmentApi = {
  upload: defineRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Upload an image into a conversation',
    description:
      'Agents: the session cookie, from the server\'s own origin. Visitors: `Authorization: Bearer <visitor token>`, from one of their website\'s allowed origins. Authenticated and counted before the body is read.',
    request: { query: WebsiteKeyQuery.partial(), body: { required: true, content: { 'multipart/form-data': { schema: UPLOAD_FORM } } } },
    responses: { 201: jsonAnswer(UploadResponse, 'Stored.') },
    'x-parley-errors': ['BAD_REQUEST', 'VALIDATION_FAILED', 'MESSAGE_TOO_LONG', 'UNSUPPORTED_MEDIA_TYPE', 'ORIGIN_NOT_ALLOWED', 'NOT_FOUND', 'CONVERSATION_NOT_ACTIVE'],
  }),
  read: defineRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: "An attachment's bytes (participants of its conversation only)",
    request: { params: z.object({ id: z.string().meta({ format: 'uuid' }) }), query: WebsiteKeyQuery },
    responses: {
      200: {
        description: 'The image, served sandboxed (`Content-Security-Policy: sandbox`, `nosniff`), privately cacheable, with an ETag.',
        content: Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } as const }])),
      },
    },
    'x-parley-errors': ['NOT_FOUND'],
  }),
};

export function attachmentRoutes(deps: AttachmentRouteDeps) {
  const app = apiRouter<Env>();
  const participants = createParticipants(deps);
  const service = createAttachmentService(deps.db, deps.blobs);
  const credentials = (c: Context) => ({
    bearer: bearerOf(c.req.header('authorization')),
    cookie: getCookie(c, SESSION_COOKIE) ?? null,
    origin: c.req.header('origin') ?? null,
  });

  app.use(
    '*',
    cors({
      origin: async (origin, c) => {
        const key = c.req.query('websiteKey');
        const website = key ? await websiteByKey(deps.db, key).catch(() => null) : null;
        return website && isOriginAllowed(origin, website.allowedOrigins) ? origin : null;
      },
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    }),
  );

  /** Authenticate and count the upload before reading the body: strangers and floods never make us buffer megabytes. */
  const admitUploader: MiddlewareHandler<Env> = async (c, next) => {
    assertBodyType(c, 'multipart/form-data');
    const who = await participants.identify(credentials(c));
    // The cookie is ambient (CSRF): agents upload from the desktop's own origin. Visitors send a bearer token.
    if (who.kind === 'agent') assertOwnOrigin(c, deps.publicUrl);
    await deps.limits.upload(deps.limits.addressOfRequest(c), `${who.uploader.kind}:${who.uploader.id}`);
    c.set('who', who);
    await next();
  };
  const uploadLimit = bodyLimit({ maxSize: MAX_ATTACHMENT_BYTES + ENVELOPE_BYTES, onError: () => { throw tooLarge(); } });

  app.openapi({ ...attachmentApi.upload, middleware: [admitUploader, uploadLimit] }, async (c) => {
    const who = c.get('who');
    // The multipart body is read here, not by a validator: after the uploader is admitted and within its own limit.
    const form = await c.req.parseBody().catch(() => {
      throw new AppError('BAD_REQUEST', 'The body must be multipart/form-data.');
    });
    const file = form['file'];
    if (!(file instanceof File)) throw new AppError('VALIDATION_FAILED', 'A file is required.', [{ path: 'file', message: 'Required' }]);
    if (file.size > MAX_ATTACHMENT_BYTES) throw tooLarge();
    const rawConversation = typeof form['conversationId'] === 'string' && form['conversationId'] !== '' ? form['conversationId'] : null;
    if (rawConversation && !Uuid.safeParse(rawConversation).success) {
      throw new AppError('VALIDATION_FAILED', 'conversationId must be a UUID.', [{ path: 'conversationId', message: 'Invalid UUID' }]);
    }
    const conversationId = await participants.uploadTarget(who, rawConversation);
    const attachment = await service.upload({
      conversationId,
      uploader: who.uploader,
      fileName: file.name,
      file,
    });
    return c.json({ attachment }, 201);
  });

  app.openapi(attachmentApi.read, async (c) => {
    const { id } = c.req.valid('param');
    if (!Uuid.safeParse(id).success) throw new AppError('NOT_FOUND');
    const who = await participants.identify(credentials(c));
    const { row, body } = await service.read(id, (conversationId) => participants.mayRead(who, conversationId));
    // Streamed from the store piece by piece: a download never holds the whole file in memory.
    return c.body(body.stream, 200, {
      'Content-Type': row.type,
      'Content-Length': String(body.size),
      'Content-Disposition': contentDisposition(row.originalName, row.type),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cross-Origin-Resource-Policy': 'same-origin',
      ETag: `"${row.sha256}"`,
    });
  });

  return app;
}
