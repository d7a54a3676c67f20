import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './limits.ts';
import { SafeText } from './storable-text.ts';

export const Uuid = z.uuid();
/** Client-generated idempotency key of a message (UUID v4 from `crypto.randomUUID()`). */
export const ClientId = z.uuid();
/** Per-conversation event cursor; 0 means "nothing applied yet". */
export const Seq = z.number().int().min(0);
export const IsoDate = z.iso.datetime({ offset: true });
export const Locale = z.enum(['en', 'fr']);
export type Locale = z.infer<typeof Locale>;

/** Visible message text: trimmed, non-empty, bounded, storable. Over-long text maps to MESSAGE_TOO_LONG at the edges. */
export const MessageText = SafeText.trim().min(1).max(MAX_MESSAGE_LENGTH);
