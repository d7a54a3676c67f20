import type { SessionState } from '../../protocol/index.ts';

/**
 * THE rule for which plain text messages may take the group-commit path (docs/internals/write-path.md):
 * exactly those for which the full transaction would do nothing but append the message, with no
 * routing, no assistant, no reopening and no follow-up bookkeeping.
 *
 * The batch statement applies it inside the database, under the conversation lock (the SQL function
 * `parley_append_messages`, migration 0008): that copy must say the same, which
 * `server/db/stores/batch-eligibility.test.ts` checks over every session state × author × follow-up ×
 * holder, on PGlite and on Postgres. Change the rule here, then the SQL function in a new migration,
 * and the test tells whether they agree.
 */
export const OPEN_SESSION_STATES = ['bot', 'waiting', 'offered', 'active', 'wrap_up'] as const satisfies readonly SessionState[];

export interface AppendSituation {
  /** The conversation's open session, if any (a closed or abandoned one is not open). */
  openSession: { state: SessionState; agentId: string | null } | null;
  author: { kind: 'visitor' | 'agent'; id: string | null };
  /** An agent's asynchronous follow-up waits for the visitor's answer (`conversations.follow_up_agent_id`). */
  followUpPending: boolean;
}

const isOpen = (state: SessionState) => (OPEN_SESSION_STATES as readonly SessionState[]).includes(state);

export function takesBatchPath({ openSession, author, followUpPending }: AppendSituation): boolean {
  // No open session: the message opens one (visitor) or is a follow-up (agent). An assistant answers in its own transaction.
  if (!openSession || !isOpen(openSession.state) || openSession.state === 'bot') return false;
  // The visitor's answer to a follow-up tells its author and reopens routing to them.
  if (author.kind === 'visitor') return !followUpPending;
  // An agent replying to a chat they do not hold would take it (or be refused).
  return (openSession.state === 'active' || openSession.state === 'wrap_up') && openSession.agentId !== null && openSession.agentId === author.id;
}
