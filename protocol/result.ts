import type { WireError } from './errors.ts';

/** Every acked Socket.IO event answers with this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };
export type AckCallback<T> = (result: Ack<T>) => void;

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const fail = (error: WireError): Ack<never> => ({ ok: false, error });
