/**
 * What a database failure means, decided in one place. Every caller that wonders "try again?"
 * asks here: the edges (`toAppError`: the client's answer), the message batcher (split a refused
 * batch) and every transaction that reruns when it lost a race (`rerunRaceLosers`). No other
 * module walks an error's causes or reads a SQLSTATE.
 *
 * - `retryable`: the database could not do it now (connection lost, out of resources, shutting
 *   down, a deadlock or serialization loser). The same request may work later → UNAVAILABLE.
 * - `validation`: the database refused the data itself (a NUL character, a value out of range,
 *   a constraint). Sending it again can never work → VALIDATION_FAILED, like a schema refusal.
 * - `internal`: anything else, a bug → INTERNAL, not retryable either.
 *
 * SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export type FailureKind = 'retryable' | 'validation' | 'internal';

/** An exact SQLSTATE wins over its two-character class; a code in neither is `internal`. */
export const SQLSTATE_KINDS: Readonly<Record<string, FailureKind>> = {
  /** serialization_failure */
  '40001': 'retryable',
  /** deadlock_detected */
  '40P01': 'retryable',
  /** protocol_violation: what we sent was malformed (a NUL in the query text); resending fails alike. */
  '08P01': 'internal',
  /** connection_exception */
  '08': 'retryable',
  /** insufficient_resources: too many connections, out of memory, disk full. */
  '53': 'retryable',
  /** operator_intervention: admin or crash shutdown, cannot connect now, statement timeout. */
  '57': 'retryable',
  /** data_exception: NUL (22021), bad jsonb escape (22P05), out of range (22003), too long (22001)… */
  '22': 'validation',
  /** integrity_constraint_violation: not null, foreign key, unique, check. */
  '23': 'validation',
};

/** Transaction losers: rerunning the whole transaction at once usually wins. */
const RERUN_AT_ONCE = new Set(['40001', '40P01']);

/** Driver errors without a SQLSTATE: the database is unreachable or the connection went away. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
const CONNECTION_MESSAGES = /PGlite is closed|database system is (shutting down|starting up)/i;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The errors of `err`'s cause chain (drizzle wraps the driver's error in `cause`), bounded. */
function* causes(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    yield e as { code?: unknown; message?: unknown };
  }
}

/** The SQLSTATE of a driver error, possibly wrapped; null when there is none. */
export function sqlStateOf(err: unknown): string | null {
  for (const e of causes(err)) if (typeof e.code === 'string' && SQLSTATE.test(e.code)) return e.code;
  return null;
}

export function kindOfSqlState(code: string): FailureKind {
  return SQLSTATE_KINDS[code] ?? SQLSTATE_KINDS[code.slice(0, 2)] ?? 'internal';
}

/**
 * A FATAL (or PANIC) error ended the session itself: whatever its SQLSTATE, the request never got a
 * working connection (an admin forbade connections with 55000, a wrong role with 28xxx, a backend was
 * killed). The message is not at fault, so it is an outage to wait out, not a refusal.
 */
function endedTheSession(err: unknown): boolean {
  for (const e of causes(err)) {
    const { severity } = e as { severity?: unknown };
    if (severity === 'FATAL' || severity === 'PANIC') return true;
  }
  return false;
}

export function failureKind(err: unknown): FailureKind {
  if (endedTheSession(err)) return 'retryable';
  const state = sqlStateOf(err);
  if (state) return kindOfSqlState(state);
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return 'retryable';
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return 'retryable';
  }
  return 'internal';
}

/** A deadlock or serialization loser: run the same transaction again now (a few times at most). */
export const shouldRerunTransaction = (err: unknown): boolean => RERUN_AT_ONCE.has(sqlStateOf(err) ?? '');

/** How many times a transaction that lost a race is rerun before its error goes to the caller. */
export const RACE_RERUNS = 3;

/**
 * Runs `attempt` (one whole transaction) and runs it again, at most RACE_RERUNS times, while it
 * fails as a deadlock or serialization loser; any other failure goes to the caller at once.
 */
export async function rerunRaceLosers<T>(attempt: () => Promise<T>): Promise<T> {
  for (let reruns = 0; ; reruns++) {
    try {
      return await attempt();
    } catch (err) {
      if (reruns < RACE_RERUNS && shouldRerunTransaction(err)) continue;
      throw err;
    }
  }
}

/**
 * A statement carrying many rows failed because of what one of them holds: the database refused
 * the data (a NUL character…), or the statement outgrew a limit of Postgres (class 54,
 * program_limit_exceeded). Alone, each row would either be stored or fail by itself, so a batch
 * failing so is split rather than failed as a whole.
 */
export const refusedSomeRow = (err: unknown): boolean => failureKind(err) === 'validation' || (sqlStateOf(err) ?? '').startsWith('54');
