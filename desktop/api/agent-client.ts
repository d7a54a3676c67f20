import type { z } from 'zod';
import type { InboundInput, InboundOutput, agentInbound, agentOutbound } from '../../protocol/index.ts';
import type { ApiError } from './api-error.ts';

/** The contract the state layer relies on; `agent-socket.ts` implements it on Socket.IO, tests with a fake. */
export type AgentRequests = typeof agentInbound;
export type AgentRequest = keyof AgentRequests;
export type AgentPushes = typeof agentOutbound;
export type AgentPush = keyof AgentPushes;
export type PushPayload<K extends AgentPush> = z.output<AgentPushes[K]>;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface AgentClient {
  /** Emits an inbound event; resolves with the ack's data, rejects with ApiError on `{ ok: false }` or timeout. */
  request<K extends AgentRequest>(event: K, payload: InboundInput<AgentRequests, K>): Promise<InboundOutput<AgentRequests, K>>;
  /** Subscribes to a validated server push; returns the unsubscribe function. */
  on<K extends AgentPush>(event: K, handler: (payload: PushPayload<K>) => void): () => void;
  /** Connection transitions; `connected` fires on the first connect and on every reconnect. */
  onState(handler: (state: ConnectionState, error?: ApiError) => void): () => void;
  close(): void;
}
