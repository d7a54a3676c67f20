import type { AgentRole } from '../../protocol/index.ts';

/**
 * Who may touch which conversation, session or contact: the pure rules behind the
 * authorization table (server/auth/policy.ts). No I/O: the access service loads the
 * caller and the facts, these functions decide.
 *
 * The policy, as a contact centre runs it:
 * - an agent works on the websites of the queues they belong to (their scope): they read those
 *   conversations, take waiting ones and write follow-ups there; inside a live chat they act only
 *   when they hold it (offered to them, connected or in wrap-up);
 * - a supervisor's scope adds the websites of their teams' members, and they may also transfer
 *   and end (and wrap up) the chats of that scope;
 * - an admin may do everything, everywhere.
 * A chat handed to someone outside its website's queues (a transfer to a named agent) stays
 * theirs to read and answer while they hold it, and a follow-up's author may read its answer.
 */

/** Every website (admins), or the ids of the websites in the caller's scope. */
export type Scope = 'all' | ReadonlySet<string>;

export interface Caller {
  id: string;
  role: AgentRole;
  scope: Scope;
}

export interface ConversationFacts {
  websiteId: string;
  /** The agent of the open session (offered to, connected, in wrap-up); null when nobody holds it. */
  holderId: string | null;
  /** Who wrote the asynchronous follow-up the contact has not answered yet. */
  followUpAgentId: string | null;
}

export interface SessionFacts {
  websiteId: string;
  /** Offered-to agent while offered; the connected agent while active or in wrap-up (kept after). */
  agentId: string | null;
}

export interface ContactFacts {
  websiteId: string;
  /** True when the caller holds an open session of one of the contact's conversations. */
  heldByCaller: boolean;
}

export type ConversationNeed = 'read' | 'write' | 'participate' | 'manage';
export type SessionNeed = 'read' | 'manage';
export type ContactNeed = 'write';

export const inScope = (caller: Pick<Caller, 'scope'>, websiteId: string): boolean => caller.scope === 'all' || caller.scope.has(websiteId);
const isSupervisor = (role: AgentRole) => role === 'supervisor' || role === 'admin';

/**
 * - read: open it, sync it, see its history;
 * - write: send into it (a waiting one is taken, one with no open session gets a follow-up; one
 *   held by somebody else is refused by the session rules as CONVERSATION_TAKEN);
 * - participate: typing and read receipts, which the contact sees: only its holder, or anyone
 *   in scope while nobody holds it (a follow-up being written, a chat about to be taken);
 * - manage: transfer or end it: its holder, or a supervisor of its scope.
 */
export function mayConversation(caller: Caller, need: ConversationNeed, facts: ConversationFacts): boolean {
  const holds = facts.holderId === caller.id;
  const scoped = inScope(caller, facts.websiteId);
  switch (need) {
    case 'read':
    case 'write':
      return scoped || holds || facts.followUpAgentId === caller.id;
    case 'participate':
      return holds || (facts.holderId === null && scoped);
    case 'manage':
      return holds || (isSupervisor(caller.role) && scoped);
  }
}

/**
 * - read: a session card and its events: agents their own sessions, supervisors their scope's;
 * - manage: wrap-up: its agent, or a supervisor of its scope.
 */
export function maySession(caller: Caller, need: SessionNeed, facts: SessionFacts): boolean {
  if (facts.agentId === caller.id) return true;
  return isSupervisor(caller.role) && inScope(caller, facts.websiteId);
}

/** Edit a contact (name, email, phone, attributes, verified): in scope, or while holding a chat with them. */
export function mayContact(caller: Caller, _need: ContactNeed, facts: ContactFacts): boolean {
  return facts.heldByCaller || inScope(caller, facts.websiteId);
}

/** Which session cards a list shows: an agent's own, a supervisor's scope, or all. */
export type CardsFilter = { kind: 'all' } | { kind: 'websites'; websiteIds: string[] } | { kind: 'agent'; agentId: string };

export function cardsFilter(caller: Caller): CardsFilter {
  if (caller.role === 'agent') return { kind: 'agent', agentId: caller.id };
  return caller.scope === 'all' ? { kind: 'all' } : { kind: 'websites', websiteIds: [...caller.scope] };
}

/** The websites a list is limited to (contacts search, the waiting list); null = no limit. */
export const scopeFilter = (caller: Pick<Caller, 'scope'>): string[] | null => (caller.scope === 'all' ? null : [...caller.scope]);
