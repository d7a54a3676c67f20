import { z } from 'zod';

/**
 * A JSON value of bounded nesting and size, for the few fields that take free-form
 * JSON (an assistant draft). JSON.parse reads any depth, but JSON.stringify (on the
 * way to the database) and recursive walkers overflow the stack around 10,000
 * levels: the depth is measured without recursion, before anything serializes it.
 */

/** Whether `value` nests containers deeper than `limit` (a scalar is 0, `[]` is 1, `[{}]` is 2). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: v, depth } = pending.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

export const boundedJson = (limits: { maxDepth: number; maxBytes: number }) =>
  z.unknown().superRefine((value, ctx) => {
    if (nestsDeeperThan(value, limits.maxDepth)) ctx.addIssue({ code: 'custom', message: `Nested deeper than ${limits.maxDepth} levels.` });
    // Serializing is safe once the depth is known to be small.
    else if (utf8Bytes(JSON.stringify(value) ?? '') > limits.maxBytes) ctx.addIssue({ code: 'custom', message: `Larger than ${Math.floor(limits.maxBytes / 1024)} KB.` });
  });
