import type { MediaChannel, PresenceState, RoutingPolicy } from '../../../protocol/index.ts';

/**
 * Which agent gets the next offer. Eligible: Ready on the queue's channel, has
 * the channel, is a member of the queue (unless the caller already narrowed the
 * set, e.g. a team transfer), and holds fewer sessions than their limit (1..12).
 * A returning contact goes back to the agent who last helped them when that agent
 * is eligible right now; otherwise, and for everyone else, the queue's policy
 * decides. Policies are pluggable; ties break on id so the choice is deterministic.
 */

export interface Candidate {
  id: string;
  channels: MediaChannel[];
  queueIds: string[];
  /** Presence on the channel in question. */
  state: PresenceState;
  /** Start of the current idle stretch (Ready since, last offer, last session end). */
  idleSince: Date;
  /** Offered + active + wrap-up sessions. */
  load: number;
  maxConcurrent: number;
}

export interface Need {
  channel: MediaChannel;
  /** Null = any queue (team or direct agent transfers). */
  queueId: string | null;
  exclude?: readonly string[];
  /** The agent the contact returns to (last helped them, or wrote the follow-up they answer). */
  preferred?: string | null;
}

export const MIN_CONCURRENT = 1;
export const MAX_CONCURRENT = 12;

export function clampConcurrent(n: number): number {
  return Math.min(MAX_CONCURRENT, Math.max(MIN_CONCURRENT, Math.trunc(n)));
}

export function hasCapacity(c: Pick<Candidate, 'load' | 'maxConcurrent'>): boolean {
  return c.load < clampConcurrent(c.maxConcurrent);
}

export function isEligible(c: Candidate, need: Need): boolean {
  return (
    c.state === 'ready' &&
    c.channels.includes(need.channel) &&
    (need.queueId === null || c.queueIds.includes(need.queueId)) &&
    !(need.exclude ?? []).includes(c.id) &&
    hasCapacity(c)
  );
}

type Compare = (a: Candidate, b: Candidate) => number;
const byId: Compare = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byIdle: Compare = (a, b) => a.idleSince.getTime() - b.idleSince.getTime();

export const POLICIES: Record<RoutingPolicy, Compare> = {
  /** The agent idle longest: earliest idle start. */
  longest_idle: (a, b) => byIdle(a, b) || byId(a, b),
  /** The agent with the lowest share of their limit in use, then longest idle. */
  least_busy: (a, b) => a.load / a.maxConcurrent - b.load / b.maxConcurrent || a.load - b.load || byIdle(a, b) || byId(a, b),
};

export function chooseAgent(candidates: readonly Candidate[], need: Need, policy: RoutingPolicy): Candidate | null {
  const eligible = candidates.filter((c) => isEligible(c, need));
  if (eligible.length === 0) return null;
  // Never waits for them: a preferred agent who is busy, away or full is simply passed over.
  const preferred = need.preferred ? eligible.find((c) => c.id === need.preferred) : undefined;
  return preferred ?? [...eligible].sort(POLICIES[policy])[0]!;
}
