import type { Author, ConversationSummary, Message } from '../../protocol/index.ts';

/**
 * How services announce committed changes. The realtime gateway implements it
 * (rooms per conversation in /visitor and /agent); with a Socket.IO adapter
 * (Redis, issue 6) the same calls fan out across nodes.
 */
export interface Publisher {
  /** Committed transcript events, in seq order, to everyone in the conversation. */
  messages(conversationId: string, messages: Message[]): void;
  /** Summary change, to every connected agent. */
  conversationUpdated(summary: ConversationSummary): void;
  /** The visitor types: to the agents watching the conversation. */
  visitorTyping(conversationId: string, author: Author, typing: boolean): void;
  /** An agent types: to the visitor's tabs and the other agents watching. */
  agentTyping(conversationId: string, author: Author, typing: boolean, exceptSocketId?: string): void;
}

/** Lets services be built before the gateway exists; calls before `attach` are dropped. */
export function createLatePublisher(): Publisher & { attach(target: Publisher): void } {
  let target: Publisher | null = null;
  return {
    attach: (t) => {
      target = t;
    },
    messages: (c, m) => target?.messages(c, m),
    conversationUpdated: (s) => target?.conversationUpdated(s),
    visitorTyping: (c, a, t) => target?.visitorTyping(c, a, t),
    agentTyping: (c, a, t, e) => target?.agentTyping(c, a, t, e),
  };
}
