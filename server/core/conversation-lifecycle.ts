import { AppError, type ConversationEventType, type ConversationStatus } from '../../protocol/index.ts';

/**
 * Issue 2's conversation lifecycle: waiting (in the default queue) → active (an
 * agent took it) → ended; a visitor writing into an ended conversation reopens
 * it as waiting. Pure: each transition returns the new state and the transcript
 * events to append (effects as data); services persist them under the row lock.
 * Issue 3 moves this onto sessions (queued, offered, connected, wrap-up…).
 */

export interface ConversationState {
  status: ConversationStatus;
  assignedAgentId: string | null;
}

export interface LifecycleEffect {
  /** Columns to write; absent when nothing changes. */
  patch: Partial<ConversationState>;
  /** Transcript events, appended in order before any message of the same use case. */
  events: { type: ConversationEventType; actorName: string | null }[];
}

const none = (): LifecycleEffect => ({ patch: {}, events: [] });

/** An agent takes the conversation (explicitly, or implicitly by replying). */
export function take(state: ConversationState, agent: { id: string; name: string }): LifecycleEffect {
  if (state.status === 'active') {
    if (state.assignedAgentId === agent.id) return none();
    if (state.assignedAgentId !== null) throw new AppError('CONVERSATION_TAKEN');
  }
  // waiting → active; an ended conversation can be continued asynchronously by any agent.
  return {
    patch: { status: 'active', assignedAgentId: agent.id },
    events: [{ type: 'agent_joined', actorName: agent.name }],
  };
}

/** A visitor writes: an ended conversation goes back to the queue. */
export function visitorWrites(state: ConversationState): LifecycleEffect {
  if (state.status !== 'ended') return none();
  return { patch: { status: 'waiting', assignedAgentId: null }, events: [{ type: 'conversation_reopened', actorName: null }] };
}

/** An agent replies: allowed to the holder, or to anyone while nobody holds it (which takes it). */
export function agentWrites(state: ConversationState, agent: { id: string; name: string }): LifecycleEffect {
  return take(state, agent);
}

/** Ends the current interaction (used by later issues' wrap-up; kept here so the machine is complete). */
export function end(state: ConversationState, actorName: string | null): LifecycleEffect {
  if (state.status === 'ended') return none();
  return { patch: { status: 'ended', assignedAgentId: null }, events: [{ type: 'conversation_ended', actorName }] };
}
