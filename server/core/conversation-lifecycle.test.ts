import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/index.ts';
import { agentWrites, end, take, visitorWrites, type ConversationState } from './conversation-lifecycle.ts';

const ada = { id: 'agent-ada', name: 'Ada' };
const bob = { id: 'agent-bob', name: 'Bob' };
const waiting: ConversationState = { status: 'waiting', assignedAgentId: null };
const activeAda: ConversationState = { status: 'active', assignedAgentId: ada.id };
const ended: ConversationState = { status: 'ended', assignedAgentId: null };

describe('conversation lifecycle', () => {
  it('becomes active with the agent when taken from the queue, announcing the agent', () => {
    expect(take(waiting, ada)).toEqual({
      patch: { status: 'active', assignedAgentId: ada.id },
      events: [{ type: 'agent_joined', actorName: 'Ada' }],
    });
  });

  it('refuses a second agent with CONVERSATION_TAKEN', () => {
    expect(() => take(activeAda, bob)).toThrowError(AppError);
    try {
      take(activeAda, bob);
    } catch (err) {
      expect((err as AppError).code).toBe('CONVERSATION_TAKEN');
    }
  });

  it('lets the holder take again without a new event', () => {
    expect(take(activeAda, ada)).toEqual({ patch: {}, events: [] });
  });

  it('reopens an ended conversation as waiting when the visitor writes', () => {
    expect(visitorWrites(ended)).toEqual({
      patch: { status: 'waiting', assignedAgentId: null },
      events: [{ type: 'conversation_reopened', actorName: null }],
    });
    expect(visitorWrites(waiting)).toEqual({ patch: {}, events: [] });
    expect(visitorWrites(activeAda)).toEqual({ patch: {}, events: [] });
  });

  it('lets an agent reply to an unheld conversation by taking it, but not to another agent’s', () => {
    expect(agentWrites(waiting, bob).patch).toEqual({ status: 'active', assignedAgentId: bob.id });
    expect(agentWrites(ended, bob).events).toEqual([{ type: 'agent_joined', actorName: 'Bob' }]);
    expect(() => agentWrites(activeAda, bob)).toThrowError(/already handles/);
  });

  it('ends once', () => {
    expect(end(activeAda, 'Ada').patch).toEqual({ status: 'ended', assignedAgentId: null });
    expect(end(ended, 'Ada')).toEqual({ patch: {}, events: [] });
  });
});
