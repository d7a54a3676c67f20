import type { Message } from '../../protocol/index.ts';

/**
 * A message as agents see it: without the visitor's client id. That id is the visitor's own idempotency
 * key (the widget's outbox reconciles with it); agents have no use for it, and whoever learns it must not
 * be able to pass for the visitor (issue 16). An agent's own client id stays: the desktop reconciles its
 * sends with it. Visitors' tabs get messages as stored.
 */
export function forAgents(message: Message): Message {
  return message.author.kind === 'visitor' && message.clientId !== null ? { ...message, clientId: null } : message;
}
