import type { ConversationSummary, Message } from '../../protocol/index.ts';

/** The three timers of a contact tab (seed 001), in ms; null = not shown. */
export interface ContactTimers {
  /** Grey: total handling time, from connection to the end (or now). */
  handle: number | null;
  /** Blue: how long the contact has waited since their last message, only while they wrote last. */
  waiting: number | null;
  /** Purple: after-contact work, since the chat ended. */
  acw: number | null;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/** The last message that is not an event (joins, ends…), for "who wrote last". */
function lastWritten(messages: readonly Message[]): Message | null {
  for (let i = messages.length - 1; i >= 0; i -= 1) if (messages[i]!.kind !== 'event') return messages[i]!;
  return null;
}

export function contactTimers(summary: ConversationSummary, messages: readonly Message[], now: number): ContactTimers {
  const session = summary.session;
  const connected = ms(session?.connectedAt);
  const ended = ms(session?.endedAt);
  const inWrapUp = session?.state === 'wrap_up';
  const active = session ? session.state === 'active' : summary.status === 'active';

  const handle = Number.isFinite(connected) ? Math.max(0, (Number.isFinite(ended) ? ended : now) - connected) : null;
  const acw = inWrapUp ? Math.max(0, now - (Number.isFinite(ended) ? ended : now)) : null;

  let waiting: number | null = null;
  if (active) {
    const last = lastWritten(messages);
    if (last) {
      if (last.author.kind === 'visitor') waiting = Math.max(0, now - Date.parse(last.createdAt));
    } else if (summary.lastMessage?.authorKind === 'visitor') {
      // Transcript not loaded yet: the list's preview says who wrote last.
      waiting = Math.max(0, now - Date.parse(summary.lastMessage.createdAt));
    }
  }
  return { handle, waiting, acw };
}
