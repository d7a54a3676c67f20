import { AppError } from '../../protocol/index.ts';
import type { Tx } from '../db/client.ts';
import { dispositionByCode, unknownTags } from '../db/stores/catalog-store.ts';

export interface WrapUpFields {
  code?: string;
  notes?: string;
  tags?: string[];
}

/**
 * The wrap-up form against the admin's lists: the code must be an active disposition
 * offered for the session's queue (global, or listing that queue), every tag must be
 * in the tag list. Codes are matched case-insensitively and stored canonical.
 * Whether a code is required at all is the session machine's rule (WRAP_UP_REQUIRED).
 */
export async function checkWrapUp(tx: Tx, queueId: string | null, input: WrapUpFields): Promise<WrapUpFields> {
  const details: { path: string; message: string }[] = [];
  let code = input.code;
  if (code) {
    const d = await dispositionByCode(tx, code.toLowerCase());
    const offered = d && d.active && (d.queueIds.length === 0 || (queueId !== null && d.queueIds.includes(queueId)));
    if (!offered) details.push({ path: 'code', message: `"${code}" is not an active disposition for this queue.` });
    else code = d.code;
  }
  const tags = [...new Set(input.tags ?? [])];
  const unknown = await unknownTags(tx, tags);
  if (unknown.length) details.push({ path: 'tags', message: `Unknown tags: ${unknown.join(', ')}.` });
  if (details.length) throw new AppError('VALIDATION_FAILED', details[0]!.message, details);
  return { code: code || undefined, notes: input.notes, tags };
}
