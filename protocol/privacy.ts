import { z } from 'zod';
import { IsoDate, Uuid } from './common.ts';

/** Privacy operations (docs/widget/privacy.md): a contact's export and erasure, and the audit log of admin actions. */

/** `POST /api/v1/admin/contacts/:id/erase`: the contact's id again, typed by the admin, so a slip of the mouse erases nothing. */
export const ContactEraseBody = z.object({ confirm: Uuid });
/** What an erasure removed (all zero when it runs again on an erased contact). */
export const ContactEraseResult = z.object({
  contactId: Uuid,
  erasedAt: IsoDate,
  removed: z.object({
    messages: z.number().int(),
    attachments: z.number().int(),
    visitors: z.number().int(),
    conversations: z.number().int(),
  }),
});
export type ContactEraseResult = z.infer<typeof ContactEraseResult>;

/** What an audit entry is about. */
export const AuditTargetType = z.enum(['agent', 'website', 'webhook', 'assistant', 'queue', 'team', 'quick_reply', 'disposition', 'tag', 'contact', 'x_account', 'action_map', 'outcome', 'segment']);
export type AuditTargetType = z.infer<typeof AuditTargetType>;

export const AuditEntry = z.object({
  id: Uuid,
  at: IsoDate,
  /** Null when the server did it itself. */
  actorId: Uuid.nullable(),
  /** The actor's name when they acted. */
  actorName: z.string(),
  /** `<target>.<verb>`: `agent.update`, `website.identity_secret_rotate`, `contact.erase`… */
  action: z.string(),
  targetType: AuditTargetType,
  targetId: z.string().nullable(),
  /** The fields changed with their new values; a secret is recorded as `"(changed)"`, never its value. */
  changes: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Where a page of the audit log ends: `<at>_<id>` of its last entry (entries may share a millisecond). */
export const AuditCursor = z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z_[0-9a-f-]{36}$/);

/** `GET /api/v1/admin/audit-log` query: newest first; `before` is the previous page's `nextBefore`. */
export const AuditLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: AuditCursor.optional(),
  targetType: AuditTargetType.optional(),
  targetId: z.string().max(100).optional(),
  actorId: Uuid.optional(),
});
export const AuditLogPage = z.object({ entries: z.array(AuditEntry), nextBefore: AuditCursor.nullable() });
export type AuditLogPage = z.infer<typeof AuditLogPage>;
