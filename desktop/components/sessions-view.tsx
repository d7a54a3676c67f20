import { useEffect } from 'preact/hooks';
import { SessionState } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';
import type { Desk } from '../state/desk.ts';
import { SessionCard } from './session-card.tsx';

/** Supervisor view: live session cards, filtered by queue and state. */
export function SessionsView({ desk }: { desk: Desk }) {
  const cards = desk.cards;
  useEffect(() => {
    void cards.load();
  }, []);
  const visible = cards.visible.value;
  const now = desk.now.value;

  return (
    <section class="sessions-view" aria-labelledby="sessions-title">
      <header class="sessions-head">
        <h2 id="sessions-title">{t('sessions.title')}</h2>
        <label class="field inline">
          <span>{t('sessions.filterQueue')}</span>
          <select value={cards.queueFilter.value} onChange={(e) => (cards.queueFilter.value = e.currentTarget.value)} data-testid="sessions-filter-queue">
            <option value="">{t('sessions.allQueues')}</option>
            {cards.queues.value.map((queue) => (
              <option key={queue.id} value={queue.id}>
                {queue.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span>{t('sessions.filterState')}</span>
          <select
            value={cards.stateFilter.value}
            onChange={(e) => (cards.stateFilter.value = e.currentTarget.value as SessionState | '')}
            data-testid="sessions-filter-state"
          >
            <option value="">{t('sessions.allStates')}</option>
            {SessionState.options.map((state) => (
              <option key={state} value={state}>
                {t(`session.state.${state}`)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {cards.error.value && (
        <p class="form-error" role="alert">
          {cards.error.value}
        </p>
      )}
      {cards.loading.value && visible.length === 0 ? (
        <p aria-busy="true">{t('sessions.loading')}</p>
      ) : visible.length === 0 ? (
        <p class="list-empty">{t('sessions.empty')}</p>
      ) : (
        <div class="session-cards" data-testid="session-cards">
          {visible.map((card) => (
            <SessionCard key={card.sessionId} card={card} now={now} />
          ))}
        </div>
      )}
    </section>
  );
}
