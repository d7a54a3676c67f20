import type { AgentServerEvents, Author, Contact, ConversationSummary, Message, QueueStatus, ReceiptEvent, SessionCard, XDelivery } from '../../protocol/index.ts';

/**
 * How services announce committed changes. The realtime gateway implements it
 * (rooms per conversation, per agent and for supervisors in /visitor and /agent);
 * with the Redis adapter the same calls fan out across nodes.
 */
export interface Publisher {
  /** Committed transcript events, in seq order, to everyone in the conversation (but the socket that sent them, which has its ack). */
  messages(conversationId: string, messages: Message[], exceptSocketId?: string): void;
  /** Summary change, to the staff whose scope includes its website, admins, and its agent. */
  conversationUpdated(summary: ConversationSummary): void;
  /**
   * A new message moved only the preview and cursor (the state did not change): to the desks that list
   * the conversation, i.e. its agent's, or (while it waits unassigned: the queue overview) its website's staff.
   */
  conversationPreview(summary: ConversationSummary): void;
  /** The visitor types: to the agents watching the conversation. */
  visitorTyping(conversationId: string, author: Author, typing: boolean): void;
  /** An agent types: to the visitor's tabs and the other agents watching. */
  agentTyping(conversationId: string, author: Author, typing: boolean, exceptSocketId?: string): void;
  /** To every desktop of one agent, on any node. */
  toAgent<E extends keyof AgentServerEvents>(agentId: string, event: E, payload: Parameters<AgentServerEvents[E]>[0]): void;
  /** To supervisors' and admins' desktops (agents' presence). */
  toSupervisors<E extends keyof AgentServerEvents>(event: E, payload: Parameters<AgentServerEvents[E]>[0]): void;
  /** A session card changed: to its agent, the supervisors of its website and admins. */
  sessionCard(card: SessionCard, websiteId: string): void;
  /** The visitor's queue status (`queue` push) to the conversation's widget tabs. */
  visitorQueue(conversationId: string, status: QueueStatus): void;
  /** Read receipts, to every tab of both sides in the conversation. */
  receipt(event: ReceiptEvent): void;
  /** A contact's profile changed: to the staff of its website and admins. */
  contactUpdated(contact: Contact, websiteId: string): void;
  /** An agent's message to X changed delivery state: to the agents following its conversation. */
  xDelivery(delivery: XDelivery): void;
  /** Closes every desktop of one agent, on every node (their login sessions were revoked). */
  disconnectAgent(agentId: string): void;
  /** Closes the desktops signed in with one login session (by its token's hash), on every node. */
  disconnectLoginSession(tokenHash: string): void;
  /** Closes every live socket of these browsers (visitor rows), on any node: their tokens were just retired. */
  disconnectVisitors(visitorIds: string[]): void;
}
