import type { BotOutput } from '../../protocol/bots.ts';
import type { Message } from '../../protocol/message.ts';
import type { QueueStatus } from '../../protocol/routing.ts';
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
  if (x.kind === 'image') return typeof x.text === 'string' && isObject(x.attachment) && typeof x.attachment.url === 'string';
  // Structured: only the fallback text is required; a payload the widget cannot read shows that text.
  if (x.kind === 'structured') return typeof x.text === 'string';
  return x.kind === 'event' && isObject(x.event) && typeof x.event.type === 'string';
}

const str = (v: unknown): v is string => typeof v === 'string';

/** A bot payload the widget can render (fields checked), or null → render the message's `text`. */
export function botPayload(p: unknown): BotOutput | null {
  if (!isObject(p)) return null;
  if (p.kind === 'text') return str(p.text) ? (p as BotOutput) : null;
  if (p.kind === 'image') return str(p.url) && (p.alt == null || str(p.alt)) ? (p as BotOutput) : null;
  if (p.kind === 'card') return str(p.title) && str(p.url) && (p.description == null || str(p.description)) ? (p as BotOutput) : null;
  if (p.kind !== 'quick_replies' || !str(p.text) || !Array.isArray(p.options) || p.options.length === 0) return null;
  return p.options.every((o) => isObject(o) && str(o.value) && o.value && str(o.label) && o.label.trim()) ? (p as BotOutput) : null;
}

/** Only absolute http(s) URLs become links or images (never `javascript:`, `data:`…). */
export function safeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export function isTypingEvent(x: unknown): x is TypingEvent {
  return isObject(x) && isObject(x.author) && typeof x.typing === 'boolean';
}

/** The fields of QueueStatus the UI reads; anything else is ignored. */
export function isQueueStatus(x: unknown): x is QueueStatus {
  if (!isObject(x) || typeof x.agentsAvailable !== 'boolean' || typeof x.withinBusinessHours !== 'boolean') return false;
  // `== null`: a server that omits a nullable field is read as null, not rejected.
  const nullableInt = (v: unknown) => v == null || (Number.isInteger(v) && (v as number) >= 0);
  return (
    (x.state == null || typeof x.state === 'string') &&
    nullableInt(x.position) &&
    nullableInt(x.estimatedWaitSec) &&
    (x.agent == null || (isObject(x.agent) && typeof x.agent.name === 'string')) &&
    (x.followUpEmail == null || typeof x.followUpEmail === 'string')
  );
}
