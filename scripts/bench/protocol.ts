/** Messages between the orchestrator and its load-generating worker processes (over the fork IPC channel). */

/** What a worker drives: the Parley server, or the bare Socket.IO relay used as the baseline. */
export interface Target {
  kind: 'parley' | 'baseline';
  /** Base URL of the node these sockets connect to. */
  url: string;
  /** Origin header the visitor handshake presents (Parley checks it per website). */
  origin: string;
  websiteKey: string;
}

/** One agent desktop: Parley agents log in by cookie; baseline agents name their rooms. */
export interface AgentSpec {
  cookie?: string;
  rooms?: string[];
}

export interface VisitorHandle {
  /** Parley: the visitor token from the first send; baseline: empty. */
  token: string;
  conversationId: string;
}

export type Command =
  | { op: 'agents'; target: Target; agents: AgentSpec[] }
  /** Parley: anonymous visitors write a first message (their session waits in the queue). Baseline: join the given rooms. */
  | { op: 'visitors'; target: Target; count: number; rooms?: string[]; concurrency: number; timeoutMs: number }
  /** Closed loop: every visitor keeps `window` messages in flight from `startMs` until `endMs`. */
  | { op: 'closed'; startMs: number; measureFrom: number; endMs: number; window: number; drainMs: number }
  /** Open loop: `rate` msg/s from this worker, due times fixed in advance, from `startMs` for `durationMs`. */
  | { op: 'open'; startMs: number; durationMs: number; rate: number; drainMs: number }
  /** Agents: receipts since the last `receipts`; `from`/`to` select the window (clears the buffers). */
  | { op: 'receipts'; from: number; to: number }
  /** Parley agents: agent `agent` takes these waiting conversations (`conversation:take`), a few at a time. */
  | { op: 'pick'; picks: { agent: number; conversationIds: string[] }[] }
  /** Agents: how many bench messages arrived since the last `receipts` (does not clear). */
  | { op: 'count' }
  /** Idle visitor sockets (reconnecting with tokens, round-robin), opened as fast as the concurrency allows. */
  | { op: 'idle'; target: Target; tokens: string[]; count: number; concurrency: number; timeoutMs: number }
  | { op: 'idle:close' }
  | { op: 'close' };

export interface VisitorsResult {
  visitors: VisitorHandle[];
  failed: number;
  errors: string[];
}
export interface AgentsResult {
  connected: number;
}
export interface PickResult {
  taken: number;
  errors: string[];
}
export interface LoadResult {
  sent: number;
  acked: number;
  /** Acks that arrived in the measurement window. */
  ackedInWindow: number;
  failed: number;
  errors: Record<string, number>;
  /** Messages still unacked when the drain timed out. */
  pending: number;
}
export interface ReceiptsResult {
  /** Bench messages received in [from, to). */
  receivedInWindow: number;
  /** Send→receive latency (ms) of messages due in [from, to). */
  latencies: number[];
  received: number;
}
export interface IdleResult {
  opened: number;
  failed: number;
  startedAt: number;
  finishedAt: number;
  errors: string[];
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type Request = { id: number; command: Command };

/** A shared wall clock with sub-millisecond precision, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

/** The bench message text carries its due time so the receiver can compute latency. */
export function benchText(dueMs: number, n: number): string {
  return `b:${dueMs.toFixed(3)}:${n}`;
}
export function parseBenchText(text: unknown): number | null {
  if (typeof text !== 'string' || !text.startsWith('b:')) return null;
  const due = Number(text.slice(2, text.indexOf(':', 2)));
  return Number.isFinite(due) ? due : null;
}
