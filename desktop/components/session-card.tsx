import type { SessionCard as Card } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';
import { formatDuration } from '../state/clock.ts';
import { contactLabel } from './labels.ts';

const CHANNEL_ICON: Record<Card['channel'], string> = { chat: '💬', twitter: '🐦' };

/** Live length of the session: start → end, or start → now while it runs. */
function durationMs(card: Card, now: number): number {
  const end = card.endedAt ? Date.parse(card.endedAt) : now;
  return end - Date.parse(card.startedAt);
}

/** What the card says under the name: the wrap-up code once closed, else the status (seed 003). */
function statusText(card: Card): string {
  if (card.state === 'closed' && card.wrapUpCode) return card.wrapUpLabel ?? card.wrapUpCode;
  if (card.endedBy === 'customer' && (card.state === 'abandoned' || card.state === 'wrap_up')) return t('session.endedByCustomer');
  return t(`session.state.${card.state}`);
}

/** Seed 003's session card: colour, channel icon, duration, queue, agent, status or wrap-up code. */
export function SessionCard({ card, now }: { card: Card; now: number }) {
  const name = contactLabel({ ...card.contact, email: null });
  const titleId = `card-${card.sessionId}`;
  return (
    <article class={`session-card colour-${card.colour}`} aria-labelledby={titleId} data-testid="session-card" data-colour={card.colour} data-state={card.state} data-session-id={card.sessionId}>
      <header>
        <span class="card-icon" role="img" aria-label={t(`channel.${card.channel}`)}>
          {CHANNEL_ICON[card.channel]}
        </span>
        <h3 id={titleId}>{name}</h3>
        <span class="visually-hidden">{t(`sessions.colour.${card.colour}`)}</span>
        <time class="card-duration" aria-label={t('sessions.duration', { time: formatDuration(durationMs(card, now)) })}>
          {formatDuration(durationMs(card, now))}
        </time>
      </header>
      <dl>
        <dt class="visually-hidden">{t('sessions.filterQueue')}</dt>
        <dd>{card.queue?.name ?? t('sessions.noQueue')}</dd>
        <dt class="visually-hidden">{t('transfer.agents')}</dt>
        <dd>{card.agent?.name ?? t('sessions.noAgent')}</dd>
        <dt class="visually-hidden">{t('sessions.filterState')}</dt>
        <dd class="card-status" data-testid="session-card-status">
          {statusText(card)}
        </dd>
      </dl>
    </article>
  );
}
