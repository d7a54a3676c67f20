import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message, SessionCard } from '../../protocol/index.ts';
import { formatTime, t } from '../i18n/index.ts';
import type { Desk } from '../state/desk.ts';
import { searchAll, type Segment } from './history-search.ts';
import { authorLabel, eventLabel } from './labels.ts';

/**
 * Every message with this contact: the history from the server plus what arrived live since. A contact
 * with several conversations (web and X, issue 19) has several seq series: those read in time order.
 */
const keyOf = (message: Message) => `${message.conversationId}:${message.seq}`;
function allMessages(history: readonly Message[], live: readonly Message[]): Message[] {
  const byKey = new Map<string, Message>();
  // History last: its copies carry the sessionId that live pushes may lack.
  [...live, ...history].forEach((message) => byKey.set(keyOf(message), message));
  const all = [...byKey.values()];
  const oneConversation = all.every((message) => message.conversationId === all[0]?.conversationId);
  return all.sort((a, b) => (oneConversation ? a.seq - b.seq : a.createdAt.localeCompare(b.createdAt) || a.seq - b.seq));
}

/** One searchable line per message; an image reads as its caption, or "[Image]" without one. */
const textOf = (message: Message, visitorName: string, meId: string) => {
  if (message.kind === 'event') return eventLabel(message);
  const body = message.kind === 'image' && !message.text ? `[${t('image.alt')}]` : message.text;
  return `${authorLabel(message.author, meId, visitorName)}: ${body}`;
};

/**
 * The Conversation tab (seed 002): the current transcript and all previous
 * sessions with this contact, separated by session headers, with keyword search
 * (highlighted hits, next/previous, a counter; the current hit scrolled into view).
 */
export function ConversationHistory({ desk, conversationId, visitorName }: { desk: Desk; conversationId: string; visitorName: string }) {
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const history = desk.contacts.get(conversationId);
  // The current session's state comes live with the chat (e.g. wrap-up after End).
  const live = desk.mine.value.find((item) => item.id === conversationId)?.session;
  const liveSessionId = live?.id ?? null;
  useEffect(() => {
    // Loaded once per session: a returning contact's new session brings fresh cards for the earlier ones too.
    const known = !liveSessionId || history?.sessions.some((card) => card.sessionId === liveSessionId);
    if (!history || !known) void desk.contacts.load(conversationId);
  }, [conversationId, liveSessionId]);

  const messages = allMessages(history?.messages ?? [], desk.transcripts.get(conversationId).messages);
  const sessions = new Map<string, SessionCard>(
    (history?.sessions ?? []).map((card) => [card.sessionId, live?.id === card.sessionId ? { ...card, state: live.state, endedBy: live.endedBy } : card]),
  );
  const { parts, total } = searchAll(messages.map((m) => textOf(m, visitorName, desk.me.id)), query);
  const active = total === 0 ? -1 : Math.min(current, total - 1);

  useEffect(() => {
    if (active < 0) return;
    root.current?.querySelector(`mark[data-hit="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, query]);

  const step = (by: number) => total > 0 && setCurrent((was) => (Math.min(was, total - 1) + by + total) % total);

  return (
    <div class="history" ref={root}>
      <div class="history-search" role="search">
        <label class="field">
          <span>{t('history.search')}</span>
          <input
            type="search"
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setCurrent(0);
            }}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), step(e.shiftKey ? -1 : 1))}
            data-testid="history-search"
          />
        </label>
        <span class="history-count" role="status" data-testid="history-count">
          {query.trim() ? (total === 0 ? t('history.noHits') : t('history.count', { current: active + 1, total })) : ''}
        </span>
        <button type="button" class="button small" disabled={total === 0} onClick={() => step(-1)} data-testid="history-prev">
          {t('history.prev')}
        </button>
        <button type="button" class="button small" disabled={total === 0} onClick={() => step(1)} data-testid="history-next">
          {t('history.next')}
        </button>
        <button type="button" class="button small ghost" onClick={() => void desk.contacts.load(conversationId)} data-testid="history-refresh">
          {t('history.refresh')}
        </button>
      </div>
      {desk.contacts.errors.value[conversationId] && <p class="form-error" role="alert">{desk.contacts.errors.value[conversationId]}</p>}
      {!history && desk.contacts.loading.value.has(conversationId) && <p aria-busy="true">{t('history.loading')}</p>}
      <ol class="history-rows" aria-label={t('history.label', { name: visitorName })}>
        {messages.map((message, index) => {
          const group = groupOf(message);
          const previous = index > 0 ? groupOf(messages[index - 1]!) : null;
          return [
            group !== previous && group !== UNKNOWN && (
              <SessionHeader key={`h-${keyOf(message)}`} card={message.sessionId ? sessions.get(message.sessionId) : undefined} followUp={message.sessionId === null} />
            ),
            <li key={keyOf(message)} class={`history-row from-${message.author.kind}`} data-seq={message.seq}>
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time> <Highlighted segments={parts[index]!} active={active} />
            </li>,
          ];
        })}
      </ol>
    </div>
  );
}

/** Messages group by session; null = a follow-up outside any session; absent = not known (no header). */
const UNKNOWN = '?';
const groupOf = (message: Message) => (message.sessionId === undefined ? UNKNOWN : (message.sessionId ?? 'follow-up'));

function Highlighted({ segments, active }: { segments: Segment[]; active: number }) {
  return (
    <span class="history-text">
      {segments.map((segment, i) =>
        segment.hit === null ? (
          segment.text
        ) : (
          <mark key={i} class={segment.hit === active ? 'current' : undefined} data-hit={segment.hit} data-testid="history-hit" data-current={segment.hit === active ? 'true' : undefined}>
            {segment.text}
          </mark>
        ),
      )}
    </span>
  );
}

function SessionHeader({ card, followUp }: { card: SessionCard | undefined; followUp: boolean }) {
  const details = card
    ? [formatTime(card.startedAt, new Date(0)), card.queue?.name, card.agent?.name, card.wrapUpLabel ?? card.wrapUpCode ?? t(`session.state.${card.state}`)].filter(Boolean).join(' · ')
    : followUp
      ? t('history.followUp')
      : t('history.session');
  return (
    <li class="session-header" data-testid="session-header">
      <h3>{details}</h3>
    </li>
  );
}
