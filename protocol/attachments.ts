import { z } from 'zod';
import { Uuid } from './common.ts';

/** Images a conversation may carry; the server checks the type from the bytes, never from the name or header. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const ImageType = z.enum(IMAGE_TYPES);
export type ImageType = z.infer<typeof ImageType>;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * A stored upload. `url` is relative to the server (`/api/v1/attachments/:id`) and is
 * served only to the conversation's participants (its visitor token or an agent session).
 */
export const Attachment = z.object({
  id: Uuid,
  conversationId: Uuid,
  name: z.string().max(255),
  type: ImageType,
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

/** `POST /api/v1/attachments` multipart form: `file` + `conversationId` (agents) — visitors use their own conversation. */
export const UploadResponse = z.object({ attachment: Attachment });
