import type { SessionCardColour, SessionDurations, SessionState } from '../../../protocol/index.ts';

/**
 * Seed 003's session card: colour and durations derived from the timestamps the
 * events set. Wait = queued → connected (or → abandoned); handle = connected →
 * ended; after-contact work = ended → closed. Open spans are null.
 */
export interface Timestamps {
  state: SessionState;
  queuedAt: Date;
  connectedAt: Date | null;
  endedAt: Date | null;
  closedAt: Date | null;
}

export function cardColour(state: SessionState): SessionCardColour {
  if (state === 'abandoned') return 'white';
  if (state === 'closed') return 'grey';
  return 'blue';
}

const span = (from: Date | null, to: Date | null) => (from && to ? Math.max(0, to.getTime() - from.getTime()) : null);

export function durations(t: Timestamps): SessionDurations {
  const waitEnd = t.connectedAt ?? (t.state === 'abandoned' ? t.endedAt : null);
  return {
    waitMs: span(t.queuedAt, waitEnd),
    handleMs: t.connectedAt ? span(t.connectedAt, t.endedAt) : null,
    afterContactWorkMs: span(t.endedAt, t.closedAt),
  };
}
