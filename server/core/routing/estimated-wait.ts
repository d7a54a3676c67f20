/**
 * Estimated wait for the visitor at `position` (1-based): the median of the queue's
 * recent wait durations, scaled by how many sessions are ahead per Ready agent.
 * Null when no agent is available (the widget says so instead of a number).
 */
export const DEFAULT_WAIT_SEC = 60;

export function estimateWaitSec(input: { position: number; recentWaitsMs: number[]; readyAgents: number }): number | null {
  if (input.readyAgents <= 0) return null;
  const sorted = [...input.recentWaitsMs].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! / 1000 : DEFAULT_WAIT_SEC;
  const rounds = Math.ceil(input.position / input.readyAgents);
  return Math.max(0, Math.round(median * rounds));
}
