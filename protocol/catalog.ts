import { z } from 'zod';
import { IsoDate, Uuid } from './common.ts';
import { MAX_MESSAGE_LENGTH } from './limits.ts';
import { SafeText } from './storable-text.ts';

/** Admin-managed lists the desktop works with: quick replies, dispositions (wrap-up codes), tags. */

export const QuickReply = z.object({
  id: Uuid,
  title: z.string().min(1).max(100),
  /** Text with `{{variables}}` (see quick-reply-template.ts). */
  body: z.string().min(1).max(MAX_MESSAGE_LENGTH),
  /** Null = global; else shown only for chats of this queue. */
  queueId: Uuid.nullable(),
  updatedAt: IsoDate,
});
export type QuickReply = z.infer<typeof QuickReply>;
export const QuickReplyInput = z.object({
  title: SafeText.trim().min(1).max(100),
  body: SafeText.trim().min(1).max(MAX_MESSAGE_LENGTH),
  queueId: Uuid.nullable().default(null),
});

/** A wrap-up code. Queue-specific when `queueIds` is non-empty. */
export const Disposition = z.object({
  id: Uuid,
  code: z.string().min(1).max(100).regex(/^[a-z0-9_-]+$/),
  label: SafeText.min(1).max(100),
  queueIds: z.array(Uuid),
  active: z.boolean(),
});
export type Disposition = z.infer<typeof Disposition>;
export const DispositionInput = Disposition.omit({ id: true }).partial({ queueIds: true, active: true });

/** A tag as an admin types it (trimmed). */
export const TagName = SafeText.trim().min(1).max(50);
export const Tag = z.object({ id: Uuid, name: TagName });
export type Tag = z.infer<typeof Tag>;
export const TagInput = Tag.omit({ id: true });

/** What an agent's desktop loads once: everything it can insert or pick. */
export const AgentCatalog = z.object({
  quickReplies: z.array(QuickReply),
  dispositions: z.array(Disposition),
  tags: z.array(Tag),
});
export type AgentCatalog = z.infer<typeof AgentCatalog>;
