import { AppError, type MediaChannel, type PresenceState } from '../../../protocol/index.ts';

/**
 * Presence per channel (seeds 000/002). Agents choose Ready / Not Ready (reason) /
 * Away; the system sets Refused (offer rejected or expired: no more offers until
 * Ready again) and Offline (no desktop connected past the grace period).
 */
export interface PresenceSnapshot {
  channel: MediaChannel;
  state: PresenceState;
  reason: string | null;
  since: Date;
  idleSince: Date;
}

export function setByAgent(
  agentChannels: readonly MediaChannel[],
  current: PresenceSnapshot | null,
  input: { channel: MediaChannel; state: 'ready' | 'not_ready' | 'away'; reason?: string },
  at: Date,
): PresenceSnapshot {
  if (!agentChannels.includes(input.channel)) throw new AppError('CHANNEL_NOT_ALLOWED', `You are not enabled on the ${input.channel} channel.`);
  const reason = input.state === 'not_ready' ? (input.reason ?? null) : null;
  if (current && current.state === input.state && current.reason === reason) return current;
  // Becoming Ready starts an idle stretch; other states keep it for when Ready comes back.
  const idleSince = input.state === 'ready' ? at : (current?.idleSince ?? at);
  return { channel: input.channel, state: input.state, reason, since: at, idleSince };
}

export function refused(current: PresenceSnapshot, how: 'rejected' | 'expired', at: Date): PresenceSnapshot {
  return { ...current, state: 'refused', reason: how === 'rejected' ? 'offer_rejected' : 'offer_expired', since: at };
}

export function offline(current: PresenceSnapshot, at: Date): PresenceSnapshot {
  if (current.state === 'offline') return current;
  return { ...current, state: 'offline', reason: 'disconnected', since: at };
}

/** A desktop connects: an offline agent becomes Not Ready (a person must choose Ready). */
export function connected(current: PresenceSnapshot, at: Date): PresenceSnapshot {
  if (current.state !== 'offline') return current;
  return { ...current, state: 'not_ready', reason: null, since: at };
}

/** An offer made or a session ended restarts the idle stretch. */
export function busyAt(current: PresenceSnapshot, at: Date): PresenceSnapshot {
  return { ...current, idleSince: at };
}
