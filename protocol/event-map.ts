import type { z } from 'zod';
import type { AckCallback } from './result.ts';

/**
 * An inbound (client → server) event: its payload schema and its ack data schema.
 * Gateways look schemas up in these tables, so an event without a schema cannot
 * be registered, and the typed Socket.IO maps below are derived from them.
 */
export interface InboundSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** What the event does, for docs/api/socket-events.md (generated; a test requires one per event). */
  description?: string;
  input: I;
  output: O;
}
export type InboundTable = Record<string, InboundSpec>;

export type ClientToServer<T extends InboundTable> = {
  [K in keyof T]: (payload: z.input<T[K]['input']>, ack: AckCallback<z.output<T[K]['output']>>) => void;
};

/** Server → client events: the payload schema, described with `.describe('…')` for the generated docs. */
export type OutboundTable = Record<string, z.ZodType>;
export type ServerToClient<T extends OutboundTable> = {
  [K in keyof T]: (payload: z.output<T[K]>) => void;
};

export type InboundInput<T extends InboundTable, K extends keyof T> = z.output<T[K]['input']>;
export type InboundOutput<T extends InboundTable, K extends keyof T> = z.output<T[K]['output']>;
