import { useEffect, useRef } from 'preact/hooks';
import type { ContactHistory, Message, SessionCard } from '../../protocol/index.ts';
import { eventLabel } from '../components/labels.ts';
import { OutboxRows, type OutboxActions } from '../components/outbox-rows.tsx';
import { Body } from '../components/transcript.tsx';
import type { OutboxEntry } from '../state/outbox.ts';
import { formatTime, t } from '../i18n/index.ts';

type Row = { kind: 'header'; key: string; session: SessionCard | null } | { kind: 'message'; key: string; message: Message };

/**
 * Messages in seq order, with a header wherever the session changes (null = follow-ups outside a session).
 * A contact with several conversations (web and X, issue 19) comes in the server's time order instead.
 */
export function withSessionHeaders(history: ContactHistory): Row[] {
  const sessions = new Map(history.sessions.map((session) => [session.sessionId, session]));
  const rows: Row[] = [];
  let current: string | null | undefined;
  const oneConversation = history.messages.every((m) => m.conversationId === history.conversationId);
  for (const message of oneConversation ? [...history.messages].sort((a, b) => a.seq - b.seq) : history.messages) {
    const sessionId = message.sessionId ?? null;
    // An event without a session (joined, ended…) belongs where it stands; it does not open a section.
    const startsSection = sessionId !== current && !(message.kind === 'event' && sessionId === null && current !== undefined);
    if (startsSection) {
      current = sessionId;
      rows.push({ kind: 'header', key: `h-${message.id}`, session: sessionId ? (sessions.get(sessionId) ?? null) : null });
    }
    rows.push({ kind: 'message', key: message.id, message });
  }
  return rows;
}

function SessionHeader({ session }: { session: SessionCard | null }) {
  if (!session) return <li class="comm-session-header" data-testid="comm-session-header">{t('comm.followUps')}</li>;
  const parts = [
    t('comm.sessionOf', { date: formatTime(session.startedAt) }),
    session.queue?.name,
    session.channel === 'twitter' ? t('comm.channelX') : null,
    session.agent?.name,
    session.wrapUpLabel ?? session.wrapUpCode ?? t(`session.state.${session.state}`),
  ].filter(Boolean);
  return (
    <li class="comm-session-header" data-testid="comm-session-header" data-session-id={session.sessionId}>
      {parts.join(' · ')}
    </li>
  );
}

function authorName(message: Message): string {
  if (message.author.name) return message.author.name;
  return t(`author.${message.author.kind === 'visitor' ? 'visitor' : 'agent'}`);
}

/** The whole history with a contact, then what the agent has not sent yet; text is rendered as text, never HTML. */
export function CommTranscript({ history, pending = [], actions }: { history: ContactHistory; pending?: readonly OutboxEntry[]; actions?: OutboxActions }) {
  const rows = withSessionHeaders(history);
  const count = rows.length + pending.length;
  const root = useRef<HTMLElement>(null);
  // Follow the conversation: the newest message (e.g. the contact's answer) is in view.
  useEffect(() => {
    if (root.current) root.current.scrollTop = root.current.scrollHeight;
  }, [count]);
  return (
    <section ref={root} class="comm-transcript" aria-label={t('comm.transcript')} data-testid="comm-transcript" tabIndex={0}>
      {count === 0 ? (
        <p class="list-empty">{t('comm.noMessages')}</p>
      ) : (
        <ol class="comm-rows">
          {rows.map((row) =>
            row.kind === 'header' ? (
              <SessionHeader key={row.key} session={row.session} />
            ) : row.message.kind === 'event' ? (
              <li key={row.key} class="comm-event" data-testid="comm-event">
                {eventLabel(row.message)} · <time dateTime={row.message.createdAt}>{formatTime(row.message.createdAt)}</time>
              </li>
            ) : (
              <li key={row.key} class={`comm-message from-${row.message.author.kind}`} data-testid="comm-message">
                <span class="comm-meta">
                  <span class="author">{authorName(row.message)}</span> <time dateTime={row.message.createdAt}>{formatTime(row.message.createdAt)}</time>
                </span>
                <span class="comm-text">
                  <Body message={row.message} />
                </span>
              </li>
            ),
          )}
          <OutboxRows entries={pending} rowClass="comm-message from-agent" actions={actions} />
        </ol>
      )}
    </section>
  );
}
