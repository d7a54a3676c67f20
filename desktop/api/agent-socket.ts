import { io, type Socket } from 'socket.io-client';
import { AGENT_NAMESPACE, agentInbound, agentOutbound, type Ack } from '../../protocol/index.ts';
import { ApiError } from './api-error.ts';
import type { AgentClient, AgentPush, AgentRequest, ConnectionState, PushPayload } from './agent-client.ts';

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
    request(event, payload) {
      return new Promise((resolve, reject) => {
        if (!socket.connected) {
          // Fail fast instead of letting Socket.IO buffer the emit for an unknown time.
          reject(new ApiError('UNAVAILABLE'));
          return;
        }
        socket.timeout(REQUEST_TIMEOUT_MS).emit(event, payload, (timeout: Error | null, ack: Ack<unknown>) => {
          if (timeout) return reject(new ApiError('UNAVAILABLE', 'The server did not answer in time.'));
          if (!ack || typeof ack !== 'object') return reject(new ApiError('INTERNAL', 'Malformed acknowledgement.'));
          if (!ack.ok) return reject(ApiError.fromWire(ack.error));
          const parsed = agentInbound[event as AgentRequest].output.safeParse(ack.data);
          if (!parsed.success) return reject(new ApiError('INTERNAL', `Unexpected answer to ${String(event)}.`));
          resolve(parsed.data as never);
        });
      });
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
