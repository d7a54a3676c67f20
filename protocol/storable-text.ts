import { z } from 'zod';

/**
 * The one text rule of every input that reaches the database. Postgres refuses a NUL character
 * in `text` and in `jsonb` strings alike (one such message used to wedge a visitor's outbox), and
 * a lone UTF-16 surrogate is not text at all: encoding it as UTF-8 silently turns it into U+FFFD.
 *
 * Such input is refused (VALIDATION_FAILED), never stripped: stripping would change what someone
 * wrote without telling them, and could make two different keys one. Nobody types these
 * characters; they come from pasted binary or from a client probing the server, and the widget
 * shows a refused message as not sent, with Retry and Delete.
 */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSTORABLE_TEXT_MESSAGE = 'Contains a character that cannot be stored (NUL or a lone surrogate).';

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/** A string of any length and content but those characters; chain `.trim().min().max()` as on z.string(). */
export const SafeText = z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

/**
 * Where the first unstorable string or object key of a JSON value is (its path), or null. Iterative:
 * a deeply nested payload must not overflow the stack.
 */
export function unstorablePath(value: unknown): (string | number)[] | null {
  // Each visit points at its parent: the path is built once, for the offending value only.
  type Visit = { value: unknown; key: string | number; parent: Visit | null };
  const pathOf = (visit: Visit | null, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let v = visit; v?.parent; v = v.parent) path.push(v.key);
    return path.reverse();
  };
  const stack: Visit[] = [{ value, key: '', parent: null }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const v = visit.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return pathOf(visit);
    } else if (Array.isArray(v)) {
      v.forEach((child, i) => stack.push({ value: child, key: i, parent: visit }));
    } else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (!isStorableText(key)) return pathOf(visit, key);
        stack.push({ value: child, key, parent: visit });
      }
    }
  }
  return null;
}

/** Free-form JSON stored as jsonb (an assistant's draft): every string and key must be storable. */
export const StorableJson = z.unknown().superRefine((value, ctx) => {
  const path = unstorablePath(value);
  if (path) ctx.addIssue({ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE });
});
