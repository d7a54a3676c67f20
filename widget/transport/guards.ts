import type { Message } from '../../protocol/message.ts';
import type { TypingEvent } from '../../protocol/visitor-events.ts';

/**
 * Structural checks of server payloads. The widget does not ship zod (bytes), so it
 * checks the fields it relies on and drops anything else instead of crashing.
 */
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

export function isMessage(x: unknown): x is Message {
  if (!isObject(x) || !Number.isInteger(x.seq) || (x.seq as number) < 1 || !isObject(x.author)) return false;
  if (typeof x.id !== 'string' || typeof x.createdAt !== 'string') return false;
  if (x.kind === 'text') return typeof x.text === 'string';
  return x.kind === 'event' && isObject(x.event) && typeof x.event.type === 'string';
}

export function isTypingEvent(x: unknown): x is TypingEvent {
  return isObject(x) && isObject(x.author) && typeof x.typing === 'boolean';
}
