/**
 * What actually went wrong under a wrapped error. Drivers and ORMs wrap the cause (drizzle's
 * "Failed query: …" around postgres' ECONNREFUSED; Node's AggregateError with an empty message
 * when every address of a host refused): an operator needs "connection refused", not the query.
 */
const SYSTEM_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  CONNECT_TIMEOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
};

/** The innermost error: follows `cause`, and the first of an AggregateError's `errors`. */
export function rootCauseOf(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 20; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else if (current instanceof Error && current.cause !== undefined && current.cause !== current) current = current.cause;
    else break;
  }
  return current;
}

/** One line for a person: the root cause first in words ("connection refused"), then its own message. */
export function describeRootCause(err: unknown): string {
  const root = rootCauseOf(err);
  if (!(root instanceof Error)) return String(root);
  const code = (root as { code?: unknown }).code;
  const words = typeof code === 'string' ? SYSTEM_CODES[code] : undefined;
  const message = root.message || (typeof code === 'string' ? code : root.name);
  return words ? `${words} (${message})` : message;
}

/** The whole story on one line: the outer message, then the root cause when it differs. */
export function describeError(err: unknown): string {
  const outer = err instanceof Error ? err.message : String(err);
  const root = describeRootCause(err);
  if (!outer) return root;
  if (root.includes(outer)) return root;
  return outer.includes(root) ? outer : `${outer}: ${root}`;
}
