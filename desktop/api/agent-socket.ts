import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { AGENT_NAMESPACE, agentInbound, agentOutbound, type Ack, type InboundInput, type InboundOutput } from '../../protocol/index.ts';
import { ApiError } from './api-error.ts';
import type { AgentClient, AgentPush, AgentRequest, AgentRequests, ConnectionState, PushPayload } from './agent-client.ts';

/** An ack that never comes means the socket is dead or the server is stuck. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Socket.IO client for the `/agent` namespace on the same origin. The session
 * cookie rides on the websocket handshake. Every ack and push is parsed with the
 * protocol schema, so the UI only ever sees well-formed data.
 */
export function connectAgentSocket(url: string = AGENT_NAMESPACE): AgentClient {
  const socket: Socket = io(url, { path: '/socket.io', transports: ['websocket'], withCredentials: true });
  const stateHandlers = new Set<(state: ConnectionState, error?: ApiError) => void>();
  const emitState = (state: ConnectionState, error?: ApiError) => stateHandlers.forEach((handler) => handler(state, error));

  socket.on('connect', () => emitState('connected'));
  socket.on('disconnect', (reason) => {
    emitState('reconnecting');
    // The server closed the socket on purpose (a node shutting down, a session revoked): socket.io
    // does not retry that by itself. Reconnect; a revoked session is refused at the handshake (→ offline).
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error: Error & { data?: unknown }) => {
    if (socket.active) emitState('reconnecting');
    else emitState('offline', ApiError.fromWire(error.data ?? { code: error.message, message: error.message }));
  });

  return {
    async request<K extends AgentRequest>(event: K, payload: InboundInput<AgentRequests, K>): Promise<InboundOutput<AgentRequests, K>> {
      // Fail fast instead of letting Socket.IO buffer the emit for an unknown time.
      if (!socket.connected) throw new ApiError('UNAVAILABLE');
      let ack: Ack<unknown> | undefined;
      try {
        ack = await socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload);
      } catch {
        // No ack in time, or the connection dropped before it came.
        throw new ApiError('UNAVAILABLE', 'The server did not answer in time.');
      }
      if (!ack || typeof ack !== 'object') throw new ApiError('INTERNAL', 'Malformed acknowledgement.');
      if (!ack.ok) throw ApiError.fromWire(ack.error);
      // Indexed by a generic event, the table's type is every answer's schema: the result is this event's.
      const schema: z.ZodType = agentInbound[event].output;
      const parsed = schema.safeParse(ack.data);
      if (!parsed.success) throw new ApiError('INTERNAL', `Unexpected answer to ${event}.`);
      return parsed.data as InboundOutput<AgentRequests, K>;
    },
    on<K extends AgentPush>(event: K, handler: (payload: PushPayload<K>) => void) {
      const listener = (raw: unknown) => {
        const parsed = agentOutbound[event].safeParse(raw);
        if (parsed.success) handler(parsed.data as PushPayload<K>);
        else console.warn(`[parley] ignored malformed "${event}" event`, parsed.error.issues);
      };
      socket.on(event as string, listener);
      return () => void socket.off(event as string, listener);
    },
    onState(handler) {
      stateHandlers.add(handler);
      return () => void stateHandlers.delete(handler);
    },
    close() {
      stateHandlers.clear();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}

export type { AgentClient, ConnectionState };
